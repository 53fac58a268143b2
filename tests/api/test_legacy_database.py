"""The API served by gunicorn over a database the legacy backend left behind.

The database is tests/fixtures/legacy_fef8185d3887.sql adopted with `manage.py baseline`; it
holds rows the legacy API could not show (NULL status and pnl, trailing_percent 5.0,
sell_price below buy_price, BYBIT and DELTA bots) and a bot with orders. What the API answers is
compared with what plain SQL reads from the same database.
"""

import os
from datetime import UTC

import pytest
import requests

from tests.support.databases import ScratchDatabase
from tests.support.servers import AppServer

# A legacy database adopted and served by gunicorn (24 s).
pytestmark = pytest.mark.slow


EXCHANGE_DISPLAY = {
    "COINDCX_F": "CoinDCX F",
    "BINANCE": "Binance",
    "BYBIT": "Bybit",
    "DELTA": "Delta",
}
BOT_COLUMNS = (
    "ticker, exchange, first_order, quantity, buy_price, sell_price, trailing_percent, "
    "infinite_loop, id, status, pnl, total_trades, last_fill_time, created_at, updated_at"
)
BOT_WITH_ORDERS = "a1ae9909-5bd5-48f2-a5a8-ef36c9bae0bb"
BOT_WITH_SELL_BELOW_BUY = "5195c9b6-fe0d-4b5f-b4b1-b9925bc6f177"
BOT_WITHOUT_STATUS = "ebc23d5d-29aa-441d-ab00-2115bc787ae9"


class LegacyServer(AppServer):
    def __init__(self, database, token, static_root):
        self.database = database
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Token {token}"
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "scalper.settings",
            "DATABASE_URL": database.url,
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1",
            "STATIC_ROOT": str(static_root),
        }
        super().__init__(environment, workers=1)

    def url(self, path):
        return f"{self.base_url}{path}"

    def request(self, method, path, **kwargs):
        return self.session.request(method, self.url(path), timeout=10, **kwargs)


@pytest.fixture(scope="module")
def legacy_api(django_db_blocker, tmp_path_factory):
    """gunicorn serving the app over an adopted legacy database, with an operator's token."""
    static_root = tmp_path_factory.mktemp("static")
    with django_db_blocker.unblock():
        database = ScratchDatabase(prefix="legacy_api")
        try:
            database.load_legacy_fixture()
            database.manage("baseline")
            database.manage(
                "createsuperuser",
                "--noinput",
                "--username=operator",
                "--email=operator@example.com",
                env={"DJANGO_SUPERUSER_PASSWORD": "correct horse battery staple"},
            )
            token = database.manage("drf_create_token", "operator").stdout.split()[2]
            # DEBUG is off, as in production: the admin's CSS comes from collectstatic.
            database.manage(
                "collectstatic",
                "--noinput",
                env={"DEBUG": "false", "STATIC_ROOT": str(static_root)},
            )
            with LegacyServer(database, token, static_root) as server:
                yield server
        finally:
            database.drop()


def iso(timestamp):
    if timestamp is None:
        return None
    return timestamp.astimezone(UTC).isoformat().replace("+00:00", "Z")


def bot_as_shown(row):
    names = [name.strip() for name in BOT_COLUMNS.split(",")]
    bot = dict(zip(names, row, strict=True))
    bot["exchange"] = EXCHANGE_DISPLAY[bot["exchange"]]
    bot["id"] = str(bot["id"])
    for name in ("last_fill_time", "created_at", "updated_at"):
        bot[name] = iso(bot[name])
    return bot


def stored_bots(database, where="TRUE", params=None):
    rows = database.query(
        f"SELECT {BOT_COLUMNS} FROM bots WHERE {where} ORDER BY created_at DESC, id DESC", params
    )
    return [bot_as_shown(row) for row in rows]


def test_every_legacy_bot_is_listed_as_stored(legacy_api):
    response = legacy_api.request("GET", "/api/v1/bots/")

    assert response.status_code == 200
    assert response.json() == stored_bots(legacy_api.database)
    assert len(response.json()) >= 11


def test_every_legacy_bot_can_be_retrieved(legacy_api):
    for bot in stored_bots(legacy_api.database):
        response = legacy_api.request("GET", f"/api/v1/bots/{bot['id']}")

        assert response.status_code == 200
        assert response.json() == bot


def test_legacy_bots_are_filtered_by_status(legacy_api):
    response = legacy_api.request("GET", "/api/v1/bots/", params={"status": "ERROR"})

    assert response.json() == stored_bots(legacy_api.database, "status = 'ERROR'")


def test_the_statistics_summarise_the_legacy_bots(legacy_api):
    [(total, active, pnl, trades)] = legacy_api.database.query(
        "SELECT count(*), count(*) FILTER (WHERE status = 'ACTIVE'), sum(pnl), sum(total_trades) "
        "FROM bots"
    )

    response = legacy_api.request("GET", "/api/v1/bots/statistics/summary")

    assert response.json() == {
        "total_bots": total,
        "active_bots": active,
        "stopped_bots": total - active,
        "total_pnl": pytest.approx(pnl),
        "total_trades": trades,
    }


def test_the_newest_legacy_log_entries_are_listed_oldest_first(legacy_api):
    newest = legacy_api.database.query(
        "SELECT level, message, bot_id, id, timestamp FROM activity_logs "
        "ORDER BY timestamp DESC, id DESC LIMIT 10"
    )
    expected = [
        {
            "level": level,
            "message": message,
            "bot_id": str(bot_id) if bot_id else None,
            "id": str(log_id),
            "timestamp": iso(timestamp),
        }
        for level, message, bot_id, log_id, timestamp in reversed(newest)
    ]

    response = legacy_api.request("GET", "/api/v1/logs/", params={"limit": 10})

    assert response.status_code == 200
    assert response.json() == expected


def test_a_put_that_leaves_a_legacy_bots_sell_price_below_its_buy_price_is_refused(legacy_api):
    before = legacy_api.database.table_rows("bots")

    refused = legacy_api.request(
        "PUT", f"/api/v1/bots/{BOT_WITH_SELL_BELOW_BUY}", json={"quantity": 1.0}
    )

    assert refused.status_code == 400
    assert refused.json()["detail"] == "sell_price: Must be greater than buy_price (0.16)."
    assert legacy_api.database.table_rows("bots") == before


def test_a_legacy_bot_without_status_is_activated_by_toggle(legacy_api):
    response = legacy_api.request("POST", f"/api/v1/bots/{BOT_WITHOUT_STATUS}/toggle")

    assert response.status_code == 200
    assert response.json()["status"] == "ACTIVE"
    assert legacy_api.database.query(
        "SELECT status FROM bots WHERE id = %s", [BOT_WITHOUT_STATUS]
    ) == [("ACTIVE",)]


def test_a_legacy_bot_with_orders_is_deleted_with_its_orders_and_the_deletion_logged(legacy_api):
    database = legacy_api.database
    [(orders_of_the_bot,)] = database.query(
        "SELECT count(*) FROM orders WHERE bot_id = %s", [BOT_WITH_ORDERS]
    )
    [(other_orders,)] = database.query(
        "SELECT count(*) FROM orders WHERE bot_id <> %s", [BOT_WITH_ORDERS]
    )

    response = legacy_api.request("DELETE", f"/api/v1/bots/{BOT_WITH_ORDERS}")

    assert orders_of_the_bot > 0
    assert response.status_code == 204
    assert database.query("SELECT id FROM bots WHERE id = %s", [BOT_WITH_ORDERS]) == []
    assert database.query("SELECT count(*) FROM orders") == [(other_orders,)]
    assert database.query(
        "SELECT level, message FROM activity_logs WHERE bot_id = %s "
        "AND message LIKE 'Bot deleted%%'",
        [BOT_WITH_ORDERS],
    ) == [("WARNING", "Bot deleted for ETH/USDT")]


def test_the_admin_lists_and_opens_every_legacy_bot(legacy_api):
    admin = requests.Session()
    login = legacy_api.url("/admin/login/")
    admin.get(login, timeout=10)
    logged_in = admin.post(
        login,
        data={
            "username": "operator",
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": admin.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": login},
        timeout=10,
    )
    assert logged_in.status_code == 200 and "Log out" in logged_in.text

    changelist = admin.get(legacy_api.url("/admin/bots/bot/"), timeout=10)
    assert changelist.status_code == 200
    for bot in stored_bots(legacy_api.database):
        assert bot["ticker"] in changelist.text
        page = admin.get(legacy_api.url(f"/admin/bots/bot/{bot['id']}/change/"), timeout=10)
        assert page.status_code == 200, bot["id"]
