"""python manage.py telegram_poll: the bot's messages fetched by long polling (getUpdates).

Telegram is the fake server of the `telegram` fixture. The database is used without a wrapping
transaction (`transactional_db`), as the command uses it: replies leave as soon as an update is
handled. The last tests run the command as a real process and stop it with SIGTERM.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError, connection

from bots.telegram import polling, services, updates
from bots.telegram.models import TelegramConnection
from bots.telegram.polling import Poller, PollingRefused
from tests.conftest import TELEGRAM_TEST_TOKEN
from tests.support.databases import PROJECT_DIR
from tests.support.fake_telegram import WEBHOOK_CONFLICT, Failure

pytestmark = pytest.mark.django_db(transaction=True)

CHAT = 424242


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.02)


def run_until(poller, condition, timeout=10.0):
    """Run `poller` in this thread; stop it (as SIGTERM would) once `condition()` holds."""

    def stop_when_done():
        wait_for(condition, timeout)
        poller.stop()

    stopper = threading.Thread(target=stop_when_done, daemon=True)
    stopper.start()
    poller.run()
    stopper.join()


def test_a_code_sent_to_the_bot_connects_the_chat(telegram):
    code = services.generate_connection_code().connection_code
    update_id = telegram.send_text(CHAT, code, username="ada_trades")
    poller = Poller(long_poll_seconds=1)

    run_until(poller, lambda: telegram.texts_sent_to(str(CHAT)))

    connection_row = TelegramConnection.objects.get(chat_id=str(CHAT))
    assert (connection_row.is_active, connection_row.username) == (True, "ada_trades")
    assert telegram.texts_sent_to(str(CHAT)) == [updates.CONNECTED]
    polls = telegram.calls_of("getUpdates")
    assert polls[0] == {"timeout": 1, "allowed_updates": ["message"]}
    assert polls[1]["offset"] == update_id + 1
    assert poller.handled == 1


def test_commands_are_answered_as_the_webhook_answers_them(telegram):
    for text in ("/start", "/help", "/status", "hello"):
        telegram.send_text(CHAT, text)

    run_until(Poller(long_poll_seconds=1), lambda: len(telegram.sent_messages) == 4)

    assert telegram.texts_sent_to(str(CHAT)) == [
        updates.WELCOME,
        updates.HELP,
        updates.NOT_CONNECTED,
        updates.NOT_UNDERSTOOD,
    ]


def test_handled_updates_are_confirmed_when_the_poller_stops_so_a_restart_skips_them(telegram):
    telegram.send_text(CHAT, "/help")

    run_until(Poller(long_poll_seconds=1), lambda: telegram.sent_messages)

    assert telegram.pending_update_ids == []
    run_until(Poller(long_poll_seconds=0), lambda: len(telegram.calls_of("getUpdates")) >= 4)
    assert len(telegram.sent_messages) == 1


def test_an_update_the_handler_cannot_read_is_skipped_and_the_next_one_handled(telegram, caplog):
    bad = telegram.send_update({"message": {"chat": "not a chat", "text": "/help"}})
    telegram.send_text(CHAT, "/help")

    run_until(Poller(long_poll_seconds=1), lambda: telegram.sent_messages)

    assert telegram.texts_sent_to(str(CHAT)) == [updates.HELP]
    assert f"Telegram update {bad} skipped" in caplog.text
    assert telegram.pending_update_ids == []


def test_unreachable_5xx_and_429_are_retried_with_doubling_waits_up_to_the_cap(
    telegram, monkeypatch, caplog
):
    monkeypatch.setattr(polling, "FIRST_WAIT_SECONDS", 0.1)
    telegram.fail_next(
        "getUpdates",
        Failure(None),
        Failure(502, "Bad Gateway"),
        Failure(500, "Internal Server Error"),
        Failure(503, "Service Unavailable"),
        Failure(429, "Too Many Requests: retry after 1", retry_after=1),
    )
    telegram.send_text(CHAT, "/help")

    run_until(Poller(long_poll_seconds=1, max_wait_seconds=0.3), lambda: telegram.sent_messages)

    times = [call.at for call in telegram.calls if call.method == "getUpdates"]
    waits = [later - earlier for earlier, later in zip(times, times[1:], strict=False)][:5]
    # 0.1, 0.2, then the cap (0.3) twice, then the 1 second Telegram asked for.
    for wait, expected in zip(waits, [0.1, 0.2, 0.3, 0.3, 1.0], strict=True):
        assert expected <= wait < expected + 0.5, waits
    assert telegram.texts_sent_to(str(CHAT)) == [updates.HELP]
    assert "Telegram is unreachable" in caplog.text
    assert "Telegram answered 429" in caplog.text


def test_a_refused_token_stops_the_poller_with_what_to_check(telegram):
    telegram.fail_next("getUpdates", Failure(401, "Unauthorized"))

    with pytest.raises(PollingRefused, match="Check TELEGRAM_BOT_TOKEN"):
        Poller(long_poll_seconds=1).run()


def test_another_poller_on_the_same_token_stops_this_one_with_what_to_do(telegram):
    conflict = "Conflict: terminated by other getUpdates request"
    telegram.fail_next("getUpdates", Failure(409, conflict))

    with pytest.raises(PollingRefused, match="Another process polls with this bot token"):
        Poller(long_poll_seconds=1).run()


def test_the_command_refuses_to_start_without_a_token(settings):
    settings.TELEGRAM_BOT_TOKEN = ""

    with pytest.raises(CommandError, match="TELEGRAM_BOT_TOKEN is not set"):
        call_command("telegram_poll")


def test_the_command_refuses_to_start_while_a_webhook_is_set_and_says_what_to_do(telegram):
    telegram.webhook_url = "https://scalper.example.com/api/v1/telegram/webhook"

    with pytest.raises(CommandError) as refused:
        call_command("telegram_poll")

    assert "A webhook is set (https://scalper.example.com/api/v1/telegram/webhook)" in str(
        refused.value
    )
    assert "--delete-webhook" in str(refused.value)
    assert telegram.calls_of("getUpdates") == []
    assert telegram.webhook_url


def test_a_webhook_set_after_the_start_stops_the_poller_with_what_to_do(telegram):
    telegram.fail_next("getUpdates", Failure(409, WEBHOOK_CONFLICT))

    with pytest.raises(PollingRefused, match="--delete-webhook"):
        Poller(long_poll_seconds=1).run()


def test_with_delete_webhook_the_command_removes_it_polls_and_stops_on_sigterm(telegram, capsys):
    telegram.webhook_url = "https://scalper.example.com/api/v1/telegram/webhook"
    telegram.send_text(CHAT, "/help")

    def terminate_once_answered():
        wait_for(lambda: telegram.sent_messages and len(telegram.calls_of("getUpdates")) >= 2)
        os.kill(os.getpid(), signal.SIGTERM)

    killer = threading.Thread(target=terminate_once_answered, daemon=True)
    killer.start()
    call_command("telegram_poll", "--delete-webhook", "--timeout", "5")
    killer.join()

    assert telegram.webhook_url == ""
    assert telegram.calls_of("deleteWebhook") == [{"drop_pending_updates": False}]
    assert telegram.texts_sent_to(str(CHAT)) == [updates.HELP]
    output = capsys.readouterr().out
    assert "Webhook https://scalper.example.com/api/v1/telegram/webhook removed." in output
    assert "Stopped after 1 updates." in output


@pytest.mark.parametrize(
    ("value", "message"),
    [("--timeout=51", "--timeout must be between 0 and 50"), ("--max-backoff=0", "more than 0")],
)
def test_the_command_refuses_options_telegram_would_not_take(telegram, value, message):
    with pytest.raises(CommandError, match=message):
        call_command("telegram_poll", value)


# --- a real process --------------------------------------------------------------------------


@pytest.fixture
def poll_process(telegram):
    """`manage.py telegram_poll` as its own process, on the test database and the fake Telegram."""
    database = connection.settings_dict
    environment = {
        **{name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ},
        "DJANGO_SETTINGS_MODULE": "scalper.settings",
        "DEBUG": "true",
        "DATABASE_URL": (
            f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"
        ),
        "REDIS_URL": "",
        "TELEGRAM_BOT_TOKEN": TELEGRAM_TEST_TOKEN,
        "TELEGRAM_API_BASE_URL": telegram.url,
    }
    process = subprocess.Popen(
        [sys.executable, "manage.py", "telegram_poll", "--timeout", "5"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)


@pytest.mark.slow
def test_sigterm_during_a_long_poll_stops_the_process_at_once_with_status_0(telegram, poll_process):
    telegram.send_text(CHAT, "/help")
    wait_for(lambda: telegram.sent_messages and len(telegram.calls_of("getUpdates")) >= 2)

    stopped_at = time.monotonic()
    poll_process.send_signal(signal.SIGTERM)
    out, err = poll_process.communicate(timeout=10)

    assert poll_process.returncode == 0, err
    assert time.monotonic() - stopped_at < 3  # not the 5 seconds the long poll would wait
    assert "Stopped after 1 updates." in out
    assert telegram.texts_sent_to(str(CHAT)) == [updates.HELP]
    assert telegram.pending_update_ids == []


@pytest.mark.slow
def test_sigterm_while_an_update_is_handled_finishes_it_first(telegram, poll_process):
    telegram.delays["sendMessage"] = 1.5
    telegram.send_text(CHAT, "/help")
    wait_for(lambda: telegram.sent_messages)  # the reply is on its way (1.5 seconds)

    poll_process.send_signal(signal.SIGTERM)
    out, err = poll_process.communicate(timeout=10)

    assert poll_process.returncode == 0, err
    assert "Stopped after 1 updates." in out
    assert telegram.pending_update_ids == []  # handled, then confirmed
    assert len(telegram.calls_of("getUpdates")) == 2  # the poll, then the confirmation


def test_an_update_met_by_a_database_outage_is_fetched_again_and_handled(
    telegram, monkeypatch, caplog
):
    monkeypatch.setattr(polling, "FIRST_WAIT_SECONDS", 0.1)
    handle = updates.handle_update
    outages = [OperationalError("the database system is starting up")]

    def handle_after_the_outage(update):
        if outages:
            raise outages.pop()
        handle(update)

    monkeypatch.setattr(updates, "handle_update", handle_after_the_outage)
    update_id = telegram.send_text(CHAT, "/help")

    run_until(Poller(long_poll_seconds=1), lambda: telegram.sent_messages)

    assert telegram.texts_sent_to(str(CHAT)) == [updates.HELP]
    assert "the database system is starting up; trying again in 0.1 seconds" in caplog.text
    offsets = [params.get("offset") for params in telegram.calls_of("getUpdates")]
    assert offsets[:3] == [None, None, update_id + 1]
