"""The dashboard's Telegram endpoints under /api/v1/telegram, as the legacy API answered them."""

import re
import threading
from datetime import datetime, timedelta

import pytest
from django.db import connection as db_connection
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from bots.telegram.models import TelegramConnection
from tests.support.factories import TelegramConnectionFactory, UserFactory

pytestmark = pytest.mark.django_db

PENDING = TelegramConnection.PENDING_CHAT_ID


def parse_time(value):
    assert value.endswith("Z"), value
    return datetime.fromisoformat(value)


# --- generate-code --------------------------------------------------------------------------


def test_generate_code_returns_a_six_digit_code_valid_for_ten_minutes(api_client):
    before = timezone.now()

    response = api_client.post("/api/v1/telegram/generate-code")

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["connection_code", "expires_at", "message"]
    assert re.fullmatch(r"[0-9]{6}", body["connection_code"])
    assert body["message"] == f"Send this code to the Telegram bot: {body['connection_code']}"
    expires_at = parse_time(body["expires_at"])
    assert before + timedelta(minutes=10) <= expires_at <= timezone.now() + timedelta(minutes=10)
    pending = TelegramConnection.objects.get(chat_id=PENDING)
    assert pending.connection_code == body["connection_code"]
    assert pending.code_expires_at == expires_at
    assert pending.is_active is False


def test_a_new_code_replaces_the_previous_one(api_client):
    first = api_client.post("/api/v1/telegram/generate-code").json()["connection_code"]
    second = api_client.post("/api/v1/telegram/generate-code").json()["connection_code"]

    assert second != first
    assert list(TelegramConnection.objects.values_list("chat_id", "connection_code")) == [
        (PENDING, second)
    ]


def test_each_code_comes_with_a_new_pending_connection_as_in_legacy(api_client):
    first = api_client.post("/api/v1/telegram/generate-code")
    first_id = TelegramConnection.objects.get(chat_id=PENDING).id
    second = api_client.post("/api/v1/telegram/generate-code")

    assert (first.status_code, second.status_code) == (200, 200)
    [pending] = TelegramConnection.objects.filter(chat_id=PENDING)
    assert pending.id != first_id
    assert pending.connection_code == second.json()["connection_code"]


def test_a_new_code_leaves_connected_chats_alone(api_client):
    connected = TelegramConnectionFactory(chat_id="1001", is_active=True)

    api_client.post("/api/v1/telegram/generate-code")

    connected.refresh_from_db()
    assert connected.is_active
    assert TelegramConnection.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_simultaneous_code_requests_all_succeed_and_leave_one_pending_code():
    token = Token.objects.create(user=UserFactory()).key
    start = threading.Barrier(6)
    answers = []

    def request_code():
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        try:
            start.wait()
            answers.append(client.post("/api/v1/telegram/generate-code"))
        finally:
            db_connection.close()

    threads = [threading.Thread(target=request_code) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert [answer.status_code for answer in answers] == [200] * 6
    pending = TelegramConnection.objects.get(chat_id=PENDING)
    assert pending.connection_code in {answer.json()["connection_code"] for answer in answers}


# --- status ---------------------------------------------------------------------------------


def test_status_without_a_connection_says_not_connected(api_client):
    TelegramConnectionFactory(chat_id="1001", is_active=False)
    TelegramConnectionFactory(chat_id=PENDING, is_active=False, connection_code="123456")

    response = api_client.get("/api/v1/telegram/status")

    assert response.status_code == 200
    assert response.json() == {
        "connected": False,
        "chat_id": None,
        "username": None,
        "connected_at": None,
    }


def test_status_describes_the_connected_chat(api_client):
    connection = TelegramConnectionFactory(chat_id="1001", username="scalper_fan")

    body = api_client.get("/api/v1/telegram/status").json()

    assert list(body) == ["connected", "chat_id", "username", "connected_at"]
    assert body["connected"] is True
    assert body["chat_id"] == "1001"
    assert body["username"] == "scalper_fan"
    connection.refresh_from_db()
    assert parse_time(body["connected_at"]) == connection.connected_at


def test_with_several_connected_chats_status_reports_the_latest_instead_of_failing(api_client):
    now = timezone.now()
    TelegramConnectionFactory(chat_id="1001", connected_at=now - timedelta(days=2))
    TelegramConnectionFactory(chat_id="1002", connected_at=now - timedelta(hours=1))
    TelegramConnectionFactory(chat_id="1003", connected_at=now - timedelta(days=1))

    response = api_client.get("/api/v1/telegram/status")

    assert response.status_code == 200
    assert response.json()["chat_id"] == "1002"


def test_status_does_not_take_a_connection_without_a_time_for_the_latest(api_client):
    TelegramConnectionFactory(chat_id="1001", connected_at=None)
    TelegramConnectionFactory(chat_id="1002", connected_at=timezone.now() - timedelta(days=30))

    assert api_client.get("/api/v1/telegram/status").json()["chat_id"] == "1002"


# --- disconnect -----------------------------------------------------------------------------


def test_disconnect_deactivates_the_connection_and_keeps_its_row(api_client):
    TelegramConnectionFactory(chat_id="1001")

    response = api_client.post("/api/v1/telegram/disconnect")

    assert response.status_code == 200
    assert response.json() == {"message": "Telegram disconnected successfully"}
    assert list(TelegramConnection.objects.values_list("chat_id", "is_active")) == [("1001", False)]
    assert api_client.get("/api/v1/telegram/status").json()["connected"] is False


def test_with_several_connected_chats_disconnect_ends_them_all(api_client):
    TelegramConnectionFactory.create_batch(3)

    response = api_client.post("/api/v1/telegram/disconnect")

    assert response.status_code == 200
    assert not TelegramConnection.objects.filter(is_active=True).exists()


def test_disconnect_without_a_connection_is_a_404(api_client):
    TelegramConnectionFactory(is_active=False)

    response = api_client.post("/api/v1/telegram/disconnect")

    assert response.status_code == 404
    assert response.json() == {"detail": "No active Telegram connection found"}


# --- send-notification ----------------------------------------------------------------------


def test_send_notification_delivers_the_message_with_the_level_emoji(
    api_client, telegram, django_capture_on_commit_callbacks
):
    TelegramConnectionFactory(chat_id="1001")
    TelegramConnectionFactory(chat_id="1002", is_active=False)

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/telegram/send-notification",
            {"message": "*Test* from the dashboard", "level": "WARNING"},
            format="json",
        )

    assert response.status_code == 200
    assert response.json() == {"message": "Notification sent successfully"}
    assert telegram.sent_messages == [
        {"chat_id": "1001", "text": "⚠️ *Test* from the dashboard", "parse_mode": "Markdown"}
    ]


@pytest.mark.parametrize("body", [{"message": "hi"}, {"message": "hi", "level": None}])
def test_send_notification_is_info_when_no_level_is_given(
    api_client, telegram, django_capture_on_commit_callbacks, body
):
    TelegramConnectionFactory(chat_id="1001")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post("/api/v1/telegram/send-notification", body, format="json")

    assert response.status_code == 200
    assert telegram.texts_sent_to("1001") == ["ℹ️ hi"]


def test_send_notification_answers_200_when_telegram_fails(
    api_client, telegram, django_capture_on_commit_callbacks
):
    TelegramConnectionFactory(chat_id="1001")
    telegram.refuse_everything = (502, "Bad Gateway")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/telegram/send-notification", {"message": "hi"}, format="json"
        )

    assert response.status_code == 200
    assert len(telegram.sent_messages) == 1


@pytest.mark.parametrize("message", ["", "x" * 4093, "x" * 4094, "x" * 10_000])
def test_any_message_is_sent_as_it_is_whatever_its_length_as_in_legacy(
    api_client, telegram, django_capture_on_commit_callbacks, message
):
    TelegramConnectionFactory(chat_id="1001")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/telegram/send-notification", {"message": message}, format="json"
        )

    assert response.status_code == 200
    assert response.json() == {"message": "Notification sent successfully"}
    assert telegram.texts_sent_to("1001") == [f"ℹ️ {message}"]


def test_a_message_telegram_refuses_as_too_long_is_logged_and_still_answers_200(
    api_client, telegram, django_capture_on_commit_callbacks, caplog
):
    TelegramConnectionFactory(chat_id="1001")
    telegram.refuse_everything = (400, "Bad Request: message is too long")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/telegram/send-notification", {"message": "x" * 5000}, format="json"
        )

    assert response.status_code == 200
    assert "message is too long" in caplog.text


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "message"),
        ({"message": None}, "message"),
        ({"message": ["a", "list"]}, "message"),
        ({"message": {"an": "object"}}, "message"),
        ({"message": 42}, "message"),
        ({"message": True}, "message"),
        ({"message": "hi", "level": "DEBUG"}, "level"),
        ({"message": "hi", "level": 3}, "level"),
    ],
    ids=[
        "missing",
        "null",
        "list",
        "object",
        "number",
        "boolean",
        "unknown-level",
        "level-not-a-string",
    ],
)
def test_send_notification_rejects_bad_input_with_a_400_naming_the_field(
    api_client, telegram, body, field
):
    TelegramConnectionFactory(chat_id="1001")

    response = api_client.post("/api/v1/telegram/send-notification", body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert field in response.json()["errors"]
    assert telegram.calls == []


def test_send_notification_ignores_unknown_fields(
    api_client, telegram, django_capture_on_commit_callbacks
):
    TelegramConnectionFactory(chat_id="1001")

    with django_capture_on_commit_callbacks(execute=True):
        response = api_client.post(
            "/api/v1/telegram/send-notification",
            {"message": "hi", "chat_id": "999", "parse_mode": "HTML"},
            format="json",
        )

    assert response.status_code == 200
    assert telegram.sent_messages == [{"chat_id": "1001", "text": "ℹ️ hi", "parse_mode": "Markdown"}]


def test_send_notification_rejects_malformed_json(api_client):
    response = api_client.post(
        "/api/v1/telegram/send-notification",
        '{"message": "hi"',
        content_type="application/json",
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_send_notification_rejects_a_body_that_is_not_json(api_client):
    response = api_client.post(
        "/api/v1/telegram/send-notification", "message=hi", content_type="text/plain"
    )

    assert response.status_code == 415
    assert "text/plain" in response.json()["detail"]


def test_send_notification_rejects_a_body_that_is_not_an_object(api_client):
    response = api_client.post("/api/v1/telegram/send-notification", ["hi"], format="json")

    assert response.status_code == 400
    assert "Expected a dictionary" in response.json()["detail"]


def test_send_notification_rejects_a_body_over_the_upload_limit_with_a_413(
    api_client, telegram, settings
):
    TelegramConnectionFactory(chat_id="1001")

    response = api_client.post(
        "/api/v1/telegram/send-notification",
        {"message": "x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)},
        format="json",
    )

    assert response.status_code == 413
    assert response.json() == {
        "detail": f"The request body is too large "
        f"(at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."
    }
    assert telegram.calls == []


# --- connections ----------------------------------------------------------------------------


def test_connections_lists_every_connection_newest_first(api_client):
    now = timezone.now()
    old = TelegramConnectionFactory(
        chat_id="1001",
        username="old_fan",
        first_name="Ada",
        last_name="Lovelace",
        is_active=False,
        connected_at=now - timedelta(days=3),
        last_notification_at=now - timedelta(days=2),
    )
    active = TelegramConnectionFactory(chat_id="1002", connected_at=now - timedelta(days=1))
    pending = TelegramConnectionFactory(
        chat_id=PENDING, username=None, is_active=False, connection_code="123456"
    )

    response = api_client.get("/api/v1/telegram/connections")

    assert response.status_code == 200
    body = response.json()
    assert [row["id"] for row in body] == [str(pending.id), str(active.id), str(old.id)]
    old.refresh_from_db()
    assert body[2] == {
        "chat_id": "1001",
        "username": "old_fan",
        "first_name": "Ada",
        "last_name": "Lovelace",
        "id": str(old.id),
        "is_active": False,
        "connected_at": old.connected_at.isoformat().replace("+00:00", "Z"),
        "last_notification_at": old.last_notification_at.isoformat().replace("+00:00", "Z"),
    }
    assert "connection_code" not in body[0]


def test_a_connection_whose_active_flag_is_null_is_shown_as_inactive(api_client):
    TelegramConnectionFactory(is_active=None)

    body = api_client.get("/api/v1/telegram/connections").json()

    assert body[0]["is_active"] is False


def test_deleting_a_connection_removes_it(api_client):
    connection = TelegramConnectionFactory()

    response = api_client.delete(f"/api/v1/telegram/connections/{connection.id}")

    assert response.status_code == 200
    assert response.json() == {"message": "Connection deleted successfully"}
    assert not TelegramConnection.objects.exists()


@pytest.mark.parametrize("connection_id", ["not-a-uuid", "123", "1.5", "%20", "x" * 300])
def test_deleting_with_a_malformed_id_is_a_400(api_client, connection_id):
    TelegramConnectionFactory()

    response = api_client.delete(f"/api/v1/telegram/connections/{connection_id}")

    assert response.status_code == 400
    assert response.json() == {"detail": "Invalid connection ID format"}
    assert TelegramConnection.objects.count() == 1


def test_deleting_an_unknown_connection_is_a_404(api_client):
    response = api_client.delete(
        "/api/v1/telegram/connections/6f1c2a3e-0000-4000-8000-000000000000"
    )

    assert response.status_code == 404
    assert response.json() == {"detail": "Connection not found"}


# --- stats ----------------------------------------------------------------------------------


def test_stats_count_connections_and_notifications_of_the_last_24_hours(api_client):
    now = timezone.now()
    TelegramConnectionFactory(last_notification_at=now - timedelta(hours=23, minutes=59))
    TelegramConnectionFactory(last_notification_at=now - timedelta(hours=24, minutes=1))
    TelegramConnectionFactory(is_active=False, last_notification_at=now - timedelta(minutes=5))
    TelegramConnectionFactory(chat_id=PENDING, is_active=False, connection_code="654321")

    response = api_client.get("/api/v1/telegram/stats")

    assert response.status_code == 200
    assert response.json() == {
        "total_connections": 4,
        "active_connections": 2,
        "inactive_connections": 2,
        "recent_notifications_24h": 2,
    }


# --- paths and authentication ---------------------------------------------------------------

ENDPOINTS = [
    ("post", "/api/v1/telegram/generate-code", 200),
    ("get", "/api/v1/telegram/status", 200),
    ("post", "/api/v1/telegram/disconnect", 404),
    ("get", "/api/v1/telegram/connections", 200),
    ("delete", "/api/v1/telegram/connections/6f1c2a3e-0000-4000-8000-000000000000", 404),
    ("get", "/api/v1/telegram/stats", 200),
]


@pytest.mark.parametrize(("method", "path", "expected"), ENDPOINTS)
@pytest.mark.parametrize("slash", ["", "/"], ids=["legacy-spelling", "trailing-slash"])
def test_both_spellings_of_each_path_are_served_without_a_redirect(
    api_client, method, path, expected, slash
):
    response = getattr(api_client, method)(path + slash)

    assert response.status_code == expected


@pytest.mark.parametrize("slash", ["", "/"], ids=["legacy-spelling", "trailing-slash"])
def test_both_spellings_of_send_notification_are_served(api_client, slash):
    response = api_client.post(
        "/api/v1/telegram/send-notification" + slash, {"message": "hi"}, format="json"
    )

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [(method, path) for method, path, _ in ENDPOINTS]
    + [("post", "/api/v1/telegram/send-notification")],
)
def test_every_telegram_endpoint_needs_authentication(anonymous_client, method, path):
    TelegramConnectionFactory()

    response = getattr(anonymous_client, method)(path)

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert TelegramConnection.objects.filter(is_active=True).count() == 1


def test_a_wrong_token_is_a_401(anonymous_client):
    anonymous_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    response = anonymous_client.get("/api/v1/telegram/status")

    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


@pytest.mark.parametrize("path", [path for _, path, _ in ENDPOINTS])
def test_options_describes_each_endpoint_instead_of_failing(api_client, path):
    response = api_client.options(path)

    assert response.status_code == 200
    assert response.json()["name"]


def test_the_openapi_document_describes_the_telegram_endpoints_in_their_legacy_spelling(
    anonymous_client,
):
    document = anonymous_client.get("/api/v1/openapi.json").json()

    telegram_paths = {path for path in document["paths"] if path.startswith("/api/v1/telegram")}
    assert telegram_paths == {
        "/api/v1/telegram/generate-code",
        "/api/v1/telegram/status",
        "/api/v1/telegram/disconnect",
        "/api/v1/telegram/send-notification",
        "/api/v1/telegram/connections",
        "/api/v1/telegram/connections/{connection_id}",
        "/api/v1/telegram/stats",
        "/api/v1/telegram/webhook",
    }
    status = document["paths"]["/api/v1/telegram/status"]["get"]["responses"]["200"]
    assert status["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/TelegramStatus"
    }
    webhook = document["paths"]["/api/v1/telegram/webhook"]["post"]
    assert "security" not in webhook and "security" not in document  # no API token needed
    assert [parameter["name"] for parameter in webhook["parameters"]] == [
        "X-Telegram-Bot-Api-Secret-Token"
    ]
