"""Orders, trades, activity logs and Telegram connections in the admin: read-mostly lists that
stay cheap as the tables grow."""

import datetime

import factory
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from bots.models import ActivityLog, BotStatus, LogLevel
from bots.telegram.models import TelegramConnection
from exchanges.models import Exchange
from tests.admin.pages import filter_link, results_table, row_count
from tests.support.factories import (
    ActivityLogFactory,
    BotFactory,
    ExchangeCredentialsFactory,
    OrderFactory,
    TelegramConnectionFactory,
    TradeFactory,
)

pytestmark = pytest.mark.django_db

ORDERS = "/admin/orders/order/"
TRADES = "/admin/bots/trade/"
LOGS = "/admin/bots/activitylog/"
TELEGRAM = "/admin/bots/telegramconnection/"


def make_bots(count):
    return BotFactory.create_batch(count)


def make_orders(count):
    bots = BotFactory.create_batch(3)
    return OrderFactory.create_batch(count, bot=factory.Iterator(bots))


def make_trades(count):
    bots = BotFactory.create_batch(3)
    return TradeFactory.create_batch(count, bot_id=factory.Iterator([bot.pk for bot in bots]))


def make_logs(count):
    bots = BotFactory.create_batch(3)
    return ActivityLogFactory.create_batch(count, bot_id=factory.Iterator([bot.pk for bot in bots]))


def make_credentials(count):
    return [
        ExchangeCredentialsFactory(exchange=f"exchange{n}", label=f"account {n}")
        for n in range(count)
    ]


LISTS = {
    "bots": ("/admin/bots/bot/", make_bots),
    "orders": (ORDERS, make_orders),
    "trades": (TRADES, make_trades),
    "activity logs": (LOGS, make_logs),
    "telegram connections": (TELEGRAM, TelegramConnectionFactory.create_batch),
    "exchange credentials": ("/admin/exchanges/exchangecredentials/", make_credentials),
}


def queries_to_list(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("name", LISTS)
def test_a_list_of_100_rows_runs_as_many_queries_as_a_list_of_10(admin_client, name):
    url, make = LISTS[name]
    make(10)
    with_10 = queries_to_list(admin_client, url)
    make(90)

    with_100 = queries_to_list(admin_client, url)

    assert with_100 == with_10
    assert row_count(admin_client.get(url)) == 100


SEARCHES = {
    "bots by ticker": ("/admin/bots/bot/", "doge", lambda: BotFactory(ticker="DOGE/USDT")),
    "orders by ticker": (ORDERS, "sol/", lambda: OrderFactory(ticker="SOL/USDT")),
    "orders by exchange order id": (
        ORDERS,
        "X-778899",
        lambda: OrderFactory(exchange_order_id="X-778899"),
    ),
    "trades by symbol": (TRADES, "sol/", lambda: TradeFactory(symbol="SOL/USDT")),
    "trades by exchange order id": (
        TRADES,
        "T-445566",
        lambda: TradeFactory(exchange_order_id="T-445566"),
    ),
    "activity logs by message": (
        LOGS,
        "take profit",
        lambda: ActivityLogFactory(message="Take profit hit on SOL/USDT"),
    ),
    "telegram connections by chat id": (
        TELEGRAM,
        "5550001",
        lambda: TelegramConnectionFactory(chat_id="5550001", username="night_desk"),
    ),
    "telegram connections by username": (
        TELEGRAM,
        "night_desk",
        lambda: TelegramConnectionFactory(chat_id="5550001", username="night_desk"),
    ),
}


@pytest.mark.parametrize("name", SEARCHES)
def test_each_admin_search_finds_its_row_on_postgresql(admin_client, name):
    url, term, make = SEARCHES[name]
    found = make()
    other = {
        ORDERS: lambda: OrderFactory(ticker="ADA/USDT", exchange_order_id="other"),
        TRADES: lambda: TradeFactory(symbol="ADA/USDT", exchange_order_id="other"),
        LOGS: lambda: ActivityLogFactory(message="Bot started for ADA/USDT"),
        TELEGRAM: lambda: TelegramConnectionFactory(chat_id="1", username="day_desk"),
        "/admin/bots/bot/": lambda: BotFactory(ticker="ADA/USDT"),
    }[url]()

    response = admin_client.get(url, {"q": term})

    rows = results_table(response)
    assert response.status_code == 200
    assert str(found.pk) in rows
    assert str(other.pk) not in rows


FILTERS = {
    "orders by status": (ORDERS, {"status__exact": "FILLED"}, OrderFactory, {"status": "FILLED"}),
    "orders by side": (ORDERS, {"side__exact": "SELL"}, OrderFactory, {"side": "SELL"}),
    "orders by type": (
        ORDERS,
        {"order_type__exact": "MARKET"},
        OrderFactory,
        {"order_type": "MARKET"},
    ),
    "orders by exchange": (ORDERS, {"exchange": "Binance"}, OrderFactory, {"exchange": "Binance"}),
    "trades by side": (TRADES, {"side__exact": "SELL"}, TradeFactory, {"side": "SELL"}),
    "trades by exchange": (
        TRADES,
        {"exchange__exact": "BINANCE"},
        TradeFactory,
        {"exchange": Exchange.BINANCE},
    ),
    "activity logs by level": (
        LOGS,
        {"level__exact": "ERROR"},
        ActivityLogFactory,
        {"level": LogLevel.ERROR},
    ),
    "telegram connections by active flag": (
        TELEGRAM,
        {"is_active__exact": "0"},
        TelegramConnectionFactory,
        {"is_active": False},
    ),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_admin_filter_keeps_only_matching_rows_on_postgresql(admin_client, name):
    url, params, factory, matching = FILTERS[name]
    found, other = factory(**matching), factory()

    response = admin_client.get(url, params)

    rows = results_table(response)
    assert response.status_code == 200
    assert str(found.pk) in rows
    assert str(other.pk) not in rows


@pytest.mark.parametrize("url", [ORDERS, TRADES, LOGS, TELEGRAM])
def test_every_filter_link_of_a_list_opens_on_postgresql(admin_client, url):
    OrderFactory(status="FILLED", exchange="Binance")
    TradeFactory(side="SELL")
    ActivityLogFactory(level=LogLevel.WARNING)
    TelegramConnectionFactory()
    page = admin_client.get(url).content.decode()
    links = {
        link.split('"', 1)[0].replace("&amp;", "&")
        for link in page.split('id="changelist-filter"', 1)[1].split('href="')[1:]
    }

    assert len(links) > 3
    for link in links:
        response = admin_client.get(url + link)
        assert response.status_code == 200, link
        assert "Database error" not in response.content.decode(), link


@pytest.mark.parametrize(
    "url, field",
    [
        (ORDERS, "created_at"),
        (TRADES, "executed_at"),
        ("/admin/bots/bot/", "created_at"),
        (TELEGRAM, "connected_at"),
        ("/admin/exchanges/exchangecredentials/", "created_at"),
    ],
)
def test_the_date_hierarchy_drills_down_to_the_days_with_rows(admin_client, url, field):
    bot = BotFactory()
    OrderFactory(bot=bot)
    TradeFactory(bot_id=bot.pk)
    TelegramConnectionFactory()
    ExchangeCredentialsFactory()
    today = timezone.localdate()

    this_month = admin_client.get(url).content.decode().replace("&amp;", "&")
    this_year = admin_client.get(url, {f"{field}__year": today.year}).content.decode()

    assert f"{field}__day={today.day}&{field}__month={today.month}" in this_month
    assert f"{field}__month={today.month}" in this_year.replace("&amp;", "&")


def test_the_activity_log_list_filters_by_date_with_the_indexed_column(admin_client):
    today = ActivityLogFactory(message="Fresh fill")
    old = ActivityLogFactory(message="Old fill")
    ActivityLog.objects.filter(pk=old.pk).update(
        timestamp=timezone.now() - datetime.timedelta(days=40)
    )
    today_link = filter_link(admin_client.get(LOGS), "Today")

    response = admin_client.get(LOGS + today_link)

    rows = results_table(response)
    assert str(today.pk) in rows
    assert str(old.pk) not in rows


def test_the_activity_log_list_shows_the_bot_of_each_row(admin_client):
    bot = BotFactory(ticker="ETH/USDT")
    gone = BotFactory(ticker="XRP/USDT")
    ActivityLogFactory(bot_id=bot.pk, message="Bought")
    ActivityLogFactory(bot_id=gone.pk, message="Sold")
    ActivityLogFactory(bot_id=None, message="Emergency stop - All bots stopped")
    gone_id = gone.pk
    gone.delete()

    rows = results_table(admin_client.get(LOGS))

    assert f'<a href="/admin/bots/bot/{bot.pk}/change/">ETH/USDT</a>' in rows
    assert f"deleted bot {gone_id}" in rows


def test_the_activity_log_of_one_bot_is_one_link_away(admin_client):
    bot = BotFactory()
    mine = ActivityLogFactory(bot_id=bot.pk)
    other = ActivityLogFactory(bot_id=BotFactory().pk)

    rows = results_table(admin_client.get(LOGS, {"bot_id": str(bot.pk)}))

    assert str(mine.pk) in rows
    assert str(other.pk) not in rows


def test_the_orders_of_one_bot_are_one_link_away(admin_client):
    bot = BotFactory(ticker="ETH/USDT")
    mine = OrderFactory(bot=bot)
    other = OrderFactory()

    rows = results_table(admin_client.get(ORDERS, {"bot__id__exact": str(bot.pk)}))

    assert str(mine.pk) in rows
    assert str(other.pk) not in rows
    assert f'<a href="/admin/bots/bot/{bot.pk}/change/">ETH/USDT on CoinDCX F</a>' in rows


def test_the_trades_of_one_bot_are_one_link_away(admin_client):
    bot = BotFactory()
    mine = TradeFactory(bot_id=bot.pk)
    other = TradeFactory()

    rows = results_table(admin_client.get(TRADES, {"bot_id": str(bot.pk)}))

    assert str(mine.pk) in rows
    assert str(other.pk) not in rows


@pytest.mark.parametrize(
    "url, make",
    [
        (ORDERS, lambda: OrderFactory(extra_data={"clientOrderId": "abc"})),
        (TRADES, lambda: TradeFactory(extra_data={"fee_tier": 2})),
        (LOGS, lambda: ActivityLogFactory(bot_id=BotFactory().pk, extra_data={"fill": 1})),
    ],
)
def test_orders_trades_and_logs_are_shown_read_only(admin_client, url, make):
    row = make()
    page = f"{url}{row.pk}/change/"

    shown = admin_client.get(page)
    posted = admin_client.post(page, {})

    assert shown.status_code == 200
    html = shown.content.decode()
    assert 'type="submit"' not in html.split('id="content-main"')[1].split('id="footer"')[0]
    assert posted.status_code == 403
    assert admin_client.get(f"{url}add/").status_code == 403


def test_the_order_page_shows_its_fill_and_links_its_bot(admin_client):
    order = OrderFactory(quantity=2.0, filled_quantity=0.5, exchange_order_id="X-1")

    page = admin_client.get(f"{ORDERS}{order.pk}/change/").content.decode()

    assert "25%" in page
    assert "X-1" in page
    assert f"/admin/bots/bot/{order.bot_id}/change/" in page


def test_orders_can_be_deleted_but_logs_and_trades_cannot(admin_client):
    order, trade, log = OrderFactory(), TradeFactory(), ActivityLogFactory()

    assert admin_client.post(f"{ORDERS}{order.pk}/delete/", {"post": "yes"}).status_code == 302
    assert admin_client.get(f"{TRADES}{trade.pk}/delete/").status_code == 403
    assert admin_client.get(f"{LOGS}{log.pk}/delete/").status_code == 403
    assert 'value="delete_selected"' not in admin_client.get(LOGS).content.decode()


def test_a_telegram_connection_can_be_switched_off_but_not_added(admin_client):
    connection_row = TelegramConnectionFactory(chat_id="5550001", is_active=True)
    page = f"{TELEGRAM}{connection_row.pk}/change/"

    form = admin_client.get(page).content.decode()
    response = admin_client.post(page, {})

    assert 'type="checkbox" name="is_active"' in form
    assert response.status_code == 302
    connection_row.refresh_from_db()
    assert connection_row.is_active is False
    assert connection_row.chat_id == "5550001"
    assert admin_client.get(f"{TELEGRAM}add/").status_code == 403
    assert TelegramConnection.objects.count() == 1


def test_a_telegram_connection_can_be_deleted(admin_client):
    connection_row = TelegramConnectionFactory()

    response = admin_client.post(f"{TELEGRAM}{connection_row.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not TelegramConnection.objects.exists()


def test_the_admin_index_lists_every_model_of_the_project(admin_client):
    page = admin_client.get("/admin/").content.decode()

    for url in (
        "/admin/bots/bot/",
        "/admin/bots/activitylog/",
        "/admin/bots/trade/",
        "/admin/bots/telegramconnection/",
        "/admin/orders/order/",
        "/admin/exchanges/exchangecredentials/",
        "/admin/legacy/alembicversion/",
    ):
        assert f'href="{url}"' in page


@pytest.fixture
def many_activity_logs(db):
    """More activity log rows than the paginator counts exactly, with fresh statistics.

    ANALYZE writes pg_class in place (it survives the test's rollback): the rows are removed and
    the table analysed again afterwards, so later tests see an empty table's statistics.
    """
    rows = 25_000
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO activity_logs (id, level, message) "
            "SELECT gen_random_uuid(), 'INFO', 'Heartbeat ' || n FROM generate_series(1, %s) n",
            [rows],
        )
        cursor.execute("ANALYZE activity_logs")
    yield rows
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM activity_logs")
        cursor.execute("ANALYZE activity_logs")


def test_a_large_activity_log_list_is_not_counted_row_by_row(admin_client, many_activity_logs):
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get(LOGS)

    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()]
    assert response.status_code == 200
    assert counts == []
    assert row_count(response) == 100
    estimate = int(response.context["cl"].result_count)
    assert 0.8 * many_activity_logs < estimate < 1.2 * many_activity_logs


def test_a_filtered_activity_log_list_is_counted_exactly(admin_client, many_activity_logs):
    ActivityLogFactory.create_batch(3, level=LogLevel.ERROR)

    response = admin_client.get(LOGS, {"level__exact": "ERROR"})

    assert response.context["cl"].result_count == 3
    assert "3 results" in response.content.decode()


def test_a_small_activity_log_list_is_counted_exactly(admin_client):
    ActivityLogFactory.create_batch(7)
    BotFactory(status=BotStatus.ACTIVE)

    response = admin_client.get(LOGS)

    assert response.context["cl"].result_count == 7
