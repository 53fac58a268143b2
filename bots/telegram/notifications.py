"""What is sent to Telegram chats: notifications to every active connection, replies to one chat.

Both are sent after the transaction commits, and nothing is sent while TELEGRAM_BOT_TOKEN is
empty. A failed send is logged and never fails the request that caused it; a chat that blocked
the bot is deactivated, as the legacy bot did.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from bots.models import LogLevel
from bots.telegram.bot_api import TelegramError, send_message
from bots.telegram.models import TelegramConnection

logger = logging.getLogger(__name__)

EMOJI = {
    LogLevel.INFO: "ℹ️",
    LogLevel.SUCCESS: "✅",
    LogLevel.WARNING: "⚠️",
    LogLevel.ERROR: "❌",
    LogLevel.TELEGRAM: "📱",
}
DEFAULT_EMOJI = "📬"


def format_notification(level, message):
    return f"{EMOJI.get(level, DEFAULT_EMOJI)} {message}"


def send_now(level, message):
    """Send `message` to every active connection; returns how many chats received it."""
    if not settings.TELEGRAM_BOT_TOKEN:
        return 0
    text = format_notification(level, message)
    delivered, blocked = [], []
    for connection in TelegramConnection.objects.filter(is_active=True):
        try:
            send_message(connection.chat_id, text)
        except TelegramError as error:
            logger.warning("Telegram notification to chat %s failed: %s", connection.chat_id, error)
            if "blocked" in str(error).lower():
                blocked.append(connection.pk)
        else:
            delivered.append(connection.pk)
    TelegramConnection.objects.filter(pk__in=delivered).update(last_notification_at=timezone.now())
    TelegramConnection.objects.filter(pk__in=blocked).update(is_active=False)
    return len(delivered)


def notify(level, message):
    """Send `message` once the current transaction commits (at once outside a transaction)."""

    def send():
        try:
            send_now(level, message)
        except Exception:  # a notification must never break the operation that caused it
            logger.exception("Telegram notification failed")

    transaction.on_commit(send)


def reply(chat_id, text):
    """Answer one chat once the current transaction commits; a failure is only logged."""

    def send():
        if not settings.TELEGRAM_BOT_TOKEN:
            logger.warning("TELEGRAM_BOT_TOKEN is not set: no reply to chat %s", chat_id)
            return
        try:
            send_message(chat_id, text)
        except TelegramError as error:
            logger.warning("Telegram reply to chat %s failed: %s", chat_id, error)

    transaction.on_commit(send)
