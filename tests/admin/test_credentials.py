"""Exchange credentials in the admin: secrets go in, and never come out, not even encrypted."""

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings

from exchanges import encryption
from exchanges.models import ExchangeCredentials
from tests.admin.pages import results_table
from tests.support.factories import ExchangeCredentialsFactory, UserFactory

pytestmark = pytest.mark.django_db

CREDENTIALS = "/admin/exchanges/exchangecredentials/"
API_KEY, SECRET_KEY, PASSPHRASE = "plain-api-key-0001", "plain-secret-key-0001", "pass-phrase-01"
# The legacy backend's key (SECRET_KEY "your-secret-key-here-change-in-production").
LEGACY_KEY = encryption.legacy_key("your-secret-key-here-change-in-production")


def change_page(credentials):
    return f"{CREDENTIALS}{credentials.pk}/change/"


@pytest.fixture
def credentials():
    return ExchangeCredentialsFactory(
        label="Main desk",
        passphrase_encrypted=encryption.encrypt(PASSPHRASE),
        validation_error="Validation failed - check your API keys",
    )


def secrets_of(credentials):
    credentials.refresh_from_db()
    return (
        encryption.decrypt(credentials.api_key_encrypted),
        encryption.decrypt(credentials.secret_key_encrypted),
        credentials.passphrase_encrypted and encryption.decrypt(credentials.passphrase_encrypted),
    )


def form_data(**changes):
    return {
        "exchange_display_name": "CoinDCX",
        "label": "Main desk",
        "description": "",
        "is_testnet": "on",
        "is_active": "on",
        "api_key": "",
        "secret_key": "",
        "passphrase": "",
        "extra_config": "null",
        **changes,
    }


def test_the_list_shows_label_exchange_network_and_flags(admin_client, credentials):
    ExchangeCredentialsFactory(label="Prod", exchange="binance", is_testnet=False, is_active=False)

    rows = results_table(admin_client.get(CREDENTIALS))

    assert "Main desk" in rows and "coindcx" in rows and "testnet" in rows
    assert "Prod" in rows and "binance" in rows and "mainnet" in rows
    # Active and validated for each row: only "Main desk" is active, neither is validated.
    assert rows.count('alt="True"') == 1
    assert rows.count('alt="False"') == 3


@pytest.mark.parametrize(
    "page",
    [
        "",
        "?q=desk",
        "?network=testnet",
        "?exchange=coindcx",
        "add/",
        "{pk}/change/",
        "{pk}/history/",
        "{pk}/delete/",
    ],
)
def test_no_page_shows_a_secret_to_a_superuser(admin_client, credentials, page):
    response = admin_client.get(CREDENTIALS + page.format(pk=credentials.pk))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Main desk" in html or page == "add/"
    for secret in (API_KEY, SECRET_KEY, PASSPHRASE):
        assert secret not in html
    for column in ("api_key_encrypted", "secret_key_encrypted", "passphrase_encrypted"):
        assert getattr(credentials, column) not in html
        assert column not in html
    assert "gAAAAA" not in html  # the start of every Fernet token


def test_the_change_page_says_which_secrets_are_stored_with_write_only_fields(
    admin_client, credentials
):
    html = admin_client.get(change_page(credentials)).content.decode()

    assert "API key, secret key, passphrase" in html
    for name in ("api_key", "secret_key", "passphrase"):
        assert f'<input type="password" name="{name}"' in html
    assert "A value is stored. Leave blank to keep it." in html


def test_adding_credentials_encrypts_the_secrets(admin_client):
    response = admin_client.post(
        f"{CREDENTIALS}add/",
        form_data(
            exchange=" CoinDCX ",
            api_key=API_KEY,
            secret_key=SECRET_KEY,
            passphrase=PASSPHRASE,
        ),
    )

    assert response.status_code == 302
    credentials = ExchangeCredentials.objects.get()
    assert credentials.exchange == "coindcx"
    assert secrets_of(credentials) == (API_KEY, SECRET_KEY, PASSPHRASE)
    assert API_KEY not in credentials.api_key_encrypted


def test_adding_credentials_requires_both_keys(admin_client):
    response = admin_client.post(f"{CREDENTIALS}add/", form_data(exchange="coindcx"))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors.keys() == {"api_key", "secret_key"}
    assert not ExchangeCredentials.objects.exists()


def test_saving_without_new_secrets_keeps_them_under_the_current_key(admin_client, credentials):
    before = credentials.api_key_encrypted

    response = admin_client.post(change_page(credentials), form_data(label="Night desk"))

    assert response.status_code == 302
    assert secrets_of(credentials) == (API_KEY, SECRET_KEY, PASSPHRASE)
    # Already encrypted with the first key: re-encrypting leaves the token as it is.
    assert credentials.api_key_encrypted == before
    assert credentials.label == "Night desk"


def test_saving_a_legacy_row_moves_its_secrets_to_the_current_key(admin_client):
    legacy = ExchangeCredentialsFactory(
        api_key_encrypted=encryption.Fernet(LEGACY_KEY).encrypt(API_KEY.encode()).decode(),
        secret_key_encrypted=encryption.Fernet(LEGACY_KEY).encrypt(SECRET_KEY.encode()).decode(),
    )

    admin_client.post(change_page(legacy), form_data())

    with override_settings(LEGACY_SECRET_KEY=""):
        assert secrets_of(legacy) == (API_KEY, SECRET_KEY, None)


def test_a_new_api_key_replaces_the_old_one_and_needs_validating_again(admin_client):
    credentials = ExchangeCredentialsFactory(is_validated=True, validation_error="old")

    admin_client.post(change_page(credentials), form_data(api_key="new-api-key-0002"))

    assert secrets_of(credentials) == ("new-api-key-0002", SECRET_KEY, None)
    assert credentials.is_validated is False
    assert credentials.validation_error is None


def test_the_stored_passphrase_can_be_removed(admin_client, credentials):
    admin_client.post(change_page(credentials), form_data(remove_passphrase="on"))

    assert secrets_of(credentials) == (API_KEY, SECRET_KEY, None)


def test_a_new_passphrase_and_its_removal_together_are_refused(admin_client, credentials):
    response = admin_client.post(
        change_page(credentials), form_data(passphrase="other", remove_passphrase="on")
    )

    assert "Enter a new passphrase or remove it, not both." in response.content.decode()
    assert secrets_of(credentials) == (API_KEY, SECRET_KEY, PASSPHRASE)


def test_the_exchange_of_stored_keys_cannot_be_changed(admin_client, credentials):
    admin_client.post(change_page(credentials), form_data(exchange="binance"))

    credentials.refresh_from_db()
    assert credentials.exchange == "coindcx"


def test_a_second_active_row_for_an_exchange_and_network_is_refused(admin_client, credentials):
    response = admin_client.post(
        f"{CREDENTIALS}add/",
        form_data(exchange="CoinDCX", api_key="k", secret_key="s"),
    )

    assert "Active credentials already exist for coindcx (testnet)" in response.content.decode()
    assert ExchangeCredentials.objects.count() == 1


def test_new_credentials_may_wait_inactive_beside_the_active_ones(admin_client, credentials):
    response = admin_client.post(
        f"{CREDENTIALS}add/",
        form_data(exchange="coindcx", is_active="", api_key="k2", secret_key="s2"),
    )

    assert response.status_code == 302
    parked = ExchangeCredentials.objects.exclude(pk=credentials.pk).get()
    assert (parked.is_active, parked.is_testnet, parked.is_validated) == (False, True, False)
    assert secrets_of(parked) == ("k2", "s2", None)


def test_a_new_passphrase_needs_validating_again_as_through_the_api(admin_client, credentials):
    ExchangeCredentials.objects.filter(pk=credentials.pk).update(is_validated=True)

    admin_client.post(change_page(credentials), form_data(passphrase="new-pass"))

    assert secrets_of(credentials) == (API_KEY, SECRET_KEY, "new-pass")
    assert (credentials.is_validated, credentials.validation_error) == (False, None)


def test_removing_a_passphrase_no_key_can_decrypt_needs_no_key(admin_client):
    lost = ExchangeCredentialsFactory(
        passphrase_encrypted=encryption.Fernet(encryption.Fernet.generate_key())
        .encrypt(b"lost")
        .decode()
    )

    response = admin_client.post(change_page(lost), form_data(remove_passphrase="on"))

    assert response.status_code == 302
    assert secrets_of(lost) == (API_KEY, SECRET_KEY, None)


def test_a_secret_no_key_can_decrypt_must_be_entered_again(admin_client):
    lost = ExchangeCredentialsFactory(
        api_key_encrypted=encryption.Fernet(encryption.Fernet.generate_key())
        .encrypt(b"lost")
        .decode()
    )

    refused = admin_client.post(change_page(lost), form_data())
    accepted = admin_client.post(change_page(lost), form_data(api_key="re-entered"))

    assert "cannot be decrypted with CREDENTIALS_KEYS or LEGACY_SECRET_KEY" in (
        refused.content.decode()
    )
    assert accepted.status_code == 302
    assert secrets_of(lost) == ("re-entered", SECRET_KEY, None)


def test_without_credentials_keys_the_form_says_what_to_set(admin_client, settings):
    settings.CREDENTIALS_KEYS = []

    response = admin_client.post(
        f"{CREDENTIALS}add/", form_data(exchange="bybit", api_key="k", secret_key="s")
    )

    assert response.status_code == 200
    assert "CREDENTIALS_KEYS is empty" in response.content.decode()
    assert not ExchangeCredentials.objects.exists()


def test_credentials_can_be_deleted(admin_client, credentials):
    response = admin_client.post(f"{CREDENTIALS}{credentials.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not ExchangeCredentials.objects.exists()


def test_the_list_filters_by_network_and_flags(admin_client, credentials):
    mainnet = ExchangeCredentialsFactory(label="Prod", exchange="binance", is_testnet=False)
    inactive = ExchangeCredentialsFactory(label="Old", exchange="bybit", is_active=False)

    testnet_rows = results_table(admin_client.get(CREDENTIALS, {"network": "testnet"}))
    mainnet_rows = results_table(admin_client.get(CREDENTIALS, {"network": "mainnet"}))
    binance_rows = results_table(admin_client.get(CREDENTIALS, {"exchange": "binance"}))
    inactive_rows = results_table(admin_client.get(CREDENTIALS, {"is_active__exact": "0"}))
    unvalidated = results_table(admin_client.get(CREDENTIALS, {"is_validated__exact": "0"}))

    assert str(credentials.pk) in testnet_rows and str(mainnet.pk) not in testnet_rows
    assert str(mainnet.pk) in mainnet_rows and str(credentials.pk) not in mainnet_rows
    assert str(mainnet.pk) in binance_rows and str(credentials.pk) not in binance_rows
    assert str(inactive.pk) in inactive_rows and str(credentials.pk) not in inactive_rows
    assert str(credentials.pk) in unvalidated


def test_a_staff_user_without_permission_cannot_see_credentials(client, credentials):
    client.force_login(UserFactory(is_staff=True))

    index = client.get("/admin/")

    assert index.status_code == 200
    assert "Exchange credentials" not in index.content.decode()
    assert client.get(CREDENTIALS).status_code == 403
    assert client.get(change_page(credentials)).status_code == 403
    assert client.get(f"{CREDENTIALS}add/").status_code == 403


def test_a_staff_user_who_may_only_view_sees_no_secret_and_no_secret_field(client, credentials):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_exchangecredentials"))
    client.force_login(viewer)

    response = client.get(change_page(credentials))

    html = response.content.decode()
    assert response.status_code == 200
    assert "API key, secret key, passphrase" in html
    assert 'type="password"' not in html
    assert "gAAAAA" not in html and API_KEY not in html
    assert client.post(change_page(credentials), form_data(api_key="x")).status_code == 403
    assert secrets_of(credentials) == (API_KEY, SECRET_KEY, PASSPHRASE)
