"""POST /api/v1/telegram/webhook: Telegram delivers the bot's messages; the bot answers them.

Telegram is the fake server of the `telegram` fixture, which also sets the webhook secret.
Replies leave after the commit, so updates are posted inside
`django_capture_on_commit_callbacks(execute=True)` (the `deliver` fixture).
"""

import logging
import threading
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection as db_connection
from django.utils import timezone
from rest_framework.test import APIClient

from bots.telegram.models import TelegramConnection
from tests.conftest import TELEGRAM_TEST_WEBHOOK_SECRET
from tests.support.factories import TelegramConnectionFactory

pytestmark = pytest.mark.django_db

WEBHOOK = "/api/v1/telegram/webhook"
CHAT = 424242
TRADER = {
    "id": CHAT,
    "is_bot": False,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "username": "ada_trades",
    "language_code": "en",
}


def message_update(text, chat_id=CHAT, user=TRADER, update_id=1):
    """A Telegram Update with a private-chat text message, as Telegram sends it."""
    return {
        "update_id": update_id,
        "message": {
            "message_id": 17,
            "date": 1732460000,
            "chat": {"id": chat_id, "type": "private", "first_name": "Ada"},
            "from": {**user, "id": chat_id},
            "text": text,
        },
    }


@pytest.fixture
def deliver(anonymous_client, telegram, django_capture_on_commit_callbacks):
    """Post an update to the webhook as Telegram does, running the after-commit replies."""

    def deliver(update, secret=TELEGRAM_TEST_WEBHOOK_SECRET, path=WEBHOOK):
        headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
        with django_capture_on_commit_callbacks(execute=True):
            return anonymous_client.post(path, update, format="json", **headers)

    return deliver


@pytest.fixture
def code(api_client):
    """A connection code the dashboard just generated."""
    return api_client.post("/api/v1/telegram/generate-code").json()["connection_code"]


def replies(telegram, chat_id=CHAT):
    return telegram.texts_sent_to(str(chat_id))


# --- connecting with a code -----------------------------------------------------------------


def test_sending_the_code_connects_the_chat_and_the_bot_confirms(
    deliver, telegram, code, api_client
):
    before = timezone.now()

    response = deliver(message_update(code))

    assert response.status_code == 200
    connection = TelegramConnection.objects.get()
    assert connection.chat_id == str(CHAT)
    assert (connection.username, connection.first_name, connection.last_name) == (
        "ada_trades",
        "Ada",
        "Lovelace",
    )
    assert connection.is_active is True
    assert before <= connection.connected_at <= timezone.now()
    assert connection.connection_code is None
    assert connection.code_expires_at is None
    [reply] = replies(telegram)
    assert reply.startswith("✅ *Successfully Connected!*")
    assert telegram.sent_messages[0]["parse_mode"] == "Markdown"
    status = api_client.get("/api/v1/telegram/status").json()
    assert (status["connected"], status["username"]) == (True, "ada_trades")


def test_the_code_may_come_with_surrounding_whitespace(deliver, code):
    deliver(message_update(f"  {code}\n"))

    assert TelegramConnection.objects.get().is_active


def test_a_user_without_a_username_connects_with_empty_names(deliver, code):
    deliver(message_update(code, user={"id": CHAT, "is_bot": False, "first_name": "Ada"}))

    connection = TelegramConnection.objects.get()
    assert (connection.username, connection.first_name, connection.last_name) == (
        None,
        "Ada",
        None,
    )


def test_names_longer_than_the_columns_are_cut_to_fit(deliver, code):
    deliver(message_update(code, user={"id": CHAT, "first_name": "A" * 150}))

    assert TelegramConnection.objects.get().first_name == "A" * 100


def test_a_wrong_code_gets_the_invalid_or_expired_reply(deliver, telegram, code):
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"

    response = deliver(message_update(wrong))

    assert response.status_code == 200
    [reply] = replies(telegram)
    assert reply.startswith("❌ *Invalid or Expired Code*")
    pending = TelegramConnection.objects.get()
    assert (pending.chat_id, pending.connection_code, pending.is_active) == ("pending", code, False)


def test_an_expired_code_gets_the_invalid_or_expired_reply(deliver, telegram):
    TelegramConnectionFactory(
        chat_id="pending",
        is_active=False,
        connection_code="012345",
        code_expires_at=timezone.now() - timedelta(seconds=1),
    )

    deliver(message_update("012345"))

    assert "Invalid or Expired Code" in replies(telegram)[0]
    assert not TelegramConnection.objects.filter(is_active=True).exists()


def test_a_code_connects_only_once(deliver, telegram, code):
    deliver(message_update(code))

    deliver(message_update(code, chat_id=777))

    assert "Invalid or Expired Code" in replies(telegram, 777)[0]
    assert list(TelegramConnection.objects.values_list("chat_id", flat=True)) == [str(CHAT)]


def test_a_chat_that_was_disconnected_from_the_dashboard_can_connect_again(
    deliver, telegram, code, api_client
):
    deliver(message_update(code))
    first_row = TelegramConnection.objects.get().id
    api_client.post("/api/v1/telegram/disconnect")
    new_code = api_client.post("/api/v1/telegram/generate-code").json()["connection_code"]

    response = deliver(message_update(new_code))

    assert response.status_code == 200
    assert replies(telegram)[-1].startswith("✅ *Successfully Connected!*")
    connection = TelegramConnection.objects.get()
    assert (connection.id, connection.is_active, connection.connection_code) == (
        first_row,
        True,
        None,
    )


def test_a_second_chat_connects_beside_the_first(deliver, api_client):
    for chat_id in (CHAT, 777):
        new_code = api_client.post("/api/v1/telegram/generate-code").json()["connection_code"]
        deliver(message_update(new_code, chat_id=chat_id))

    active = TelegramConnection.objects.filter(is_active=True)
    assert set(active.values_list("chat_id", flat=True)) == {str(CHAT), "777"}
    assert api_client.get("/api/v1/telegram/status").json()["chat_id"] == "777"


@pytest.mark.django_db(transaction=True)
def test_when_two_chats_send_the_same_code_at_once_only_one_connects(telegram):
    TelegramConnectionFactory(
        chat_id="pending",
        is_active=False,
        connection_code="314159",
        code_expires_at=timezone.now() + timedelta(minutes=10),
    )
    start = threading.Barrier(2)
    statuses = []

    def send_code(chat_id):
        try:
            start.wait()
            response = APIClient().post(
                WEBHOOK,
                message_update("314159", chat_id=chat_id),
                format="json",
                HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TELEGRAM_TEST_WEBHOOK_SECRET,
            )
            statuses.append(response.status_code)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=send_code, args=(chat,)) for chat in (1001, 1002)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert statuses == [200, 200]
    [winner] = TelegramConnection.objects.filter(is_active=True)
    loser = "1002" if winner.chat_id == "1001" else "1001"
    assert replies(telegram, winner.chat_id)[0].startswith("✅ *Successfully Connected!*")
    assert replies(telegram, loser)[0].startswith("❌ *Invalid or Expired Code*")
    assert TelegramConnection.objects.count() == 1


def test_the_connection_holds_when_telegram_refuses_the_reply(deliver, telegram, code, caplog):
    telegram.refuse_everything = (429, "Too Many Requests: retry after 5")

    with caplog.at_level(logging.WARNING, logger="bots.telegram.notifications"):
        response = deliver(message_update(code))

    assert response.status_code == 200
    assert TelegramConnection.objects.get().is_active
    assert "Telegram reply to chat 424242 failed" in caplog.text


def test_without_a_bot_token_the_chat_connects_but_gets_no_reply(
    deliver, telegram, settings, code, caplog
):
    settings.TELEGRAM_BOT_TOKEN = ""

    with caplog.at_level(logging.WARNING, logger="bots.telegram.notifications"):
        deliver(message_update(code))

    assert TelegramConnection.objects.get().is_active
    assert telegram.calls == []
    assert "TELEGRAM_BOT_TOKEN is not set" in caplog.text


# --- commands and other messages ------------------------------------------------------------


def test_disconnect_command_deactivates_only_that_chat(deliver, telegram):
    TelegramConnectionFactory(chat_id=str(CHAT))
    TelegramConnectionFactory(chat_id="777")

    response = deliver(message_update("/disconnect"))

    assert response.status_code == 200
    assert dict(TelegramConnection.objects.values_list("chat_id", "is_active")) == {
        str(CHAT): False,
        "777": True,
    }
    assert replies(telegram)[0].startswith("✅ *Successfully Disconnected*")


def test_disconnect_command_from_a_chat_that_is_not_connected_says_so(deliver, telegram):
    deliver(message_update("/disconnect"))

    assert replies(telegram)[0].startswith("⚠️ *Not Connected*")


def test_status_command_describes_the_connection_with_markdown_escaped(deliver, telegram):
    TelegramConnectionFactory(
        chat_id=str(CHAT), username="ada_trades", connected_at=timezone.now() - timedelta(hours=5)
    )

    deliver(message_update("/status"))

    [reply] = replies(telegram)
    assert reply.startswith("✅ *Connected to Scalper Bot Dashboard*")
    assert f"Chat ID: `{CHAT}`" in reply
    assert "Username: @ada\\_trades" in reply
    assert "Connected: 5 hours ago" in reply


def test_status_command_copes_with_a_connection_without_a_time(deliver, telegram):
    TelegramConnectionFactory(chat_id=str(CHAT), connected_at=None)

    deliver(message_update("/status"))

    assert "Connected: an unknown time ago" in replies(telegram)[0]


def test_status_command_from_a_chat_that_is_not_connected_says_so(deliver, telegram):
    TelegramConnectionFactory(chat_id=str(CHAT), is_active=False)

    deliver(message_update("/status"))

    assert replies(telegram)[0].startswith("⚠️ *Not Connected*")


@pytest.mark.parametrize(
    ("text", "heading"),
    [
        ("/start", "🤖 *Welcome to Scalper Bot Notifier!*"),
        ("/connect", "📱 *Connect to Scalper Bot Dashboard*"),
        ("/help", "📖 *Scalper Bot Commands*"),
        ("/help@ScalperNotifierBot", "📖 *Scalper Bot Commands*"),
        ("/START now", "🤖 *Welcome to Scalper Bot Notifier!*"),
    ],
)
def test_informational_commands_are_answered(deliver, telegram, text, heading):
    response = deliver(message_update(text))

    assert response.status_code == 200
    assert replies(telegram)[0].startswith(heading)
    assert not TelegramConnection.objects.exists()


@pytest.mark.parametrize("text", ["hello", "12345", "1234567", "12 3456", "١٢٣٤٥٦", ""])
def test_other_text_gets_a_hint_to_send_the_code(deliver, telegram, text):
    deliver(message_update(text))

    assert replies(telegram) == [
        "🤔 I didn't understand that.\n\n"
        "To connect, send me the 6-digit code from the dashboard.\n"
        "Type /help for more information."
    ]


@pytest.mark.parametrize("text", ["/settings", "/"])
def test_unknown_commands_are_ignored(deliver, telegram, text):
    response = deliver(message_update(text))

    assert response.status_code == 200
    assert telegram.calls == []


def test_a_message_without_text_is_ignored(deliver, telegram):
    update = message_update("x")
    del update["message"]["text"]
    update["message"]["sticker"] = {"file_id": "CAACAgIAAxkBAAE"}

    response = deliver(update)

    assert response.status_code == 200
    assert telegram.calls == []


@pytest.mark.parametrize("kind", ["edited_message", "channel_post", "callback_query"])
def test_updates_other_than_messages_are_acknowledged_and_ignored(deliver, telegram, code, kind):
    update = {"update_id": 9, kind: message_update(code)["message"]}

    response = deliver(update)

    assert response.status_code == 200
    assert telegram.calls == []
    assert not TelegramConnection.objects.filter(is_active=True).exists()


@pytest.mark.parametrize("path", [WEBHOOK, f"{WEBHOOK}/"])
def test_both_spellings_of_the_webhook_are_served(deliver, telegram, path):
    response = deliver(message_update("/help"), path=path)

    assert response.status_code == 200
    assert len(replies(telegram)) == 1


# --- who may call it ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "secret", [None, "", "wrong-secret", TELEGRAM_TEST_WEBHOOK_SECRET + "x", "sécret"]
)
def test_a_call_without_the_right_secret_is_refused(deliver, telegram, code, secret):
    response = deliver(message_update(code), secret=secret)

    assert response.status_code == 403
    assert response.json() == {"detail": "Missing or wrong X-Telegram-Bot-Api-Secret-Token header."}
    assert not TelegramConnection.objects.filter(is_active=True).exists()
    assert telegram.calls == []


def test_an_api_token_does_not_open_the_webhook(telegram, api_client, code):
    response = api_client.post(WEBHOOK, message_update(code), format="json")

    assert response.status_code == 403
    assert not TelegramConnection.objects.filter(is_active=True).exists()


@pytest.mark.parametrize("secret", ["", TELEGRAM_TEST_WEBHOOK_SECRET])
def test_without_a_configured_secret_the_webhook_refuses_every_call(
    deliver, settings, code, secret
):
    settings.TELEGRAM_WEBHOOK_SECRET = ""

    response = deliver(message_update(code), secret=secret)

    assert response.status_code == 403
    assert response.json() == {
        "detail": "The Telegram webhook is disabled: TELEGRAM_WEBHOOK_SECRET is not set."
    }
    assert not TelegramConnection.objects.filter(is_active=True).exists()


# --- malformed updates ----------------------------------------------------------------------


def test_malformed_json_is_a_400(anonymous_client, telegram):
    response = anonymous_client.post(
        WEBHOOK,
        '{"update_id": 1, "message": ',
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TELEGRAM_TEST_WEBHOOK_SECRET,
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_a_body_that_is_not_json_is_a_415(anonymous_client, telegram):
    response = anonymous_client.post(
        WEBHOOK,
        "update_id=1",
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TELEGRAM_TEST_WEBHOOK_SECRET,
    )

    assert response.status_code == 415


@pytest.mark.parametrize(
    ("update", "field"),
    [
        ({}, "update_id"),
        ({"update_id": "first"}, "update_id"),
        ({"update_id": 1, "message": "hello"}, "message"),
        ({"update_id": 1, "message": {"text": "123456"}}, "message.chat"),
        ({"update_id": 1, "message": {"chat": {"id": "me"}, "text": "hi"}}, "message.chat.id"),
        ({"update_id": 1, "message": {"chat": {"id": 1}, "text": ["123456"]}}, "message.text"),
        ({"update_id": 1, "message": {"chat": {"id": 1}, "text": 123456}}, "message.text"),
        (
            {"update_id": 1, "message": {"chat": {"id": 1}, "from": {"id": 1, "username": 7}}},
            "message.from.username",
        ),
    ],
    ids=[
        "empty",
        "update-id-text",
        "message-text",
        "no-chat",
        "chat-id-text",
        "text-list",
        "text-number",
        "username-number",
    ],
)
def test_an_update_that_is_not_a_telegram_update_is_a_400(deliver, telegram, update, field):
    response = deliver(update)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert telegram.calls == []


def test_a_json_array_is_a_400(deliver):
    response = deliver([message_update("/help")])

    assert response.status_code == 400
    assert "Expected a dictionary" in response.json()["detail"]


# --- manage.py telegram_set_webhook ---------------------------------------------------------


def test_set_webhook_points_telegram_at_this_server_with_the_secret(telegram, capsys):
    call_command("telegram_set_webhook", "https://scalper.example.com/")

    assert telegram.calls_of("setWebhook") == [
        {
            "url": "https://scalper.example.com/api/v1/telegram/webhook",
            "secret_token": TELEGRAM_TEST_WEBHOOK_SECRET,
            "allowed_updates": ["message"],
        }
    ]
    assert "https://scalper.example.com/api/v1/telegram/webhook" in capsys.readouterr().out


def test_set_webhook_reports_telegram_refusing(telegram):
    telegram.refuse_everything = (400, "Bad Request: bad webhook: Failed to resolve host")

    with pytest.raises(CommandError, match="setWebhook failed: .*Failed to resolve host"):
        call_command("telegram_set_webhook", "https://scalper.invalid")


@pytest.mark.parametrize("base_url", ["http://scalper.example.com", "scalper.example.com"])
def test_set_webhook_needs_an_https_url(telegram, base_url):
    with pytest.raises(CommandError, match="not an https:// URL"):
        call_command("telegram_set_webhook", base_url)

    assert telegram.calls == []


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("TELEGRAM_BOT_TOKEN", "TELEGRAM_BOT_TOKEN is not set"),
        ("TELEGRAM_WEBHOOK_SECRET", "TELEGRAM_WEBHOOK_SECRET is not set"),
    ],
)
def test_set_webhook_needs_the_token_and_the_secret(telegram, settings, setting, message):
    setattr(settings, setting, "")

    with pytest.raises(CommandError, match=message):
        call_command("telegram_set_webhook", "https://scalper.example.com")

    assert telegram.calls == []
