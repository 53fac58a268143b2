"""URLs of the bots app, mounted under /api/v1 (see scalper/api/urls.py)."""

from bots.views import ActivityLogViewSet, BotViewSet

# (prefix, viewset, basename) registered on the API router.
api_routes = [
    ("bots", BotViewSet, "bots"),
    ("logs", ActivityLogViewSet, "logs"),
]

urlpatterns = []
