"""Everything that talks to the Telegram Bot API: notifications, chat replies, the webhook and
long polling calls.

Notifications go to every active connection after the transaction commits. Nothing is sent while
TELEGRAM_BOT_TOKEN is empty. A failed send is logged and never fails the request that caused it;
a chat that blocked the bot is deactivated, as the legacy bot did.
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
DEFAULT_EMOJI = "📬"


class TelegramError(Exception):
    """Telegram was unreachable, too slow, or refused the call (`str()` says which).

    `status` is the HTTP status Telegram answered (None when it did not answer) and
    `retry_after` the seconds it asked to wait before the next call (429), if any.
    """

    def __init__(self, message, status=None, retry_after=None):
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after

    @property
    def is_transient(self):
        """Worth trying again later: no answer, a server error, or too many requests."""
        return self.status is None or self.status == 429 or self.status >= 500


def call(method, http_timeout=None, **params):
    """Call Bot API `method` with JSON `params`; returns its `result` or raises TelegramError.

    The call may take TELEGRAM_TIMEOUT_SECONDS, or `http_timeout` seconds (a long poll).
    """
    base_url = settings.TELEGRAM_API_BASE_URL.rstrip("/")
    try:
        response = requests.post(
            f"{base_url}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}",
            json=params,
            timeout=http_timeout or settings.TELEGRAM_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise TelegramError(f"Telegram is unreachable: {error}") from error
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    if not response.ok or not body.get("ok"):
        description = body.get("description") or response.text[:200]
        parameters = body.get("parameters")
        retry_after = parameters.get("retry_after") if isinstance(parameters, dict) else None
        raise TelegramError(
            f"Telegram answered {response.status_code}: {description}",
            status=response.status_code,
            retry_after=retry_after if isinstance(retry_after, (int, float)) else None,
        )
    return body.get("result")


def send_message(chat_id, text):
    call("sendMessage", chat_id=chat_id, text=text, parse_mode="Markdown")


def set_webhook(url, secret_token):
    """Ask Telegram to POST chat messages to `url`, with `secret_token` in a header."""
    call("setWebhook", url=url, secret_token=secret_token, allowed_updates=["message"])


def webhook_url():
    """The webhook Telegram sends the bot's messages to; empty when none is set."""
    return call("getWebhookInfo").get("url", "")


def delete_webhook():
    """Remove the webhook (pending messages are kept, for getUpdates to fetch)."""
    call("deleteWebhook", drop_pending_updates=False)


def get_updates(offset, timeout):
    """The bot's messages from `offset` on (all unconfirmed ones when None), waiting up to
    `timeout` seconds for one to come."""
    position = {} if offset is None else {"offset": offset}
    return call(
        "getUpdates",
        http_timeout=timeout + settings.TELEGRAM_TIMEOUT_SECONDS,
        **position,
        timeout=timeout,
        allowed_updates=["message"],
    )


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
