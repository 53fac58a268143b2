"""Production settings (DEBUG off) refuse to start without real secrets, and pass Django's
deployment checklist with nothing more than the variables docs/production.md lists as required.
"""

import os
import secrets
import subprocess
import sys

import pytest
from cryptography.fernet import Fernet

from tests.support.databases import PROJECT_DIR

PRODUCTION = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
    "ALLOWED_HOSTS": "scalper.example.com",
    "DATABASE_URL": "postgres://scalper:secret@db.internal:5432/scalper_bot",
    "REDIS_URL": "redis://redis.internal:6379/0",
}


def manage(*args, **env):
    """manage.py with only the given environment, as on a fresh production server."""
    base = {name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def refused(result):
    """The one line manage.py printed when it refused to start."""
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    return result.stderr.strip()


def test_the_documented_production_environment_passes_check_deploy():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [
        "your-secret-key-here-change-in-production",
        "django-insecure-development-only-key",
        "django-insecure-4x!k2#made-by-startproject",
    ],
)
def test_a_published_secret_key_is_refused(secret_key):
    line = refused(manage("check", **{**PRODUCTION, "SECRET_KEY": secret_key}))

    assert line.startswith("Configuration error: SECRET_KEY is a published default")


def test_a_missing_secret_key_is_refused():
    environment = {name: value for name, value in PRODUCTION.items() if name != "SECRET_KEY"}

    assert "SECRET_KEY is not set" in refused(manage("check", **environment))


@pytest.mark.parametrize("keys", ["", ","])
def test_empty_credentials_keys_are_refused(keys):
    line = refused(manage("check", **{**PRODUCTION, "CREDENTIALS_KEYS": keys}))

    assert line.startswith("Configuration error: CREDENTIALS_KEYS is not set")


def test_a_development_server_runs_without_any_secret():
    result = manage("check", DEBUG="true")

    assert result.returncode == 0, result.stderr


def test_an_unreadable_throttle_rate_is_refused_naming_the_variable():
    line = refused(manage("check", **{**PRODUCTION, "THROTTLE_AUTH_RATE": "lots"}))

    assert "THROTTLE_AUTH_RATE must look like 10/minute" in line


def test_psycopg_pool_and_pgbouncer_together_are_refused():
    line = refused(manage("check", **PRODUCTION, DATABASE_POOL="true", DATABASE_PGBOUNCER="true"))

    assert "DATABASE_POOL and DATABASE_PGBOUNCER" in line


def test_behind_pgbouncer_connections_are_neither_kept_nor_use_server_side_cursors():
    script = (
        "from django.conf import settings; db = settings.DATABASES['default']; "
        "print(db['CONN_MAX_AGE'], db['DISABLE_SERVER_SIDE_CURSORS'], 'pool' in db['OPTIONS'])"
    )
    result = manage("shell", "-v", "0", "-c", script, **PRODUCTION, DATABASE_PGBOUNCER="true")

    assert result.stdout.split() == ["0", "True", "False"], result.stderr
