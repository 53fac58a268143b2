"""/api/v1/orders: the legacy read-only order endpoints, with fill_percentage and is_complete."""

import datetime
import uuid

import pytest

from orders.models import Order, OrderStatus
from tests.support.factories import BotFactory, OrderFactory

pytestmark = pytest.mark.django_db

ORDER_KEYS = [
    "ticker",
    "side",
    "order_type",
    "quantity",
    "price",
    "stop_price",
    "id",
    "bot_id",
    "exchange",
    "exchange_order_id",
    "status",
    "filled_quantity",
    "remaining_quantity",
    "average_fill_price",
    "commission",
    "commission_asset",
    "quote_quantity",
    "pnl",
    "error_message",
    "retry_count",
    "created_at",
    "updated_at",
    "sent_to_exchange_at",
    "first_fill_at",
    "last_fill_at",
    "completed_at",
    "extra_data",
    "fill_percentage",
    "is_complete",
]
STATISTICS_KEYS = [
    "total_orders",
    "filled_orders",
    "cancelled_orders",
    "failed_orders",
    "active_orders",
    "fill_rate",
    "total_commission",
    "total_volume",
]
ACTIVE = ["PENDING", "OPEN", "PARTIALLY_FILLED"]
FINAL = ["FILLED", "CANCELLED", "REJECTED", "EXPIRED", "FAILED"]


def at(minutes):
    return datetime.datetime(2025, 10, 2, 10, 0, tzinfo=datetime.UTC) + datetime.timedelta(
        minutes=minutes
    )


def ids(response):
    return [item["id"] for item in response.json()]


def bulk_orders(bot, count, **fields):
    """`count` orders of `bot`, one minute apart, oldest first."""
    return Order.objects.bulk_create(
        OrderFactory.build(bot=bot, created_at=at(minute), **fields) for minute in range(count)
    )


def test_an_order_is_shown_with_every_column_in_the_legacy_key_order(api_client):
    order = OrderFactory(
        quantity=0.5,
        filled_quantity=0.2,
        remaining_quantity=0.3,
        status=OrderStatus.PARTIALLY_FILLED,
        commission=0.265,
        commission_asset="USDT",
        quote_quantity=530.0,
        exchange_order_id="CDX-0001",
        sent_to_exchange_at=at(1),
        extra_data=[{"fill_id": "f-1", "qty": 0.2}],
    )

    response = api_client.get(f"/api/v1/orders/{order.id}")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ORDER_KEYS
    assert body["id"] == str(order.id)
    assert body["bot_id"] == str(order.bot_id)
    assert (body["side"], body["order_type"], body["status"]) == (
        "BUY",
        "LIMIT",
        "PARTIALLY_FILLED",
    )
    assert body["fill_percentage"] == pytest.approx(40.0)
    assert body["is_complete"] is False
    assert body["retry_count"] == 0.0
    assert body["sent_to_exchange_at"] == "2025-10-02T10:01:00Z"
    assert body["created_at"].endswith("Z")
    assert body["extra_data"] == [{"fill_id": "f-1", "qty": 0.2}]


@pytest.mark.parametrize("status", ACTIVE + FINAL)
def test_is_complete_is_true_exactly_for_final_statuses(api_client, status):
    order = OrderFactory(status=status)

    response = api_client.get(f"/api/v1/orders/{order.id}")

    assert response.json()["is_complete"] is (status in FINAL)


def test_an_order_with_null_filled_quantity_and_commission_is_shown_not_a_500(api_client):
    # Written outside the legacy ORM (the legacy fixture has one): NULL where 0.0 is the default.
    order = OrderFactory(filled_quantity=None, commission=None, retry_count=None)

    detail = api_client.get(f"/api/v1/orders/{order.id}")
    listed = api_client.get("/api/v1/orders/")

    assert detail.status_code == listed.status_code == 200
    for shown in (detail.json(), listed.json()[0]):
        assert (shown["filled_quantity"], shown["commission"]) == (None, None)
        assert shown["fill_percentage"] == 0.0


def test_an_order_of_zero_quantity_is_zero_percent_filled(api_client):
    order = OrderFactory(quantity=0.0, filled_quantity=0.0)

    response = api_client.get(f"/api/v1/orders/{order.id}")

    assert response.json()["fill_percentage"] == 0.0


@pytest.mark.parametrize("order_id", [str(uuid.uuid4()), "not-a-uuid"])
def test_unknown_or_malformed_order_ids_are_a_404(api_client, order_id):
    response = api_client.get(f"/api/v1/orders/{order_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Order not found"}


def test_the_list_is_newest_first(api_client):
    old, new, middle = (OrderFactory(created_at=at(m)) for m in (0, 10, 5))

    response = api_client.get("/api/v1/orders/")

    assert ids(response) == [str(new.id), str(middle.id), str(old.id)]
    assert all(list(item) == ORDER_KEYS for item in response.json())


def test_the_list_returns_100_orders_unless_a_limit_is_given(api_client):
    bulk_orders(BotFactory(), 101)

    assert len(api_client.get("/api/v1/orders/").json()) == 100
    assert len(api_client.get("/api/v1/orders/", {"limit": 101}).json()) == 101
    assert len(api_client.get("/api/v1/orders/", {"limit": 1000}).json()) == 101
    assert api_client.get("/api/v1/orders/", {"limit": 0}).json() == []


@pytest.mark.parametrize("limit", ["-1", "1001", "abc", "1.5", "99999999999999999999"])
def test_a_limit_out_of_range_or_not_an_integer_is_a_400(api_client, limit):
    response = api_client.get("/api/v1/orders/", {"limit": limit})

    assert response.status_code == 400
    assert "limit" in response.json()["detail"]


def test_the_list_has_no_skip_as_in_the_legacy_api(api_client):
    orders = bulk_orders(BotFactory(), 3)

    response = api_client.get("/api/v1/orders/", {"skip": 2})

    assert len(response.json()) == len(orders)


@pytest.mark.parametrize(
    ("name", "wanted", "other"),
    [
        ("exchange", {"exchange": "coindcx"}, {"exchange": "CoinDCX F"}),
        ("ticker", {"ticker": "BTC/USDT"}, {"ticker": "ETH/USDT"}),
        ("side", {"side": "SELL"}, {"side": "BUY"}),
        ("status", {"status": "FILLED"}, {"status": "PENDING"}),
    ],
)
def test_the_list_filters_by_exact_value(api_client, name, wanted, other):
    match = OrderFactory(**wanted)
    OrderFactory(**other)

    response = api_client.get("/api/v1/orders/", {name: wanted[name]})

    assert ids(response) == [str(match.id)]


def test_the_exchange_filter_is_case_sensitive_as_stored(api_client):
    OrderFactory(exchange="CoinDCX F")

    response = api_client.get("/api/v1/orders/", {"exchange": "coindcx f"})

    assert response.json() == []


def test_the_list_filters_by_bot_and_combines_filters(api_client):
    bot = BotFactory()
    match = OrderFactory(bot=bot, side="SELL")
    OrderFactory(bot=bot, side="BUY")
    OrderFactory(side="SELL")

    response = api_client.get("/api/v1/orders/", {"bot_id": str(bot.id), "side": "SELL"})

    assert ids(response) == [str(match.id)]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("side", "buy"),
        ("side", "HOLD"),
        ("status", "DONE"),
        ("bot_id", "not-a-uuid"),
        ("ticker", "ETH\x00USDT"),
        ("exchange", "\x00"),
    ],
)
def test_an_invalid_filter_value_is_a_400_naming_it(api_client, name, value):
    response = api_client.get("/api/v1/orders/", {name: value})

    assert response.status_code == 400
    assert name in response.json()["errors"]


def test_a_bots_active_orders_are_its_pending_open_and_partially_filled_ones(api_client):
    bot = BotFactory()
    active = {
        status: OrderFactory(bot=bot, status=status, created_at=at(i))
        for i, status in enumerate(ACTIVE)
    }
    for status in FINAL:
        OrderFactory(bot=bot, status=status)
    OrderFactory(status="PENDING")  # another bot's

    response = api_client.get(f"/api/v1/orders/bot/{bot.id}/active")

    assert response.status_code == 200
    assert ids(response) == [str(active[s].id) for s in reversed(ACTIVE)]


def test_an_unknown_bot_has_no_active_orders(api_client):
    response = api_client.get(f"/api/v1/orders/bot/{uuid.uuid4()}/active")

    assert (response.status_code, response.json()) == (200, [])


@pytest.mark.parametrize("action", ["active", "statistics", "history"])
def test_a_malformed_bot_id_is_a_400(api_client, action):
    response = api_client.get(f"/api/v1/orders/bot/not-a-uuid/{action}")

    assert response.status_code == 400
    assert "bot_id" in response.json()["detail"]


def test_a_bots_statistics_follow_the_legacy_formulas(api_client):
    bot = BotFactory()
    for status, commission, volume in [
        ("FILLED", 0.5, 1000.0),
        ("FILLED", 0.25, 500.0),
        ("FILLED", None, None),
        ("CANCELLED", 0.0, None),
        ("FAILED", 0.0, None),
        ("PENDING", 0.0, None),
        ("OPEN", 0.0, None),
        ("PARTIALLY_FILLED", 0.125, 250.0),
    ]:
        OrderFactory(bot=bot, status=status, commission=commission, quote_quantity=volume)
    OrderFactory(status="FILLED", commission=9.0, quote_quantity=9000.0)  # another bot's

    response = api_client.get(f"/api/v1/orders/bot/{bot.id}/statistics")

    assert response.status_code == 200
    assert list(response.json()) == STATISTICS_KEYS
    assert response.json() == {
        "total_orders": 8,
        "filled_orders": 3,
        "cancelled_orders": 1,
        "failed_orders": 1,
        # PENDING counts as active here, as in /active (the legacy statistics left it out).
        "active_orders": 3,
        "fill_rate": 37.5,
        "total_commission": 0.875,
        "total_volume": 1750.0,
    }


def test_a_bot_without_orders_has_zero_statistics(api_client):
    response = api_client.get(f"/api/v1/orders/bot/{uuid.uuid4()}/statistics")

    assert response.json() == dict.fromkeys(STATISTICS_KEYS, 0) | {
        "fill_rate": 0.0,
        "total_commission": 0.0,
        "total_volume": 0.0,
    }


def test_a_bots_statistics_cover_its_newest_1000_orders(api_client):
    bot = BotFactory()
    bulk_orders(bot, 1, status="FILLED")  # the oldest, outside the window
    Order.objects.bulk_create(
        OrderFactory.build(bot=bot, status="CANCELLED", created_at=at(10 + minute))
        for minute in range(1000)
    )

    response = api_client.get(f"/api/v1/orders/bot/{bot.id}/statistics")

    assert (response.json()["total_orders"], response.json()["filled_orders"]) == (1000, 0)


# Oldest first. Summed newest first, as legacy summed them, they come to 0.6 and 4871.4701;
# summed in the order they were written, to 0.6000000000000001 and 4871.4701000000005.
COMMISSIONS = [0.1, 0.2, 0.3, None]
VOLUMES = [1914.5889, 290.0337, 138.1872, 2528.6603]


def write_orders_summed_differently_by_order(bot):
    for minute, (commission, volume) in enumerate(zip(COMMISSIONS, VOLUMES, strict=True)):
        OrderFactory(
            bot=bot,
            status="FILLED",
            commission=commission,
            quote_quantity=volume,
            created_at=at(minute),
        )


@pytest.mark.parametrize(
    "path", ["/api/v1/orders/bot/{bot}/statistics", "/api/v1/orders/statistics/summary"]
)
def test_statistics_sum_newest_first_in_floating_point_as_legacy_did(api_client, path):
    bot = BotFactory()
    write_orders_summed_differently_by_order(bot)

    response = api_client.get(path.format(bot=bot.id))

    assert (response.json()["total_commission"], response.json()["total_volume"]) == (
        0.6,
        4871.4701,
    )


def test_a_bots_history_is_newest_first_with_limit_and_status(api_client):
    bot = BotFactory()
    orders = [
        OrderFactory(bot=bot, status=status, created_at=at(minute))
        for minute, status in enumerate(["FILLED", "CANCELLED", "FILLED", "FILLED"])
    ]
    OrderFactory(status="FILLED")  # another bot's

    everything = api_client.get(f"/api/v1/orders/bot/{bot.id}/history")
    filled = api_client.get(f"/api/v1/orders/bot/{bot.id}/history", {"status": "FILLED"})
    newest_two = api_client.get(
        f"/api/v1/orders/bot/{bot.id}/history", {"status": "FILLED", "limit": 2}
    )

    assert ids(everything) == [str(o.id) for o in reversed(orders)]
    assert ids(filled) == [str(orders[i].id) for i in (3, 2, 0)]
    assert ids(newest_two) == [str(orders[i].id) for i in (3, 2)]


@pytest.mark.parametrize("params", [{"status": "DONE"}, {"limit": "1001"}, {"limit": "-5"}])
def test_invalid_history_parameters_are_a_400(api_client, params):
    response = api_client.get(f"/api/v1/orders/bot/{uuid.uuid4()}/history", params)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(params)


def test_the_summary_covers_every_bots_orders(api_client):
    OrderFactory(status="FILLED", commission=1.0, quote_quantity=100.0)
    OrderFactory(status="PENDING", commission=None)
    OrderFactory(status="REJECTED")

    response = api_client.get("/api/v1/orders/statistics/summary")

    assert response.status_code == 200
    assert list(response.json()) == STATISTICS_KEYS
    assert response.json() == {
        "total_orders": 3,
        "filled_orders": 1,
        "cancelled_orders": 0,
        "failed_orders": 0,
        "active_orders": 1,
        "fill_rate": pytest.approx(100 / 3),
        "total_commission": 1.0,
        "total_volume": 100.0,
    }


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/",
        "/api/v1/orders/bot/{bot}/active",
        "/api/v1/orders/bot/{bot}/history",
    ],
)
def test_order_lists_run_a_constant_number_of_queries(api_client, django_assert_num_queries, path):
    bot = BotFactory()
    path = path.format(bot=bot.id)
    bulk_orders(bot, 1)
    with django_assert_num_queries(2) as one_order:  # the token, then the orders
        api_client.get(path)
    bulk_orders(BotFactory(), 30)
    bulk_orders(bot, 30)

    with django_assert_num_queries(len(one_order.captured_queries)):
        response = api_client.get(path)

    assert len(response.json()) > 30


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/statistics/summary",
        "/api/v1/orders/bot/{bot}/statistics",
    ],
)
def test_statistics_take_one_query(api_client, django_assert_num_queries, path):
    bot = BotFactory()
    bulk_orders(bot, 20)

    with django_assert_num_queries(2):  # the token, then the statistics
        api_client.get(path.format(bot=bot.id))


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/orders/",
        "/api/v1/orders/{order}",
        "/api/v1/orders/bot/{bot}/active",
        "/api/v1/orders/bot/{bot}/statistics",
        "/api/v1/orders/bot/{bot}/history",
        "/api/v1/orders/statistics/summary",
    ],
)
@pytest.mark.parametrize("trailing", ["", "/"])
def test_every_order_endpoint_answers_both_spellings_and_requires_a_token(
    api_client, anonymous_client, path, trailing
):
    order = OrderFactory()
    path = path.format(order=order.id, bot=order.bot_id).rstrip("/") + trailing

    authenticated = api_client.get(path)
    anonymous = anonymous_client.get(path)

    assert authenticated.status_code == 200
    assert anonymous.status_code == 401
    assert anonymous.json()["detail"]


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_orders_are_read_only(api_client, method):
    order = OrderFactory()
    path = "/api/v1/orders/" if method == "post" else f"/api/v1/orders/{order.id}"

    response = getattr(api_client, method)(path, {"ticker": "X"}, format="json")

    assert response.status_code == 405
    assert response.json()["detail"]
    assert Order.objects.get(pk=order.pk).ticker == "ETH/USDT"
