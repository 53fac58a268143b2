"""Bot operations notify every active Telegram chat through the Bot API, after the commit.

The Bot API is a fake server on 127.0.0.1 (the `telegram` fixture). With pytest-django's `db`
fixture nothing ever commits, so the tests run the on-commit callbacks with
`django_capture_on_commit_callbacks(execute=True)`; one test commits for real.
"""

import logging
import socket
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from bots import services
from bots.models import Bot, BotStatus
from bots.telegram.models import TelegramConnection
from exchanges.models import Exchange
from tests.conftest import TELEGRAM_TEST_TOKEN
from tests.support.factories import BotFactory, TelegramConnectionFactory

pytestmark = pytest.mark.django_db

NEW_BOT = {
    "ticker": "ETH/USDT",
    "exchange": Exchange.COINDCX_F,
    "first_order": "BUY",
    "quantity": 0.5,
    "buy_price": 2500.0,
    "sell_price": 2550.0,
}


@pytest.fixture
def chats():
    """Two connected chats and one that disconnected."""
    TelegramConnectionFactory(chat_id="1001", is_active=False)
    return [
        TelegramConnectionFactory(chat_id="1002", is_active=True),
        TelegramConnectionFactory(chat_id="1003", is_active=True),
    ]


def test_creating_a_bot_sends_the_legacy_message_to_every_active_chat(
    telegram, chats, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.create_bot(**NEW_BOT)

    assert telegram.sent_messages == [
        {
            "chat_id": chat_id,
            "text": "✅ *Bot Created*\n\nTicker: ETH/USDT\nExchange: CoinDCX F\n"
            "Quantity: 0.5\nBuy Price: $2500.0\nSell Price: $2550.0",
            "parse_mode": "Markdown",
        }
        for chat_id in ("1002", "1003")
    ]
    assert {call.token for call in telegram.calls} == {TELEGRAM_TEST_TOKEN}


@pytest.mark.parametrize(
    ("operation", "text"),
    [
        (
            services.start_bot,
            "✅ *Bot Started*\n\nTicker: SOL/USDT\nExchange: Binance\nStatus: ACTIVE",
        ),
        (
            services.stop_bot,
            "⚠️ *Bot Stopped*\n\nTicker: SOL/USDT\nExchange: Binance\nStatus: STOPPED",
        ),
        (services.delete_bot, "⚠️ *Bot Deleted*\n\nTicker: SOL/USDT\nExchange: Binance"),
    ],
    ids=["start", "stop", "delete"],
)
def test_starting_stopping_and_deleting_a_bot_send_the_legacy_messages(
    telegram, chats, django_capture_on_commit_callbacks, operation, text
):
    bot = BotFactory(ticker="SOL/USDT", exchange=Exchange.BINANCE, status=BotStatus.STOPPED)

    with django_capture_on_commit_callbacks(execute=True):
        operation(bot)

    assert telegram.texts_sent_to("1002") == [text]
    assert telegram.texts_sent_to("1003") == [text]


def test_the_emergency_stop_reports_how_many_bots_it_stopped(
    telegram, chats, django_capture_on_commit_callbacks
):
    BotFactory.create_batch(2, status=BotStatus.ACTIVE)
    BotFactory(status=BotStatus.ERROR)

    with django_capture_on_commit_callbacks(execute=True):
        services.stop_all_bots()

    assert telegram.texts_sent_to("1002") == [
        "❌ *Emergency Stop*\n\nAll bots have been stopped!\nTotal bots stopped: 2"
    ]


def test_updating_and_toggling_a_bot_send_nothing_as_in_the_legacy_app(
    telegram, chats, django_capture_on_commit_callbacks
):
    bot = BotFactory()

    with django_capture_on_commit_callbacks(execute=True):
        services.update_bot(bot, quantity=2.0)
        services.toggle_bot(bot)

    assert telegram.calls == []


def test_a_rolled_back_operation_sends_nothing(telegram, chats, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError), transaction.atomic():
            services.create_bot(**NEW_BOT)
            raise RuntimeError("the request failed after the bot was created")

    assert telegram.calls == []
    assert not Bot.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_the_notification_leaves_only_after_the_transaction_commits(telegram, chats):
    with transaction.atomic():
        services.create_bot(**NEW_BOT)
        assert telegram.calls == []

    assert len(telegram.sent_messages) == 2


def test_delivered_notifications_stamp_last_notification_at(
    telegram, chats, django_capture_on_commit_callbacks
):
    telegram.refuse_chat("1003", 400, "Bad Request: chat not found")
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        services.create_bot(**NEW_BOT)

    delivered, refused = (TelegramConnection.objects.get(chat_id=c) for c in ("1002", "1003"))
    assert before <= delivered.last_notification_at <= timezone.now()
    assert refused.last_notification_at is None
    assert refused.is_active


def test_a_chat_that_blocked_the_bot_is_deactivated(
    telegram, chats, django_capture_on_commit_callbacks
):
    telegram.refuse_chat("1002", 403, "Forbidden: bot was blocked by the user")

    with django_capture_on_commit_callbacks(execute=True):
        services.create_bot(**NEW_BOT)

    assert not TelegramConnection.objects.get(chat_id="1002").is_active
    assert TelegramConnection.objects.get(chat_id="1003").is_active
    assert len(telegram.texts_sent_to("1003")) == 1


def test_a_failing_telegram_is_logged_and_the_bot_is_still_created(
    telegram, chats, django_capture_on_commit_callbacks, caplog
):
    telegram.refuse_everything = (500, "Internal Server Error")

    with caplog.at_level(logging.WARNING, logger="bots.telegram.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            bot = services.create_bot(**NEW_BOT)

    assert Bot.objects.filter(pk=bot.pk, status=BotStatus.ACTIVE).exists()
    assert "Telegram notification to chat 1002 failed: Telegram answered 500" in caplog.text
    assert TelegramConnection.objects.filter(is_active=True).count() == 2


def test_a_telegram_that_does_not_answer_in_time_is_logged_and_the_bot_is_still_stopped(
    telegram, settings, django_capture_on_commit_callbacks, caplog
):
    TelegramConnectionFactory(chat_id="1002")
    settings.TELEGRAM_TIMEOUT_SECONDS = 0.2
    telegram.delay_seconds = 2
    bot = BotFactory(status=BotStatus.ACTIVE)

    with caplog.at_level(logging.WARNING, logger="bots.telegram.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            services.stop_bot(bot)

    bot.refresh_from_db()
    assert bot.status == BotStatus.STOPPED
    assert "Telegram notification to chat 1002 failed: Telegram is unreachable" in caplog.text
    assert "timed out" in caplog.text


def test_an_unreachable_telegram_is_logged_and_the_bots_are_still_stopped(
    settings, chats, django_capture_on_commit_callbacks, caplog
):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    settings.TELEGRAM_API_BASE_URL = f"http://127.0.0.1:{port}"
    settings.TELEGRAM_BOT_TOKEN = TELEGRAM_TEST_TOKEN
    BotFactory(status=BotStatus.ACTIVE)

    with caplog.at_level(logging.WARNING, logger="bots.telegram.notifications"):
        with django_capture_on_commit_callbacks(execute=True):
            stopped = services.stop_all_bots()

    assert stopped == 1
    assert not Bot.objects.filter(status=BotStatus.ACTIVE).exists()
    assert "Telegram is unreachable" in caplog.text


def test_nothing_is_sent_without_a_bot_token(
    telegram, settings, chats, django_capture_on_commit_callbacks
):
    settings.TELEGRAM_BOT_TOKEN = ""

    with django_capture_on_commit_callbacks(execute=True):
        services.create_bot(**NEW_BOT)

    assert telegram.calls == []
    assert not TelegramConnection.objects.filter(
        last_notification_at__gt=timezone.now() - timedelta(minutes=1)
    ).exists()


@pytest.mark.parametrize(
    ("method", "path", "text"),
    [
        (
            "post",
            "/api/v1/bots/{id}/stop",
            "⚠️ *Bot Stopped*\n\nTicker: SOL/USDT\nExchange: Binance\nStatus: STOPPED",
        ),
        (
            "post",
            "/api/v1/bots/{id}/start",
            "✅ *Bot Started*\n\nTicker: SOL/USDT\nExchange: Binance\nStatus: ACTIVE",
        ),
        ("delete", "/api/v1/bots/{id}", "⚠️ *Bot Deleted*\n\nTicker: SOL/USDT\nExchange: Binance"),
        (
            "post",
            "/api/v1/bots/stop-all",
            "❌ *Emergency Stop*\n\nAll bots have been stopped!\nTotal bots stopped: 1",
        ),
    ],
    ids=["stop", "start", "delete", "stop-all"],
)
def test_the_bot_endpoints_notify_the_connected_chats(
    api_client, telegram, chats, django_capture_on_commit_callbacks, method, path, text
):
    bot = BotFactory(ticker="SOL/USDT", exchange=Exchange.BINANCE, status=BotStatus.ACTIVE)

    with django_capture_on_commit_callbacks(execute=True):
        response = getattr(api_client, method)(path.format(id=bot.id))

    assert response.status_code in (200, 204)
    assert [message["text"] for message in telegram.sent_messages] == [text, text]


def test_creating_a_bot_through_the_api_notifies_the_connected_chats(
    api_client, telegram, chats, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/bots/", {**NEW_BOT, "exchange": "CoinDCX F"}, format="json"
        )

    assert response.status_code == 201
    assert [message["chat_id"] for message in telegram.sent_messages] == ["1002", "1003"]
    assert telegram.sent_messages[0]["text"].startswith("✅ *Bot Created*\n\nTicker: ETH/USDT")
