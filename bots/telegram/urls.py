"""URLs of Telegram, mounted under /api/v1 (see scalper/api/urls.py)."""

from bots.telegram.views import TelegramViewSet, TelegramWebhookView
from scalper.api.routers import both_spellings

# (prefix, viewset, basename) registered on the API router.
api_routes = [("telegram", TelegramViewSet, "telegram")]

urlpatterns = [
    *both_spellings(r"^telegram/webhook", TelegramWebhookView.as_view(), name="telegram-webhook"),
]
