"""URLs of the bots app, mounted under /api/v1 (see scalper/api/urls.py)."""

from bots.views.activity_logs import ActivityLogViewSet
from bots.views.bots import BotViewSet
from bots.views.trades import TradeViewSet

# (prefix, viewset, basename) registered on the API router.
api_routes = [
    ("bots", BotViewSet, "bots"),
    ("logs", ActivityLogViewSet, "logs"),
    ("trades", TradeViewSet, "trade"),
]

urlpatterns = []
