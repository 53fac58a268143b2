"""/api/v1/credentials: exchange API keys go in encrypted and never come out."""

import datetime
import json
import logging
import threading
import uuid

import pytest
from cryptography.fernet import Fernet
from django.conf import settings
from django.db import connections, transaction

from exchanges import encryption, services
from exchanges.models import ExchangeCredentials
from tests.support.factories import ExchangeCredentialsFactory

pytestmark = pytest.mark.django_db

SHOWN_KEYS = [
    "exchange",
    "exchange_display_name",
    "label",
    "description",
    "is_testnet",
    "is_active",
    "id",
    "is_validated",
    "last_validated_at",
    "validation_error",
    "created_at",
    "updated_at",
]
API_KEY = "plain-api-key-A1b2C3"
SECRET_KEY = "plain-secret-key-D4e5F6"
PASSPHRASE = "plain-passphrase-G7h8"


def new_credentials(**overrides):
    return {
        "exchange": "CoinDCX",
        "exchange_display_name": "CoinDCX",
        "label": "Main account",
        "description": "Futures",
        "is_testnet": False,
        "api_key": API_KEY,
        "secret_key": SECRET_KEY,
        "passphrase": PASSPHRASE,
        **overrides,
    }


def assert_no_secret_in(text):
    for secret in (API_KEY, SECRET_KEY, PASSPHRASE):
        assert secret not in text


def at(minutes):
    return datetime.datetime(2025, 10, 1, tzinfo=datetime.UTC) + datetime.timedelta(minutes=minutes)


def test_created_credentials_answer_201_with_the_legacy_keys_and_no_secret(api_client):
    response = api_client.post("/api/v1/credentials/", new_credentials(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert list(body) == SHOWN_KEYS
    assert body["exchange"] == "coindcx"
    assert body["exchange_display_name"] == "CoinDCX"
    assert body["is_testnet"] is False
    assert body["is_active"] is True
    assert body["is_validated"] is False
    assert body["last_validated_at"] is None
    assert body["created_at"].endswith("Z")
    assert_no_secret_in(response.content.decode())


def test_secrets_are_stored_encrypted_with_the_first_key(api_client):
    response = api_client.post("/api/v1/credentials/", new_credentials(), format="json")

    row = ExchangeCredentials.objects.get(pk=response.json()["id"])
    first_key = Fernet(settings.CREDENTIALS_KEYS[0])
    for column, plaintext in [
        ("api_key_encrypted", API_KEY),
        ("secret_key_encrypted", SECRET_KEY),
        ("passphrase_encrypted", PASSPHRASE),
    ]:
        token = getattr(row, column)
        assert plaintext not in token
        assert first_key.decrypt(token.encode()).decode() == plaintext


def test_a_new_credential_is_active_and_on_testnet_unless_told_otherwise(api_client):
    body = new_credentials()
    del body["is_testnet"], body["passphrase"], body["label"], body["description"]

    response = api_client.post("/api/v1/credentials/", body, format="json")

    assert response.status_code == 201
    shown = response.json()
    assert (shown["is_testnet"], shown["is_active"], shown["label"]) == (True, True, None)
    assert ExchangeCredentials.objects.get(pk=shown["id"]).passphrase_encrypted is None


def test_strings_are_stored_as_sent_without_trimming(api_client):
    response = api_client.post(
        "/api/v1/credentials/",
        new_credentials(label="  spaced  ", api_key=f" {API_KEY} "),
        format="json",
    )

    row = ExchangeCredentials.objects.get(pk=response.json()["id"])
    assert row.label == "  spaced  "
    assert encryption.decrypt(row.api_key_encrypted) == f" {API_KEY} "


def test_the_list_is_newest_first_and_shows_no_secret(api_client):
    older = ExchangeCredentialsFactory(exchange="coindcx", created_at=at(0))
    newer = ExchangeCredentialsFactory(exchange="binance", created_at=at(5))

    response = api_client.get("/api/v1/credentials/")

    assert response.status_code == 200
    assert [item["id"] for item in response.json()] == [str(newer.id), str(older.id)]
    assert all(list(item) == SHOWN_KEYS for item in response.json())
    assert "plain-api-key" not in response.content.decode()


@pytest.mark.parametrize("spelling", ["coindcx", "CoinDCX", "COINDCX"])
def test_the_exchange_filter_ignores_case(api_client, spelling):
    coindcx = ExchangeCredentialsFactory(exchange="coindcx")
    ExchangeCredentialsFactory(exchange="binance")

    response = api_client.get("/api/v1/credentials/", {"exchange": spelling})

    assert [item["id"] for item in response.json()] == [str(coindcx.id)]


@pytest.mark.parametrize(("value", "expected"), [("true", True), ("false", False), ("0", False)])
def test_the_is_active_filter_takes_a_boolean(api_client, value, expected):
    ExchangeCredentialsFactory(is_active=True, is_testnet=True)
    ExchangeCredentialsFactory(is_active=False, is_testnet=True)

    response = api_client.get("/api/v1/credentials/", {"is_active": value})

    assert [item["is_active"] for item in response.json()] == [expected]


def test_an_invalid_is_active_filter_is_a_400_not_an_ignored_filter(api_client):
    response = api_client.get("/api/v1/credentials/", {"is_active": "maybe"})

    assert response.status_code == 400
    assert "is_active" in response.json()["detail"]


def test_a_filter_value_with_a_nul_byte_is_a_400_not_a_database_error(api_client):
    response = api_client.get("/api/v1/credentials/", {"exchange": "coin\x00dcx"})

    assert response.status_code == 400
    assert "exchange" in response.json()["errors"]


def test_unknown_query_parameters_are_ignored(api_client):
    ExchangeCredentialsFactory()

    response = api_client.get("/api/v1/credentials/", {"colour": "blue"})

    assert response.status_code == 200
    assert len(response.json()) == 1


def test_the_list_runs_a_constant_number_of_queries(api_client, django_assert_num_queries):
    ExchangeCredentialsFactory()
    with django_assert_num_queries(2) as one_row:  # the token, then the credentials
        api_client.get("/api/v1/credentials/")
    ExchangeCredentialsFactory.create_batch(20, is_active=False)

    with django_assert_num_queries(len(one_row.captured_queries)):
        response = api_client.get("/api/v1/credentials/")

    assert len(response.json()) == 21


def test_credentials_are_retrieved_by_id(api_client):
    credentials = ExchangeCredentialsFactory(label="Main")

    response = api_client.get(f"/api/v1/credentials/{credentials.id}")

    assert response.status_code == 200
    assert list(response.json()) == SHOWN_KEYS
    assert response.json()["label"] == "Main"


@pytest.mark.parametrize("credentials_id", [str(uuid.uuid4()), "not-a-uuid", "12345"])
def test_unknown_or_malformed_ids_are_a_404(api_client, credentials_id):
    response = api_client.get(f"/api/v1/credentials/{credentials_id}")

    assert response.status_code == 404
    assert response.json() == {"detail": "Credentials not found"}


def test_a_legacy_row_with_unset_flags_is_shown_with_nulls(api_client):
    credentials = ExchangeCredentialsFactory(is_testnet=None, is_active=None, is_validated=None)

    response = api_client.get(f"/api/v1/credentials/{credentials.id}")

    assert response.status_code == 200
    shown = response.json()
    assert (shown["is_testnet"], shown["is_active"], shown["is_validated"]) == (None, None, None)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/credentials/",
        "/api/v1/credentials",
    ],
)
def test_the_collection_answers_both_spellings_without_redirect(api_client, path):
    response = api_client.post(path, new_credentials(), format="json")

    assert response.status_code == 201


@pytest.mark.parametrize("suffix", ["", "/", "/toggle", "/toggle/"])
def test_item_paths_answer_both_spellings_without_redirect(api_client, suffix):
    credentials = ExchangeCredentialsFactory(is_active=False)
    method = api_client.post if "toggle" in suffix else api_client.get

    response = method(f"/api/v1/credentials/{credentials.id}{suffix}")

    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("get", ""),
        ("post", ""),
        ("get", "/{id}"),
        ("put", "/{id}"),
        ("delete", "/{id}"),
        ("post", "/{id}/toggle"),
        ("post", "/{id}/validate"),
    ],
)
def test_every_credentials_endpoint_requires_authentication(anonymous_client, method, suffix):
    credentials = ExchangeCredentialsFactory()
    path = "/api/v1/credentials" + suffix.format(id=credentials.id)

    response = getattr(anonymous_client, method)(path, {}, format="json")

    assert response.status_code == 401
    assert response.json()["detail"]
    assert ExchangeCredentials.objects.get(pk=credentials.pk).is_active is True


def test_put_changes_only_the_fields_sent(api_client):
    credentials = ExchangeCredentialsFactory(label="Old", description="Keep me")
    tokens = (credentials.api_key_encrypted, credentials.secret_key_encrypted)

    response = api_client.put(
        f"/api/v1/credentials/{credentials.id}", {"label": "New"}, format="json"
    )

    assert response.status_code == 200
    assert list(response.json()) == SHOWN_KEYS
    credentials.refresh_from_db()
    assert (credentials.label, credentials.description) == ("New", "Keep me")
    assert (credentials.api_key_encrypted, credentials.secret_key_encrypted) == tokens


@pytest.mark.parametrize(
    "body",
    [{}, {"label": "Main", "is_active": True, "passphrase": None}],
    ids=["empty", "current values"],
)
def test_put_that_changes_nothing_keeps_updated_at_as_in_legacy(api_client, body):
    credentials = ExchangeCredentialsFactory(label="Main", updated_at=at(0))
    before = ExchangeCredentials.objects.values().get(pk=credentials.pk)

    response = api_client.put(f"/api/v1/credentials/{credentials.id}", body, format="json")

    assert response.status_code == 200
    assert response.json()["updated_at"] == "2025-10-01T00:00:00Z"
    assert ExchangeCredentials.objects.values().get(pk=credentials.pk) == before


def test_put_that_changes_a_field_bumps_updated_at(api_client):
    credentials = ExchangeCredentialsFactory(label="Main", updated_at=at(0))

    response = api_client.put(
        f"/api/v1/credentials/{credentials.id}", {"label": "Spare"}, format="json"
    )

    assert response.status_code == 200
    credentials.refresh_from_db()
    assert credentials.updated_at > at(0)


def test_put_with_null_clears_the_label_and_the_description(api_client):
    credentials = ExchangeCredentialsFactory(label="Old", description="Old text")

    response = api_client.put(
        f"/api/v1/credentials/{credentials.id}",
        {"label": None, "description": None},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["label"], response.json()["description"]) == (None, None)


def test_new_keys_are_encrypted_and_reset_the_validation(api_client):
    credentials = ExchangeCredentialsFactory(
        is_validated=True, validation_error="old", last_validated_at=at(0)
    )

    response = api_client.put(
        f"/api/v1/credentials/{credentials.id}",
        {"api_key": "replacement-api-key", "secret_key": "replacement-secret"},
        format="json",
    )

    assert response.status_code == 200
    assert (response.json()["is_validated"], response.json()["validation_error"]) == (False, None)
    assert "replacement" not in response.content.decode()
    credentials.refresh_from_db()
    assert encryption.decrypt(credentials.api_key_encrypted) == "replacement-api-key"
    assert encryption.decrypt(credentials.secret_key_encrypted) == "replacement-secret"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("is_active", 2),
        ("is_testnet", "maybe"),
        ("is_testnet", None),
        ("label", 7),
        ("exchange", 1),
    ],
)
def test_a_value_the_legacy_api_refused_too_is_refused(api_client, field, value):
    response = api_client.post(
        "/api/v1/credentials/", new_credentials(**{field: value}), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("field", ["api_key", "secret_key", "passphrase"])
def test_a_secret_sent_as_a_number_is_refused_not_turned_into_text(api_client, field):
    response = api_client.post("/api/v1/credentials/", new_credentials(**{field: 0}), format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_empty_keys_are_accepted_and_stored_empty_as_in_legacy(api_client):
    response = api_client.post(
        "/api/v1/credentials/", new_credentials(api_key="", secret_key=""), format="json"
    )

    assert response.status_code == 201
    row = ExchangeCredentials.objects.get(pk=response.json()["id"])
    assert (row.api_key_encrypted, row.secret_key_encrypted) == ("", "")
    assert encryption.decrypt(row.passphrase_encrypted) == PASSPHRASE


def test_put_with_empty_keys_stores_them_empty_and_resets_the_validation(api_client):
    credentials = ExchangeCredentialsFactory(is_validated=True)

    response = api_client.put(
        f"/api/v1/credentials/{credentials.id}", {"api_key": "", "secret_key": ""}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["is_validated"] is False
    credentials.refresh_from_db()
    assert (credentials.api_key_encrypted, credentials.secret_key_encrypted) == ("", "")


@pytest.mark.parametrize("cleared", ["", None])
def test_an_empty_or_null_passphrase_removes_it(api_client, cleared):
    credentials = ExchangeCredentialsFactory(passphrase_encrypted=encryption.encrypt("old"))

    response = api_client.put(
        f"/api/v1/credentials/{credentials.id}", {"passphrase": cleared}, format="json"
    )

    assert response.status_code == 200
    credentials.refresh_from_db()
    assert credentials.passphrase_encrypted is None


def test_the_exchange_cannot_be_changed_and_unknown_fields_are_ignored(api_client):
    credentials = ExchangeCredentialsFactory(exchange="coindcx")

    response = api_client.put(
        f"/api/v1/credentials/{credentials.id}",
        {"exchange": "binance", "api_key_encrypted": "forged", "colour": "blue"},
        format="json",
    )

    assert response.status_code == 200
    credentials.refresh_from_db()
    assert credentials.exchange == "coindcx"
    assert credentials.api_key_encrypted != "forged"


def test_patch_is_not_part_of_the_api(api_client):
    credentials = ExchangeCredentialsFactory()

    response = api_client.patch(
        f"/api/v1/credentials/{credentials.id}", {"label": "x"}, format="json"
    )

    assert response.status_code == 405
    assert response.json()["detail"]


def test_deleting_answers_204_with_an_empty_body(api_client):
    credentials = ExchangeCredentialsFactory()

    response = api_client.delete(f"/api/v1/credentials/{credentials.id}")

    assert response.status_code == 204
    assert response.content == b""
    assert not ExchangeCredentials.objects.filter(pk=credentials.pk).exists()
    assert api_client.delete(f"/api/v1/credentials/{credentials.id}").status_code == 404


def test_toggle_flips_is_active_both_ways(api_client):
    credentials = ExchangeCredentialsFactory(is_active=True)
    path = f"/api/v1/credentials/{credentials.id}/toggle"

    first, second = api_client.post(path), api_client.post(path)

    assert (first.status_code, first.json()["is_active"]) == (200, False)
    assert (second.status_code, second.json()["is_active"]) == (200, True)
    assert list(second.json()) == SHOWN_KEYS


# Duplicate active credentials -----------------------------------------------------------------


def test_second_active_credentials_for_an_exchange_and_network_are_refused(api_client):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=False, is_active=True)

    response = api_client.post("/api/v1/credentials/", new_credentials(), format="json")

    assert response.status_code == 400
    assert response.json() == {"detail": "Active credentials already exist for CoinDCX (mainnet)"}
    assert ExchangeCredentials.objects.count() == 1


def test_the_same_exchange_on_the_other_network_is_accepted(api_client):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=True)

    response = api_client.post(
        "/api/v1/credentials/", new_credentials(is_testnet=False), format="json"
    )

    assert response.status_code == 201


def test_inactive_credentials_are_refused_too_while_active_ones_exist_as_in_legacy(api_client):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=False, is_active=True)

    response = api_client.post(
        "/api/v1/credentials/", new_credentials(is_active=False), format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"detail": "Active credentials already exist for CoinDCX (mainnet)"}
    assert ExchangeCredentials.objects.count() == 1


@pytest.mark.parametrize("is_active", [True, False])
def test_credentials_next_to_inactive_ones_are_accepted(api_client, is_active):
    ExchangeCredentialsFactory.create_batch(
        2, exchange="coindcx", is_testnet=False, is_active=False
    )

    response = api_client.post(
        "/api/v1/credentials/", new_credentials(is_active=is_active), format="json"
    )

    assert response.status_code == 201
    assert ExchangeCredentials.objects.count() == 3


def test_a_third_duplicate_is_a_400_not_a_500(api_client):
    # The legacy API answered 500 here: its check expected at most one matching row.
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=False)
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=True)

    response = api_client.post(
        "/api/v1/credentials/", new_credentials(exchange="coindcx", is_testnet=True), format="json"
    )

    assert response.status_code == 400
    assert response.json()["detail"] == "Active credentials already exist for coindcx (testnet)"


def test_toggle_cannot_activate_a_second_set(api_client):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=True)
    inactive = ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=False)

    response = api_client.post(f"/api/v1/credentials/{inactive.id}/toggle")

    assert response.status_code == 400
    assert response.json() == {"detail": "Active credentials already exist for coindcx (testnet)"}
    inactive.refresh_from_db()
    assert inactive.is_active is False


@pytest.mark.parametrize(
    "change",
    [{"is_active": True}, {"is_testnet": True}],
    ids=["activating", "moving to the busy network"],
)
def test_put_cannot_make_a_second_set_active(api_client, change):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=True)
    other = ExchangeCredentialsFactory(
        exchange="coindcx",
        is_testnet="is_testnet" not in change,
        is_active="is_active" not in change,
    )
    before = ExchangeCredentials.objects.values().get(pk=other.pk)

    response = api_client.put(f"/api/v1/credentials/{other.id}", change, format="json")

    assert response.status_code == 400
    assert response.json()["detail"] == "Active credentials already exist for coindcx (testnet)"
    assert ExchangeCredentials.objects.values().get(pk=other.pk) == before


def test_existing_duplicates_can_still_be_edited_and_deactivated(api_client):
    # Legacy databases may hold two active sets already (its toggle did not check).
    first = ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=True)
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=True)

    renamed = api_client.put(f"/api/v1/credentials/{first.id}", {"label": "x"}, format="json")
    toggled = api_client.post(f"/api/v1/credentials/{first.id}/toggle")

    assert renamed.status_code == 200
    assert (toggled.status_code, toggled.json()["is_active"]) == (200, False)


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_create_waits_for_the_other_and_is_refused(api_client):
    outcome = {}

    def create_over_the_api():
        try:
            outcome["response"] = api_client.post(
                "/api/v1/credentials/", new_credentials(), format="json"
            )
        finally:
            connections.close_all()

    with transaction.atomic():
        services.create_credentials(**new_credentials())
        competitor = threading.Thread(target=create_over_the_api)
        competitor.start()
        competitor.join(timeout=1)
        # Without the lock, the competitor would not see the uncommitted row and would insert.
        assert competitor.is_alive()
    competitor.join(timeout=10)

    assert outcome["response"].status_code == 400
    assert ExchangeCredentials.objects.filter(is_active=True).count() == 1


# Bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "length"),
    [("exchange", 51), ("exchange_display_name", 101), ("label", 101), ("description", 501)],
)
def test_strings_longer_than_their_column_are_a_400(api_client, field, length):
    response = api_client.post(
        "/api/v1/credentials/", new_credentials(**{field: "x" * length}), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert ExchangeCredentials.objects.count() == 0


def test_an_exchange_that_grows_when_lower_cased_is_checked_after_lower_casing(api_client):
    # 'İ' lower-cases to two characters.
    response = api_client.post(
        "/api/v1/credentials/", new_credentials(exchange="İ" * 26), format="json"
    )

    assert response.status_code == 400
    assert "exchange" in response.json()["errors"]


@pytest.mark.parametrize("field", ["api_key", "secret_key", "passphrase"])
def test_a_secret_too_long_to_store_encrypted_is_a_400_that_does_not_echo_it(api_client, field):
    secret = "S3cr3t" * 60

    response = api_client.post(
        "/api/v1/credentials/", new_credentials(**{field: secret}), format="json"
    )

    assert response.status_code == 400
    assert "303 bytes" in response.json()["errors"][field][0]
    assert secret not in response.content.decode()
    assert ExchangeCredentials.objects.count() == 0


def test_the_longest_storable_secret_is_stored(api_client):
    response = api_client.post(
        "/api/v1/credentials/", new_credentials(secret_key="s" * 303), format="json"
    )

    assert response.status_code == 201
    row = ExchangeCredentials.objects.get(pk=response.json()["id"])
    assert encryption.decrypt(row.secret_key_encrypted) == "s" * 303


def test_missing_required_fields_are_named_in_the_400(api_client):
    response = api_client.post("/api/v1/credentials/", {"label": "x"}, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "exchange",
        "exchange_display_name",
        "api_key",
        "secret_key",
    }


@pytest.mark.parametrize(
    "body",
    [
        {"exchange": None},
        {"api_key": None},
        {"is_active": None},
        {"is_testnet": "maybe"},
        {"api_key": {"nested": "object"}},
        {"exchange": ["coindcx"]},
        {"exchange": ""},
        {"label": "nul\x00byte"},
    ],
    ids=repr,
)
def test_invalid_values_on_create_are_a_400(api_client, body):
    response = api_client.post("/api/v1/credentials/", new_credentials(**body), format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(body)
    assert ExchangeCredentials.objects.count() == 0


def test_a_secret_with_a_lone_surrogate_escape_is_a_400(api_client):
    # Valid JSON ("\\ud800"), but not text that can be encrypted or stored.
    body = json.dumps(new_credentials(api_key="lone \ud800 surrogate"))

    response = api_client.generic("POST", "/api/v1/credentials/", body, "application/json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"api_key"}


@pytest.mark.parametrize(
    "body",
    [
        {"exchange_display_name": None},
        {"api_key": None},
        {"is_active": None},
        {"is_testnet": "maybe"},
        {"label": "x" * 101},
    ],
    ids=repr,
)
def test_invalid_values_on_update_are_a_400_and_change_nothing(api_client, body):
    credentials = ExchangeCredentialsFactory()
    before = ExchangeCredentials.objects.values().get(pk=credentials.pk)

    response = api_client.put(f"/api/v1/credentials/{credentials.id}", body, format="json")

    assert response.status_code == 400
    assert set(response.json()["errors"]) == set(body)
    assert ExchangeCredentials.objects.values().get(pk=credentials.pk) == before


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2, 3]", "application/json"),
        ("exchange=coindcx", "text/plain"),
    ],
)
def test_bodies_that_are_not_a_json_object_are_refused(api_client, content, content_type):
    response = api_client.generic("POST", "/api/v1/credentials/", content, content_type)

    assert 400 <= response.status_code < 500
    assert response.json()["detail"]
    assert ExchangeCredentials.objects.count() == 0


def test_secrets_never_reach_the_logs(api_client, caplog):
    caplog.set_level(logging.DEBUG)
    credentials = ExchangeCredentialsFactory(exchange="coindcx", is_testnet=False)

    api_client.post("/api/v1/credentials/", new_credentials(), format="json")  # duplicate
    api_client.post("/api/v1/credentials/", new_credentials(label="x" * 101), format="json")
    api_client.put(
        f"/api/v1/credentials/{credentials.id}",
        {"api_key": API_KEY, "secret_key": SECRET_KEY, "passphrase": PASSPHRASE},
        format="json",
    )
    api_client.post(f"/api/v1/credentials/{credentials.id}/validate")

    assert caplog.records
    assert_no_secret_in(caplog.text)


def test_the_openapi_document_shows_secrets_as_write_only_and_never_in_responses(
    anonymous_client,
):
    document = anonymous_client.get("/api/v1/openapi.json").json()
    schemas = document["components"]["schemas"]

    shown = schemas["ExchangeCredentials"]["properties"]
    assert list(shown) == SHOWN_KEYS
    for request_schema in ("ExchangeCredentialsCreateRequest", "ExchangeCredentialsUpdateRequest"):
        properties = schemas[request_schema]["properties"]
        for secret in ("api_key", "secret_key", "passphrase"):
            assert properties[secret]["writeOnly"] is True
            assert "example" not in properties[secret]
    assert "example" not in str(document["paths"]["/api/v1/credentials/"])
