"""The contract rules for the bots and logs endpoints: both URL spellings, authentication, and
responses that match the OpenAPI document."""

import pytest
from openapi_schema_validator import OAS30ReadValidator, oas30_format_checker

from bots.models import Bot, BotStatus
from exchanges.models import Exchange
from tests.support.factories import ActivityLogFactory, BotFactory

pytestmark = pytest.mark.django_db

NEW_BOT = {
    "ticker": "ETH/USDT",
    "exchange": "CoinDCX F",
    "first_order": "BUY",
    "quantity": 0.5,
    "buy_price": 2500.0,
    "sell_price": 2550.0,
}
NEW_LOG = {"level": "INFO", "message": "note"}

# (method, legacy path, body, expected status); {id} is an existing bot.
ENDPOINTS = [
    ("get", "/api/v1/bots/", None, 200),
    ("post", "/api/v1/bots/", NEW_BOT, 201),
    ("get", "/api/v1/bots/{id}", None, 200),
    ("put", "/api/v1/bots/{id}", {"quantity": 1.0}, 200),
    ("post", "/api/v1/bots/{id}/start", None, 200),
    ("post", "/api/v1/bots/{id}/stop", None, 200),
    ("post", "/api/v1/bots/{id}/toggle", None, 200),
    ("post", "/api/v1/bots/stop-all", None, 200),
    ("get", "/api/v1/bots/statistics/summary", None, 200),
    ("delete", "/api/v1/bots/{id}", None, 204),
    ("get", "/api/v1/logs/", None, 200),
    ("post", "/api/v1/logs/", NEW_LOG, 200),
    ("get", "/api/v1/logs/count", None, 200),
    ("delete", "/api/v1/logs/", None, 204),
]


def other_spelling(path):
    return path[:-1] if path.endswith("/") else f"{path}/"


def request(client, method, path, body):
    if body is None:
        return getattr(client, method)(path)
    return getattr(client, method)(path, body, format="json")


@pytest.mark.parametrize(
    ("method", "path", "body", "status"), ENDPOINTS, ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS]
)
@pytest.mark.parametrize("spelling", ["legacy", "other"])
def test_every_endpoint_answers_both_spellings_of_its_path_without_a_redirect(
    api_client, method, path, body, status, spelling
):
    bot = BotFactory()
    path = path.format(id=bot.id)
    if spelling == "other":
        path = other_spelling(path)

    response = request(api_client, method, path, body)

    assert response.status_code == status


@pytest.mark.parametrize(
    ("method", "path", "body", "status"), ENDPOINTS, ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS]
)
def test_every_endpoint_refuses_an_anonymous_request_with_401_and_a_detail(
    anonymous_client, method, path, body, status
):
    bot = BotFactory(status=BotStatus.ACTIVE)
    ActivityLogFactory()

    response = request(anonymous_client, method, path.format(id=bot.id), body)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"] == "Token"
    assert Bot.objects.get(pk=bot.pk).status == BotStatus.ACTIVE


def test_a_wrong_token_is_a_401_with_a_detail(anonymous_client):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Token not-a-token")

    response = anonymous_client.get("/api/v1/bots/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


# --- the OpenAPI document describes the responses ---------------------------------------------


@pytest.fixture
def document(anonymous_client):
    return anonymous_client.get("/api/v1/openapi.json").json()


def response_schema(document, method, path, status):
    content = document["paths"][path][method]["responses"][str(status)]["content"]
    return content["application/json"]["schema"]


def assert_matches(document, method, path, status, body):
    schema = {
        **response_schema(document, method, path, status),
        "components": document["components"],
    }
    validator = OAS30ReadValidator(schema, format_checker=oas30_format_checker)
    errors = [error.message for error in validator.iter_errors(body)]
    assert errors == []


def test_bots_the_legacy_api_could_not_show_match_the_documented_schema(api_client, document):
    bots = [
        BotFactory(status=None, pnl=None, total_trades=None, infinite_loop=None),
        BotFactory(trailing_percent=5.0, exchange=Exchange.BYBIT, buy_price=2, sell_price=1),
        BotFactory(exchange=Exchange.DELTA, status=BotStatus.ERROR),
    ]

    listed = api_client.get("/api/v1/bots/").json()

    assert_matches(document, "get", "/api/v1/bots/", 200, listed)
    for bot in bots:
        retrieved = api_client.get(f"/api/v1/bots/{bot.id}").json()
        assert_matches(document, "get", "/api/v1/bots/{bot_id}", 200, retrieved)


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [endpoint for endpoint in ENDPOINTS if endpoint[3] != 204],
    ids=[f"{m} {p}" for m, p, _, s in ENDPOINTS if s != 204],
)
def test_every_response_matches_the_documented_schema(
    api_client, document, method, path, body, status
):
    bot = BotFactory()
    ActivityLogFactory(bot_id=bot.id)

    response = request(api_client, method, path.format(id=bot.id), body)

    assert response.status_code == status
    assert_matches(document, method, path.replace("{id}", "{bot_id}"), status, response.json())


def test_log_counts_of_one_level_match_the_documented_schema(api_client, document):
    body = api_client.get("/api/v1/logs/count", {"level": "INFO"}).json()

    assert_matches(document, "get", "/api/v1/logs/count", 200, body)


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("get", "/api/v1/bots/", {"status": "nope"}, 400),
        ("post", "/api/v1/bots/", {"ticker": ""}, 400),
        ("put", "/api/v1/bots/{bot_id}", {"sell_price": 1}, 400),
        ("get", "/api/v1/bots/{bot_id}", None, 404),
        ("get", "/api/v1/logs/", {"limit": -1}, 400),
    ],
)
def test_error_responses_match_the_documented_schema(
    api_client, document, method, path, body, status
):
    bot = BotFactory(buy_price=2, sell_price=3)
    url = path.format(bot_id=bot.id if status != 404 else "f" * 32)

    if method == "get":
        response = api_client.get(url, body)
    else:
        response = request(api_client, method, url, body)

    assert response.status_code == status
    assert_matches(document, method, path, status, response.json())


@pytest.mark.parametrize(
    ("method", "path"),
    [(method, path) for method, path, *_ in ENDPOINTS],
    ids=[f"{m} {p}" for m, p, *_ in ENDPOINTS],
)
def test_every_endpoint_documents_its_401_and_each_path_with_an_id_its_404(document, method, path):
    path = path.replace("{id}", "{bot_id}")
    responses = document["paths"][path][method]["responses"]

    assert "401" in responses
    assert ("404" in responses) == ("{bot_id}" in path)


def page_bounds(document, path):
    parameters = document["paths"][path]["get"]["parameters"]
    bounds = {}
    for parameter in parameters:
        if parameter["name"] in ("skip", "limit"):
            (integer,) = [s for s in parameter["schema"]["anyOf"] if s["type"] == "integer"]
            bounds[parameter["name"]] = (integer["minimum"], integer["maximum"])
    return bounds


def test_the_documented_skip_and_limit_bounds_are_the_enforced_ones(document):
    bigint_max = 2**63 - 1

    assert page_bounds(document, "/api/v1/bots/") == {
        "skip": (0, bigint_max),
        "limit": (0, bigint_max),
    }
    assert page_bounds(document, "/api/v1/logs/") == {"skip": (0, bigint_max), "limit": (0, 1000)}
