"""Last traded prices, read from Redis where the market data feeds write them.

The keys and their reading are the legacy backend's: `{prefix}:{base symbol}` (for example
`coindcx_futures:ETH` for 'ETH/USDT' on 'CoinDCX F'), a hash read with HGETALL and decoded as
UTF-8 strings, so `ltp` stays the string the feed wrote.
"""

import functools

import redis
from django.conf import settings
from redis.backoff import NoBackoff
from redis.retry import Retry

from exchanges.models import Exchange
from scalper.exceptions import Invalid, Unavailable, UpstreamError

# The price feed's key prefix of each exchange, by the name the API shows it under.
PRICE_PREFIXES = {exchange.label: exchange.price_prefix for exchange in Exchange}
UNAVAILABLE = "Prices are unavailable"


class UnknownExchange(Invalid):
    """No exchange is shown under this name."""


class PricesUnavailable(Unavailable):
    """Redis is not configured, cannot be reached, or did not answer in time."""


class BadPriceData(UpstreamError):
    """Redis answered, but what it holds under the key is not a price hash."""


@functools.lru_cache(maxsize=1)
def _client(url, timeout):
    # No retries: a price that cannot be read at once is better answered with a quick 503.
    return redis.Redis.from_url(
        url,
        encoding="utf-8",
        decode_responses=True,
        socket_connect_timeout=timeout,
        socket_timeout=timeout,
        retry=Retry(NoBackoff(), 0),
    )


def redis_client():
    """The process-wide client for REDIS_URL, created on first use."""
    if not settings.REDIS_URL:
        raise PricesUnavailable(f"{UNAVAILABLE}: Redis is not configured (REDIS_URL is empty).")
    try:
        return _client(settings.REDIS_URL, settings.REDIS_TIMEOUT_SECONDS)
    except ValueError:
        raise PricesUnavailable(f"{UNAVAILABLE}: REDIS_URL is not a valid Redis URL.") from None


def price_key(exchange, ticker):
    """(Redis key, base symbol) of `ticker` on `exchange`."""
    try:
        prefix = PRICE_PREFIXES[exchange]
    except KeyError:
        raise UnknownExchange(f"Unknown exchange: {exchange}") from None
    base_symbol = ticker.split("/")[0] if "/" in ticker else ticker
    return f"{prefix}:{base_symbol}", base_symbol


def read_price_hash(key):
    """The hash stored under `key` ({} when there is none)."""
    try:
        return redis_client().hgetall(key)
    except (redis.ConnectionError, redis.TimeoutError) as error:
        raise PricesUnavailable(
            f"{UNAVAILABLE}: Redis cannot be reached ({type(error).__name__})."
        ) from None
    except redis.ResponseError as error:
        raise BadPriceData(f"Redis cannot read {key!r} as a price hash: {error}") from None
    except UnicodeDecodeError:
        raise BadPriceData(f"The price data under {key!r} is not UTF-8 text.") from None
    except redis.RedisError as error:
        raise PricesUnavailable(f"{UNAVAILABLE}: Redis failed ({type(error).__name__}).") from None
