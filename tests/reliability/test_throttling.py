"""Rate limits: a few token requests per address (brute force), a bounded rate of writes per user.

Counters live in the cache (Redis in these tests, as in production), keyed by client address or
user; each test uses an address of its own so tests do not count each other's requests.
"""

import random

import pytest
from django.conf import settings
from django.test import override_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.support.factories import UserFactory


def rates(**rates):
    """Settings with these throttle rates (scope -> "N/period")."""
    return override_settings(
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"auth": None, "writes": None, **rates},
        }
    )


@pytest.fixture
def address():
    """A client address no other test uses."""
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def bad_login(client, user, address, **headers):
    return client.post(
        "/api/v1/auth/token",
        {"username": user.username, "password": "wrong"},
        REMOTE_ADDR=address,
        **headers,
    )


@pytest.mark.django_db
def test_the_login_after_the_allowed_number_of_bad_ones_gets_429_with_a_detail(
    anonymous_client, user, address
):
    with rates(auth="5/minute"):
        answers = [bad_login(anonymous_client, user, address).status_code for _ in range(5)]
        throttled = bad_login(anonymous_client, user, address)

    assert answers == [400] * 5
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"]
    assert int(throttled["Retry-After"]) > 0


@pytest.mark.django_db
def test_a_throttled_address_cannot_log_in_even_with_the_right_password(
    anonymous_client, user, address
):
    with rates(auth="2/minute"):
        bad_login(anonymous_client, user, address)
        bad_login(anonymous_client, user, address)
        response = anonymous_client.post(
            "/api/v1/auth/token",
            {"username": user.username, "password": "correct horse battery staple"},
            REMOTE_ADDR=address,
        )

    assert response.status_code == 429


@pytest.mark.django_db
def test_another_address_still_logs_in_while_one_is_throttled(anonymous_client, user, address):
    with rates(auth="1/minute"):
        bad_login(anonymous_client, user, address)
        assert bad_login(anonymous_client, user, address).status_code == 429
        response = anonymous_client.post(
            "/api/v1/auth/token",
            {"username": user.username, "password": "correct horse battery staple"},
            REMOTE_ADDR=f"{address}0",
        )

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_forged_x_forwarded_for_does_not_reset_the_count(anonymous_client, user, address):
    with rates(auth="2/minute"):
        statuses = [
            bad_login(
                anonymous_client, user, address, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}"
            ).status_code
            for n in range(3)
        ]

    assert statuses == [400, 400, 429]


@pytest.mark.django_db
def test_without_a_rate_logins_are_not_limited(anonymous_client, user, address):
    with rates(auth=None):
        statuses = {bad_login(anonymous_client, user, address).status_code for _ in range(20)}

    assert statuses == {400}


@pytest.mark.django_db
def test_logins_are_not_limited_while_redis_is_unreachable(anonymous_client, user, address):
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    with rates(auth="1/minute"), override_settings(CACHES=unreachable):
        statuses = [bad_login(anonymous_client, user, address).status_code for _ in range(3)]

    assert statuses == [400, 400, 400]


@pytest.mark.django_db
def test_the_write_after_the_allowed_number_gets_429_and_reads_go_on(api_client):
    with rates(writes="3/minute"):
        writes = [api_client.post("/api/v1/bots/stop-all").status_code for _ in range(3)]
        throttled = api_client.post("/api/v1/bots/stop-all")
        reads = {api_client.get("/api/v1/bots/").status_code for _ in range(5)}

    assert writes == [200] * 3
    assert throttled.status_code == 429
    assert "throttled" in throttled.json()["detail"]
    assert reads == {200}


@pytest.mark.django_db
def test_writes_are_counted_per_user(api_client):
    other = APIClient()
    other.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=UserFactory()).key}")
    with rates(writes="1/minute"):
        api_client.post("/api/v1/bots/stop-all")
        assert api_client.post("/api/v1/bots/stop-all").status_code == 429
        response = other.post("/api/v1/bots/stop-all")

    assert response.status_code == 200
