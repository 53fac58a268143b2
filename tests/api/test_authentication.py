"""Token authentication: every request is checked against the tokens and users as they are now."""

import pytest
from rest_framework.authtoken.models import Token

from tests.support.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def token():
    return Token.objects.create(user=UserFactory())


def authenticated(client, token):
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_token_authenticates_its_user(anonymous_client, token):
    response = authenticated(anonymous_client, token).get("/api/v1/bots/")

    assert response.status_code == 200
    assert response.json() == []


def test_a_deleted_token_is_refused_on_the_next_request(anonymous_client, token):
    client = authenticated(anonymous_client, token)
    assert client.get("/api/v1/bots/").status_code == 200

    token.delete()
    response = client.get("/api/v1/bots/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_the_token_of_a_deactivated_user_is_refused_on_the_next_request(anonymous_client, token):
    client = authenticated(anonymous_client, token)
    assert client.get("/api/v1/bots/statistics/summary").status_code == 200

    token.user.is_active = False
    token.user.save()
    response = client.get("/api/v1/bots/statistics/summary")

    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


def test_a_token_differing_only_in_case_is_refused(anonymous_client, token):
    anonymous_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key.upper()}")

    response = anonymous_client.get("/api/v1/bots/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}
