"""GET /api/v1/trades/ and /api/v1/trades/{id}: the trades table, read-only, newest first."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bots.models import Trade
from exchanges.models import Exchange
from tests.support.factories import BotFactory, TradeFactory

pytestmark = pytest.mark.django_db

NOON = datetime(2025, 10, 19, 12, 0, tzinfo=UTC)


def ids(response):
    return [row["id"] for row in response.json()]


def test_a_trade_is_shown_with_the_legacy_keys_and_enum_values(api_client):
    bot = BotFactory()
    trade = TradeFactory(
        bot_id=bot.id,
        symbol="ETH/USDT",
        side="SELL",
        quantity=0.5,
        price=2550.5,
        pnl=25.25,
        commission=0.1,
        exchange_order_id="cdx-991",
        exchange=Exchange.COINDCX_F,
        executed_at=NOON,
        extra_data={"fill": "maker"},
    )

    response = api_client.get(f"/api/v1/trades/{trade.id}")

    assert response.status_code == 200
    assert response.json() == {
        "bot_id": str(bot.id),
        "symbol": "ETH/USDT",
        "side": "SELL",
        "quantity": 0.5,
        "price": 2550.5,
        "exchange": "CoinDCX F",
        "id": str(trade.id),
        "pnl": 25.25,
        "commission": 0.1,
        "exchange_order_id": "cdx-991",
        "executed_at": "2025-10-19T12:00:00Z",
    }
    assert list(response.json()) == list(api_client.get("/api/v1/trades/").json()[0])


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        (Exchange.COINDCX_F, "CoinDCX F"),
        (Exchange.BINANCE, "Binance"),
        (Exchange.BYBIT, "Bybit"),
        (Exchange.DELTA, "Delta"),
    ],
)
def test_every_stored_exchange_is_shown_by_its_legacy_name(api_client, stored, shown):
    TradeFactory(exchange=stored)

    assert api_client.get("/api/v1/trades/").json()[0]["exchange"] == shown


def test_trades_are_listed_newest_first(api_client):
    middle = TradeFactory(executed_at=NOON)
    oldest = TradeFactory(executed_at=NOON - timedelta(hours=1))
    newest = TradeFactory(executed_at=NOON + timedelta(hours=1))

    response = api_client.get("/api/v1/trades/")

    assert response.status_code == 200
    assert ids(response) == [str(newest.id), str(middle.id), str(oldest.id)]


def test_skip_and_limit_page_through_the_trades(api_client):
    trades = [TradeFactory(executed_at=NOON - timedelta(minutes=n)) for n in range(5)]

    response = api_client.get("/api/v1/trades/?skip=1&limit=2")

    assert ids(response) == [str(trades[1].id), str(trades[2].id)]


def test_skip_may_be_anything_up_to_the_bigint_maximum_while_a_page_stays_at_most_1000(
    api_client,
):
    TradeFactory()

    farthest = api_client.get("/api/v1/trades/", {"skip": 2**63 - 1, "limit": 1000})
    too_long = api_client.get("/api/v1/trades/", {"limit": 1001})

    assert (farthest.status_code, farthest.json()) == (200, [])
    assert too_long.status_code == 400


def test_trades_are_filtered_by_bot_symbol_and_side(api_client):
    bot = BotFactory()
    wanted = TradeFactory(bot_id=bot.id, symbol="BTC/USDT", side="BUY")
    TradeFactory(bot_id=bot.id, symbol="BTC/USDT", side="SELL")
    TradeFactory(bot_id=bot.id, symbol="ETH/USDT", side="BUY")
    TradeFactory(symbol="BTC/USDT", side="BUY")

    response = api_client.get(f"/api/v1/trades/?bot_id={bot.id}&symbol=BTC/USDT&side=BUY")

    assert ids(response) == [str(wanted.id)]


def test_trades_are_filtered_by_a_half_open_time_window(api_client):
    at_start = TradeFactory(executed_at=NOON)
    inside = TradeFactory(executed_at=NOON + timedelta(minutes=30))
    TradeFactory(executed_at=NOON + timedelta(hours=1))
    TradeFactory(executed_at=NOON - timedelta(seconds=1))

    response = api_client.get(
        "/api/v1/trades/",
        {"executed_after": "2025-10-19T12:00:00Z", "executed_before": "2025-10-19T13:00:00Z"},
    )

    assert ids(response) == [str(inside.id), str(at_start.id)]


def test_a_symbol_longer_than_any_stored_one_matches_nothing(api_client):
    TradeFactory(symbol="ETH/USDT")

    response = api_client.get("/api/v1/trades/", {"symbol": "ETH/USDT" * 10})

    assert response.status_code == 200
    assert response.json() == []


def test_time_filters_honour_offsets_and_read_naive_times_as_utc(api_client):
    trade = TradeFactory(executed_at=NOON)

    with_offset = api_client.get("/api/v1/trades/", {"executed_after": "2025-10-19T17:30:00+05:30"})
    naive = api_client.get("/api/v1/trades/", {"executed_before": "2025-10-19T12:00:01"})

    assert ids(with_offset) == [str(trade.id)]
    assert ids(naive) == [str(trade.id)]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ({"executed_after": "2025-10-19T23:59:00+23:59"}, True),
        ({"executed_before": "2025-10-18T12:00:00-23:59"}, False),
        ({"executed_after": "0001-01-01T00:00:00+05:00"}, True),
        ({"executed_before": "0001-01-01T00:00:00+05:00"}, False),
        ({"executed_after": "9999-12-31T23:00:00-05:00"}, False),
        ({"executed_before": "9999-12-31T23:00:00-05:00"}, True),
    ],
)
def test_time_filters_accept_every_iso_8601_offset_and_year(api_client, query, found):
    trade = TradeFactory(executed_at=NOON)

    response = api_client.get("/api/v1/trades/", query)

    assert response.status_code == 200
    assert ids(response) == ([str(trade.id)] if found else [])


def test_the_list_takes_a_constant_number_of_queries(api_client):
    def queries_for_listing():
        with CaptureQueriesContext(connection) as queries:
            assert api_client.get("/api/v1/trades/?limit=1000").status_code == 200
        return len(queries)

    TradeFactory()
    with_one = queries_for_listing()
    TradeFactory.create_batch(40)

    assert queries_for_listing() == with_one


def test_an_unknown_trade_is_a_404(api_client):
    response = api_client.get(f"/api/v1/trades/{uuid.uuid4()}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Trade not found"}


@pytest.mark.parametrize(
    "trade_id", ["not-a-uuid", "42", "0.5", "6f1c2a3e-0000-4000-8000", "%00", "x" * 300]
)
def test_a_malformed_trade_id_is_a_404(api_client, trade_id):
    response = api_client.get(f"/api/v1/trades/{trade_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Trade not found"}


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"bot_id": "not-a-uuid"}, "bot_id"),
        ({"side": "HOLD"}, "side"),
        ({"side": "buy"}, "side"),
        ({"symbol": "ETH\x00USDT"}, "symbol"),
        ({"executed_after": "yesterday"}, "executed_after"),
        ({"executed_before": "2025-13-45T00:00:00Z"}, "executed_before"),
        ({"skip": "-1"}, "skip"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"skip": "99999999999999999999"}, "skip"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(api_client, query, field):
    TradeFactory()

    response = api_client.get("/api/v1/trades/", query)

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")


@pytest.mark.parametrize("path", ["/api/v1/trades/", "/api/v1/trades"])
def test_both_spellings_of_the_list_are_served_without_a_redirect(api_client, path):
    TradeFactory()

    response = api_client.get(path)

    assert response.status_code == 200
    assert len(response.json()) == 1


def test_both_spellings_of_a_trade_are_served_without_a_redirect(api_client):
    trade = TradeFactory()

    for path in (f"/api/v1/trades/{trade.id}", f"/api/v1/trades/{trade.id}/"):
        assert api_client.get(path).status_code == 200


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_trades_cannot_be_written_through_the_api(api_client, method):
    trade = TradeFactory()

    collection = getattr(api_client, method)("/api/v1/trades/", {}, format="json")
    item = getattr(api_client, method)(f"/api/v1/trades/{trade.id}", {}, format="json")

    assert collection.status_code == 405
    assert item.status_code == 405
    assert Trade.objects.filter(pk=trade.pk).exists()


@pytest.mark.parametrize("path", ["/api/v1/trades/", f"/api/v1/trades/{uuid.uuid4()}"])
def test_trades_need_authentication(anonymous_client, path):
    response = anonymous_client.get(path)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
