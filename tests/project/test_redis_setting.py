"""REDIS_URL defaults to the legacy backend's Redis; set empty, the app runs without Redis."""

import os
import subprocess
import sys
import uuid

import pytest
import redis

from tests.support.commands import get_json
from tests.support.databases import PROJECT_DIR
from tests.support.servers import free_port

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


@pytest.mark.slow
def test_after_the_run_command_the_price_endpoint_reads_the_local_redis(tmp_path):
    # What `make run` does, without REDIS_URL; the price lies in the local Redis's database 0,
    # under a key of its own, removed afterwards.
    base = f"ZZ{uuid.uuid4().hex[:10].upper()}"
    key = f"coindcx_futures:{base}"
    local_redis = redis.Redis.from_url("redis://localhost:6379/0", decode_responses=True)
    local_redis.hset(key, mapping={"ltp": "3456.78", "timestamp": "1764650000"})
    environment = {name: value for name, value in os.environ.items() if name != "REDIS_URL"}
    environment.update(
        DEBUG="true",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        API_TRUSTED_NETWORKS="127.0.0.1/32",
    )
    environment.pop("DJANGO_SETTINGS_MODULE", None)
    port = free_port()
    try:
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate"],
            cwd=PROJECT_DIR,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert migrate.returncode == 0, migrate.stderr
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=PROJECT_DIR,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            status, body = get_json(
                f"http://127.0.0.1:{port}/api/v1/price/ltp?exchange=CoinDCX+F&ticker={base}%2FUSDT"
            )
        finally:
            server.terminate()
            server.wait(timeout=10)
    finally:
        local_redis.delete(key)
        local_redis.close()

    assert status == 200, body
    assert (body["success"], body["redis_key"], body["data"]["ltp"]) == (True, key, "3456.78")
