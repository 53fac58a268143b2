"""GET /api/v1/price/ltp reads the price hash the market data feed keeps in Redis.

The legacy key names are fixed (`coindcx_futures:ETH`), and other test runs share the Redis
database, so every test publishes under a ticker of its own and deletes its keys afterwards.
"""

import time
import uuid

import pytest
import redis
from django.conf import settings

pytestmark = pytest.mark.django_db

LTP_KEYS = ["success", "redis_key", "exchange", "ticker", "base_symbol", "data"]


@pytest.fixture
def feed():
    """Publishes price hashes to the test Redis database, as the market data feed does."""
    client = redis.Redis.from_url(settings.REDIS_URL, decode_responses=True)
    written = []

    class Feed:
        @staticmethod
        def symbol():
            return f"ZZ{uuid.uuid4().hex[:12].upper()}"

        @staticmethod
        def publish(key, **fields):
            written.append(key)
            client.hset(key, mapping=fields)

        @staticmethod
        def set_string(key, value):
            written.append(key)
            client.set(key, value)

    yield Feed
    if written:
        client.delete(*written)
    client.close()


def ltp(client, **params):
    return client.get("/api/v1/price/ltp", params)


def test_a_published_price_is_returned_with_ltp_as_the_string_the_feed_wrote(api_client, feed):
    symbol = feed.symbol()
    feed.publish(
        f"coindcx_futures:{symbol}",
        ltp="2500.50",
        current_funding_rate="0.0001",
        timestamp="1729500000123",
    )

    response = ltp(api_client, exchange="CoinDCX F", ticker=f"{symbol}/USDT")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == LTP_KEYS
    assert body == {
        "success": True,
        "redis_key": f"coindcx_futures:{symbol}",
        "exchange": "CoinDCX F",
        "ticker": f"{symbol}/USDT",
        "base_symbol": symbol,
        "data": {"ltp": "2500.50", "current_funding_rate": "0.0001", "timestamp": "1729500000123"},
    }


@pytest.mark.parametrize(
    ("exchange", "prefix"),
    [
        ("CoinDCX F", "coindcx_futures"),
        ("Binance", "binance_spot"),
        ("Delta", "delta_futures"),
        ("Bybit", "bybit_spot"),
    ],
)
def test_each_exchange_reads_its_own_key_prefix(api_client, feed, exchange, prefix):
    symbol = feed.symbol()
    feed.publish(f"{prefix}:{symbol}", ltp="1.25")

    response = ltp(api_client, exchange=exchange, ticker=f"{symbol}/USDT")

    assert response.json()["redis_key"] == f"{prefix}:{symbol}"
    assert response.json()["data"] == {"ltp": "1.25"}


def test_a_ticker_without_a_slash_is_its_own_base_symbol(api_client, feed):
    symbol = feed.symbol()
    feed.publish(f"binance_spot:{symbol}", ltp="0.000123")

    response = ltp(api_client, exchange="Binance", ticker=symbol)

    assert response.json()["base_symbol"] == symbol
    assert response.json()["data"]["ltp"] == "0.000123"


def test_a_ticker_without_data_answers_200_with_success_false(api_client, feed):
    symbol = feed.symbol()

    response = ltp(api_client, exchange="CoinDCX F", ticker=f"{symbol}/USDT")

    assert response.status_code == 200
    assert response.json() == {
        "success": False,
        "message": f"No data found for {symbol}/USDT on CoinDCX F",
        "redis_key": f"coindcx_futures:{symbol}",
        "data": {},
    }


def test_an_empty_ticker_reads_the_bare_prefix_key_as_in_legacy(api_client, feed):
    response = ltp(api_client, exchange="Binance", ticker="")

    assert response.status_code == 200
    assert response.json() == {
        "success": False,
        "message": "No data found for  on Binance",
        "redis_key": "binance_spot:",
        "data": {},
    }


@pytest.mark.parametrize("exchange", ["Kraken", "coindcx f", "CoinDCX"])
def test_an_unknown_exchange_is_a_400(api_client, exchange):
    response = ltp(api_client, exchange=exchange, ticker="ETH/USDT")

    assert response.status_code == 400
    assert response.json() == {"detail": f"Unknown exchange: {exchange}"}


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"ticker": "ETH/USDT"}, {"exchange"}),
        ({"exchange": "CoinDCX F"}, {"ticker"}),
        ({}, {"exchange", "ticker"}),
        ({"exchange": "", "ticker": "ETH/USDT"}, {"exchange"}),
        ({"exchange": "CoinDCX F", "ticker": "ETH\x00"}, {"ticker"}),
    ],
)
def test_missing_or_invalid_parameters_are_a_400_naming_them(api_client, params, named):
    response = ltp(api_client, **params)

    assert response.status_code == 400
    assert set(response.json()["errors"]) == named
    assert all(name in response.json()["detail"] for name in named)


def test_an_unreachable_redis_is_a_503_at_once(api_client, settings, closed_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/15"
    started = time.monotonic()

    response = ltp(api_client, exchange="CoinDCX F", ticker="ETH/USDT")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Prices are unavailable: Redis cannot be reached (ConnectionError)."
    }
    assert time.monotonic() - started < settings.REDIS_TIMEOUT_SECONDS


def test_a_redis_that_does_not_answer_is_a_503_after_the_timeout(api_client, settings, silent_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{silent_port}/15"
    settings.REDIS_TIMEOUT_SECONDS = 0.3
    started = time.monotonic()

    response = ltp(api_client, exchange="CoinDCX F", ticker="ETH/USDT")

    assert response.status_code == 503
    assert response.json() == {
        "detail": "Prices are unavailable: Redis cannot be reached (TimeoutError)."
    }
    # Bounded by the timeout, not by a retry loop or the operating system's TCP timeouts.
    assert time.monotonic() - started < 2


def test_without_redis_configured_prices_are_a_503(api_client, settings):
    settings.REDIS_URL = ""

    response = ltp(api_client, exchange="CoinDCX F", ticker="ETH/USDT")

    assert response.status_code == 503
    assert "REDIS_URL is empty" in response.json()["detail"]


def test_an_invalid_redis_url_is_a_503_naming_the_setting(api_client, settings):
    settings.REDIS_URL = "not-a-redis-url"

    response = ltp(api_client, exchange="CoinDCX F", ticker="ETH/USDT")

    assert response.status_code == 503
    assert "REDIS_URL is not a valid Redis URL" in response.json()["detail"]


def test_a_key_that_holds_no_hash_is_a_502(api_client, feed):
    symbol = feed.symbol()
    feed.set_string(f"coindcx_futures:{symbol}", "2500.5")

    response = ltp(api_client, exchange="CoinDCX F", ticker=f"{symbol}/USDT")

    assert response.status_code == 502
    assert f"coindcx_futures:{symbol}" in response.json()["detail"]


def test_price_data_that_is_not_utf8_is_a_502(api_client, feed):
    symbol = feed.symbol()
    raw = redis.Redis.from_url(settings.REDIS_URL)
    feed.publish(f"coindcx_futures:{symbol}", ltp="1")
    raw.hset(f"coindcx_futures:{symbol}", "ltp", b"\xff\xfe")
    raw.close()

    response = ltp(api_client, exchange="CoinDCX F", ticker=f"{symbol}/USDT")

    assert response.status_code == 502
    assert "not UTF-8" in response.json()["detail"]


@pytest.mark.parametrize("path", ["/api/v1/price/ltp", "/api/v1/price/ltp/"])
def test_both_spellings_answer_without_redirect(api_client, feed, path):
    symbol = feed.symbol()
    feed.publish(f"bybit_spot:{symbol}", ltp="3")

    response = api_client.get(path, {"exchange": "Bybit", "ticker": symbol})

    assert response.status_code == 200
    assert response.json()["success"] is True


def test_prices_require_authentication(anonymous_client):
    response = anonymous_client.get(
        "/api/v1/price/ltp", {"exchange": "CoinDCX F", "ticker": "ETH/USDT"}
    )

    assert response.status_code == 401
    assert response.json()["detail"]
