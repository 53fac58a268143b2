"""Redis and Telegram outages never break the bot endpoints.

Redis holds the rate-limit counters (switched on here) and the cache; Telegram receives the
notifications of bot changes (sent after the commit, here executed). Either one refusing
connections, or accepting them and never answering, leaves every bot operation working.
"""

import logging

import pytest
from django.conf import settings
from django.test import override_settings

from tests.support.factories import TelegramConnectionFactory

NEW_BOT = {
    "ticker": "ETH/USDT",
    "exchange": "CoinDCX F",
    "first_order": "BUY",
    "quantity": 0.5,
    "buy_price": 2500.0,
    "sell_price": 2550.0,
}


# Waiting out the client timeouts of a silent port takes seconds.
SILENT_PORT = pytest.param("silent_port", marks=pytest.mark.slow)


def every_bot_operation(client):
    """Create, read, change and delete a bot, and stop them all; the status codes."""
    created = client.post("/api/v1/bots/", NEW_BOT, format="json")
    bot = created.json()["id"]
    return [
        created.status_code,
        client.get("/api/v1/bots/").status_code,
        client.get(f"/api/v1/bots/{bot}").status_code,
        client.put(f"/api/v1/bots/{bot}", {"quantity": 1.0}, format="json").status_code,
        client.post(f"/api/v1/bots/{bot}/stop").status_code,
        client.post(f"/api/v1/bots/{bot}/start").status_code,
        client.post(f"/api/v1/bots/{bot}/toggle").status_code,
        client.post("/api/v1/bots/stop-all").status_code,
        client.get("/api/v1/bots/statistics/summary").status_code,
        client.get("/api/v1/logs/").status_code,
        client.delete(f"/api/v1/bots/{bot}").status_code,
    ]


def redis_at(port):
    location = f"redis://127.0.0.1:{port}/15"
    return override_settings(
        REDIS_URL=location,
        CACHES={
            "default": {
                "BACKEND": "django.core.cache.backends.redis.RedisCache",
                "LOCATION": location,
                "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
            }
        },
        REST_FRAMEWORK={
            **settings.REST_FRAMEWORK,
            "DEFAULT_THROTTLE_RATES": {"auth": "10/minute", "writes": "100/minute"},
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("outage", ["closed_port", SILENT_PORT])
def test_bots_work_while_redis_is_down(api_client, request, outage, caplog):
    with redis_at(request.getfixturevalue(outage)):
        statuses = every_bot_operation(api_client)

    assert statuses == [201, 200, 200, 200, 200, 200, 200, 200, 200, 200, 204]
    assert "Rate limit 'writes' not applied, the cache is unreachable" in caplog.text


@pytest.mark.django_db
@pytest.mark.parametrize("outage", ["closed_port", SILENT_PORT])
def test_bots_work_while_telegram_is_down(
    api_client, request, outage, caplog, django_capture_on_commit_callbacks
):
    TelegramConnectionFactory(chat_id="1002", is_active=True)
    telegram = override_settings(
        TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN",
        TELEGRAM_API_BASE_URL=f"http://127.0.0.1:{request.getfixturevalue(outage)}",
        TELEGRAM_TIMEOUT_SECONDS=0.5,
    )
    with telegram, django_capture_on_commit_callbacks(execute=True) as notifications:
        caplog.set_level(logging.WARNING)
        statuses = every_bot_operation(api_client)

    assert statuses == [201, 200, 200, 200, 200, 200, 200, 200, 200, 200, 204]
    assert len(notifications) >= 5
    assert "Telegram notification to chat 1002 failed" in caplog.text
