"""Settings for the Scalper backend.

Everything that differs between machines comes from the environment (or a `.env` file beside
manage.py), read with python-decouple. `.env.example` documents every variable.
"""

import ipaddress
from pathlib import Path

import dj_database_url
import orjson
from csp.constants import NONE, SELF
from decouple import Csv, config
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = config("DEBUG", default=False, cast=bool)

# Only a development server may run on a built-in key; production must set its own.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-only-key"
# Keys published in this repository or the legacy one: signing with them signs nothing.
PUBLISHED_SECRET_KEYS = (DEVELOPMENT_SECRET_KEY, "your-secret-key-here-change-in-production")
SECRET_KEY = config("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set SECRET_KEY in the environment or .env "
            "(or DEBUG=true for a local development server)."
        )
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
if not DEBUG and (SECRET_KEY in PUBLISHED_SECRET_KEYS or SECRET_KEY.startswith("django-insecure")):
    raise ImproperlyConfigured(
        "SECRET_KEY is a published default. Generate your own: "
        'python -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

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
    # PostgreSQL index expressions with an operator class (the trigram index on log messages).
    "django.contrib.postgres",
    "corsheaders",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "scalper.legacy",
    "scalper.dashboard",
    "bots",
    "exchanges",
    "orders",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    # WhiteNoise, plus the dashboard build's assets (DASHBOARD_DIR).
    "scalper.dashboard.middleware.StaticFilesMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "scalper.api.middleware.RequestBodyLimitMiddleware",
    "scalper.api.middleware.DatabaseUnavailableMiddleware",
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
        "DIRS": [BASE_DIR / "scalper" / "templates"],
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
# PgBouncer in transaction mode: no server-side cursors, no pool of our own, no persistent
# connections (a session's state does not survive between transactions there).
DATABASE_PGBOUNCER = config("DATABASE_PGBOUNCER", default=False, cast=bool)
if DATABASE_PGBOUNCER and DATABASE_POOL:
    raise ImproperlyConfigured(
        "DATABASE_POOL and DATABASE_PGBOUNCER are both on: PgBouncer already pools connections; "
        "set DATABASE_POOL=false."
    )


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
        # Django's backend with a health check that sends nothing to the server.
        database["ENGINE"] = "scalper.postgresql"
        options = database.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", DATABASE_CONNECT_TIMEOUT)
        if not DATABASE_PGBOUNCER:
            # A query run a few times on a connection is prepared, as psycopg does by default
            # (Django turns that off for poolers): PostgreSQL then skips parsing and planning it.
            # Preparing needs parameters bound by the server, not spliced into the SQL text.
            options.setdefault("server_side_binding", True)
            options.setdefault("prepare_threshold", 5)
        if DATABASE_POOL:
            # psycopg's pool keeps connections per process; persistent connections must be off.
            # Waiting no longer than a connect makes a down database a quick 503.
            options["pool"] = {
                "min_size": 1,
                "max_size": DATABASE_POOL_MAX_SIZE,
                "timeout": DATABASE_CONNECT_TIMEOUT,
            }
        else:
            database["CONN_MAX_AGE"] = config(
                "DATABASE_CONN_MAX_AGE", default=0 if DATABASE_PGBOUNCER else 60, cast=int
            )
        # A connection a database restart broke is replaced, not used (the pool checks it too).
        database["CONN_HEALTH_CHECKS"] = True
        database["DISABLE_SERVER_SIDE_CURSORS"] = DATABASE_PGBOUNCER
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
STATICFILES_DIRS = [BASE_DIR / "scalper" / "static"]
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
# The legacy backend's default; set it empty to run without Redis.
REDIS_URL = config("REDIS_URL", default="redis://localhost:6379/0")
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
# The dashboard sends no credentials to another origin (fetch's default), and no other page
# should read the API with the session cookie of a signed-in operator.
CORS_ALLOW_CREDENTIALS = False


# The legacy dashboard's static export (the `out` folder of `next build`), served at `/` to
# signed-in users; empty: `/` is the legacy JSON root.
DASHBOARD_DIR = config("DASHBOARD_DIR", default="")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"


# Client addresses (CIDRs) served without credentials, as the legacy API served everyone: for the
# cut-over, while the dashboard is still served elsewhere. `check --deploy` warns while it is set.
def parse_networks(name):
    """Setting `name` as IP networks, from comma-separated CIDRs ("10.0.0.0/8,192.168.1.20")."""
    networks = []
    for value in config(name, default="", cast=Csv()):
        try:
            networks.append(ipaddress.ip_network(value))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"{name}: {value!r} is not a network in CIDR notation ({error}); "
                "write e.g. 10.0.0.0/8 or 192.168.1.20."
            ) from error
    return tuple(networks)


API_TRUSTED_NETWORKS = parse_networks("API_TRUSTED_NETWORKS")


# Telegram notifications; nothing is sent while the token is empty.
TELEGRAM_BOT_TOKEN = config("TELEGRAM_BOT_TOKEN", default="")
TELEGRAM_API_BASE_URL = config("TELEGRAM_API_BASE_URL", default="https://api.telegram.org")
TELEGRAM_WEBHOOK_SECRET = config("TELEGRAM_WEBHOOK_SECRET", default="")
TELEGRAM_TIMEOUT_SECONDS = config("TELEGRAM_TIMEOUT_SECONDS", default=3.0, cast=float)


# Exchange credentials: Fernet keys. The first encrypts, all decrypt (rotation);
# LEGACY_SECRET_KEY decrypts rows written by the legacy FastAPI backend.
CREDENTIALS_KEYS = config("CREDENTIALS_KEYS", default="", cast=Csv())
LEGACY_SECRET_KEY = config("LEGACY_SECRET_KEY", default="")
if not DEBUG and not any(CREDENTIALS_KEYS):
    raise ImproperlyConfigured(
        "CREDENTIALS_KEYS is not set: exchange credentials could not be stored. Generate a key: "
        'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    )


def throttle_rate(name, default):
    """Setting `name` as a DRF rate ("10/minute", "5/second"), or None (empty: no limit)."""
    rate = config(name, default=default)
    if not rate:
        return None
    count, _, period = rate.partition("/")
    if not count.isdigit() or period[:1] not in ("s", "m", "h", "d"):
        raise ImproperlyConfigured(f"{name} must look like 10/minute or be empty, not {rate!r}.")
    return rate


# Exchange REST APIs, asked by POST /api/v1/credentials/{id}/validate (with a short timeout).
COINDCX_API_BASE_URL = config("COINDCX_API_BASE_URL", default="https://api.coindcx.com")
COINDCX_TIMEOUT_SECONDS = config("COINDCX_TIMEOUT_SECONDS", default=5.0, cast=float)


REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "scalper.api.authentication.TokenAuthentication",
        "scalper.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["scalper.api.permissions.IsAuthenticatedOrTrustedNetwork"],
    "DEFAULT_FILTER_BACKENDS": ["scalper.api.filters.FilterBackend"],
    # The API speaks JSON, as the legacy one did: no form or multipart parsing to attack.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    # orjson encodes a page of 1000 rows several times faster than the json module.
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "scalper.api.renderers.BrowsableAPIRenderer",
    ],
    # Timestamps as the legacy API wrote them: ISO 8601 in UTC with `Z`.
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_UTC_Z,),
    "DEFAULT_SCHEMA_CLASS": "scalper.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "scalper.api.exceptions.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": ["scalper.api.throttling.WriteRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "auth": throttle_rate("THROTTLE_AUTH_RATE", "10/minute"),
        "writes": throttle_rate("THROTTLE_WRITE_RATE", "300/minute"),
    },
    # Proxies in front of the app that append to X-Forwarded-For; 0 trusts only the peer address,
    # so a client cannot pick its own throttle identity by sending that header.
    "NUM_PROXIES": config("THROTTLE_NUM_PROXIES", default=0, cast=int),
}

SPECTACULAR_SETTINGS = {
    # Swagger UI and ReDoc from the pinned drf-spectacular-sidecar, served by WhiteNoise.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "TITLE": "Scalper Bot API",
    "DESCRIPTION": "API for cryptocurrency scalping bot management",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": [
        "scalper.api.routers.exclude_alternate_spellings",
        "scalper.dashboard.views.document_root",
    ],
    # One name per enum whatever field it is on (the same choices on two fields are one enum).
    "ENUM_NAME_OVERRIDES": {
        "BotStatus": "bots.models.BotStatus",
        # The API shows exchanges by their labels.
        "Exchange": "exchanges.models.Exchange.labels",
        "OrderSide": "exchanges.models.OrderSide",
        "LogLevel": "bots.models.LogLevel",
        "OrderStatus": "orders.models.OrderStatus",
        "OrderType": "orders.models.OrderType",
    },
}

# HTTPS and browser security: on by default in production, off for the development server.
SECURE_SSL_REDIRECT = config("SECURE_SSL_REDIRECT", default=not DEBUG, cast=bool)
# Load balancers probe the health check over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/?$"]
SECURE_HSTS_SECONDS = config("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000, cast=int)
SECURE_HSTS_INCLUDE_SUBDOMAINS = config(
    "SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG, cast=bool
)
SECURE_HSTS_PRELOAD = config("SECURE_HSTS_PRELOAD", default=not DEBUG, cast=bool)
SESSION_COOKIE_SECURE = config("SESSION_COOKIE_SECURE", default=not DEBUG, cast=bool)
CSRF_COOKIE_SECURE = config("CSRF_COOKIE_SECURE", default=not DEBUG, cast=bool)
CSRF_TRUSTED_ORIGINS = config("CSRF_TRUSTED_ORIGINS", default="", cast=Csv())
# Behind a proxy that terminates TLS: "HTTP_X_FORWARDED_PROTO,https". Only when that proxy
# always sets or strips the header, or any client could claim HTTPS.
SECURE_PROXY_SSL_HEADER = (
    config("SECURE_PROXY_SSL_HEADER", default="", cast=Csv(post_process=tuple)) or None
)

# Content-Security-Policy (django-csp): every page keeps to this origin, with no inline script
# or style. The dashboard's page adds the hashes of its own inline code (scalper.dashboard.build);
# ReDoc needs inline styles and a worker from a blob: (scalper/urls.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Request bodies: the API's are small. Larger ones get a 413 before anything reads them.
DATA_UPLOAD_MAX_MEMORY_SIZE = config("MAX_REQUEST_BODY_BYTES", default=1024 * 1024, cast=int)

# Reported by `/` and `/health`, as the legacy backend did.
API_VERSION = "1.0.0"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": config("LOG_LEVEL", default="INFO")},
}
