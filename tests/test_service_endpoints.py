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


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_health_reports_a_reachable_database(anonymous_client, path):
    response = anonymous_client.get(path)

    assert response.status_code == 200
    assert response.json() == {"status": "healthy", "version": "1.0.0", "database": "ok"}


def test_the_openapi_document_is_public(anonymous_client):
    response = anonymous_client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response.json()["info"]["title"] == "Scalper Bot API"


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
