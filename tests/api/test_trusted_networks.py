"""API_TRUSTED_NETWORKS: client addresses served without credentials during the cut-over, the
address resolved as the throttles resolve it (THROTTLE_NUM_PROXIES), `check --deploy` warning
while it is set."""

import ipaddress

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from rest_framework.settings import api_settings

from bots.models import Bot, BotStatus
from scalper.api.networks import client_address
from tests.project.test_production_settings import PRODUCTION, manage
from tests.support.factories import BotFactory

pytestmark = pytest.mark.django_db

NEW_BOT = {
    "ticker": "ETH/USDT",
    "exchange": "CoinDCX F",
    "first_order": "BUY",
    "quantity": 1.5,
    "buy_price": 3400,
    "sell_price": 3450,
}


def networks(*cidrs):
    return tuple(ipaddress.ip_network(cidr) for cidr in cidrs)


@pytest.fixture
def trusted(settings):
    settings.API_TRUSTED_NETWORKS = networks("10.1.0.0/16", "fd00::/8")
    return settings


@pytest.fixture
def num_proxies(monkeypatch):
    """Sets THROTTLE_NUM_PROXIES (DRF reads NUM_PROXIES from its settings at each request)."""

    def set_to(value):
        monkeypatch.setitem(api_settings.user_settings, "NUM_PROXIES", value)
        api_settings.reload()

    yield set_to
    api_settings.reload()


def test_an_address_in_a_trusted_network_uses_the_api_without_credentials(
    anonymous_client, trusted
):
    listed = anonymous_client.get("/api/v1/bots/", REMOTE_ADDR="10.1.2.3")
    created = anonymous_client.post("/api/v1/bots/", NEW_BOT, format="json", REMOTE_ADDR="10.1.2.3")

    assert listed.status_code == 200
    assert created.status_code == 201, created.content
    assert Bot.objects.filter(ticker="ETH/USDT").exists()


def test_an_address_outside_the_trusted_networks_gets_401(anonymous_client, trusted):
    response = anonymous_client.get("/api/v1/bots/", REMOTE_ADDR="10.2.0.1")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_no_address_is_trusted_by_default(anonymous_client, settings):
    assert settings.API_TRUSTED_NETWORKS == ()

    assert anonymous_client.get("/api/v1/bots/", REMOTE_ADDR="127.0.0.1").status_code == 401


def test_ipv6_networks_and_ipv4_clients_of_a_dual_stack_socket_are_matched(
    anonymous_client, trusted
):
    assert anonymous_client.get("/api/v1/bots/", REMOTE_ADDR="fd00::7").status_code == 200
    assert anonymous_client.get("/api/v1/bots/", REMOTE_ADDR="::ffff:10.1.0.9").status_code == 200
    assert anonymous_client.get("/api/v1/bots/", REMOTE_ADDR="fe80::1").status_code == 401


def test_x_forwarded_for_is_ignored_without_proxies(anonymous_client, trusted):
    response = anonymous_client.get(
        "/api/v1/bots/", REMOTE_ADDR="192.0.2.7", HTTP_X_FORWARDED_FOR="10.1.2.3"
    )

    assert response.status_code == 401


def test_behind_one_proxy_the_address_it_appended_is_the_client(
    anonymous_client, trusted, num_proxies
):
    num_proxies(1)

    # The client claims a trusted address; the proxy appends the one it saw.
    spoofed = anonymous_client.get(
        "/api/v1/bots/", REMOTE_ADDR="10.1.0.1", HTTP_X_FORWARDED_FOR="10.1.2.3, 198.51.100.4"
    )
    proxied = anonymous_client.get(
        "/api/v1/bots/", REMOTE_ADDR="10.1.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4, 10.1.2.3"
    )

    assert spoofed.status_code == 401
    assert proxied.status_code == 200


@pytest.mark.parametrize(
    ("proxies", "meta", "expected"),
    [
        (0, {"REMOTE_ADDR": "10.1.2.3"}, "10.1.2.3"),
        (0, {"REMOTE_ADDR": "10.1.2.3", "HTTP_X_FORWARDED_FOR": "1.1.1.1"}, "10.1.2.3"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2"}, "2.2.2.2"),
        (2, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "1.1.1.1, 2.2.2.2"}, "1.1.1.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1"}, "10.0.0.1"),
        (0, {"REMOTE_ADDR": "::ffff:192.0.2.1"}, "192.0.2.1"),
        (1, {"REMOTE_ADDR": "10.0.0.1", "HTTP_X_FORWARDED_FOR": "not-an-ip"}, None),
    ],
)
def test_the_client_address_is_resolved_as_the_throttles_resolve_it(
    num_proxies, proxies, meta, expected
):
    num_proxies(proxies)
    request = RequestFactory().get("/", **meta)

    address = client_address(request)

    assert (str(address) if address else None) == expected


def test_a_cross_origin_browser_write_from_a_trusted_address_needs_an_allowed_origin(
    anonymous_client, trusted, settings
):
    """A page on another site, opened by a browser on the trusted network, cannot drive the API."""
    settings.CORS_ALLOWED_ORIGINS = ["http://dashboard.lan:3000"]
    BotFactory(status=BotStatus.ACTIVE)

    refused = anonymous_client.post(
        "/api/v1/bots/stop-all",
        format="json",
        REMOTE_ADDR="10.1.2.3",
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="http://evil.example",
    )
    assert refused.status_code == 403
    assert "Cross-origin request refused" in refused.json()["detail"]
    assert "CORS_ALLOWED_ORIGINS" in refused.json()["detail"]
    assert Bot.objects.filter(status=BotStatus.ACTIVE).exists()

    accepted = anonymous_client.post(
        "/api/v1/bots/stop-all",
        format="json",
        REMOTE_ADDR="10.1.2.3",
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="http://dashboard.lan:3000",
    )
    assert accepted.status_code == 200
    assert not Bot.objects.filter(status=BotStatus.ACTIVE).exists()


def test_a_cross_site_form_post_from_a_trusted_address_is_refused(anonymous_client, trusted):
    BotFactory(status=BotStatus.ACTIVE)

    response = anonymous_client.post(
        "/api/v1/bots/stop-all",
        "",
        content_type="application/x-www-form-urlencoded",
        REMOTE_ADDR="10.1.2.3",
        HTTP_SEC_FETCH_SITE="cross-site",
        HTTP_ORIGIN="http://evil.example",
    )

    assert response.status_code == 403
    assert Bot.objects.filter(status=BotStatus.ACTIVE).exists()


def test_check_deploy_warns_while_trusted_networks_are_set(trusted, capsys):
    call_command("check", "--deploy", "--tag", "security")
    captured = capsys.readouterr()

    assert "dashboard.W001" in captured.err + captured.out
    assert "10.1.0.0/16, fd00::/8" in captured.err + captured.out


def test_check_deploy_is_silent_about_trusted_networks_when_there_are_none(settings, capsys):
    settings.API_TRUSTED_NETWORKS = ()

    call_command("check", "--deploy", "--tag", "security")
    captured = capsys.readouterr()

    assert "dashboard.W001" not in captured.err + captured.out


def test_a_production_environment_with_trusted_networks_fails_a_strict_check_deploy():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        **PRODUCTION,
        API_TRUSTED_NETWORKS="10.0.0.0/8",
    )

    assert result.returncode == 1
    assert "dashboard.W001" in result.stderr + result.stdout


def test_an_invalid_network_stops_manage_py_with_one_line():
    result = manage("check", **PRODUCTION, API_TRUSTED_NETWORKS="10.0.0.5/8")

    assert result.returncode == 1
    assert "API_TRUSTED_NETWORKS: '10.0.0.5/8' is not a network" in result.stderr
    assert "Traceback" not in result.stderr
