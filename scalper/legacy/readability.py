"""What in the database the legacy backend could not read today, with counts.

Each check names rows that make a legacy request fail: its response models (pydantic, validated on
every answer) refuse them, or its JSON encoder does (no NaN or infinity), or its reading code does
(`scalar_one_or_none()` where it expects at most one row). The credentials check counts rows whose
secrets the legacy backend cannot decrypt (not under the key it derives from its SECRET_KEY).
Trades are not checked: the legacy API serves none.
"""

from dataclasses import asdict, dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

from exchanges import encryption
from exchanges.models import ExchangeCredentials


def _not_finite(*columns):
    return " OR ".join(f"{column} IN ('NaN', 'Infinity', '-Infinity')" for column in columns)


ONE_TOO_MANY_ACTIVE = "(SELECT count(*) FROM telegram_connections WHERE is_active) > 1"
SHARED_NETWORK = (
    "(exchange, is_testnet) IN (SELECT exchange, is_testnet FROM exchange_credentials "
    "GROUP BY 1, 2 HAVING count(*) > 1)"
)

# (table, what is wrong with the rows, the legacy requests that fail on them, SQL condition)
CHECKS = (
    (
        "bots",
        "on Bybit or Delta (the legacy API knows only CoinDCX F and Binance)",
        "GET /api/v1/bots/ (the dashboard's list) and every answer showing the bot",
        "exchange::text NOT IN ('COINDCX_F', 'BINANCE')",
    ),
    (
        "bots",
        "with status, pnl, total_trades, infinite_loop, created_at or updated_at unset",
        "GET /api/v1/bots/ and every answer showing the bot",
        "status IS NULL OR pnl IS NULL OR total_trades IS NULL OR infinite_loop IS NULL "
        "OR created_at IS NULL OR updated_at IS NULL",
    ),
    (
        "bots",
        "with an empty ticker, a quantity or price not above 0, sell_price not above "
        "buy_price, or trailing_percent outside 0.1-3.0",
        "GET /api/v1/bots/ and every answer showing the bot",
        "ticker = '' OR NOT (quantity > 0 AND buy_price > 0 AND sell_price > buy_price) "
        "OR NOT (trailing_percent BETWEEN 0.1 AND 3.0)",
    ),
    (
        "bots",
        "with a number that is NaN or infinite",
        "GET /api/v1/bots/, GET /api/v1/bots/statistics/summary",
        _not_finite("quantity", "buy_price", "sell_price", "trailing_percent", "pnl"),
    ),
    (
        "activity_logs",
        "with a level other than INFO, SUCCESS, WARNING, ERROR, TELEGRAM, or an empty message",
        "GET /api/v1/logs/ (the dashboard's log)",
        "level NOT IN ('INFO', 'SUCCESS', 'WARNING', 'ERROR', 'TELEGRAM') OR message = '' "
        "OR timestamp IS NULL",
    ),
    (
        "exchange_credentials",
        "with is_testnet, is_active, is_validated, created_at or updated_at unset",
        "GET /api/v1/credentials/ and every answer showing the credentials",
        "is_testnet IS NULL OR is_active IS NULL OR is_validated IS NULL "
        "OR created_at IS NULL OR updated_at IS NULL",
    ),
    (
        "exchange_credentials",
        "sharing their exchange and network with another row",
        "POST /api/v1/credentials/ for that exchange and network",
        SHARED_NETWORK,
    ),
    (
        "telegram_connections",
        "active while another one is",
        "GET /api/v1/telegram/status (the dashboard's), POST /api/v1/telegram/disconnect",
        f"is_active AND {ONE_TOO_MANY_ACTIVE}",
    ),
    (
        "telegram_connections",
        "with is_active or connected_at unset",
        "GET /api/v1/telegram/connections",
        "is_active IS NULL OR connected_at IS NULL",
    ),
    (
        "orders",
        "with filled_quantity, commission, retry_count, created_at or updated_at unset, "
        "a quantity not above 0, a price or stop_price not above 0, or extra_data not an object",
        "GET /api/v1/orders/ and the bot's order lists",
        "filled_quantity IS NULL OR commission IS NULL OR retry_count IS NULL "
        "OR created_at IS NULL OR updated_at IS NULL OR NOT (quantity > 0) OR price <= 0 "
        "OR stop_price <= 0 OR json_typeof(extra_data) NOT IN ('object', 'null')",
    ),
    (
        "orders",
        "with a number that is NaN or infinite",
        "GET /api/v1/orders/ and the bot's order lists",
        _not_finite(
            "quantity",
            "filled_quantity",
            "remaining_quantity",
            "price",
            "average_fill_price",
            "stop_price",
            "commission",
            "quote_quantity",
            "pnl",
            "retry_count",
        ),
    ),
)
SECRET_COLUMNS = ("api_key_encrypted", "secret_key_encrypted", "passphrase_encrypted")


@dataclass(frozen=True)
class Finding:
    table: str
    problem: str
    fails: str
    count: int


def unreadable_rows(using=DEFAULT_DB_ALIAS):
    """A Finding for each check that matches rows (counted)."""
    findings = []
    with connections[using].cursor() as cursor:
        for table, problem, fails, condition in CHECKS:
            cursor.execute(f"SELECT count(*) FROM {table} WHERE {condition}")
            (count,) = cursor.fetchone()
            if count:
                findings.append(Finding(table, problem, fails, count))
    return findings


def credentials_not_under_legacy_key(using=DEFAULT_DB_ALIAS):
    """How many credentials have a secret the legacy backend cannot decrypt (None: unknown, as
    LEGACY_SECRET_KEY is not set)."""
    if not settings.LEGACY_SECRET_KEY:
        return None
    key = encryption.legacy_key(settings.LEGACY_SECRET_KEY)
    rows = ExchangeCredentials.objects.using(using).values_list(*SECRET_COLUMNS)
    return sum(
        1 for tokens in rows.iterator() if not all(encryption.is_under(t, key) for t in tokens)
    )


def as_dict(finding):
    return asdict(finding)
