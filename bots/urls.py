"""URLs of the bots app, mounted under /api/v1 (see scalper/api/urls.py)."""

from bots import views
from scalper.api.routers import both_spellings

# (prefix, viewset, basename) registered on the API router.
api_routes = [
    ("bots", views.BotViewSet, "bots"),
    ("logs", views.ActivityLogViewSet, "logs"),
    ("trades", views.TradeViewSet, "trade"),
    ("telegram", views.TelegramViewSet, "telegram"),
]

urlpatterns = [
    *both_spellings(
        r"^telegram/webhook", views.TelegramWebhookView.as_view(), name="telegram-webhook"
    ),
]
