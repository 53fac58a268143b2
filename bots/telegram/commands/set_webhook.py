"""Point the Telegram bot at this server's webhook (Telegram's setWebhook)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.core.validators import URLValidator
from django.urls import reverse

from bots.telegram.bot_api import TelegramError, set_webhook


class Command(BaseCommand):
    help = (
        "Tell Telegram to send the bot's messages to <public base url>/api/v1/telegram/webhook, "
        "with TELEGRAM_WEBHOOK_SECRET as its secret token."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "base_url", help="The public HTTPS address of this server, e.g. https://scalper.example"
        )

    def handle(self, *args, base_url, **options):
        try:
            URLValidator(schemes=["https"])(base_url)
        except ValidationError:
            raise CommandError(
                f"{base_url!r} is not an https:// URL; Telegram only calls HTTPS webhooks."
            ) from None
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError("TELEGRAM_BOT_TOKEN is not set.")
        if not settings.TELEGRAM_WEBHOOK_SECRET:
            raise CommandError(
                "TELEGRAM_WEBHOOK_SECRET is not set; the webhook refuses every call without it."
            )
        url = base_url.rstrip("/") + reverse("telegram-webhook")
        try:
            set_webhook(url, settings.TELEGRAM_WEBHOOK_SECRET)
        except TelegramError as error:
            raise CommandError(f"setWebhook failed: {error}") from None
        self.stdout.write(self.style.SUCCESS(f"Telegram now sends the bot's messages to {url}"))
