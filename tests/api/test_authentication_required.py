"""Every endpoint needs credentials, except a short public list.

The test walks the URL configuration itself, so an endpoint added later without protection fails
here without anyone having to remember to list it.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, resolve

# Answer without credentials, by design: the service endpoints, the API description, the token
# exchange, the Telegram webhook (checked with Telegram's secret header) and the sign-in page. The
# admin is left out of the walk: it has its own login (tested below). The dashboard's page (`/`)
# needs a session (tests/dashboard/test_serving.py).
PUBLIC_PATHS = (
    r"/",
    r"/login/",
    r"/logout/",
    r"/health/?",
    r"/api/v1/openapi\.json",
    r"/docs/?",
    r"/redoc/?",
    r"/api/v1/auth/token/?",
    r"/api/v1/telegram/webhook/?",
)

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
SAMPLE_ID = str(uuid.UUID(int=1))
GROUP = re.compile(r"\(\?P<\w+>[^()]*\)")


def concrete_path(regexes):
    """A path that the chain of URL regexes matches, with a UUID in every parameter."""
    path = "".join(
        regex.removeprefix("^").removesuffix(r"\Z").removesuffix("$") for regex in regexes
    )
    path = "/" + GROUP.sub(SAMPLE_ID, path).replace("\\", "")
    if "(" in path or "[" in path:
        raise AssertionError(f"cannot make a sample path from {regexes}")
    return path


def walk(resolver, regexes=()):
    for entry in resolver.url_patterns:
        chain = (*regexes, entry.pattern.regex.pattern)
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                yield from walk(entry, chain)
        elif isinstance(entry, URLPattern):
            yield concrete_path(chain), entry.callback


def allowed_methods(callback):
    """The methods a view serves: a viewset's actions, a view class's handlers, else all."""
    if getattr(callback, "actions", None):
        return sorted({method.upper() for method in callback.actions} | {"OPTIONS"})
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    if view_class is not None:
        return [method for method in METHODS if hasattr(view_class, method.lower())]
    return list(METHODS)


def is_public(path):
    return any(re.fullmatch(public, path) for public in PUBLIC_PATHS)


ENDPOINTS = sorted(walk(get_resolver()), key=lambda endpoint: endpoint[0])
PROTECTED = [(path, callback) for path, callback in ENDPOINTS if not is_public(path)]


def test_the_walk_finds_a_sample_path_for_every_url_pattern():
    for path, callback in ENDPOINTS:
        assert resolve(path).func is callback, path


def test_the_api_has_protected_endpoints():
    assert any(path.startswith("/api/v1/") for path, _ in PROTECTED)


def test_every_public_path_exists():
    for public in PUBLIC_PATHS:
        assert any(re.fullmatch(public, path) for path, _ in ENDPOINTS), public


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "callback"), PROTECTED, ids=[path for path, _ in PROTECTED])
def test_every_other_endpoint_answers_401_with_a_detail_without_credentials(
    anonymous_client, path, callback
):
    for method in allowed_methods(callback):
        response = anonymous_client.generic(method, path)

        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        if method != "HEAD":  # no body, by definition
            assert isinstance(response.json()["detail"], str), f"{method} {path}"


@pytest.mark.django_db
@pytest.mark.parametrize(("path", "callback"), PROTECTED, ids=[path for path, _ in PROTECTED])
def test_a_wrong_token_is_refused_like_no_token(anonymous_client, path, callback):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    for method in allowed_methods(callback):
        response = anonymous_client.generic(method, path)

        assert response.status_code == 401, f"{method} {path}: {response.status_code}"
        if method != "HEAD":  # no body, by definition
            assert isinstance(response.json()["detail"], str), f"{method} {path}"


@pytest.mark.django_db
def test_the_admin_sends_anonymous_visitors_to_its_login_page(anonymous_client):
    response = anonymous_client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
