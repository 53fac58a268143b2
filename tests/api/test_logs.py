"""/api/v1/logs: the activity log, newest entries shown oldest first."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bots.models import ActivityLog, LogLevel
from tests.support.factories import ActivityLogFactory

pytestmark = pytest.mark.django_db

LOG_KEYS = ["level", "message", "bot_id", "id", "timestamp"]
START = datetime(2025, 10, 1, 9, 0, tzinfo=UTC)


def make_logs(count, **fields):
    """`count` entries one second apart, "Activity 0" the oldest."""
    return ActivityLog.objects.bulk_create(
        ActivityLog(
            level=fields.get("level", LogLevel.INFO),
            message=f"Activity {n}",
            bot_id=fields.get("bot_id"),
            timestamp=START + timedelta(seconds=n),
        )
        for n in range(count)
    )


def messages(response):
    return [entry["message"] for entry in response.json()]


# --- list ------------------------------------------------------------------------------------


def test_the_newest_entries_are_listed_oldest_first(api_client):
    make_logs(5)

    response = api_client.get("/api/v1/logs/", {"limit": 3})

    assert response.status_code == 200
    assert messages(response) == ["Activity 2", "Activity 3", "Activity 4"]


def test_skip_counts_from_the_newest_end(api_client):
    make_logs(6)

    response = api_client.get("/api/v1/logs/", {"skip": 2, "limit": 3})

    assert messages(response) == ["Activity 1", "Activity 2", "Activity 3"]


def test_the_frontends_limit_of_1000_keeps_showing_new_activity_after_1000_entries(api_client):
    make_logs(1005)

    response = api_client.get("/api/v1/logs/", {"limit": 1000})

    listed = messages(response)
    assert len(listed) == 1000
    assert (listed[0], listed[-1]) == ("Activity 5", "Activity 1004")


def test_without_a_limit_the_newest_1000_entries_are_listed(api_client):
    make_logs(1001)

    listed = messages(api_client.get("/api/v1/logs/"))

    assert (len(listed), listed[0]) == (1000, "Activity 1")


def test_an_entry_is_shown_with_the_legacy_keys_and_a_utc_timestamp(api_client):
    bot_id = uuid.uuid4()
    entry = ActivityLogFactory(
        level=LogLevel.SUCCESS,
        message="Bot started for ETH/USDT on CoinDCX F",
        bot_id=bot_id,
        timestamp=datetime(2025, 10, 1, 9, 12, 45, 123456, tzinfo=UTC),
    )

    [shown] = api_client.get("/api/v1/logs/").json()

    assert list(shown) == LOG_KEYS
    assert shown == {
        "level": "SUCCESS",
        "message": "Bot started for ETH/USDT on CoinDCX F",
        "bot_id": str(bot_id),
        "id": str(entry.id),
        "timestamp": "2025-10-01T09:12:45.123456Z",
    }


def test_an_entry_with_a_level_outside_the_known_ones_is_shown_as_stored(api_client):
    ActivityLogFactory(level="DEBUG", message="written by a script")

    response = api_client.get("/api/v1/logs/")

    assert response.status_code == 200
    assert response.json()[0]["level"] == "DEBUG"


def test_entries_are_filtered_by_level(api_client):
    make_logs(3, level=LogLevel.INFO)
    ActivityLogFactory(level=LogLevel.ERROR, message="Emergency stop - All bots stopped")

    response = api_client.get("/api/v1/logs/", {"level": "ERROR"})

    assert messages(response) == ["Emergency stop - All bots stopped"]


def test_an_unknown_level_filter_lists_nothing(api_client):
    make_logs(2)

    response = api_client.get("/api/v1/logs/", {"level": "info"})

    assert (response.status_code, response.json()) == (200, [])


def test_entries_are_filtered_by_bot(api_client):
    bot_id = uuid.uuid4()
    make_logs(2)
    ActivityLogFactory(bot_id=bot_id, message="Bot stopped for ETH/USDT")

    response = api_client.get("/api/v1/logs/", {"bot_id": str(bot_id)})

    assert messages(response) == ["Bot stopped for ETH/USDT"]


@pytest.mark.parametrize(
    ("parameter", "value"),
    [
        ("bot_id", "not-a-uuid"),
        ("bot_id", "123"),
        ("skip", "-1"),
        ("skip", str(2**63)),
        ("limit", "-5"),
        ("limit", "1001"),
        ("limit", str(10**30)),
        ("limit", "all"),
        ("skip", "1e3"),
        ("level", "INFO\x00"),
    ],
)
def test_a_bad_filter_or_page_parameter_is_a_400_naming_it(api_client, parameter, value):
    response = api_client.get("/api/v1/logs/", {parameter: value})

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{parameter}: ")


def test_skip_may_be_anything_up_to_the_bigint_maximum(api_client):
    make_logs(3)

    far = api_client.get("/api/v1/logs/", {"skip": 10_000_001})
    farthest = api_client.get("/api/v1/logs/", {"skip": 2**63 - 1, "limit": 1000})

    assert (far.status_code, far.json()) == (200, [])
    assert (farthest.status_code, farthest.json()) == (200, [])


def test_listing_runs_the_same_queries_for_one_entry_and_for_1000(api_client):
    make_logs(1)
    with CaptureQueriesContext(connection) as one_entry:
        assert len(api_client.get("/api/v1/logs/").json()) == 1
    make_logs(1500)
    with CaptureQueriesContext(connection) as full_page:
        assert len(api_client.get("/api/v1/logs/").json()) == 1000

    assert len(full_page) == len(one_entry) == 2  # the token, then one query for the entries


# --- create ----------------------------------------------------------------------------------


def test_an_entry_is_created_with_200_as_legacy(api_client):
    bot_id = uuid.uuid4()

    response = api_client.post(
        "/api/v1/logs/",
        {"level": "WARNING", "message": "Manual note", "bot_id": str(bot_id)},
        format="json",
    )

    assert response.status_code == 200
    created = response.json()
    assert list(created) == LOG_KEYS
    assert (created["level"], created["message"], created["bot_id"]) == (
        "WARNING",
        "Manual note",
        str(bot_id),
    )
    assert created["timestamp"].endswith("Z")
    entry = ActivityLog.objects.get(pk=created["id"])
    assert (entry.level, entry.message, entry.bot_id) == ("WARNING", "Manual note", bot_id)


def test_an_entry_needs_no_bot_and_unknown_fields_are_ignored(api_client):
    response = api_client.post(
        "/api/v1/logs/",
        {"level": "INFO", "message": "Hello", "extra_data": {"x": 1}, "timestamp": "2000-01-01"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["bot_id"] is None
    assert not response.json()["timestamp"].startswith("2000")
    assert ActivityLog.objects.get().extra_data is None


INVALID_ENTRIES = {
    "no level": ({"message": "x"}, "level"),
    "unknown level": ({"level": "DEBUG", "message": "x"}, "level"),
    "lower-case level": ({"level": "info", "message": "x"}, "level"),
    "no message": ({"level": "INFO"}, "message"),
    "empty message": ({"level": "INFO", "message": ""}, "message"),
    "null message": ({"level": "INFO", "message": None}, "message"),
    "message over 500 characters": ({"level": "INFO", "message": "x" * 501}, "message"),
    "message as a number": ({"level": "INFO", "message": 42}, "message"),
    "malformed bot id": ({"level": "INFO", "message": "x", "bot_id": "bot-1"}, "bot_id"),
    "bot id as a number": ({"level": "INFO", "message": "x", "bot_id": 7}, "bot_id"),
    "message with a NUL character": ({"level": "INFO", "message": "a\x00b"}, "message"),
}


@pytest.mark.parametrize(("body", "field"), INVALID_ENTRIES.values(), ids=INVALID_ENTRIES.keys())
def test_an_invalid_entry_is_a_400_naming_the_field_and_nothing_is_stored(api_client, body, field):
    response = api_client.post("/api/v1/logs/", body, format="json")

    assert response.status_code == 400
    assert response.json()["detail"].startswith(f"{field}: ")
    assert not ActivityLog.objects.exists()


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("level=INFO&message=x", "application/x-www-form-urlencoded", 415),
        ('{"level": "INFO", "message": "x"', "application/json", 400),
        ('[{"level": "INFO", "message": "x"}]', "application/json", 400),
    ],
    ids=["form", "truncated", "array"],
)
def test_a_body_that_is_not_a_json_object_is_refused(api_client, body, content_type, status):
    response = api_client.post("/api/v1/logs/", body, content_type=content_type)

    assert response.status_code == status
    assert isinstance(response.json()["detail"], str)
    assert not ActivityLog.objects.exists()


# --- clear -----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/logs/", "/api/v1/logs"])
def test_clearing_deletes_every_entry_and_answers_204(api_client, path):
    make_logs(20)

    response = api_client.delete(path)

    assert response.status_code == 204
    assert response.content == b""
    assert not ActivityLog.objects.exists()


def test_clearing_an_empty_log_also_answers_204(api_client):
    assert api_client.delete("/api/v1/logs/").status_code == 204


# --- count -----------------------------------------------------------------------------------


def test_count_gives_every_level_and_the_total(api_client):
    make_logs(3, level=LogLevel.INFO)
    make_logs(2, level=LogLevel.SUCCESS)
    make_logs(1, level=LogLevel.ERROR)
    ActivityLogFactory(level="DEBUG")

    response = api_client.get("/api/v1/logs/count")

    assert response.status_code == 200
    assert response.json() == {
        "INFO": 3,
        "SUCCESS": 2,
        "WARNING": 0,
        "ERROR": 1,
        "TELEGRAM": 0,
        "TOTAL": 7,
    }
    assert list(response.json()) == ["INFO", "SUCCESS", "WARNING", "ERROR", "TELEGRAM", "TOTAL"]


@pytest.mark.parametrize(("level", "count"), [("SUCCESS", 2), ("WARNING", 0), ("DEBUG", 1)])
def test_count_of_one_level(api_client, level, count):
    make_logs(2, level=LogLevel.SUCCESS)
    ActivityLogFactory(level="DEBUG")

    response = api_client.get("/api/v1/logs/count", {"level": level})

    assert response.json() == {"level": level, "count": count}


def test_count_of_a_level_with_a_nul_character_is_a_400(api_client):
    response = api_client.get("/api/v1/logs/count", {"level": "INFO\x00"})

    assert response.status_code == 400
    assert response.json()["detail"].startswith("level: ")
