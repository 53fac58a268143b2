"""Oversized bodies and SQL injection attempts get plain 4xx answers, never a 500.

The endpoints are found in the OpenAPI document, so endpoints added later are covered too.
"""

import json
import re

import pytest
from django.test import override_settings

from bots.models import ActivityLog, Bot, Trade
from exchanges.models import ExchangeCredentials
from orders.models import Order
from tests.support.factories import (
    ActivityLogFactory,
    BotFactory,
    ExchangeCredentialsFactory,
    OrderFactory,
    TradeFactory,
)

INJECTIONS = (
    "' OR '1'='1",
    "1 OR 1=1",
    "'; DROP TABLE bots; --",
    '" OR ""="',
    "1' UNION SELECT username, password FROM auth_user --",
    "%' OR 1=1 --",
    "ACTIVE' OR 'x'='x",
    "1; SELECT pg_sleep(5)",
    "\x00",
)
SAMPLE_ID = "00000000-0000-0000-0000-000000000001"


def with_sample_ids(path):
    return re.sub(r"\{[^}]+\}", SAMPLE_ID, path)


@pytest.fixture
def openapi(anonymous_client):
    return anonymous_client.get("/api/v1/openapi.json").json()


def operations(openapi, method):
    for path, item in openapi["paths"].items():
        if method in item:
            yield path, item[method]


def list_operations(openapi):
    """GET operations on collections (no path parameters) whose answer is a JSON array."""
    for path, operation in operations(openapi, "get"):
        content = operation["responses"].get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if "$ref" in schema:
            schema = openapi["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
        if "{" not in path and schema.get("type") == "array":
            yield path, operation


def query_parameters(operation):
    return [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]


@pytest.fixture
def rows(db):
    """Some of everything, so that an injection that matched would show up."""
    bots = BotFactory.create_batch(3)
    OrderFactory(bot=bots[0])
    ActivityLogFactory.create_batch(3, bot_id=bots[1].id)
    TradeFactory(bot_id=bots[2].id)
    ExchangeCredentialsFactory()


def row_counts():
    return [
        model.objects.count() for model in (Bot, ActivityLog, Trade, Order, ExchangeCredentials)
    ]


def test_the_list_endpoints_with_filters_are_found(openapi):
    found = {path for path, operation in list_operations(openapi) if query_parameters(operation)}

    assert {"/api/v1/bots/", "/api/v1/logs/", "/api/v1/orders/", "/api/v1/trades/"} <= found


def test_sql_injection_in_any_filter_is_a_400_or_an_empty_result(api_client, openapi, rows):
    counts = row_counts()
    unexpected = []
    for path, operation in list_operations(openapi):
        for name in query_parameters(operation):
            for payload in INJECTIONS:
                response = api_client.get(path, {name: payload})
                body = response.json()
                if response.status_code == 400 and isinstance(body.get("detail"), str):
                    continue
                if response.status_code == 200 and body == []:
                    continue
                unexpected.append(f"{path}?{name}={payload!r}: {response.status_code} {body}")

    assert unexpected == []
    assert row_counts() == counts


@pytest.mark.django_db
def test_a_body_over_the_limit_gets_413_with_a_detail(anonymous_client, user):
    body = json.dumps({"username": user.username, "password": "x" * 2000})
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = anonymous_client.post(
            "/api/v1/auth/token", body, content_type="application/json"
        )

    assert response.status_code == 413
    assert response.json() == {"detail": "The request body is too large (at most 1000 bytes)."}


@pytest.mark.django_db
def test_a_body_within_the_limit_is_read(anonymous_client, user):
    body = json.dumps({"username": user.username, "password": "x" * 500})
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = anonymous_client.post(
            "/api/v1/auth/token", body, content_type="application/json"
        )

    assert response.status_code == 400
    assert "Unable to log in" in response.json()["detail"]


@pytest.mark.django_db
def test_an_oversized_form_to_the_admin_login_gets_413(anonymous_client):
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        response = anonymous_client.post(
            "/admin/login/", {"username": "admin", "password": "x" * 2000}
        )

    assert response.status_code == 413
    assert "too large" in response.json()["detail"]


@pytest.mark.django_db
def test_a_content_length_that_is_not_a_number_is_a_400(anonymous_client):
    response = anonymous_client.post(
        "/api/v1/auth/token", "{}", content_type="application/json", CONTENT_LENGTH="lots"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "The Content-Length header is not a number."}


def test_every_write_endpoint_refuses_an_oversized_body_with_413(api_client, openapi):
    too_large = json.dumps({"padding": "x" * 2000})
    unexpected = []
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000):
        for method in ("post", "put", "patch"):
            for path, operation in operations(openapi, method):
                if "requestBody" not in operation:
                    continue
                url = with_sample_ids(path)
                response = api_client.generic(
                    method.upper(), url, too_large, content_type="application/json"
                )
                if response.status_code != 413 or "detail" not in response.json():
                    unexpected.append(f"{method.upper()} {url}: {response.status_code}")

    assert unexpected == []


def test_a_path_that_does_not_exist_is_a_json_404_with_fastapis_text(api_client):
    for path in ("/api/v1/no-such-thing", "/api/v1/credentials/0.5", "/nowhere"):
        response = api_client.get(path)

        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}


def test_a_request_for_an_unknown_host_is_a_json_400(anonymous_client):
    response = anonymous_client.get("/", HTTP_HOST="attacker.example")

    assert response.status_code == 400
    assert response.json() == {"detail": "Bad request."}


@override_settings(ROOT_URLCONF="tests.reliability.urls_with_a_bug")
def test_a_bug_is_a_json_500_without_details(anonymous_client):
    anonymous_client.raise_request_exception = False

    response = anonymous_client.get("/broken")

    assert response.status_code == 500
    assert response.json() == {"detail": "Internal server error."}


def test_request_bodies_are_json_only_except_the_token_form(openapi):
    for method in ("post", "put", "patch"):
        for path, operation in operations(openapi, method):
            if "requestBody" in operation and not path.startswith("/api/v1/auth/token"):
                assert list(operation["requestBody"]["content"]) == ["application/json"], path


def test_a_form_encoded_body_is_refused_with_415(api_client, openapi):
    unexpected = []
    for method in ("post", "put", "patch"):
        for path, operation in operations(openapi, method):
            content = operation.get("requestBody", {}).get("content", {})
            if not content or "application/x-www-form-urlencoded" in content:
                continue
            url = with_sample_ids(path)
            response = api_client.generic(
                method.upper(), url, "a=1", content_type="application/x-www-form-urlencoded"
            )
            # Refused before the body is read is refused too: a webhook without its secret (403),
            # an object that does not exist (404).
            if response.status_code not in (403, 404, 415) or "detail" not in response.json():
                unexpected.append(f"{method.upper()} {url}: {response.status_code}")

    assert unexpected == []
