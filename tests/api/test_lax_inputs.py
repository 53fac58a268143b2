"""What scripts written against the legacy API send is accepted again: pydantic's lax mode.

The table (tests/api/lax_table.py) was measured with the legacy's own pydantic; these tests hold the
project's rules (scalper/api/lax.py) and its endpoints to it. Where the project departs on
purpose, the test says so: infinity and NaN are refused (no JSON response can show them), `skip`
and `limit` stay within 0 and PostgreSQL's bigint (the legacy answered 500 beyond), an empty
query value means "no filter" (the legacy answered 422).
"""

import math
import re
import uuid

import pytest

from bots.models import ActivityLog, Bot
from scalper.api import lax
from scalper.api.fields import lax_integer_schema
from scalper.api.pagination import BIGINT_MAX
from tests.api import lax_table
from tests.api.lax_table import REFUSED
from tests.support.factories import ActivityLogFactory, BotFactory, ExchangeCredentialsFactory


def row_id(value):
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...({len(text)} chars)"


def texts(table):
    return [(value, expected) for value, expected in table if isinstance(value, str)]


def same(a, b):
    return a == b or (
        isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b)
    )


# --- the rules ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("convert", "value", "expected"),
    [
        *[(lax.to_float, value, expected) for value, expected in lax_table.FLOAT],
        *[(lax.to_int, value, expected) for value, expected in lax_table.INT],
        *[(lax.to_bool, value, expected) for value, expected in lax_table.BOOL],
        *[(lax.to_uuid, value, expected) for value, expected in lax_table.UUID],
    ],
    ids=row_id,
)
def test_each_value_is_read_as_the_legacy_apis_pydantic_read_it(convert, value, expected):
    if expected is REFUSED:
        with pytest.raises(ValueError):
            convert(value)
    else:
        result = convert(value)
        assert same(str(result) if convert is lax.to_uuid else result, expected)


# --- through the endpoints ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_bot_sent_with_every_number_and_flag_as_text_is_created(api_client):
    body = {
        "ticker": "ETH/USDT",
        "exchange": "CoinDCX F",
        "first_order": "BUY",
        "quantity": "1.5",
        "buy_price": "2500",
        "sell_price": "2.55e3",
        "trailing_percent": "0.5",
        "infinite_loop": "yes",
    }

    response = api_client.post("/api/v1/bots/", body, format="json")

    assert response.status_code == 201, response.json()
    created = response.json()
    assert (created["quantity"], created["buy_price"], created["sell_price"]) == (
        1.5,
        2500.0,
        2550.0,
    )
    assert (created["trailing_percent"], created["infinite_loop"]) == (0.5, True)


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), lax_table.FLOAT, ids=row_id)
def test_a_quantity_is_accepted_as_the_legacy_accepted_it_if_finite_and_positive(
    api_client, value, expected
):
    bot = BotFactory(quantity=0.25)

    response = api_client.put(f"/api/v1/bots/{bot.id}", {"quantity": value}, format="json")

    accepted = expected is not REFUSED and math.isfinite(expected) and expected > 0
    if accepted:
        assert response.status_code == 200, response.json()
        assert response.json()["quantity"] == expected
        assert Bot.objects.get(pk=bot.pk).quantity == expected
    else:
        assert response.status_code == 400
        assert response.json()["detail"].startswith("quantity: ")
        assert Bot.objects.get(pk=bot.pk).quantity == 0.25


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), lax_table.BOOL, ids=row_id)
def test_a_flag_is_accepted_as_the_legacy_accepted_it(api_client, value, expected):
    bot = BotFactory(infinite_loop=None)

    response = api_client.put(f"/api/v1/bots/{bot.id}", {"infinite_loop": value}, format="json")

    if expected is REFUSED:
        assert response.status_code == 400
        assert Bot.objects.get(pk=bot.pk).infinite_loop is None
    else:
        assert response.status_code == 200, response.json()
        assert Bot.objects.get(pk=bot.pk).infinite_loop is expected


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), lax_table.UUID, ids=row_id)
def test_a_log_entrys_bot_id_is_accepted_as_the_legacy_accepted_it(api_client, value, expected):
    body = {"level": "INFO", "message": "From a script", "bot_id": value}

    response = api_client.post("/api/v1/logs/", body, format="json")

    if value is None:
        assert response.status_code == 200
        assert response.json()["bot_id"] is None
    elif expected is REFUSED:
        assert response.status_code == 400
        assert not ActivityLog.objects.exists()
    else:
        assert response.status_code == 200, response.json()
        assert response.json()["bot_id"] == expected


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), texts(lax_table.INT), ids=row_id)
def test_skip_is_read_as_the_legacy_read_it_within_zero_and_bigint(api_client, value, expected):
    BotFactory()

    response = api_client.get("/api/v1/bots/", {"skip": value})

    if value == "":
        assert response.status_code == 200
        assert len(response.json()) == 1
    elif expected is REFUSED or not 0 <= expected <= BIGINT_MAX:
        assert response.status_code == 400
        assert response.json()["detail"].startswith("skip: ")
    else:
        assert response.status_code == 200
        assert len(response.json()) == (1 if expected == 0 else 0)


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), texts(lax_table.INT), ids=row_id)
def test_an_orders_limit_is_read_as_the_legacy_read_it(api_client, value, expected):
    response = api_client.get("/api/v1/orders/", {"limit": value})

    if value == "" or (expected is not REFUSED and 0 <= expected <= 1000):
        assert response.status_code == 200
    else:
        assert response.status_code == 400
        assert response.json()["detail"].startswith("limit: ")


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), texts(lax_table.BOOL), ids=row_id)
def test_the_credentials_is_active_filter_is_read_as_the_legacy_read_it(
    api_client, value, expected
):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=True)
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=False, is_active=False)

    response = api_client.get("/api/v1/credentials/", {"is_active": value})

    if value == "":
        assert response.status_code == 200
        assert len(response.json()) == 2
    elif expected is REFUSED:
        assert response.status_code == 400
        assert response.json()["detail"].startswith("is_active: ")
    else:
        assert response.status_code == 200
        assert [row["is_active"] for row in response.json()] == [expected]


@pytest.mark.django_db
@pytest.mark.parametrize(("value", "expected"), texts(lax_table.UUID), ids=row_id)
def test_the_logs_bot_id_filter_is_read_as_the_legacy_read_it(api_client, value, expected):
    bot_id = uuid.UUID("12345678-1234-5678-1234-567812345678")
    ActivityLogFactory(bot_id=bot_id)
    ActivityLogFactory(bot_id=None)

    response = api_client.get("/api/v1/logs/", {"bot_id": value})

    if value == "":
        assert response.status_code == 200
        assert len(response.json()) == 2
    elif expected is REFUSED:
        assert response.status_code == 400
        assert response.json()["detail"].startswith("bot_id: ")
    else:
        assert response.status_code == 200
        assert [row["bot_id"] for row in response.json()] == (
            [expected] if expected == str(bot_id) else []
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "text", ["1" * 500_000 + "x", "1." + "1" * 500_000 + "x", "1_" * 250_000 + "x"]
)
def test_a_long_text_that_is_not_a_number_is_refused_in_one_pass(api_client, text):
    # A pattern that matched digits two ways would take hours on these (quadratic backtracking).
    bot = BotFactory(quantity=0.25)

    response = api_client.put(f"/api/v1/bots/{bot.id}", {"quantity": text}, format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith("quantity: ")


def test_every_integral_text_the_api_reads_is_documented_as_such():
    # Fuzzers send text the document calls invalid and expect a 400: what the API reads as an
    # integer must match the documented pattern (tests/reliability/test_fuzz.py).
    (text_form,) = [s for s in lax_integer_schema(0, 1, 0)["anyOf"] if s["type"] == "string"]
    pattern = re.compile(text_form["pattern"])
    for value, expected in texts(lax_table.INT):
        if expected is not REFUSED:
            assert pattern.search(value), value
