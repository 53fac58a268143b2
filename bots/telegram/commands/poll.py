"""Fetch the Telegram bot's messages by long polling, for a server Telegram cannot reach."""

import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from bots.telegram import bot_api
from bots.telegram.polling import Poller, PollingRefused, Stopped


class Command(BaseCommand):
    help = (
        "Fetch the bot's messages from Telegram (getUpdates) and answer them as the webhook does, "
        "until SIGTERM or SIGINT. For a server without a public HTTPS address."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete-webhook",
            action="store_true",
            help="Remove the webhook if one is set (Telegram refuses polling while it is).",
        )
        parser.add_argument(
            "--timeout",
            type=int,
            default=30,
            help="Seconds one getUpdates call waits for a message (default 30, at most 50).",
        )
        parser.add_argument(
            "--max-backoff",
            type=float,
            default=60.0,
            help="The longest wait, in seconds, between tries while Telegram is unreachable "
            "(default 60; waits double from 1 second).",
        )

    def handle(self, *args, delete_webhook, timeout, max_backoff, **options):
        if not settings.TELEGRAM_BOT_TOKEN:
            raise CommandError(
                "TELEGRAM_BOT_TOKEN is not set: set it to the token @BotFather gave the bot."
            )
        if not 0 <= timeout <= 50:
            raise CommandError(f"--timeout must be between 0 and 50 seconds, got {timeout}.")
        if max_backoff <= 0:
            raise CommandError(f"--max-backoff must be more than 0 seconds, got {max_backoff}.")
        poller = Poller(long_poll_seconds=timeout, max_wait_seconds=max_backoff)

        def on_signal(signum, frame):
            if poller.stop():
                raise Stopped

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self._check_webhook(poller, delete_webhook)
            self.stdout.write("Polling Telegram for the bot's messages (stop with Ctrl+C).")
            poller.run()
        except Stopped:
            pass
        except PollingRefused as error:
            raise CommandError(str(error)) from None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        self.stdout.write(f"Stopped after {poller.handled} updates.")

    def _check_webhook(self, poller, delete_webhook):
        url = poller.call_with_retries(bot_api.webhook_url)
        if not url:
            return
        if not delete_webhook:
            raise CommandError(
                f"A webhook is set ({url}): Telegram sends the bot's messages there and refuses "
                "polling. Either keep the webhook and do not poll, or run "
                "`python manage.py telegram_poll --delete-webhook` to remove it and poll."
            )
        poller.call_with_retries(bot_api.delete_webhook)
        self.stdout.write(f"Webhook {url} removed.")
