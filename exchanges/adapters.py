"""Exchange adapters: the calls that check a set of API keys against the exchange itself.

`ADAPTERS` maps the stored (lower-case) exchange name to its adapter, as the legacy factory
registry did ('coindcx' and 'coindcx_f'). An exchange without an adapter cannot be validated.
"""

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings

from scalper.exceptions import UpstreamError


class NoAdapter(LookupError):
    """No adapter is registered for the exchange."""


class ExchangeUnavailable(UpstreamError):
    """The exchange could not be asked (unreachable, timed out, or failing on its side)."""


class CoinDCXAdapter:
    """CoinDCX: keys are valid when an authenticated balances request answers a JSON list.

    The request is signed as CoinDCX documents it: the JSON body carries a millisecond timestamp
    and `X-AUTH-SIGNATURE` is the HMAC-SHA256 hex digest of that exact body under the secret key.
    CoinDCX has no separate testnet, so both networks use COINDCX_API_BASE_URL.
    """

    name = "CoinDCX"
    balances_path = "/exchange/v1/users/balances"

    def __init__(self, api_key, secret_key, testnet=False):
        self.api_key = api_key
        self.secret_key = secret_key
        self.testnet = testnet

    def validate_credentials(self):
        """True if CoinDCX accepts the keys, False if it rejects them."""
        timestamp = int(time.time() * 1000)
        body = json.dumps({"timestamp": timestamp}, separators=(",", ":"))
        signature = hmac.new(self.secret_key.encode(), body.encode(), hashlib.sha256).hexdigest()
        base_url = settings.COINDCX_API_BASE_URL.rstrip("/")
        timeout = settings.COINDCX_TIMEOUT_SECONDS
        try:
            response = requests.post(
                f"{base_url}{self.balances_path}",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-AUTH-APIKEY": self.api_key,
                    "X-AUTH-SIGNATURE": signature,
                    "X-AUTH-TIMESTAMP": str(timestamp),
                },
                timeout=timeout,
            )
        except requests.Timeout:
            raise ExchangeUnavailable(
                f"{self.name} did not answer within {timeout:g} s ({base_url})"
            ) from None
        except requests.RequestException:
            raise ExchangeUnavailable(f"{self.name} could not be reached ({base_url})") from None
        if response.status_code >= 500:
            raise ExchangeUnavailable(f"{self.name} answered HTTP {response.status_code}")
        try:
            return isinstance(response.json(), list)
        except ValueError:
            return False


ADAPTERS = {"coindcx": CoinDCXAdapter, "coindcx_f": CoinDCXAdapter}


def adapter_for(exchange):
    """The adapter class for `exchange` (a stored exchange name), or NoAdapter."""
    try:
        return ADAPTERS[exchange.lower()]
    except KeyError:
        supported = ", ".join(sorted(ADAPTERS))
        raise NoAdapter(f"No adapter for exchange '{exchange}'; supported: {supported}") from None
