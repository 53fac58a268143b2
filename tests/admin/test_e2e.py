"""An operator's round in the admin, in headless Chromium against a live server on 127.0.0.1 and
the PostgreSQL test database (pytest-django's live_server; `--liveserver=127.0.0.1` in
pyproject.toml). Screenshots of each step go to test-artifacts/e2e/."""

from pathlib import Path

import pytest

from bots.models import ActivityLog, Bot, BotStatus, LogLevel
from exchanges import encryption
from exchanges.models import Exchange
from tests.support.browser import chromium
from tests.support.factories import (
    ActivityLogFactory,
    BotFactory,
    ExchangeCredentialsFactory,
    UserFactory,
)

# A real browser.
pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
PASSWORD = "correct horse battery staple"
API_KEY, SECRET_KEY, PASSPHRASE = "e2e-api-key-7f3a", "e2e-secret-key-91bc", "e2e-passphrase-55d0"


@pytest.fixture
def page(monkeypatch):
    """A page in Debian's Chromium, driven by Playwright."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with chromium(monkeypatch, "The end-to-end admin tests") as browser:
        browser_page = browser.new_page(viewport={"width": 1600, "height": 860})
        browser_page.set_default_timeout(10_000)
        yield browser_page


def screenshot(page, name):
    page.screenshot(path=ARTIFACTS / f"{name}.png")


@pytest.fixture
def desk():
    """An operator and a small desk of bots, logs and exchange credentials."""
    operator = UserFactory(username="operator", is_staff=True, is_superuser=True)
    bots = {
        "ETH/USDT": BotFactory(
            ticker="ETH/USDT", status=BotStatus.ACTIVE, pnl=124.5, total_trades=37
        ),
        "BTC/USDT": BotFactory(
            ticker="BTC/USDT",
            exchange=Exchange.BINANCE,
            first_order="SELL",
            quantity=0.01,
            buy_price=64000.0,
            sell_price=64400.0,
            trailing_percent=0.5,
            status=BotStatus.ACTIVE,
            pnl=310.2,
            total_trades=12,
        ),
        "SOL/USDT": BotFactory(
            ticker="SOL/USDT",
            quantity=4.0,
            buy_price=148.0,
            sell_price=150.5,
            status=BotStatus.STOPPED,
            pnl=-8.4,
            total_trades=5,
        ),
        "DOGE/USDT": BotFactory(
            ticker="DOGE/USDT",
            exchange=Exchange.BINANCE,
            quantity=2500.0,
            buy_price=0.16,
            sell_price=0.17,
            infinite_loop=True,
            status=BotStatus.ERROR,
        ),
        "XRP/USDT": BotFactory(
            ticker="XRP/USDT",
            quantity=300.0,
            buy_price=0.52,
            sell_price=0.53,
            status=BotStatus.ACTIVE,
            pnl=18.9,
            total_trades=44,
        ),
    }
    ActivityLogFactory(
        bot_id=bots["ETH/USDT"].pk, level=LogLevel.SUCCESS, message="Bot started for ETH/USDT"
    )
    credentials = ExchangeCredentialsFactory(
        label="Main desk",
        api_key=API_KEY,
        secret_key=SECRET_KEY,
        passphrase_encrypted=encryption.encrypt(PASSPHRASE),
    )
    return operator, bots, credentials


def test_an_operator_stops_a_bot_and_sees_no_secret(live_server, page, desk):
    operator, bots, credentials = desk
    eth = bots["ETH/USDT"]
    base = live_server.url
    assert base.startswith("http://127.0.0.1:")

    page.goto(f"{base}/admin/")
    page.fill("#id_username", operator.username)
    page.fill("#id_password", PASSWORD)
    screenshot(page, "01-login")
    page.click("input[type=submit]")
    page.wait_for_selector("#site-name")

    page.click("a[href='/admin/bots/bot/']")
    page.wait_for_selector("#result_list")
    assert page.locator("#result_list tbody tr").count() == 5
    assert "CoinDCX F" in page.inner_text("#result_list")
    screenshot(page, "02-bots-list")

    page.click("#changelist-filter a[href='?status__exact=ACTIVE']")
    page.wait_for_url("**/admin/bots/bot/?status__exact=ACTIVE")
    active_rows = page.inner_text("#result_list tbody")
    assert page.locator("#result_list tbody tr").count() == 3
    assert "SOL/USDT" not in active_rows and "DOGE/USDT" not in active_rows
    screenshot(page, "03-filtered-active")

    page.check(f"input[name=_selected_action][value='{eth.pk}']")
    page.select_option("select[name=action]", "stop_selected")
    page.click("button[name=index]")
    page.wait_for_selector(".messagelist")
    assert "1 bot stopped." in page.inner_text(".messagelist")
    assert page.locator("#result_list tbody tr").count() == 2
    screenshot(page, "04-stopped")
    assert Bot.objects.get(pk=eth.pk).status == BotStatus.STOPPED

    page.goto(f"{base}/admin/bots/bot/{eth.pk}/change/")
    recent = page.inner_text("#recent-activity")
    assert "WARNING" in recent and "Bot stopped for ETH/USDT" in recent
    assert recent.index("Bot stopped for ETH/USDT") < recent.index("Bot started for ETH/USDT")
    page.locator("#recent-activity").scroll_into_view_if_needed()
    screenshot(page, "05-bot-activity")
    assert ActivityLog.objects.filter(bot_id=eth.pk, level=LogLevel.WARNING).count() == 1

    page.goto(f"{base}/admin/exchanges/exchangecredentials/")
    page.click("#result_list a:has-text('Main desk')")
    page.wait_for_selector("input[name=api_key]")
    screenshot(page, "06-credential")
    response = page.goto(page.url)
    source, rendered = response.text(), page.content()
    assert "Main desk" in source
    for secret in (
        API_KEY,
        SECRET_KEY,
        PASSPHRASE,
        credentials.api_key_encrypted,
        credentials.secret_key_encrypted,
        credentials.passphrase_encrypted,
        "gAAAAA",
    ):
        assert secret not in source
        assert secret not in rendered
    assert page.input_value("input[name=api_key]") == ""
