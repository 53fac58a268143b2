"""The calls to the Telegram Bot API (https://core.telegram.org/bots/api).

Nothing here decides whether to call: callers check TELEGRAM_BOT_TOKEN first.
"""

import requests
from django.conf import settings


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
