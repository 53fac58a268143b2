"""REDIS_URL defaults to the legacy backend's Redis; set empty, the app runs without Redis."""

import os
import subprocess
import sys

import pytest

from tests.support.databases import PROJECT_DIR

SHOW = (
    "import django; django.setup(); from django.conf import settings; "
    "print(repr(settings.REDIS_URL)); print(settings.CACHES['default']['BACKEND'])"
)


def settings_with(**env):
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        cwd=PROJECT_DIR,
        env={**base, "DJANGO_SETTINGS_MODULE": "scalper.settings", "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_without_redis_url_the_app_uses_the_legacy_backends_redis():
    assert settings_with() == [
        "'redis://localhost:6379/0'",
        "django.core.cache.backends.redis.RedisCache",
    ]


def test_an_empty_redis_url_switches_redis_off():
    assert settings_with(REDIS_URL="") == ["''", "django.core.cache.backends.locmem.LocMemCache"]


@pytest.mark.django_db
def test_with_redis_off_the_price_endpoint_says_how_to_switch_it_on(api_client, settings):
    settings.REDIS_URL = ""

    response = api_client.get("/api/v1/price/ltp", {"exchange": "CoinDCX F", "ticker": "ETH/USDT"})

    assert response.status_code == 503
    assert "REDIS_URL" in response.json()["detail"]
