"""Telegram notifications to every active connection, sent after the transaction commits.

Nothing is sent while TELEGRAM_BOT_TOKEN is empty. A failed send is logged and never fails the
request that caused it; a chat that blocked the bot is deactivated, as the legacy bot did.
"""

import logging

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bots.models import LogLevel, TelegramConnection

logger = logging.getLogger(__name__)

EMOJI = {
    LogLevel.INFO: "ℹ️",
    LogLevel.SUCCESS: "✅",
    LogLevel.WARNING: "⚠️",
    LogLevel.ERROR: "❌",
    LogLevel.TELEGRAM: "📱",
}


def send_message(chat_id, text):
    """POST sendMessage to the Telegram Bot API; raises requests.RequestException on failure."""
    url = (
        f"{settings.TELEGRAM_API_BASE_URL.rstrip('/')}/bot{settings.TELEGRAM_BOT_TOKEN}/sendMessage"
    )
    response = requests.post(
        url,
        json={"chat_id": chat_id, "text": text, "parse_mode": "Markdown"},
        timeout=settings.TELEGRAM_TIMEOUT_SECONDS,
    )
    if not response.ok:
        raise requests.HTTPError(
            f"Telegram answered {response.status_code}: {response.text[:200]}", response=response
        )


def send_now(level, message):
    """Send `message` to every active connection; returns how many chats received it."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return 0
    text = f"{EMOJI.get(level, '📬')} {message}"
    delivered = 0
    for connection in TelegramConnection.objects.filter(is_active=True):
        try:
            send_message(connection.chat_id, text)
        except requests.RequestException as error:
            logger.warning("Telegram notification to chat %s failed: %s", connection.chat_id, error)
            if "blocked" in str(error).lower():
                connection.is_active = False
                connection.save(update_fields=["is_active"])
            continue
        connection.last_notification_at = timezone.now()
        connection.save(update_fields=["last_notification_at"])
        delivered += 1
    return delivered


def notify(level, message):
    """Send `message` once the current transaction commits (at once outside a transaction)."""

    def send():
        try:
            send_now(level, message)
        except Exception:  # a notification must never break the operation that caused it
            logger.exception("Telegram notification failed")

    transaction.on_commit(send)
