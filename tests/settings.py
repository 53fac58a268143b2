"""Settings for the test suite: the project's settings, pointed at the local PostgreSQL by default.

Each run gets its own test database name, so parallel runs on one server do not collide.
"""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/scalper")
os.environ.setdefault("SECRET_KEY", "test-secret-key-not-for-production")
os.environ.setdefault("CREDENTIALS_KEYS", "dGVzdC1jcmVkZW50aWFscy1rZXktMDEyMzQ1Njc4OTA=")
os.environ.setdefault("LEGACY_SECRET_KEY", "your-secret-key-here-change-in-production")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("ALLOWED_HOSTS", "testserver,localhost,127.0.0.1")
# The tests speak plain HTTP (the test client, and servers they start on 127.0.0.1); rate limits
# are switched on by the tests about them.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("SESSION_COOKIE_SECURE", "false")
os.environ.setdefault("CSRF_COOKIE_SECURE", "false")
os.environ.setdefault("THROTTLE_AUTH_RATE", "")
os.environ.setdefault("THROTTLE_WRITE_RATE", "")

from scalper.settings import *  # noqa: E402,F403
from scalper.settings import CACHES, DATABASES, STORAGES  # noqa: E402

DATABASES["default"].setdefault("TEST", {})["NAME"] = f"test_scalper_{os.getpid()}"
# Parallel runs share the Redis test database: keep their cache keys (throttle counters) apart.
CACHES["default"]["KEY_PREFIX"] = f"test_scalper_{os.getpid()}"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Serve static files from the apps, as in development; production serves collectstatic's output.
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
