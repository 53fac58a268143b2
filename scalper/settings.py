"""Settings for the Scalper backend.

Everything that differs between machines comes from the environment (or a `.env` file beside
manage.py), read with python-decouple. `.env.example` documents every variable.
"""

from pathlib import Path

import dj_database_url
import orjson
from decouple import Csv, config
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = config("DEBUG", default=False, cast=bool)

# Only a development server may run on a built-in key; production must set its own.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key"
SECRET_KEY = config("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment or .env "
            "(or DEBUG=true for a local development server)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY

ALLOWED_HOSTS = config(
    "ALLOWED_HOSTS",
    default="localhost,127.0.0.1,[::1]" if DEBUG else "",
    cast=Csv(),
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "scalper.legacy",
    "bots",
    "exchanges",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "scalper.urls"

# The legacy API answers both spellings of a path itself; CommonMiddleware must not redirect.
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "scalper.wsgi.application"


# Database: a SQLite file by default, so a newcomer needs no server; PostgreSQL in production.
DATABASE_URL = config("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASE_CONNECT_TIMEOUT = config("DATABASE_CONNECT_TIMEOUT", default=5, cast=int)
DATABASE_POOL = config("DATABASE_POOL", default=False, cast=bool)
DATABASE_POOL_MAX_SIZE = config("DATABASE_POOL_MAX_SIZE", default=10, cast=int)


def database_from_url(url):
    """Django's DATABASES entry for `url`, with the connection policy of this project."""
    try:
        database = dj_database_url.parse(url)
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from exc
    if not database.get("ENGINE"):
        raise ImproperlyConfigured(
            f"DATABASE_URL is not a valid database URL: no database scheme in {url!r} "
            "(expected postgres://user:password@host:port/name or sqlite:///path)"
        )
    if database["ENGINE"] == "django.db.backends.postgresql":
        options = database.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        if DATABASE_POOL:
            # psycopg's pool keeps connections per process; persistent connections must be off.
            options["pool"] = {"min_size": 1, "max_size": DATABASE_POOL_MAX_SIZE, "timeout": 10}
        else:
            database["CONN_MAX_AGE"] = config("DATABASE_CONN_MAX_AGE", default=60, cast=int)
            database["CONN_HEALTH_CHECKS"] = True
    return database


DATABASES = {"default": database_from_url(DATABASE_URL)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# Where `manage.py collectstatic` gathers the static files that WhiteNoise serves in production.
STATIC_ROOT = config("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
# Development serves static files straight from the apps; production from collectstatic's output.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}


# Redis: last traded prices are read from it; shared state (cache, throttles) lives in it when set.
REDIS_URL = config("REDIS_URL", default="")
REDIS_TIMEOUT_SECONDS = config("REDIS_TIMEOUT_SECONDS", default=2.0, cast=float)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


# The legacy frontend's origins (legacy BACKEND_CORS_ORIGINS default).
CORS_ALLOWED_ORIGINS = config(
    "CORS_ALLOWED_ORIGINS",
    default="http://localhost:3000,http://localhost:3001,http://localhost:3002,http://127.0.0.1:3000",
    cast=Csv(),
)
CORS_ALLOW_CREDENTIALS = True


# Telegram notifications; nothing is sent while the token is empty.
TELEGRAM_BOT_TOKEN = config("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_API_BASE_URL = config("TELEGRAM_API_BASE_URL", default="https://api.telegram.org")
TELEGRAM_WEBHOOK_SECRET = config("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_TIMEOUT_SECONDS = config("TELEGRAM_TIMEOUT_SECONDS", default=3.0, cast=float)


# Exchange credentials: Fernet keys. The first encrypts, all decrypt (rotation);
# LEGACY_SECRET_KEY decrypts rows written by the legacy FastAPI backend.
CREDENTIALS_KEYS = config("CREDENTIALS_KEYS", default="", cast=Csv())
LEGACY_SECRET_KEY = config("LEGACY_SECRET_KEY", default="")

# Exchange REST APIs, asked by POST /api/v1/credentials/{id}/validate (with a short timeout).
COINDCX_API_BASE_URL = config("COINDCX_API_BASE_URL", default="https://api.coindcx.com")
COINDCX_TIMEOUT_SECONDS = config("COINDCX_TIMEOUT_SECONDS", default=5.0, cast=float)


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "scalper.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["scalper.api.filters.FilterBackend"],
    # orjson encodes a page of 1000 rows several times faster than the json module.
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # Timestamps as the legacy API wrote them: ISO 8601 in UTC with `Z`.
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_UTC_Z,),
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "scalper.api.exceptions.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Scalper Bot API",
    "DESCRIPTION": "API for cryptocurrency scalping bot management",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["scalper.api.routers.exclude_alternate_spellings"],
    # One name per enum whatever field it is on (the same choices on two fields are one enum).
    "ENUM_NAME_OVERRIDES": {
        "BotStatus": "bots.models.BotStatus",
        "Exchange": ["CoinDCX F", "Binance", "Bybit", "Delta"],
        "OrderSide": "bots.models.OrderSide",
        "LogLevel": "bots.models.LogLevel",
        "OrderStatus": "orders.models.OrderStatus",
        "OrderType": "orders.models.OrderType",
    },
}

# Reported by `/` and `/health`, as the legacy backend did.
API_VERSION = "1.0.0"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", default="INFO")},
}
