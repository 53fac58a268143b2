"""Long polling: the bot's messages fetched from Telegram (getUpdates) instead of a webhook.

For a server Telegram cannot reach (a LAN, a laptop), as the legacy bot worked. Each update goes
through the webhook's validation and handler, one at a time. The offset given to getUpdates
confirms the updates handled so far, so an update is handled once even across restarts (one that
was being fetched when the poller stopped is fetched again next time).

Failures: when Telegram is unreachable or answers 5xx or 429, the poller waits and tries again,
doubling the wait up to a cap (429: at least the `retry_after` Telegram asks for). When the
database is down, the update is fetched again after the same wait. An update the handler fails on
for any other reason is logged and skipped, so one bad update cannot stop the bot.
"""

import contextlib
import logging
import time

from django.db import DatabaseError, close_old_connections

from bots.telegram import bot_api, updates
from bots.telegram.bot_api import TelegramError
from bots.telegram.serializers import TelegramUpdateSerializer

logger = logging.getLogger(__name__)

FIRST_WAIT_SECONDS = 1.0


class Stopped(BaseException):
    """Raised from a signal handler to cut short a long poll or a wait (a BaseException, like
    KeyboardInterrupt, so that no `except Exception` on the way swallows it)."""


class PollingRefused(Exception):
    """Telegram refuses polling for a reason waiting will not fix; `str()` says what to do."""


def refusal(error):
    """The PollingRefused for a TelegramError that is not transient."""
    text = str(error)
    if error.status == 401:
        return PollingRefused(f"{text}. Check TELEGRAM_BOT_TOKEN (the token @BotFather gave).")
    if error.status == 409 and "webhook" in text.lower():
        return PollingRefused(
            f"{text}. A webhook is set: run `python manage.py telegram_poll --delete-webhook` "
            "to remove it and poll."
        )
    if error.status == 409:
        return PollingRefused(
            f"{text}. Another process polls with this bot token (another telegram_poll, or the "
            "legacy bot): stop it, then start this one again."
        )
    return PollingRefused(text)


class Poller:
    """Fetches updates and hands each one to the webhook's handler until `stop()` is called.

    `long_poll_seconds` is how long one getUpdates waits for a message; waits after failures
    double from one second up to `max_wait_seconds`.
    """

    def __init__(self, long_poll_seconds=30, max_wait_seconds=60.0):
        self.long_poll_seconds = long_poll_seconds
        self.max_wait_seconds = max_wait_seconds
        self.offset = None
        self.handled = 0
        self.stop_requested = False
        # True while the poller only waits (a long poll, a pause after a failure): a stop may
        # cut that short at once. False while an update is handled, which is always finished.
        self.interruptible = False
        self._failures = 0

    def stop(self):
        """Stop after the update being handled, if any; returns whether waiting may be cut short."""
        self.stop_requested = True
        return self.interruptible

    def call_with_retries(self, function, *args):
        """`function(*args)`, tried again after transient Telegram failures until it succeeds."""
        while not self.stop_requested:
            try:
                with self._interruptible():
                    result = function(*args)
            except TelegramError as error:
                if not error.is_transient:
                    raise refusal(error) from None
                self._wait_after_failure(error, error.retry_after)
            else:
                self._failures = 0
                return result
        raise Stopped

    def run(self):
        """Poll until stopped; raises PollingRefused when Telegram will not be polled."""
        try:
            while not self.stop_requested:
                fetched = self.call_with_retries(
                    bot_api.get_updates, self.offset, self.long_poll_seconds
                )
                for update in fetched:
                    if self.stop_requested:
                        break
                    if not self._handle(update):
                        break
        except Stopped:
            pass
        self._confirm()

    def _handle(self, update):
        """Handle one update; False if it must be fetched again (the database is down)."""
        update_id = update.get("update_id") if isinstance(update, dict) else None
        close_old_connections()
        try:
            serializer = TelegramUpdateSerializer(data=update)
            if serializer.is_valid():
                updates.handle_update(serializer.validated_data)
            else:
                logger.warning("Telegram update %s skipped: %s", update_id, serializer.errors)
        except DatabaseError as error:
            self._wait_after_failure(error)
            return False
        except Exception:
            logger.exception("Telegram update %s failed and was skipped", update_id)
        finally:
            close_old_connections()
        if isinstance(update_id, int):
            self.offset = update_id + 1
        self.handled += 1
        return True

    def _confirm(self):
        """Tell Telegram which updates were handled, so that the next start does not repeat them."""
        if self.offset is None:
            return
        try:
            bot_api.call("getUpdates", offset=self.offset, timeout=0, limit=1)
        except TelegramError as error:
            logger.warning("Could not confirm the handled updates to Telegram: %s", error)

    def _wait_after_failure(self, error, at_least=None):
        self._failures += 1
        wait = min(self.max_wait_seconds, FIRST_WAIT_SECONDS * 2 ** (self._failures - 1))
        if at_least:
            wait = max(wait, at_least)
        logger.warning("%s; trying again in %.1f seconds", error, wait)
        with self._interruptible():
            if not self.stop_requested:
                time.sleep(wait)

    @contextlib.contextmanager
    def _interruptible(self):
        self.interruptible = True
        try:
            yield
        finally:
            self.interruptible = False
