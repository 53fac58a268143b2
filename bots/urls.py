"""URLs of the bots app, mounted under /api/v1 (see scalper/api/urls.py)."""

from bots import views

# (prefix, viewset, basename) registered on the API router.
api_routes = [
    ("bots", views.BotViewSet, "bots"),
    ("logs", views.ActivityLogViewSet, "logs"),
    ("trades", views.TradeViewSet, "trade"),
]

urlpatterns = []
