"""The bots admin: lists with legacy display values, and every change through the bot services."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.contrib.auth.models import Permission

from bots.models import ActivityLog, Bot, BotStatus, LogLevel
from exchanges.models import Exchange
from orders.models import Order
from tests.admin.pages import results_table
from tests.support.factories import (
    ActivityLogFactory,
    BotFactory,
    OrderFactory,
    TelegramConnectionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BOTS = "/admin/bots/bot/"


def bot_page(bot):
    return f"{BOTS}{bot.pk}/change/"


def run_action(client, action, bots):
    return client.post(
        BOTS, {"action": action, "_selected_action": [str(bot.pk) for bot in bots]}, follow=True
    )


def logs_of(bot):
    return list(
        ActivityLog.objects.filter(bot_id=bot.pk)
        .order_by("timestamp")
        .values_list("level", "message")
    )


def test_the_bot_list_shows_the_legacy_display_values(admin_client):
    BotFactory(ticker="ETH/USDT", exchange=Exchange.COINDCX_F, status=BotStatus.ACTIVE)

    rows = results_table(admin_client.get(BOTS))

    assert "ETH/USDT" in rows
    assert "CoinDCX F" in rows
    assert "COINDCX_F" not in rows


def test_the_bot_list_filters_by_status_and_exchange(admin_client):
    BotFactory(ticker="ETH/USDT", status=BotStatus.ACTIVE, exchange=Exchange.COINDCX_F)
    BotFactory(ticker="BTC/USDT", status=BotStatus.STOPPED, exchange=Exchange.COINDCX_F)
    BotFactory(ticker="SOL/USDT", status=BotStatus.ACTIVE, exchange=Exchange.BINANCE)

    listing = admin_client.get(BOTS).content.decode()
    active = results_table(admin_client.get(BOTS, {"status__exact": "ACTIVE"}))
    binance = results_table(admin_client.get(BOTS, {"exchange__exact": "BINANCE"}))

    assert 'href="?exchange__exact=COINDCX_F"' in listing
    assert ">CoinDCX F</a>" in listing
    assert "ETH/USDT" in active and "SOL/USDT" in active and "BTC/USDT" not in active
    assert "SOL/USDT" in binance and "ETH/USDT" not in binance


def test_the_bot_list_searches_by_ticker(admin_client):
    BotFactory(ticker="ETH/USDT")
    BotFactory(ticker="DOGE/USDT")

    rows = results_table(admin_client.get(BOTS, {"q": "doge"}))

    assert "DOGE/USDT" in rows
    assert "ETH/USDT" not in rows


def test_the_stop_action_stops_the_selected_bots_and_logs_it_as_the_api_does(admin_client):
    eth = BotFactory(ticker="ETH/USDT", status=BotStatus.ACTIVE)
    btc = BotFactory(ticker="BTC/USDT", status=BotStatus.ACTIVE)

    response = run_action(admin_client, "stop_selected", [eth])

    assert "1 bot stopped." in response.content.decode()
    eth.refresh_from_db()
    btc.refresh_from_db()
    assert eth.status == BotStatus.STOPPED
    assert btc.status == BotStatus.ACTIVE
    assert logs_of(eth) == [(LogLevel.WARNING, "Bot stopped for ETH/USDT")]
    assert logs_of(btc) == []


def test_stopping_from_the_list_of_active_bots_reports_what_it_did(admin_client):
    eth = BotFactory(ticker="ETH/USDT", status=BotStatus.ACTIVE)

    response = admin_client.post(
        f"{BOTS}?status__exact=ACTIVE",
        {"action": "stop_selected", "_selected_action": [str(eth.pk)]},
        follow=True,
    )

    assert "1 bot stopped." in response.content.decode()
    assert "already" not in response.content.decode()
    assert logs_of(eth) == [(LogLevel.WARNING, "Bot stopped for ETH/USDT")]


def test_the_start_action_starts_the_selected_bots_and_logs_it(admin_client):
    bots = [
        BotFactory(ticker="ETH/USDT", status=BotStatus.STOPPED),
        BotFactory(ticker="BTC/USDT", status=BotStatus.ERROR),
    ]

    response = run_action(admin_client, "start_selected", bots)

    assert "2 bots started." in response.content.decode()
    for bot in bots:
        bot.refresh_from_db()
        assert bot.status == BotStatus.ACTIVE
        assert logs_of(bot) == [(LogLevel.SUCCESS, f"Bot started for {bot.ticker}")]


def test_a_bot_already_in_the_state_asked_for_is_left_without_a_log_row(admin_client):
    stopped = BotFactory(status=BotStatus.STOPPED)

    response = run_action(admin_client, "stop_selected", [stopped])

    assert "0 bots stopped (1 bot already stopped)." in response.content.decode()
    assert logs_of(stopped) == []


class TelegramStub(BaseHTTPRequestHandler):
    """Answers sendMessage like the Telegram Bot API and keeps what it was sent."""

    received = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"ok": true}')

    def log_message(self, *args):
        pass


@pytest.fixture
def telegram(settings):
    server = HTTPServer(("127.0.0.1", 0), TelegramStub)
    TelegramStub.received = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TELEGRAM_BOT_TOKEN = "123:admin-test"
    settings.TELEGRAM_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield TelegramStub.received
    server.shutdown()
    server.server_close()


def test_the_stop_action_notifies_telegram_after_the_commit(
    admin_client, telegram, django_capture_on_commit_callbacks
):
    TelegramConnectionFactory(chat_id="424242")
    bot = BotFactory(ticker="ETH/USDT", status=BotStatus.ACTIVE)

    with django_capture_on_commit_callbacks(execute=True):
        run_action(admin_client, "stop_selected", [bot])

    assert len(telegram) == 1
    path, message = telegram[0]
    assert path == "/bot123:admin-test/sendMessage"
    assert message["chat_id"] == "424242"
    assert message["text"].startswith("⚠️ *Bot Stopped*\n\nTicker: ETH/USDT\nExchange: CoinDCX F")


def test_the_stop_all_action_asks_for_confirmation_first(admin_client):
    active = BotFactory(ticker="ETH/USDT", status=BotStatus.ACTIVE)
    stopped = BotFactory(ticker="BTC/USDT", status=BotStatus.STOPPED)

    response = run_action(admin_client, "stop_all", [stopped])

    page = response.content.decode()
    assert response.redirect_chain == [(f"{BOTS}stop-all/", 302)]
    assert "Stop all active bots?" in page
    assert "ETH/USDT on CoinDCX F" in page
    assert "BTC/USDT" not in page
    active.refresh_from_db()
    assert active.status == BotStatus.ACTIVE
    assert not ActivityLog.objects.exists()


def test_the_bot_list_links_the_emergency_stop_without_a_selection(admin_client):
    page = admin_client.get(BOTS).content.decode()

    assert f'href="{BOTS}stop-all/"' in page


def test_confirming_stop_all_stops_every_active_bot_and_logs_the_emergency_stop(admin_client):
    active = [BotFactory(status=BotStatus.ACTIVE) for _ in range(3)]
    failed = BotFactory(status=BotStatus.ERROR)

    response = admin_client.post(f"{BOTS}stop-all/", follow=True)

    assert "Emergency stop: 3 bots stopped." in response.content.decode()
    assert {bot.status for bot in Bot.objects.filter(pk__in=[b.pk for b in active])} == {
        BotStatus.STOPPED
    }
    failed.refresh_from_db()
    assert failed.status == BotStatus.ERROR
    assert list(ActivityLog.objects.values_list("level", "message", "bot_id")) == [
        (LogLevel.ERROR, "Emergency stop - All bots stopped", None)
    ]


@pytest.fixture
def viewer_client(client):
    """A staff user who may look at bots but not change them."""
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_bot"))
    client.force_login(viewer)
    return client


def test_a_staff_user_who_may_only_view_bots_gets_no_actions(viewer_client):
    bot = BotFactory(status=BotStatus.ACTIVE)

    listing = viewer_client.get(BOTS)
    stop_all = viewer_client.get(f"{BOTS}stop-all/")
    confirmed = viewer_client.post(f"{BOTS}stop-all/")
    acted = run_action(viewer_client, "stop_selected", [bot])

    page = viewer_client.get(bot_page(bot))
    assert page.status_code == 200
    assert 'name="ticker"' not in page.content.decode()
    assert 'id="recent-activity"' in page.content.decode()
    assert listing.status_code == 200
    assert 'name="action"' not in listing.content.decode()
    assert "stop-all" not in listing.content.decode()
    assert stop_all.status_code == 403
    assert confirmed.status_code == 403
    assert acted.status_code == 200
    bot.refresh_from_db()
    assert bot.status == BotStatus.ACTIVE
    assert not ActivityLog.objects.exists()


def test_a_staff_user_without_permission_cannot_open_the_bots(client):
    client.force_login(UserFactory(is_staff=True))
    bot = BotFactory()

    assert client.get(BOTS).status_code == 403
    assert client.get(bot_page(bot)).status_code == 403


def test_the_bot_page_shows_its_latest_activity_and_links_its_orders_and_trades(admin_client):
    bot = BotFactory(ticker="ETH/USDT")
    ActivityLogFactory(bot_id=bot.pk, level=LogLevel.SUCCESS, message="Bought 0.5 ETH/USDT")
    ActivityLogFactory(bot_id=BotFactory().pk, message="Someone else's fill")
    OrderFactory.create_batch(2, bot=bot)

    page = admin_client.get(bot_page(bot)).content.decode()

    assert "Bought 0.5 ETH/USDT" in page
    assert "Someone else" not in page
    assert f"/admin/orders/order/?bot__id__exact={bot.pk}" in page
    assert "2 orders" in page
    assert f"/admin/bots/trade/?bot_id={bot.pk}" in page
    assert f"/admin/bots/activitylog/?bot_id={bot.pk}" in page


def test_the_bot_page_shows_only_the_latest_ten_log_rows(admin_client):
    bot = BotFactory()
    for number in range(12):
        ActivityLogFactory(bot_id=bot.pk, message=f"Fill number {number:02}")

    page = admin_client.get(bot_page(bot)).content.decode()

    recent = page.split('id="recent-activity"')[1].split("</table>")[0]
    assert recent.count("<tr>") == 11  # the header and ten rows


def test_adding_a_bot_creates_it_active_as_the_api_does(admin_client):
    response = admin_client.post(
        f"{BOTS}add/",
        {
            "ticker": "SOL/USDT",
            "exchange": "COINDCX_F",
            "first_order": "BUY",
            "quantity": "2",
            "buy_price": "150",
            "sell_price": "152.5",
            "trailing_percent": "",
            "config": "null",
        },
        follow=True,
    )

    bot = Bot.objects.get()
    assert f'<a href="{bot_page(bot)}">SOL/USDT on CoinDCX F</a>' in response.content.decode()
    assert bot.status == BotStatus.ACTIVE
    assert logs_of(bot) == [(LogLevel.SUCCESS, "Bot started for SOL/USDT on CoinDCX F")]


def test_the_add_form_refuses_a_sell_price_not_above_the_buy_price(admin_client):
    response = admin_client.post(
        f"{BOTS}add/",
        {
            "ticker": "SOL/USDT",
            "exchange": "COINDCX_F",
            "first_order": "BUY",
            "quantity": "0",
            "buy_price": "150",
            "sell_price": "150",
            "trailing_percent": "5",
            "config": "null",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Must be greater than buy_price (" in page
    assert "Must be greater than 0." in page
    assert "Must be between 0.1 and 3.0." in page
    assert not Bot.objects.exists()


def test_editing_a_bot_saves_it_and_logs_the_update(admin_client):
    bot = BotFactory(ticker="ETH/USDT", status=BotStatus.ACTIVE, config={"grid": 3})

    response = admin_client.post(
        bot_page(bot),
        {
            "ticker": "ETH/USDT",
            "exchange": "BINANCE",
            "first_order": "SELL",
            "quantity": "0.75",
            "buy_price": "2500",
            "sell_price": "2600",
            "trailing_percent": "0.5",
            "infinite_loop": "on",
            "config": '{"grid": 4}',
        },
    )

    assert response.status_code == 302
    bot.refresh_from_db()
    assert (bot.exchange, bot.first_order, bot.quantity, bot.sell_price) == (
        Exchange.BINANCE,
        "SELL",
        0.75,
        2600.0,
    )
    assert bot.infinite_loop is True
    assert bot.config == {"grid": 4}
    assert bot.status == BotStatus.ACTIVE
    assert logs_of(bot) == [(LogLevel.INFO, "Bot updated for ETH/USDT on Binance")]


def test_deleting_a_bot_deletes_its_orders_and_logs_it(admin_client):
    bot = BotFactory(ticker="ETH/USDT")
    OrderFactory.create_batch(2, bot=bot)

    confirmation = admin_client.get(f"{BOTS}{bot.pk}/delete/")
    response = admin_client.post(f"{BOTS}{bot.pk}/delete/", {"post": "yes"})

    assert confirmation.status_code == 200
    assert "Orders: 2" in confirmation.content.decode()
    assert response.status_code == 302
    assert not Bot.objects.exists()
    assert not Order.objects.exists()
    assert logs_of(bot) == [(LogLevel.WARNING, "Bot deleted for ETH/USDT")]


def test_the_delete_selected_action_deletes_through_the_service(admin_client):
    bots = [BotFactory(ticker="ETH/USDT"), BotFactory(ticker="BTC/USDT")]

    admin_client.post(
        BOTS,
        {"action": "delete_selected", "_selected_action": [b.pk for b in bots], "post": "yes"},
    )

    assert not Bot.objects.exists()
    assert sorted(ActivityLog.objects.values_list("message", flat=True)) == [
        "Bot deleted for BTC/USDT",
        "Bot deleted for ETH/USDT",
    ]
