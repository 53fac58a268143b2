"""The calls to the Telegram Bot API (https://core.telegram.org/bots/api).

Nothing here decides whether to call: callers check TELEGRAM_BOT_TOKEN first.
"""

import requests
from django.conf import settings


class TelegramError(Exception):
    """Telegram was unreachable, too slow, or refused the call (`str()` says which)."""


def call(method, **params):
    """Call Bot API `method` with JSON `params`; returns its `result` or raises TelegramError."""
    base_url = settings.TELEGRAM_API_BASE_URL.rstrip("/")
    try:
        response = requests.post(
            f"{base_url}/bot{settings.TELEGRAM_BOT_TOKEN}/{method}",
            json=params,
            timeout=settings.TELEGRAM_TIMEOUT_SECONDS,
        )
    except requests.RequestException as error:
        raise TelegramError(f"Telegram is unreachable: {error}") from error
    try:
        body = response.json()
    except ValueError:
        body = {}
    if not response.ok or not body.get("ok"):
        description = body.get("description") or response.text[:200]
        raise TelegramError(f"Telegram answered {response.status_code}: {description}")
    return body.get("result")


def send_message(chat_id, text):
    call("sendMessage", chat_id=chat_id, text=text, parse_mode="Markdown")


def set_webhook(url, secret_token):
    """Ask Telegram to POST chat messages to `url`, with `secret_token` in a header."""
    call("setWebhook", url=url, secret_token=secret_token, allowed_updates=["message"])
