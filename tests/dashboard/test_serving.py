"""With DASHBOARD_DIR, `/` serves the dashboard's static build to signed-in users, under a
Content-Security-Policy that allows its inline bootstrap scripts by hash; `_next/` assets are
cached for good; other pages keep the strict policy and load nothing from another origin."""

import base64
import hashlib
import re

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import Client

from scalper.dashboard.build import _load
from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
BOOTSTRAP = "(self.__next_f=self.__next_f||[]).push([0])"
# Script text is hashed as written: character references are not decoded inside <script>.
WITH_ENTITIES = 'self.__next_f.push([1,"a &amp; b \\u003c/p\\u003e"])'
INDEX_HTML = f"""<!DOCTYPE html><html lang="en"><head><meta charSet="utf-8"/>
<link rel="stylesheet" href="/_next/static/css/app-0123abcd.css"/>
<script src="/_next/static/chunks/main-app-35b710ae.js" async=""></script>
<title>Scalper Bot Dashboard</title></head><body><div style="pointer-events:none">x</div>
<script>{BOOTSTRAP}</script><script>{WITH_ENTITIES}</script>
<script type="application/json" id="data">{{"a": 1}}</script></body></html>"""


def sha256(text):
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


@pytest.fixture
def build(tmp_path, settings):
    """A static export of the shape `next build` writes, served with DASHBOARD_DIR."""
    (tmp_path / "index.html").write_text(INDEX_HTML)
    (tmp_path / "404.html").write_text("<!DOCTYPE html><title>404</title>")
    (tmp_path / "favicon.ico").write_bytes(b"\x00\x00\x01\x00")
    chunks = tmp_path / "_next" / "static" / "chunks"
    chunks.mkdir(parents=True)
    (chunks / "main-app-35b710ae.js").write_text("console.log('dashboard')")
    (tmp_path / "_next" / "static" / "css").mkdir()
    (tmp_path / "_next" / "static" / "css" / "app-0123abcd.css").write_text("body{}")
    settings.DASHBOARD_DIR = str(tmp_path)
    _load.cache_clear()
    yield tmp_path
    _load.cache_clear()


@pytest.fixture
def operator():
    return UserFactory(username="operator")


@pytest.fixture
def signed_in(build, operator):
    client = Client()
    client.force_login(operator)
    return client


def html(client, path="/", **extra):
    return client.get(path, headers={"accept": "text/html,application/xhtml+xml,*/*;q=0.8"})


def directives(response):
    policy = response["Content-Security-Policy"]
    return {
        name: values.split()
        for name, _, values in (part.strip().partition(" ") for part in policy.split(";"))
    }


def test_an_anonymous_visit_is_sent_to_the_sign_in_page_and_back(build, operator):
    client = Client()

    response = html(client)
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/"

    page = client.get("/login/?next=/")
    assert page.status_code == 200
    content = page.content.decode()
    assert 'name="username"' in content
    assert 'name="password"' in content
    assert "make superuser" in content

    signed_in = client.post("/login/", {"username": "operator", "password": PASSWORD, "next": "/"})
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/"
    dashboard = html(client)
    assert dashboard.status_code == 200
    assert dashboard.content == INDEX_HTML.encode()


def test_a_wrong_password_shows_the_form_again_with_a_message(build, operator):
    response = Client().post("/login/", {"username": "operator", "password": "wrong"})

    assert response.status_code == 200
    assert "did not match" in response.content.decode()


def test_the_dashboard_is_served_unmodified_and_never_from_a_shared_cache(signed_in):
    response = html(signed_in)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == INDEX_HTML.encode()
    assert "private" in response["Cache-Control"]
    assert "no-cache" in response["Cache-Control"]
    assert {"Accept", "Cookie"} <= {part.strip() for part in response["Vary"].split(",")}


def test_its_policy_allows_exactly_its_inline_scripts_and_nothing_from_other_origins(signed_in):
    policy = directives(html(signed_in))

    assert policy["script-src"][0] == "'self'"
    assert set(policy["script-src"][1:]) == {
        sha256(BOOTSTRAP),
        sha256(WITH_ENTITIES),
        sha256('{"a": 1}'),
    }
    assert policy["connect-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    # Its components insert <style> elements at run time; styles cannot run code.
    assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
    every_source = [source for values in policy.values() for source in values]
    assert not [source for source in every_source if "://" in source or source == "*"]


def test_scripts_and_the_legacy_json_root_still_get_json_at_the_same_address(build):
    for headers in ({"accept": "application/json"}, {"accept": "*/*"}, {}):
        response = Client().get("/", headers=headers)

        assert response.status_code == 200, headers
        assert response.json()["message"] == "Scalper Bot API"


def test_without_dashboard_dir_the_root_stays_the_legacy_json(settings):
    settings.DASHBOARD_DIR = ""
    client = Client()
    client.force_login(UserFactory())

    browsed = html(client)
    response = client.get("/", headers={"accept": "application/json"})

    assert browsed.status_code == 200
    assert "Scalper Bot API" in browsed.content.decode()  # DRF's browsable API, as before
    assert response.json() == {
        "message": "Scalper Bot API",
        "version": "1.0.0",
        "docs": "/docs",
        "status": "running",
    }


@pytest.fixture(params=["development", "production"])
def whitenoise_mode(request, settings, tmp_path_factory):
    """WhiteNoise looks files up at each request in development, from a list made at start-up
    in production."""
    if request.param == "production":
        settings.WHITENOISE_AUTOREFRESH = False
        settings.WHITENOISE_USE_FINDERS = False
        settings.STATIC_ROOT = str(tmp_path_factory.mktemp("staticfiles"))
    return request.param


def test_hashed_assets_are_cached_for_good(build, whitenoise_mode):
    client = Client()  # a new handler: the static files middleware reads DASHBOARD_DIR

    script = client.get("/_next/static/chunks/main-app-35b710ae.js")
    stylesheet = client.get("/_next/static/css/app-0123abcd.css")

    assert script.status_code == 200
    assert b"".join(script.streaming_content) == b"console.log('dashboard')"
    assert script["Cache-Control"] == "max-age=315360000, public, immutable"
    assert stylesheet["Cache-Control"] == "max-age=315360000, public, immutable"


def test_files_at_the_top_of_the_build_are_served_but_not_its_pages(build, whitenoise_mode):
    client = Client()

    assert client.get("/favicon.ico").status_code == 200
    for path in ("/index.html", "/404.html", "/missing.ico", "/..", "/_next"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.json() == {"detail": "Not Found"}
    assert client.post("/favicon.ico").status_code == 405


def test_a_dashboard_dir_without_an_index_fails_the_checks(settings, tmp_path):
    settings.DASHBOARD_DIR = str(tmp_path)

    with pytest.raises(SystemCheckError, match="dashboard.E001"):
        call_command("check")


@pytest.mark.parametrize("path", ["/login/", "/admin/login/", "/docs", "/redoc"])
def test_other_pages_keep_the_strict_policy(client, path):
    response = client.get(path)

    assert response.status_code == 200
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in policy["style-src"]
    if path == "/redoc":
        # ReDoc's run-time styles carry this response's nonce (scalper/api/docs.py).
        assert any(source.startswith("'nonce-") for source in policy["style-src"])
        assert policy["worker-src"] == ["'self'", "blob:"]
    else:
        assert policy["style-src"] == ["'self'"]


@pytest.mark.parametrize("path", ["/docs", "/redoc", "/login/"])
def test_the_documentation_and_sign_in_pages_link_nothing_outside_the_app(client, path):
    content = client.get(path).content.decode()

    assert not re.search(r"""(src|href)=["']?(https?:)?//""", content), content
    assert "<script>" not in content
    assert "<style" not in content


def test_swagger_ui_and_redoc_are_served_by_the_app(client):
    docs = client.get("/docs").content.decode()
    redoc = client.get("/redoc").content.decode()
    script = client.get("/docs?script=")

    for url in re.findall(r"""(?:src|href)="([^"]+)\"""", docs + redoc):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in docs
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in redoc
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")


def test_sign_ins_count_against_the_login_rate_per_address(operator, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"auth": "3/minute", "writes": None},
    }
    address = "10.77.0.9"
    client = Client()

    def sign_in(password):
        return client.post(
            "/login/", {"username": "operator", "password": password}, REMOTE_ADDR=address
        )

    answers = [sign_in("wrong").status_code for _ in range(3)]
    throttled = sign_in(PASSWORD)

    assert answers == [200, 200, 200]  # the form again, with its message
    assert throttled.status_code == 429
    assert int(throttled["Retry-After"]) > 0
    assert "Too many sign-in attempts" in throttled.content.decode()
    assert "_auth_user_id" not in client.session
