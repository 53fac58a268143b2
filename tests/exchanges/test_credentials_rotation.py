"""`manage.py rotate_credentials_keys`: every secret re-encrypted with the first key, or none."""

import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.core.management import CommandError, call_command

from exchanges.models import ExchangeCredentials
from tests.support.factories import ExchangeCredentialsFactory

LEGACY_SECRET_KEY = "your-secret-key-here-change-in-production"
NEW_KEY = Fernet.generate_key().decode()
OLD_KEY = Fernet.generate_key().decode()
# The plaintexts of the credentials in tests/fixtures/legacy_fef8185d3887.sql (see its comment).
LEGACY_PLAINTEXTS = {
    "a4ad958c-4eb1-483f-b77e-350f561c8fb7": (
        "legacy-api-key-coindcx-0001",
        "legacy-secret-coindcx-0001",
        None,
    ),
    "061df6eb-51a9-47d6-907b-2f20d9a5403b": (
        "legacy-api-key-coindcx-0002",
        "legacy-secret-coindcx-0002",
        None,
    ),
    "5d34379f-6079-487b-a1b5-d6da598d8d88": (
        "legacy-api-key-binance-0003",
        "legacy-secret-binance-0003",
        None,
    ),
    "9d257b20-d927-4000-bce4-f53d0451788d": (
        "legacy-api-key-bybit-0004",
        "legacy-secret-bybit-0004",
        "legacy-passphrase-bybit-0004",
    ),
}
SECRET_COLUMNS = ("api_key_encrypted", "secret_key_encrypted", "passphrase_encrypted")


def secrets_of(database):
    rows = database.query(
        "SELECT id::text, api_key_encrypted, secret_key_encrypted, passphrase_encrypted "
        "FROM exchange_credentials"
    )
    return {row[0]: row[1:] for row in rows}


def everything_but_secrets(database):
    return database.query(
        "SELECT id, exchange, exchange_display_name, is_testnet, is_active, label, description, "
        "is_validated, last_validated_at, validation_error, created_at, updated_at, "
        "extra_config::text FROM exchange_credentials ORDER BY id"
    )


def decrypt_with(key, token):
    return None if token is None else Fernet(key).decrypt(token.encode()).decode()


@pytest.fixture
def adopted_db(legacy_db):
    """The legacy fixture adopted, its dual run over, its rows still under the legacy key (as
    rows the legacy backend wrote after `cutover finish` are; rotation is refused before)."""
    legacy_db.manage("migrate", "--fake-initial")
    legacy_db.execute("UPDATE scalper_cutover SET dual_run = false, finished_at = now()")
    return legacy_db


def run_rotation(*args, **options):
    out = io.StringIO()
    call_command("rotate_credentials_keys", *args, stdout=out, **options)
    return out.getvalue()


def test_rotation_re_encrypts_the_legacy_rows_with_the_first_key(adopted_db):
    others_before = everything_but_secrets(adopted_db)

    result = adopted_db.manage(
        "rotate_credentials_keys",
        env={"CREDENTIALS_KEYS": NEW_KEY, "LEGACY_SECRET_KEY": LEGACY_SECRET_KEY},
    )

    assert "Re-encrypted 4 of 4 credentials" in result.stdout
    stored = secrets_of(adopted_db)
    assert {
        row_id: tuple(decrypt_with(NEW_KEY, token) for token in tokens)
        for row_id, tokens in stored.items()
    } == LEGACY_PLAINTEXTS
    assert everything_but_secrets(adopted_db) == others_before


@pytest.fixture
def new_key_first(settings):
    settings.CREDENTIALS_KEYS = [NEW_KEY, OLD_KEY]
    settings.LEGACY_SECRET_KEY = LEGACY_SECRET_KEY


def test_a_second_rotation_changes_nothing(adopted_db, new_key_first):
    run_rotation(database=adopted_db.alias)
    rotated = secrets_of(adopted_db)

    output = run_rotation(database=adopted_db.alias)

    assert "Re-encrypted 0 of 4 credentials" in output
    assert "(4 already used it)" in output
    assert secrets_of(adopted_db) == rotated


def test_a_dry_run_reports_the_count_and_changes_nothing(adopted_db, new_key_first):
    before = adopted_db.table_rows("exchange_credentials")

    output = run_rotation("--dry-run", database=adopted_db.alias)

    assert "Dry run: 4 of 4 credentials would be re-encrypted" in output
    assert "Nothing was changed" in output
    assert adopted_db.table_rows("exchange_credentials") == before


def test_without_the_legacy_key_the_legacy_rows_are_reported_and_nothing_changes(adopted_db):
    before = adopted_db.table_rows("exchange_credentials")

    result = adopted_db.manage(
        "rotate_credentials_keys",
        env={"CREDENTIALS_KEYS": NEW_KEY, "LEGACY_SECRET_KEY": ""},
        check=False,
    )

    assert result.returncode != 0
    for row_id in LEGACY_PLAINTEXTS:
        assert row_id in result.stderr
    for tokens in secrets_of(adopted_db).values():
        assert not any(token and token in result.stdout + result.stderr for token in tokens)
    assert adopted_db.table_rows("exchange_credentials") == before


# Rows written by this app under an older key (in the test database, in process) ----------------


@pytest.mark.django_db
def test_rows_under_an_older_key_are_re_encrypted_and_current_ones_left_alone(settings):
    settings.CREDENTIALS_KEYS = [OLD_KEY]
    old = ExchangeCredentialsFactory.create_batch(
        2, api_key="old-api", secret_key="old-secret", is_active=False
    )
    settings.CREDENTIALS_KEYS = [NEW_KEY, OLD_KEY]
    current = ExchangeCredentialsFactory(api_key="new-api", secret_key="new-secret")
    current_tokens = [getattr(current, column) for column in SECRET_COLUMNS]
    updated_at = {row.pk: row.updated_at for row in ExchangeCredentials.objects.all()}

    output = run_rotation()

    assert "Re-encrypted 2 of 3 credentials" in output
    assert "(1 already used it)" in output
    for row in ExchangeCredentials.objects.filter(pk__in=[o.pk for o in old]):
        assert decrypt_with(NEW_KEY, row.api_key_encrypted) == "old-api"
        assert decrypt_with(NEW_KEY, row.secret_key_encrypted) == "old-secret"
        with pytest.raises(InvalidToken):
            decrypt_with(OLD_KEY, row.api_key_encrypted)
    current.refresh_from_db()
    assert [getattr(current, column) for column in SECRET_COLUMNS] == current_tokens
    assert {row.pk: row.updated_at for row in ExchangeCredentials.objects.all()} == updated_at


@pytest.mark.django_db
def test_a_row_no_key_decrypts_is_named_and_stops_the_whole_rotation(settings):
    settings.CREDENTIALS_KEYS = [OLD_KEY]
    rotatable = ExchangeCredentialsFactory(is_active=False)
    foreign_token = Fernet(Fernet.generate_key()).encrypt(b"lost-secret").decode()
    lost = ExchangeCredentialsFactory(secret_key_encrypted=foreign_token, is_active=False)
    settings.CREDENTIALS_KEYS = [NEW_KEY, OLD_KEY]
    before = list(ExchangeCredentials.objects.order_by("pk").values())

    with pytest.raises(CommandError) as failure:
        run_rotation()

    assert str(lost.pk) in str(failure.value)
    assert str(rotatable.pk) not in str(failure.value)
    assert foreign_token not in str(failure.value)
    assert list(ExchangeCredentials.objects.order_by("pk").values()) == before


@pytest.mark.django_db
def test_rotation_without_any_key_configured_is_a_clear_error(settings):
    settings.CREDENTIALS_KEYS = []
    ExchangeCredentials.objects.create(
        exchange="coindcx",
        exchange_display_name="CoinDCX",
        api_key_encrypted="x",
        secret_key_encrypted="y",
    )

    with pytest.raises(CommandError, match="CREDENTIALS_KEYS is empty"):
        run_rotation()
