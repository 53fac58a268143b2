"""/api/v1/bots: the legacy bot endpoints, through real HTTP requests on a real database."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bots.models import ActivityLog, Bot, BotStatus, LogLevel
from exchanges.models import Exchange
from orders.models import Order
from tests.support.factories import BotFactory, OrderFactory

pytestmark = pytest.mark.django_db

BOT_KEYS = [
    "ticker",
    "exchange",
    "first_order",
    "quantity",
    "buy_price",
    "sell_price",
    "trailing_percent",
    "infinite_loop",
    "id",
    "status",
    "pnl",
    "total_trades",
    "last_fill_time",
    "created_at",
    "updated_at",
]

NEW_BOT = {
    "ticker": "ETH/USDT",
    "exchange": "CoinDCX F",
    "first_order": "BUY",
    "quantity": 0.5,
    "buy_price": 2500.0,
    "sell_price": 2550.0,
    "trailing_percent": 0.5,
    "infinite_loop": True,
}


def bot_url(bot_or_id, action=""):
    bot_id = getattr(bot_or_id, "id", bot_or_id)
    return f"/api/v1/bots/{bot_id}" + (f"/{action}" if action else "")


def stored(bot):
    return Bot.objects.values().get(pk=bot.pk)


def logs_of(bot):
    return list(ActivityLog.objects.filter(bot_id=bot.id).values_list("level", "message"))


# --- list ------------------------------------------------------------------------------------


def test_bots_are_listed_newest_first_with_the_legacy_keys_in_order(api_client):
    now = datetime.now(UTC)
    oldest = BotFactory(ticker="BTC/USDT", created_at=now - timedelta(days=2))
    newest = BotFactory(ticker="ETH/USDT", created_at=now)
    middle = BotFactory(ticker="SOL/USDT", created_at=now - timedelta(days=1))

    response = api_client.get("/api/v1/bots/")

    assert response.status_code == 200
    bots = response.json()
    assert [bot["id"] for bot in bots] == [str(newest.id), str(middle.id), str(oldest.id)]
    assert all(list(bot) == BOT_KEYS for bot in bots)


def test_a_listed_bot_shows_legacy_values_and_utc_timestamps_with_z(api_client):
    bot = BotFactory(
        ticker="SOL/USDT",
        exchange=Exchange.COINDCX_F,
        first_order="SELL",
        quantity=2.5,
        buy_price=160.4,
        sell_price=171.9,
        trailing_percent=1.0,
        infinite_loop=True,
        status=BotStatus.ERROR,
        pnl=9.75,
        total_trades=1,
        last_fill_time=datetime(2025, 10, 23, 14, 14, 14, tzinfo=UTC),
        created_at=datetime(2025, 10, 21, 5, 55, 55, 555000, tzinfo=UTC),
    )

    [listed] = api_client.get("/api/v1/bots/").json()

    assert listed == {
        "ticker": "SOL/USDT",
        "exchange": "CoinDCX F",
        "first_order": "SELL",
        "quantity": 2.5,
        "buy_price": 160.4,
        "sell_price": 171.9,
        "trailing_percent": 1.0,
        "infinite_loop": True,
        "id": str(bot.id),
        "status": "ERROR",
        "pnl": 9.75,
        "total_trades": 1,
        "last_fill_time": "2025-10-23T14:14:14Z",
        "created_at": "2025-10-21T05:55:55.555000Z",
        "updated_at": stored(bot)["updated_at"].isoformat().replace("+00:00", "Z"),
    }
    assert api_client.get(bot_url(bot)).json() == listed


def test_rows_the_legacy_api_could_not_show_are_listed_and_retrieved(api_client):
    written_by_scripts = [
        BotFactory(status=None, pnl=None, total_trades=None, infinite_loop=None),
        BotFactory(trailing_percent=5.0),
        BotFactory(buy_price=0.16, sell_price=0.155),
        BotFactory(exchange=Exchange.BYBIT),
        BotFactory(exchange=Exchange.DELTA),
    ]

    response = api_client.get("/api/v1/bots/")

    assert response.status_code == 200
    listed = {bot["id"]: bot for bot in response.json()}
    unset, trailing, inverted, bybit, delta = (listed[str(bot.id)] for bot in written_by_scripts)
    assert (unset["status"], unset["pnl"], unset["total_trades"], unset["infinite_loop"]) == (
        None,
        None,
        None,
        None,
    )
    assert trailing["trailing_percent"] == 5.0
    assert (inverted["buy_price"], inverted["sell_price"]) == (0.16, 0.155)
    assert (bybit["exchange"], delta["exchange"]) == ("Bybit", "Delta")
    for bot in written_by_scripts:
        retrieved = api_client.get(bot_url(bot))
        assert retrieved.status_code == 200
        assert retrieved.json() == listed[str(bot.id)]


def test_the_list_is_paged_with_skip_and_limit(api_client):
    now = datetime.now(UTC)
    bots = [BotFactory(created_at=now - timedelta(minutes=minute)) for minute in range(5)]

    response = api_client.get("/api/v1/bots/", {"skip": 1, "limit": 2})

    assert [bot["id"] for bot in response.json()] == [str(bots[1].id), str(bots[2].id)]


def test_the_list_shows_at_most_100_bots_unless_asked_for_more(api_client):
    BotFactory.create_batch(101)

    assert len(api_client.get("/api/v1/bots/").json()) == 100
    assert len(api_client.get("/api/v1/bots/", {"limit": 101}).json()) == 101


def test_the_list_is_filtered_by_status(api_client):
    active = BotFactory(status=BotStatus.ACTIVE)
    BotFactory(status=BotStatus.STOPPED)
    BotFactory(status=None)

    response = api_client.get("/api/v1/bots/", {"status": "ACTIVE"})

    assert [bot["id"] for bot in response.json()] == [str(active.id)]


@pytest.mark.parametrize("status", ["active", "RUNNING", "ACTIVE'--", "x" * 1000, "ACTIVE\x00"])
def test_an_unknown_status_filter_is_a_400_naming_it(api_client, status):
    response = api_client.get("/api/v1/bots/", {"status": status})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("status: Select a valid choice.")


BIGINT_MAX = 2**63 - 1


@pytest.mark.parametrize(
    ("skip", "limit"),
    [(0, 1001), (10_000_001, 100), (0, BIGINT_MAX), (BIGINT_MAX, 100), (BIGINT_MAX, BIGINT_MAX)],
)
def test_any_skip_and_limit_up_to_the_bigint_maximum_are_accepted_as_in_legacy(
    api_client, skip, limit
):
    BotFactory.create_batch(2)

    response = api_client.get("/api/v1/bots/", {"skip": skip, "limit": limit})

    assert response.status_code == 200
    assert len(response.json()) == (2 if skip == 0 else 0)


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("skip", "-1"),
        ("limit", "-1"),
        ("skip", str(2**63)),
        ("limit", str(2**63)),
        ("limit", "99999999999999999999999"),
        ("skip", "ten"),
        ("limit", "1.5"),
        ("limit", "0x10"),
    ],
)
def test_a_skip_or_limit_that_is_negative_not_an_integer_or_beyond_bigint_is_a_400(
    api_client, parameter, value
):
    response = api_client.get("/api/v1/bots/", {parameter: value})

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{parameter}: ")


def test_listing_runs_the_same_queries_for_one_bot_and_for_a_full_page(api_client):
    BotFactory()
    with CaptureQueriesContext(connection) as one_bot:
        assert len(api_client.get("/api/v1/bots/").json()) == 1
    BotFactory.create_batch(99)
    with CaptureQueriesContext(connection) as full_page:
        assert len(api_client.get("/api/v1/bots/").json()) == 100

    assert len(full_page) == len(one_bot) == 2  # the token, then one query for the bots


# --- create ----------------------------------------------------------------------------------


def test_creating_a_bot_answers_201_with_the_bot_active(api_client):
    response = api_client.post("/api/v1/bots/", NEW_BOT, format="json")

    assert response.status_code == 201
    created = response.json()
    assert list(created) == BOT_KEYS
    assert {key: created[key] for key in NEW_BOT} == NEW_BOT
    assert (created["status"], created["pnl"], created["total_trades"]) == ("ACTIVE", 0.0, 0)
    assert created["last_fill_time"] is None
    assert created["created_at"].endswith("Z")
    bot = Bot.objects.get(pk=created["id"])
    assert (bot.exchange, bot.status) == (Exchange.COINDCX_F, BotStatus.ACTIVE)


def test_creating_a_bot_logs_it_started(api_client):
    response = api_client.post("/api/v1/bots/", NEW_BOT, format="json")

    bot = Bot.objects.get(pk=response.json()["id"])
    assert logs_of(bot) == [(LogLevel.SUCCESS, "Bot started for ETH/USDT on CoinDCX F")]


def test_a_new_bot_has_no_trailing_and_no_infinite_loop_unless_asked(api_client):
    body = {
        key: NEW_BOT[key] for key in NEW_BOT if key not in ("trailing_percent", "infinite_loop")
    }

    created = api_client.post("/api/v1/bots/", body, format="json").json()

    assert (created["trailing_percent"], created["infinite_loop"]) == (None, False)


def test_a_new_bot_is_active_whatever_status_is_sent_and_unknown_fields_are_ignored(api_client):
    body = {**NEW_BOT, "status": "STOPPED", "pnl": 1e6, "config": {"x": 1}, "leverage": 3}

    response = api_client.post("/api/v1/bots/", body, format="json")

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["pnl"]) == ("ACTIVE", 0.0)
    assert Bot.objects.get().config is None


def test_the_exchange_is_accepted_as_shown_and_as_stored(api_client):
    shown = api_client.post("/api/v1/bots/", {**NEW_BOT, "exchange": "Bybit"}, format="json")
    stored_name = api_client.post(
        "/api/v1/bots/", {**NEW_BOT, "exchange": "COINDCX_F"}, format="json"
    )

    assert shown.json()["exchange"] == "Bybit"
    assert stored_name.json()["exchange"] == "CoinDCX F"


INVALID_BOTS = {
    "missing ticker": ({"ticker": None}, "ticker"),
    "null ticker": ({"ticker": None, "keep_null": True}, "ticker"),
    "empty ticker": ({"ticker": ""}, "ticker"),
    "ticker over 20 characters": ({"ticker": "X" * 21}, "ticker"),
    "ticker of a million characters": ({"ticker": "X" * 1_000_000}, "ticker"),
    "numeric ticker": ({"ticker": 123}, "ticker"),
    "ticker with a NUL character": ({"ticker": "ETH\x00USDT"}, "ticker"),
    "unknown exchange": ({"exchange": "Kraken"}, "exchange"),
    "exchange of another type": ({"exchange": 1}, "exchange"),
    "unknown side": ({"first_order": "HOLD"}, "first_order"),
    "null side": ({"first_order": None, "keep_null": True}, "first_order"),
    "zero quantity": ({"quantity": 0}, "quantity"),
    "negative quantity": ({"quantity": -1}, "quantity"),
    "quantity as text with spaces": ({"quantity": " 0.5 "}, "quantity"),
    "quantity as a decimal comma": ({"quantity": "0,5"}, "quantity"),
    "infinite quantity": ({"quantity": "inf"}, "quantity"),
    "quantity not a number": ({"quantity": "nan"}, "quantity"),
    "quantity false": ({"quantity": False}, "quantity"),
    "quantity as a list": ({"quantity": [1]}, "quantity"),
    "quantity too large for a float": ({"quantity": 10**400}, "quantity"),
    "null buy price": ({"buy_price": None, "keep_null": True}, "buy_price"),
    "sell price equal to buy price": ({"sell_price": 2500.0}, "sell_price"),
    "sell price below buy price": ({"sell_price": 2400.0}, "sell_price"),
    "trailing below 0.1": ({"trailing_percent": 0.05}, "trailing_percent"),
    "trailing above 3": ({"trailing_percent": 3.5}, "trailing_percent"),
    "trailing as text out of range": ({"trailing_percent": "3.5"}, "trailing_percent"),
    "infinite loop as another word": ({"infinite_loop": "maybe"}, "infinite_loop"),
    "infinite loop as a number other than 0 and 1": ({"infinite_loop": 2}, "infinite_loop"),
    "infinite loop as the text null": ({"infinite_loop": "null"}, "infinite_loop"),
    "null infinite loop": ({"infinite_loop": None, "keep_null": True}, "infinite_loop"),
}


def invalid_body(changes):
    changes = dict(changes)
    keep_null = changes.pop("keep_null", False)
    body = {**NEW_BOT, **changes}
    return {key: value for key, value in body.items() if value is not None or keep_null}


@pytest.mark.parametrize(("changes", "field"), INVALID_BOTS.values(), ids=INVALID_BOTS.keys())
def test_an_invalid_new_bot_is_a_400_naming_the_field_and_nothing_is_created(
    api_client, changes, field
):
    response = api_client.post("/api/v1/bots/", invalid_body(changes), format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert field in response.json()["errors"]
    assert not Bot.objects.exists()
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("ticker=ETH/USDT&quantity=1", "application/x-www-form-urlencoded", 415),
        ("ETH/USDT", "text/plain", 415),
        ('{"ticker": "ETH/USDT", ', "application/json", 400),
        ("[1, 2, 3]", "application/json", 400),
        ('"a string"', "application/json", 400),
        ("null", "application/json", 400),
        ('{"quantity": NaN}', "application/json", 400),
        (b"\xff\xfe not utf-8", "application/json", 400),
        ("", "application/json", 400),
    ],
    ids=["form", "text", "truncated", "array", "string", "null", "nan", "binary", "empty"],
)
def test_a_body_that_is_not_a_json_object_is_refused_with_a_detail(
    api_client, body, content_type, status
):
    response = api_client.post("/api/v1/bots/", body, content_type=content_type)

    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)
    assert not Bot.objects.exists()


def test_a_number_beyond_double_precision_is_a_400(api_client):
    body = '{"ticker": "ETH/USDT", "exchange": "Binance", "first_order": "BUY", '
    body += '"quantity": 1e999, "buy_price": 1, "sell_price": 2}'

    response = api_client.post("/api/v1/bots/", body, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("quantity: ")


# --- retrieve --------------------------------------------------------------------------------


def test_a_bot_is_retrieved_by_its_id(api_client):
    bot = BotFactory(ticker="DOGE/USDT")

    response = api_client.get(bot_url(bot))

    assert response.status_code == 200
    assert list(response.json()) == BOT_KEYS
    assert (response.json()["id"], response.json()["ticker"]) == (str(bot.id), "DOGE/USDT")


def test_the_list_filters_do_not_apply_to_one_bot(api_client):
    bot = BotFactory(status=BotStatus.STOPPED)

    response = api_client.get(bot_url(bot), {"status": "ACTIVE"})

    assert response.status_code == 200
    assert response.json()["status"] == "STOPPED"


def test_an_unknown_bot_is_a_404_bot_not_found(api_client):
    response = api_client.get(bot_url(uuid.uuid4()))

    assert response.status_code == 404
    assert response.json() == {"detail": "Bot not found"}


MALFORMED_IDS = ["not-a-uuid", "123", "a.b", f"{uuid.uuid4()}x", "%20", "'%20OR%201=1"]


@pytest.mark.parametrize("bot_id", MALFORMED_IDS)
@pytest.mark.parametrize(
    ("method", "action"),
    [
        ("get", ""),
        ("put", ""),
        ("delete", ""),
        ("post", "start"),
        ("post", "stop"),
        ("post", "toggle"),
    ],
)
def test_a_malformed_id_is_a_404_bot_not_found(api_client, method, action, bot_id):
    BotFactory()

    response = getattr(api_client, method)(bot_url(bot_id, action), {}, format="json")

    assert response.status_code == 404
    assert response.json() == {"detail": "Bot not found"}


# --- update ----------------------------------------------------------------------------------


def test_put_applies_the_fields_sent_and_keeps_the_others(api_client):
    bot = BotFactory(ticker="ETH/USDT", quantity=0.5, buy_price=2500.0, sell_price=2550.0)

    response = api_client.put(
        bot_url(bot), {"ticker": "BTC/USDT", "sell_price": 2600.0}, format="json"
    )

    assert response.status_code == 200
    assert list(response.json()) == BOT_KEYS
    row = stored(bot)
    assert (row["ticker"], row["sell_price"]) == ("BTC/USDT", 2600.0)
    assert (row["quantity"], row["buy_price"], row["exchange"]) == (0.5, 2500.0, "COINDCX_F")
    assert response.json()["ticker"] == "BTC/USDT"


def test_put_logs_the_update_with_the_new_values(api_client):
    bot = BotFactory(ticker="ETH/USDT", exchange=Exchange.COINDCX_F)

    api_client.put(bot_url(bot), {"ticker": "SOL/USDT", "exchange": "Binance"}, format="json")

    assert logs_of(bot) == [(LogLevel.INFO, "Bot updated for SOL/USDT on Binance")]


def test_put_bumps_updated_at(api_client):
    bot = BotFactory(updated_at=datetime(2025, 1, 1, tzinfo=UTC))

    response = api_client.put(bot_url(bot), {"quantity": 2.0}, format="json")

    assert stored(bot)["updated_at"] > datetime(2025, 1, 2, tzinfo=UTC)
    assert response.json()["updated_at"] != "2025-01-01T00:00:00Z"


def test_put_with_the_bots_current_values_keeps_updated_at_and_still_logs_as_in_legacy(
    api_client,
):
    bot = BotFactory(
        ticker="ETH/USDT",
        exchange=Exchange.COINDCX_F,
        trailing_percent=0.5,
        infinite_loop=True,
        updated_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    before = stored(bot)
    # The frontend's edit form sends the full body, changed or not.
    unchanged = {**NEW_BOT, "status": "ACTIVE"}

    response = api_client.put(bot_url(bot), unchanged, format="json")

    assert response.status_code == 200
    assert response.json()["updated_at"] == "2025-01-01T00:00:00Z"
    assert stored(bot) == before
    assert logs_of(bot) == [(LogLevel.INFO, "Bot updated for ETH/USDT on CoinDCX F")]


def test_put_with_the_full_body_the_frontend_sends_replaces_every_field(api_client):
    bot = BotFactory()
    body = {**NEW_BOT, "ticker": "SOL/USDT", "exchange": "Binance", "trailing_percent": None}

    response = api_client.put(bot_url(bot), body, format="json")

    assert response.status_code == 200
    assert {key: response.json()[key] for key in body} == body


def test_put_null_clears_the_trailing_percent(api_client):
    bot = BotFactory(trailing_percent=0.5)

    response = api_client.put(bot_url(bot), {"trailing_percent": None}, format="json")

    assert response.json()["trailing_percent"] is None
    assert stored(bot)["trailing_percent"] is None


def test_put_may_set_the_status_directly(api_client):
    bot = BotFactory(status=BotStatus.ACTIVE)

    response = api_client.put(bot_url(bot), {"status": "ERROR"}, format="json")

    assert response.json()["status"] == "ERROR"
    assert stored(bot)["status"] == BotStatus.ERROR


def test_put_with_an_empty_body_changes_nothing_and_answers_the_bot(api_client):
    bot = BotFactory()
    before = stored(bot)

    response = api_client.put(bot_url(bot), {}, format="json")

    assert response.status_code == 200
    assert stored(bot) == before


def test_put_ignores_unknown_fields(api_client):
    bot = BotFactory(pnl=12.5)

    response = api_client.put(
        bot_url(bot), {"pnl": 0, "id": str(uuid.uuid4()), "leverage": 5}, format="json"
    )

    assert response.status_code == 200
    assert (response.json()["id"], response.json()["pnl"]) == (str(bot.id), 12.5)


def test_put_leaves_columns_the_api_does_not_show_as_they_are_stored(api_client):
    bot = BotFactory()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE bots SET config = 'null'::json WHERE id = %s", [bot.id])

    api_client.put(bot_url(bot), {"quantity": 3.0}, format="json")

    with connection.cursor() as cursor:
        cursor.execute("SELECT config::text FROM bots WHERE id = %s", [bot.id])
        assert cursor.fetchone() == ("null",)


INVALID_UPDATES = {
    "null ticker": ({"ticker": None}, "ticker"),
    "null exchange": ({"exchange": None}, "exchange"),
    "null side": ({"first_order": None}, "first_order"),
    "null quantity": ({"quantity": None}, "quantity"),
    "null buy price": ({"buy_price": None}, "buy_price"),
    "null sell price": ({"sell_price": None}, "sell_price"),
    "null infinite loop": ({"infinite_loop": None}, "infinite_loop"),
    "null status": ({"status": None}, "status"),
    "sell lowered to the buy price": ({"sell_price": 2500.0}, "sell_price"),
    "buy raised above the sell price": ({"buy_price": 2600.0}, "sell_price"),
    "both prices, sell below buy": ({"buy_price": 10.0, "sell_price": 9.0}, "sell_price"),
    "ticker over 20 characters": ({"ticker": "X" * 21}, "ticker"),
    "negative quantity": ({"quantity": -0.5}, "quantity"),
    "trailing above 3": ({"trailing_percent": 3.01}, "trailing_percent"),
    "unknown status": ({"status": "PAUSED"}, "status"),
    "quantity as text": ({"quantity": "lots"}, "quantity"),
    "infinite loop as another word": ({"infinite_loop": "truthy"}, "infinite_loop"),
    "a valid field next to an invalid one": (
        {"ticker": "BTC/USDT", "quantity": 0},
        "quantity",
    ),
}


@pytest.mark.parametrize(("body", "field"), INVALID_UPDATES.values(), ids=INVALID_UPDATES.keys())
def test_an_invalid_put_is_a_400_naming_the_field_and_saves_nothing(api_client, body, field):
    bot = BotFactory(buy_price=2500.0, sell_price=2550.0)
    before = stored(bot)

    response = api_client.put(bot_url(bot), body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert stored(bot) == before
    assert logs_of(bot) == []


def test_a_legacy_bot_whose_sell_is_not_above_buy_must_get_valid_prices_in_its_next_put(
    api_client,
):
    bot = BotFactory(buy_price=0.16, sell_price=0.155)

    refused = api_client.put(bot_url(bot), {"infinite_loop": True}, format="json")
    fixed = api_client.put(bot_url(bot), {"infinite_loop": True, "sell_price": 0.17}, format="json")

    assert refused.status_code == 400
    assert refused.json()["detail"] == "sell_price: Must be greater than buy_price (0.16)."
    assert fixed.status_code == 200
    assert (stored(bot)["sell_price"], stored(bot)["infinite_loop"]) == (0.17, True)


def test_a_put_that_is_not_a_json_object_is_refused_and_saves_nothing(api_client):
    bot = BotFactory()
    before = stored(bot)

    as_list = api_client.put(bot_url(bot), [{"ticker": "BTC/USDT"}], format="json")
    as_text = api_client.put(bot_url(bot), "ticker=BTC", content_type="text/plain")

    assert (as_list.status_code, as_text.status_code) == (400, 415)
    assert stored(bot) == before


def test_patch_is_not_part_of_the_api_and_is_a_405_with_fastapis_text(api_client):
    bot = BotFactory()

    response = api_client.patch(bot_url(bot), {"ticker": "BTC/USDT"}, format="json")

    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


# --- delete ----------------------------------------------------------------------------------


def test_deleting_a_bot_answers_204_with_no_body_and_logs_it(api_client):
    bot = BotFactory(ticker="DOGE/USDT")

    response = api_client.delete(bot_url(bot))

    assert response.status_code == 204
    assert response.content == b""
    assert not Bot.objects.filter(pk=bot.pk).exists()
    assert logs_of(bot) == [(LogLevel.WARNING, "Bot deleted for DOGE/USDT")]


def test_a_bot_with_orders_is_deleted_together_with_its_orders(api_client):
    bot = BotFactory()
    OrderFactory.create_batch(3, bot=bot)
    other_order = OrderFactory()

    response = api_client.delete(bot_url(bot))

    assert response.status_code == 204
    assert not Bot.objects.filter(pk=bot.pk).exists()
    assert list(Order.objects.values_list("id", flat=True)) == [other_order.id]
    assert logs_of(bot) == [(LogLevel.WARNING, f"Bot deleted for {bot.ticker}")]


def test_deleting_an_unknown_bot_is_a_404(api_client):
    response = api_client.delete(bot_url(uuid.uuid4()))

    assert response.status_code == 404
    assert response.json() == {"detail": "Bot not found"}


# --- start, stop, toggle, stop-all -------------------------------------------------------------


@pytest.mark.parametrize("status", [BotStatus.STOPPED, BotStatus.ERROR, BotStatus.ACTIVE, None])
def test_a_bot_can_be_started_from_any_status(api_client, status):
    bot = BotFactory(ticker="ETH/USDT", status=status)

    response = api_client.post(bot_url(bot, "start"))

    assert response.status_code == 200
    assert list(response.json()) == BOT_KEYS
    assert response.json()["status"] == "ACTIVE"
    assert stored(bot)["status"] == BotStatus.ACTIVE
    assert logs_of(bot) == [(LogLevel.SUCCESS, "Bot started for ETH/USDT")]


def test_an_active_bot_can_be_stopped(api_client):
    bot = BotFactory(ticker="ETH/USDT", status=BotStatus.ACTIVE)

    response = api_client.post(bot_url(bot, "stop"))

    assert response.status_code == 200
    assert response.json()["status"] == "STOPPED"
    assert stored(bot)["status"] == BotStatus.STOPPED
    assert logs_of(bot) == [(LogLevel.WARNING, "Bot stopped for ETH/USDT")]


@pytest.mark.parametrize(
    ("action", "status", "log"),
    [
        ("start", BotStatus.ACTIVE, (LogLevel.SUCCESS, "Bot started for ETH/USDT")),
        ("stop", BotStatus.STOPPED, (LogLevel.WARNING, "Bot stopped for ETH/USDT")),
    ],
)
def test_starting_an_active_bot_or_stopping_a_stopped_one_leaves_the_bot_row_alone_but_logs_it(
    api_client, action, status, log
):
    # As in legacy: its ORM wrote no UPDATE for an unchanged status, and it still logged the
    # action and answered 200 with the bot.
    long_ago = datetime(2025, 1, 1, tzinfo=UTC)
    bot = BotFactory(ticker="ETH/USDT", status=status)
    Bot.objects.filter(pk=bot.pk).update(updated_at=long_ago)
    before = stored(bot)

    response = api_client.post(bot_url(bot, action))

    assert response.status_code == 200
    assert response.json()["status"] == status
    assert response.json()["updated_at"] == "2025-01-01T00:00:00Z"
    assert stored(bot) == before
    assert logs_of(bot) == [log]


@pytest.mark.parametrize(
    ("before", "after", "log"),
    [
        (BotStatus.ACTIVE, "STOPPED", (LogLevel.WARNING, "Bot stopped for ETH/USDT")),
        (BotStatus.STOPPED, "ACTIVE", (LogLevel.SUCCESS, "Bot active for ETH/USDT")),
        (BotStatus.ERROR, "ACTIVE", (LogLevel.SUCCESS, "Bot active for ETH/USDT")),
        (None, "ACTIVE", (LogLevel.SUCCESS, "Bot active for ETH/USDT")),
    ],
)
def test_toggling_stops_an_active_bot_and_activates_any_other(api_client, before, after, log):
    bot = BotFactory(ticker="ETH/USDT", status=before)

    response = api_client.post(bot_url(bot, "toggle"))

    assert response.status_code == 200
    assert response.json()["status"] == after
    assert logs_of(bot) == [log]


@pytest.mark.parametrize("action", ["start", "stop", "toggle"])
def test_starting_stopping_or_toggling_an_unknown_bot_is_a_404(api_client, action):
    response = api_client.post(bot_url(uuid.uuid4(), action))

    assert response.status_code == 404
    assert response.json() == {"detail": "Bot not found"}


def test_stop_all_stops_every_active_bot_and_leaves_error_bots_alone(api_client):
    active = BotFactory.create_batch(2, status=BotStatus.ACTIVE)
    failed = BotFactory(status=BotStatus.ERROR)

    response = api_client.post("/api/v1/bots/stop-all")

    assert response.status_code == 200
    assert response.json() == {"message": "Stopped 2 bots", "count": 2}
    assert {stored(bot)["status"] for bot in active} == {BotStatus.STOPPED}
    assert stored(failed)["status"] == BotStatus.ERROR
    assert list(ActivityLog.objects.values_list("level", "message", "bot_id")) == [
        (LogLevel.ERROR, "Emergency stop - All bots stopped", None)
    ]


def test_stop_all_with_no_active_bot_still_logs_the_emergency_stop(api_client):
    response = api_client.post("/api/v1/bots/stop-all")

    assert response.json() == {"message": "Stopped 0 bots", "count": 0}
    assert ActivityLog.objects.get().message == "Emergency stop - All bots stopped"


# --- statistics --------------------------------------------------------------------------------


def test_statistics_count_every_bot_that_is_not_active_as_stopped(api_client):
    BotFactory(status=BotStatus.ACTIVE, pnl=10.5, total_trades=3)
    BotFactory(status=BotStatus.ACTIVE, pnl=-2.25, total_trades=1)
    BotFactory(status=BotStatus.STOPPED, pnl=1.0, total_trades=2)
    BotFactory(status=BotStatus.ERROR, pnl=0.0, total_trades=0)
    BotFactory(status=None, pnl=None, total_trades=None)

    response = api_client.get("/api/v1/bots/statistics/summary")

    assert response.status_code == 200
    assert response.json() == {
        "total_bots": 5,
        "active_bots": 2,
        "stopped_bots": 3,
        "total_pnl": 9.25,
        "total_trades": 6,
    }
    assert list(response.json()) == [
        "total_bots",
        "active_bots",
        "stopped_bots",
        "total_pnl",
        "total_trades",
    ]


def test_statistics_without_bots_are_zeros(api_client):
    response = api_client.get("/api/v1/bots/statistics/summary")

    assert response.json() == {
        "total_bots": 0,
        "active_bots": 0,
        "stopped_bots": 0,
        "total_pnl": 0.0,
        "total_trades": 0,
    }


def test_statistics_run_one_query_whatever_the_number_of_bots(api_client):
    BotFactory()
    with CaptureQueriesContext(connection) as one_bot:
        api_client.get("/api/v1/bots/statistics/summary")
    BotFactory.create_batch(50)
    with CaptureQueriesContext(connection) as many_bots:
        api_client.get("/api/v1/bots/statistics/summary")

    assert len(many_bots) == len(one_bot) == 2  # the token, then one aggregate
