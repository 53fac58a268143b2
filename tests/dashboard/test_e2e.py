"""The legacy dashboard's calls, in Chromium, in both deployments: served by the app to a signed-in
user (same origin, session cookie, no CSRF token), and served elsewhere to a trusted network
(another origin, no credentials, through CORS). Then what must be refused, and the pages that must
load nothing from another origin and break no rule of their Content-Security-Policy.

The stand-in page (tests/dashboard/standin/) calls the API exactly as the dashboard's client does;
like the real static export it has an inline bootstrap script, which only its hash allows."""

import functools
import ipaddress
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import redis
from django.conf import settings as django_settings
from pytest_django.live_server_helper import LiveServer

from bots.models import ActivityLog, Bot, BotStatus
from scalper.dashboard.build import _load
from tests.support.browser import chromium
from tests.support.factories import BotFactory, TelegramConnectionFactory, UserFactory

pytestmark = [pytest.mark.slow, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

STANDIN = Path(__file__).resolve().parent / "standin"
PASSWORD = "correct horse battery staple"
NEW_BOT = {
    "ticker": "ETH/USDT",
    "exchange": "CoinDCX F",
    "first_order": "BUY",
    "quantity": 1.5,
    "buy_price": 3400,
    "sell_price": 3450,
    "trailing_percent": None,
    "infinite_loop": False,
}
# Collects what the page's Content-Security-Policy refused, from the first script on.
CSP_LISTENER = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@pytest.fixture
def browser(monkeypatch):
    with chromium(monkeypatch, "The dashboard browser tests") as launched:
        yield launched


class Watched:
    """A page whose requests, console errors and CSP violations are recorded."""

    def __init__(self, browser):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.page.set_default_timeout(10_000)
        self.page.add_init_script(CSP_LISTENER)
        self.requests, self.errors = [], []
        self.page.on("request", lambda request: self.requests.append(request))
        self.page.on(
            "console",
            lambda message: self.errors.append(message.text) if message.type == "error" else None,
        )

    def violations(self):
        return self.page.evaluate("window.__violations")

    def foreign_requests(self, *origins):
        """Requests to anything but `origins` (a blob: URL belongs to the page that made it)."""
        return [
            request.url
            for request in self.requests
            if not request.url.removeprefix("blob:").startswith(
                tuple(f"{origin}/" for origin in origins)
            )
        ]

    def call(self, method, path, data=None):
        """One call of the dashboard, from the page: its Telegram panel's bare fetch for
        /telegram/, its API client's otherwise."""
        if path.startswith("/telegram/"):
            return self.page.evaluate(
                "([method, path]) => telegramCall(method, path)", [method, path]
            )
        return self.page.evaluate(
            "([method, path, data]) => dashboardCall(method, path, data ?? undefined)",
            [method, path, data],
        )


@pytest.fixture
def watched(browser):
    def open_page():
        return Watched(browser)

    return open_page


@pytest.fixture
def app_server(settings):
    """The app on 127.0.0.1, with the stand-in as its dashboard build (DASHBOARD_DIR is read when
    the server's middleware starts, so the server starts here, after the setting)."""
    settings.DASHBOARD_DIR = str(STANDIN)
    _load.cache_clear()
    server = LiveServer("127.0.0.1:0")
    yield server.url
    server.stop()
    _load.cache_clear()


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@pytest.fixture
def static_server():
    """The dashboard on another origin, from a plain static server (as `next start` would)."""
    handler = functools.partial(QuietHandler, directory=str(STANDIN))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def price_feed():
    """The ETH price the dashboard asks for, in the test Redis database, as the feed keeps it."""
    client = redis.Redis.from_url(django_settings.REDIS_URL, decode_responses=True)
    client.hset("coindcx_futures:ETH", mapping={"ltp": "3456.78", "timestamp": "1764650000"})
    yield
    client.delete("coindcx_futures:ETH")
    client.close()


@pytest.fixture
def operator():
    return UserFactory(username="operator")


def sign_in(watched_page, app_url):
    page = watched_page.page
    page.goto(f"{app_url}/")
    assert page.url == f"{app_url}/login/?next=/"
    page.fill("input[name=username]", "operator")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#ready")
    assert page.url == f"{app_url}/"


def run_every_dashboard_call(watched_page):
    """Every call the dashboard makes, in the order a user's session makes them; returns
    [(method, path, status)]."""
    TelegramConnectionFactory()  # so that "Disconnect" has a chat to disconnect
    made = []

    def call(method, path, data=None):
        result = watched_page.call(method, path, data)
        made.append((method, path.replace(bot_id, "{id}") if bot_id else path, result["status"]))
        return result

    bot_id = None
    call("GET", "/bots/")
    call("GET", "/logs/?limit=1000")
    call("GET", "/telegram/status")
    price = call("GET", "/price/ltp?exchange=CoinDCX+F&ticker=ETH%2FUSDT")
    created = call("POST", "/bots/", NEW_BOT)
    bot_id = created["body"]["id"]
    call("PUT", f"/bots/{bot_id}", {**NEW_BOT, "quantity": 2})
    stopped = call("POST", f"/bots/{bot_id}/toggle")
    started = call("POST", f"/bots/{bot_id}/toggle")
    call("POST", "/bots/stop-all")
    call("DELETE", f"/bots/{bot_id}")
    call("DELETE", "/logs/")
    code = call("POST", "/telegram/generate-code")
    call("POST", "/telegram/disconnect")

    assert price["body"]["data"]["ltp"] == "3456.78"
    assert stopped["body"]["status"] == "STOPPED"
    assert started["body"]["status"] == "ACTIVE"
    assert len(code["body"]["connection_code"]) == 6
    assert not Bot.objects.filter(pk=bot_id).exists()
    assert not ActivityLog.objects.exists()
    return made


EXPECTED_CALLS = [
    ("GET", "/bots/", 200),
    ("GET", "/logs/?limit=1000", 200),
    ("GET", "/telegram/status", 200),
    ("GET", "/price/ltp?exchange=CoinDCX+F&ticker=ETH%2FUSDT", 200),
    ("POST", "/bots/", 201),
    ("PUT", "/bots/{id}", 200),
    ("POST", "/bots/{id}/toggle", 200),
    ("POST", "/bots/{id}/toggle", 200),
    ("POST", "/bots/stop-all", 200),
    ("DELETE", "/bots/{id}", 204),
    ("DELETE", "/logs/", 204),
    ("POST", "/telegram/generate-code", 200),
    ("POST", "/telegram/disconnect", 200),
]


def test_the_dashboard_served_by_the_app_works_for_a_signed_in_user(
    app_server, watched, operator, price_feed
):
    dashboard = watched()
    sign_in(dashboard, app_server)

    assert run_every_dashboard_call(dashboard) == EXPECTED_CALLS
    api_requests = [request for request in dashboard.requests if "/api/v1/" in request.url]
    headers = [request.all_headers() for request in api_requests]
    assert all(sent["sec-fetch-site"] == "same-origin" for sent in headers)
    assert all("cookie" in sent and "x-csrftoken" not in sent for sent in headers)
    assert dashboard.foreign_requests(app_server) == []
    assert dashboard.violations() == []
    assert dashboard.errors == []


def test_the_dashboard_on_another_origin_works_from_a_trusted_network_through_cors(
    app_server, static_server, watched, settings, price_feed
):
    settings.API_TRUSTED_NETWORKS = (ipaddress.ip_network("127.0.0.0/8"),)
    settings.CORS_ALLOWED_ORIGINS = [static_server]
    dashboard = watched()
    dashboard.page.goto(f"{static_server}/?api={app_server}")
    dashboard.page.wait_for_selector("#ready")

    assert run_every_dashboard_call(dashboard) == EXPECTED_CALLS
    api_requests = [request for request in dashboard.requests if "/api/v1/" in request.url]
    for request in api_requests:
        sent = request.all_headers()
        assert sent["origin"] == static_server, request.url
        assert "cookie" not in sent and "authorization" not in sent
        allowed = request.response().all_headers()
        assert allowed["access-control-allow-origin"] == static_server
        assert "access-control-allow-credentials" not in allowed
    assert dashboard.foreign_requests(app_server, static_server) == []
    assert dashboard.errors == []


def test_the_dashboard_on_another_origin_gets_401_outside_the_trusted_networks(
    app_server, static_server, watched, settings
):
    settings.API_TRUSTED_NETWORKS = (ipaddress.ip_network("10.0.0.0/8"),)
    settings.CORS_ALLOWED_ORIGINS = [static_server]
    dashboard = watched()
    dashboard.page.goto(f"{static_server}/?api={app_server}")
    dashboard.page.wait_for_selector("#ready")

    listed = dashboard.call("GET", "/bots/")
    created = dashboard.call("POST", "/bots/", NEW_BOT)

    assert listed == {
        "status": 401,
        "body": {"detail": "Authentication credentials were not provided."},
    }
    assert created["status"] == 401
    assert not Bot.objects.exists()


def attacker_page(watched_page, origin, html):
    """A page at `origin`, served by the browser itself (no server needed)."""
    watched_page.page.route(
        f"{origin}/", lambda route: route.fulfill(body=html, content_type="text/html")
    )
    watched_page.page.goto(f"{origin}/")


FORM = """<!DOCTYPE html><form id="f" method="post" action="{action}"></form>
<script>document.getElementById("f").submit()</script>"""


@pytest.mark.parametrize(
    ("attacker", "status"),
    [
        # Another port of the same host: same site, so the SameSite=Lax cookie goes along and
        # the cross-origin check refuses the write.
        ("http://127.0.0.1:9", 403),
        # Another site: the Lax cookie stays home, the request is anonymous.
        ("http://attacker.test", 401),
    ],
)
def test_a_cross_origin_form_post_with_a_signed_in_session_is_refused(
    app_server, watched, operator, attacker, status
):
    BotFactory(status=BotStatus.ACTIVE)
    victim = watched()
    sign_in(victim, app_server)

    with victim.page.expect_response(f"{app_server}/api/v1/bots/stop-all") as posted:
        attacker_page(victim, attacker, FORM.format(action=f"{app_server}/api/v1/bots/stop-all"))

    assert posted.value.status == status
    assert Bot.objects.filter(status=BotStatus.ACTIVE).exists()


def test_a_cross_origin_fetch_with_the_session_cookie_is_refused(
    app_server, static_server, watched, operator, caplog
):
    """From a page on another port of the same host (same site: the Lax cookie goes along)."""
    BotFactory(status=BotStatus.ACTIVE)
    victim = watched()
    sign_in(victim, app_server)
    victim.page.goto(f"{static_server}/")

    # A simple request (no preflight): the browser sends it with the cookie, and the app refuses
    # it. The page learns nothing (Chromium even blocks the opaque JSON answer); the app's log
    # says what it answered.
    victim.page.evaluate(
        """(url) => fetch(url, {method: "POST", credentials: "include", mode: "no-cors",
                                headers: {"Content-Type": "text/plain"}, body: "{}"})
                    .catch(() => null)""",
        f"{app_server}/api/v1/bots/stop-all",
    )
    refused = [
        record
        for record in caplog.records
        if getattr(record, "status_code", None) == 403 and "/bots/stop-all" in record.getMessage()
    ]
    assert refused, [record.getMessage() for record in caplog.records]
    assert Bot.objects.filter(status=BotStatus.ACTIVE).exists()

    # Reading with the cookie: CORS does not allow credentials, the page gets nothing.
    read = victim.page.evaluate(
        """(url) => fetch(url, {credentials: "include"}).then(
                (response) => response.status, (error) => String(error))""",
        f"{app_server}/api/v1/bots/",
    )
    assert read.startswith("TypeError")


@pytest.mark.parametrize(
    "path", ["/", "/login/", "/admin/login/", "/admin/", "/docs", "/redoc", "/api/v1/bots/"]
)
def test_the_pages_load_nothing_from_other_origins_and_break_no_csp_rule(
    app_server, watched, operator, path
):
    operator.is_staff = operator.is_superuser = True
    operator.save()
    visitor = watched()
    if path not in ("/login/", "/admin/login/"):
        sign_in(visitor, app_server)
    visitor.requests.clear()

    response = visitor.page.goto(f"{app_server}{path}")
    visitor.page.wait_for_load_state("networkidle")
    if path == "/docs":
        visitor.page.wait_for_selector(".swagger-ui .info")
    if path == "/redoc":
        visitor.page.wait_for_selector("#redoc-container h1")

    assert response.status == 200
    assert "Content-Security-Policy" in {name.title() for name in response.headers}
    assert visitor.foreign_requests(app_server) == []
    assert visitor.violations() == []
    assert visitor.errors == []
