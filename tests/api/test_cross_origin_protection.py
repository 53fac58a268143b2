"""A signed-in browser writes to the API without a CSRF token; the browser's own word on where the
request comes from (Sec-Fetch-Site, Origin) decides, and Django's token check when it says nothing
(scalper/csrf.py). Token clients never meet the check."""

import pytest
from django.middleware.csrf import get_token
from django.test import Client
from rest_framework.authtoken.models import Token

from bots.models import Bot, BotStatus
from tests.support.factories import BotFactory, UserFactory

pytestmark = pytest.mark.django_db

OWN_ORIGIN = "http://testserver"


@pytest.fixture
def browser():
    """A signed-in browser session, with Django's CSRF checks on (as a real browser has them)."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory())
    return client


@pytest.fixture
def bot():
    return BotFactory(status=BotStatus.ACTIVE)


def stop_all(client, **headers):
    """POST /bots/stop-all as the dashboard sends it: a JSON content type, no body."""
    return client.post("/api/v1/bots/stop-all", content_type="application/json", headers=headers)


def all_stopped():
    return not Bot.objects.filter(status=BotStatus.ACTIVE).exists()


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_a_write_the_browser_calls_same_origin_needs_no_token(browser, bot, site):
    response = stop_all(browser, sec_fetch_site=site, origin=OWN_ORIGIN)

    assert response.status_code == 200, response.content
    assert all_stopped()


def test_the_dashboard_creates_a_bot_with_a_json_body_and_no_token(browser):
    response = browser.post(
        "/api/v1/bots/",
        {
            "ticker": "ETH/USDT",
            "exchange": "CoinDCX F",
            "first_order": "BUY",
            "quantity": 1.5,
            "buy_price": 3400,
            "sell_price": 3450,
        },
        content_type="application/json",
        headers={"sec-fetch-site": "same-origin", "origin": OWN_ORIGIN},
    )

    assert response.status_code == 201, response.content


@pytest.mark.parametrize("site", ["cross-site", "same-site"])
def test_a_write_the_browser_calls_cross_origin_is_refused_and_says_why(browser, bot, site):
    response = stop_all(browser, sec_fetch_site=site, origin="http://evil.example")

    assert response.status_code == 403
    detail = response.json()["detail"]
    assert detail.startswith("CSRF Failed: the browser says this request comes from another")
    assert f"Sec-Fetch-Site: {site}" in detail
    assert "http://evil.example" in detail
    assert "CSRF_TRUSTED_ORIGINS" in detail
    assert not all_stopped()


def test_a_cross_site_write_is_refused_even_with_a_valid_token(browser, bot):
    """The browser's word wins: a token does not make a cross-site request same-origin."""
    browser.get("/admin/login/")  # sets the CSRF cookie
    token = browser.cookies["csrftoken"].value

    response = stop_all(
        browser, sec_fetch_site="cross-site", origin="http://evil.example", x_csrftoken=token
    )

    assert response.status_code == 403
    assert not all_stopped()


def test_a_write_from_an_origin_in_csrf_trusted_origins_is_accepted(browser, bot, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://dashboard.example.com"]

    response = stop_all(browser, sec_fetch_site="same-site", origin="https://dashboard.example.com")

    assert response.status_code == 200
    assert all_stopped()


def test_a_wildcard_in_csrf_trusted_origins_covers_subdomains_only(browser, bot, settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.example.com"]

    assert stop_all(browser, sec_fetch_site="same-site", origin="https://evil.com").status_code == (
        403
    )
    assert not all_stopped()
    response = stop_all(browser, sec_fetch_site="same-site", origin="https://ops.example.com")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("origin", "status"),
    [(OWN_ORIGIN, 200), ("http://evil.example", 403), ("null", 403), ("https://testserver", 403)],
)
def test_an_older_browser_without_fetch_metadata_is_judged_by_its_origin(
    browser, bot, origin, status
):
    response = stop_all(browser, origin=origin)

    assert response.status_code == status, response.content


def test_without_either_header_django_checks_the_token(browser, bot):
    refused = stop_all(browser)
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert not all_stopped()

    browser.get("/admin/login/")
    accepted = stop_all(browser, x_csrftoken=browser.cookies["csrftoken"].value)
    assert accepted.status_code == 200
    assert all_stopped()


def test_reads_are_never_checked(browser, bot):
    response = browser.get(
        "/api/v1/bots/", headers={"sec-fetch-site": "cross-site", "origin": "http://evil.example"}
    )

    assert response.status_code == 200


def test_a_token_client_is_not_checked_whatever_its_headers_say(bot):
    client = Client(enforce_csrf_checks=True)
    token = Token.objects.create(user=UserFactory())

    response = stop_all(
        client,
        authorization=f"Token {token.key}",
        sec_fetch_site="cross-site",
        origin="http://evil.example",
    )

    assert response.status_code == 200
    assert all_stopped()


def test_html_forms_keep_djangos_token_check(bot):
    """The admin and sign-in forms carry Django's token: the stock middleware checks them."""
    client = Client(enforce_csrf_checks=True)
    UserFactory(username="operator")

    response = client.post(
        "/login/",
        {"username": "operator", "password": "correct horse battery staple"},
        headers={"sec-fetch-site": "same-origin", "origin": OWN_ORIGIN},
    )
    assert response.status_code == 403  # no token

    client.get("/login/")
    response = client.post(
        "/login/",
        {
            "username": "operator",
            "password": "correct horse battery staple",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    assert response.status_code == 302


def test_the_session_cookie_stays_samesite_lax(settings):
    assert settings.SESSION_COOKIE_SAMESITE == "Lax"
    assert settings.CSRF_COOKIE_SAMESITE == "Lax"


def test_get_token_still_works_for_templates(rf):
    """Django's templates ({% csrf_token %}) keep working: the stock middleware is in place."""
    assert get_token(rf.get("/"))
