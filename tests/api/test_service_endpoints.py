"""`/`, `/health` and the OpenAPI document are public; the API needs a token."""

import pytest


def test_root_describes_the_api(anonymous_client):
    response = anonymous_client.get("/")

    assert response.status_code == 200
    assert response.json() == {
        "message": "Scalper Bot API",
        "version": "1.0.0",
        "docs": "/docs",
        "status": "running",
    }


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_root_refuses_other_methods_with_a_json_405_as_fastapi_did(method):
    from django.test import Client

    # Django's client enforces CSRF checks as a browser's session would meet them.
    response = getattr(Client(enforce_csrf_checks=True), method)("/")

    assert response.status_code == 405
    assert response.json() == {"detail": "Method Not Allowed"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_health_reports_a_reachable_database(anonymous_client, path):
    response = anonymous_client.get(path)

    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "version": "1.0.0", "database": "ok"}


def test_the_openapi_document_is_public_and_served_as_json_as_fastapi_served_it(
    anonymous_client,
):
    response = anonymous_client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["info"]["title"] == "Scalper Bot API"


def test_the_openapi_document_describes_the_json_root_as_the_legacy_one_did(anonymous_client):
    document = anonymous_client.get("/api/v1/openapi.json").json()

    root = document["paths"]["/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert root["schema"] == {"$ref": "#/components/schemas/Root"}
    assert list(document["components"]["schemas"]["Root"]["properties"]) == [
        "message",
        "version",
        "docs",
        "status",
    ]


def test_every_documented_api_error_has_the_one_error_body_of_the_exception_handler(
    anonymous_client,
):
    document = anonymous_client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    error_bodies = {
        (path, method, code): response["content"]["application/json"]["schema"]
        for path, operations in document["paths"].items()
        if path.startswith("/api/v1/")
        for method, operation in operations.items()
        for code, response in operation["responses"].items()
        if int(code) >= 400
    }

    assert error_bodies
    for (path, method, code), body in error_bodies.items():
        expected = "ValidationError" if code == "400" else "Error"
        assert body == {"$ref": f"#/components/schemas/{expected}"}, (path, method, code)
    assert schemas["Error"]["required"] == ["detail"]
    assert schemas["ValidationError"]["required"] == ["detail"]
    assert set(schemas["ValidationError"]["properties"]) == {"detail", "errors"}


def test_a_client_asking_for_the_openapi_media_type_still_gets_the_document(anonymous_client):
    response = anonymous_client.get(
        "/api/v1/openapi.json", HTTP_ACCEPT="application/vnd.oai.openapi+json"
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.oai.openapi+json"


@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_a_documentation_page_with_a_trailing_slash_redirects_as_fastapi_did(
    anonymous_client, page
):
    redirected = anonymous_client.get(f"{page}/")
    with_query = anonymous_client.get(f"{page}/", {"v": "1"})

    assert (redirected.status_code, redirected["Location"]) == (307, page)
    assert (with_query.status_code, with_query["Location"]) == (307, f"{page}?v=1")
    assert anonymous_client.get(page).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/auth/token/"])
def test_a_user_exchanges_username_and_password_for_a_token(anonymous_client, user, path):
    response = anonymous_client.post(
        path, {"username": user.username, "password": "correct horse battery staple"}
    )

    assert response.status_code == 200
    assert response.json() == {"token": user.auth_token.key}


@pytest.mark.django_db
def test_wrong_credentials_get_a_400_with_a_detail(anonymous_client, user):
    response = anonymous_client.post(
        "/api/v1/auth/token", {"username": user.username, "password": "wrong"}
    )

    assert response.status_code == 400
    assert "Unable to log in" in response.json()["detail"]
