"""During the dual run, what this app writes stays readable by the legacy backend.

The test database is made by `migrate`, so it starts finished; the `dual_run` fixture switches it
to the state `baseline` leaves a legacy database in (tests/test_cutover_command.py checks that).
The legacy key is derived here as the legacy backend derived it, independently of exchanges/.
"""

import base64
import hashlib
import io

import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command

from bots.models import Bot
from bots.telegram.models import TelegramConnection
from exchanges.models import ExchangeCredentials
from scalper.legacy.cutover import LOCK
from scalper.legacy.models import CutoverState
from tests.support.factories import (
    BotFactory,
    ExchangeCredentialsFactory,
    TelegramConnectionFactory,
)
from tests.telegram.test_webhook import code, deliver, message_update, replies  # noqa: F401

pytestmark = pytest.mark.django_db

BOTS = "/api/v1/bots/"
CREDENTIALS = "/api/v1/credentials/"
NEW_BOT = {
    "ticker": "ETH/USDT",
    "exchange": "CoinDCX F",
    "first_order": "BUY",
    "quantity": 1.5,
    "buy_price": 3000.0,
    "sell_price": 3010.0,
}
NEW_CREDENTIALS = {
    "exchange": "coindcx",
    "exchange_display_name": "CoinDCX F",
    "api_key": "plain-api-key-0001",
    "secret_key": "plain-secret-key-0001",
    "passphrase": "pass-phrase-01",
}


def legacy_fernet():
    """The key the legacy backend encrypts with: URL-safe base64 of SHA-256 of its SECRET_KEY."""
    digest = hashlib.sha256(settings.LEGACY_SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def legacy_decrypts(token):
    return legacy_fernet().decrypt(token.encode()).decode()


def stored_secrets(pk):
    row = ExchangeCredentials.objects.get(pk=pk)
    return row.api_key_encrypted, row.secret_key_encrypted, row.passphrase_encrypted


@pytest.fixture
def dual_run():
    CutoverState.objects.update(dual_run=True)


def finish():
    call_command("cutover", "finish", stdout=io.StringIO())


# --- state ------------------------------------------------------------------------------------


def test_a_database_made_by_migrate_starts_finished():
    assert CutoverState.objects.get().dual_run is False


# --- credentials ------------------------------------------------------------------------------


def test_credentials_created_during_the_dual_run_are_encrypted_with_the_legacy_key(
    dual_run, api_client
):
    response = api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json")

    assert response.status_code == 201
    api_key, secret_key, passphrase = stored_secrets(response.json()["id"])
    assert legacy_decrypts(api_key) == "plain-api-key-0001"
    assert legacy_decrypts(secret_key) == "plain-secret-key-0001"
    assert legacy_decrypts(passphrase) == "pass-phrase-01"


def test_credentials_updated_during_the_dual_run_are_encrypted_with_the_legacy_key(
    dual_run, api_client
):
    credentials = ExchangeCredentialsFactory()

    response = api_client.put(
        f"{CREDENTIALS}{credentials.pk}", {"api_key": "new-api-key"}, format="json"
    )

    assert response.status_code == 200
    api_key, _, _ = stored_secrets(credentials.pk)
    assert legacy_decrypts(api_key) == "new-api-key"


def test_credentials_created_after_the_dual_run_are_not_under_the_legacy_key(api_client):
    response = api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json")

    api_key, _, _ = stored_secrets(response.json()["id"])
    with pytest.raises(InvalidToken):
        legacy_decrypts(api_key)
    first_key = settings.CREDENTIALS_KEYS[0]
    assert Fernet(first_key).decrypt(api_key.encode()) == b"plain-api-key-0001"


def test_without_the_legacy_secret_key_credentials_are_refused_saying_what_to_set(
    dual_run, api_client, settings
):
    settings.LEGACY_SECRET_KEY = ""

    response = api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json")

    assert response.status_code == 400
    assert "LEGACY_SECRET_KEY is not set" in response.json()["detail"]
    assert not ExchangeCredentials.objects.exists()


def test_a_second_row_for_an_exchange_and_network_is_refused_during_the_dual_run(
    dual_run, api_client
):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=False)

    response = api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "already stored" in detail and "POST /api/v1/credentials/" in detail
    assert "cutover finish" in detail
    assert ExchangeCredentials.objects.count() == 1


def test_moving_credentials_onto_a_taken_network_is_refused_during_the_dual_run(
    dual_run, api_client
):
    ExchangeCredentialsFactory(exchange="coindcx", is_testnet=True, is_active=False)
    mainnet = ExchangeCredentialsFactory(exchange="coindcx", is_testnet=False, is_active=False)

    response = api_client.put(f"{CREDENTIALS}{mainnet.pk}", {"is_testnet": True}, format="json")

    assert response.status_code == 400
    mainnet.refresh_from_db()
    assert mainnet.is_testnet is False


def test_rotation_is_refused_during_the_dual_run_saying_why(dual_run):
    credentials = ExchangeCredentialsFactory()
    before = stored_secrets(credentials.pk)

    with pytest.raises(CommandError) as refusal:
        call_command("rotate_credentials_keys")

    assert "dual run is on" in str(refusal.value)
    assert "cutover finish" in str(refusal.value)
    assert stored_secrets(credentials.pk) == before


def test_finish_re_encrypts_the_credentials_with_credentials_keys(dual_run, api_client):
    created = api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json").json()

    finish()

    api_key, secret_key, passphrase = stored_secrets(created["id"])
    first = Fernet(settings.CREDENTIALS_KEYS[0])
    assert first.decrypt(api_key.encode()) == b"plain-api-key-0001"
    assert first.decrypt(passphrase.encode()) == b"pass-phrase-01"
    with pytest.raises(InvalidToken):
        legacy_decrypts(secret_key)
    assert CutoverState.objects.get().dual_run is False


# --- bots -------------------------------------------------------------------------------------


@pytest.mark.parametrize("exchange", ["Bybit", "Delta", "BYBIT"])
def test_a_bot_on_bybit_or_delta_is_refused_during_the_dual_run_saying_why(
    dual_run, api_client, exchange
):
    response = api_client.post(BOTS, {**NEW_BOT, "exchange": exchange}, format="json")

    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "dual run" in detail and "GET /api/v1/bots/" in detail
    assert "CoinDCX F or Binance" in detail and "cutover finish" in detail
    assert not Bot.objects.exists()


def test_moving_a_bot_to_bybit_is_refused_during_the_dual_run(dual_run, api_client):
    bot = BotFactory(exchange="BINANCE")

    response = api_client.put(f"{BOTS}{bot.pk}", {"exchange": "Bybit"}, format="json")

    assert response.status_code == 400
    bot.refresh_from_db()
    assert bot.exchange == "BINANCE"


def test_a_bot_already_on_bybit_can_still_be_changed_during_the_dual_run(dual_run, api_client):
    bot = BotFactory(exchange="BYBIT", buy_price=100.0, sell_price=101.0)

    response = api_client.put(
        f"{BOTS}{bot.pk}", {"exchange": "Bybit", "quantity": 3.0}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["quantity"] == 3.0


def test_bots_on_the_legacy_exchanges_are_accepted_during_the_dual_run(dual_run, api_client):
    for exchange in ("CoinDCX F", "Binance"):
        response = api_client.post(BOTS, {**NEW_BOT, "exchange": exchange}, format="json")
        assert response.status_code == 201


def test_bybit_is_accepted_after_finish(dual_run, api_client):
    finish()

    response = api_client.post(BOTS, {**NEW_BOT, "exchange": "Bybit"}, format="json")

    assert response.status_code == 201
    assert response.json()["exchange"] == "Bybit"


# --- Telegram ---------------------------------------------------------------------------------


def test_a_second_telegram_chat_is_refused_during_the_dual_run_and_told_why(
    dual_run,
    deliver,  # noqa: F811
    code,  # noqa: F811
    telegram,
):
    TelegramConnectionFactory(chat_id="111", is_active=True)

    response = deliver(message_update(code, chat_id=222))

    assert response.status_code == 200
    assert "Another Telegram chat is connected" in replies(telegram, 222)[-1]
    assert not TelegramConnection.objects.get(connection_code=code).is_active
    assert TelegramConnection.objects.filter(is_active=True).count() == 1


def test_a_second_telegram_chat_connects_after_finish(
    dual_run,
    deliver,  # noqa: F811
    code,  # noqa: F811
    telegram,
):
    TelegramConnectionFactory(chat_id="111", is_active=True)
    finish()

    deliver(message_update(code, chat_id=222))

    assert TelegramConnection.objects.filter(is_active=True).count() == 2


# --- the admin goes through the same services ------------------------------------------------


def test_the_admin_refuses_a_bot_on_bybit_during_the_dual_run(dual_run, admin_client):
    response = admin_client.post(
        "/admin/bots/bot/add/",
        {
            "ticker": "SOL/USDT",
            "exchange": "BYBIT",
            "first_order": "BUY",
            "quantity": "2",
            "buy_price": "150",
            "sell_price": "152.5",
            "trailing_percent": "",
            "config": "null",
        },
    )

    assert response.status_code == 200
    assert "not accepted during the dual run" in response.content.decode()
    assert not Bot.objects.exists()


def test_the_admin_encrypts_new_credentials_with_the_legacy_key_during_the_dual_run(
    dual_run, admin_client
):
    response = admin_client.post(
        "/admin/exchanges/exchangecredentials/add/",
        {
            "exchange": "coindcx",
            "exchange_display_name": "CoinDCX F",
            "label": "Main desk",
            "description": "",
            "is_testnet": "on",
            "is_active": "on",
            "api_key": "admin-api-key",
            "secret_key": "admin-secret-key",
            "passphrase": "",
            "extra_config": "null",
        },
    )

    assert response.status_code == 302
    api_key, secret_key, _ = stored_secrets(ExchangeCredentials.objects.get().pk)
    assert legacy_decrypts(api_key) == "admin-api-key"
    assert legacy_decrypts(secret_key) == "admin-secret-key"


def test_the_admin_moves_edited_credentials_to_the_legacy_key_during_the_dual_run(
    dual_run, admin_client
):
    credentials = ExchangeCredentialsFactory(exchange="coindcx", label="Desk")

    response = admin_client.post(
        f"/admin/exchanges/exchangecredentials/{credentials.pk}/change/",
        {
            "exchange_display_name": "CoinDCX F",
            "label": "Desk, renamed",
            "description": "",
            "is_testnet": "on",
            "is_active": "on",
            "api_key": "",
            "secret_key": "",
            "passphrase": "",
            "extra_config": "null",
        },
    )

    assert response.status_code == 302
    api_key, secret_key, _ = stored_secrets(credentials.pk)
    assert legacy_decrypts(api_key) and legacy_decrypts(secret_key)


def test_the_admin_refuses_a_second_active_telegram_chat_during_the_dual_run(
    dual_run, admin_client
):
    TelegramConnectionFactory(chat_id="111", is_active=True)
    other = TelegramConnectionFactory(chat_id="222", is_active=False)

    response = admin_client.post(
        f"/admin/bots/telegramconnection/{other.pk}/change/", {"is_active": "on"}
    )

    assert response.status_code == 200
    assert "Another Telegram chat is connected" in response.content.decode()
    other.refresh_from_db()
    assert other.is_active is False


# --- the way back after finish -----------------------------------------------------------------


def resume(*args):
    out = io.StringIO()
    call_command("cutover", "resume", *args, stdout=out)
    return out.getvalue()


def test_resume_returns_to_the_dual_run_with_the_credentials_under_the_legacy_key(api_client):
    created = api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json").json()

    text = resume()

    assert text.startswith("Dual run resumed. Re-encrypted 1 of 1 credentials with the legacy key.")
    assert CutoverState.objects.get().dual_run is True
    assert CutoverState.objects.get().finished_at is None
    api_key, secret_key, passphrase = stored_secrets(created["id"])
    assert legacy_decrypts(api_key) == "plain-api-key-0001"
    assert legacy_decrypts(secret_key) == "plain-secret-key-0001"
    assert legacy_decrypts(passphrase) == "pass-phrase-01"
    response = api_client.post(BOTS, {**NEW_BOT, "exchange": "Bybit"}, format="json")
    assert response.status_code == 400


def test_a_second_resume_changes_nothing(dual_run):
    ExchangeCredentialsFactory()
    resume()
    before = list(ExchangeCredentials.objects.values_list("api_key_encrypted", flat=True))

    text = resume()

    assert text.startswith("Already in the dual run. Re-encrypted 0 of 1 credentials")
    assert list(ExchangeCredentials.objects.values_list("api_key_encrypted", flat=True)) == before


def test_resume_is_refused_while_the_legacy_could_not_read_a_bot_and_changes_nothing(
    api_client,
):
    api_client.post(BOTS, {**NEW_BOT, "exchange": "Bybit"}, format="json")
    credentials = ExchangeCredentialsFactory()
    before = stored_secrets(credentials.pk)

    with pytest.raises(CommandError) as refusal:
        resume()

    message = str(refusal.value)
    assert message.startswith("Not resumed, nothing was changed")
    assert "  bots: 1 on Bybit or Delta" in message
    assert "move bots to CoinDCX F or Binance or delete them" in message
    assert CutoverState.objects.get().dual_run is False
    assert stored_secrets(credentials.pk) == before


def test_storing_credentials_holds_the_cut_over_lock_shared_so_finish_waits_for_it(
    dual_run, api_client
):
    from django.db import connection

    api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json")

    # The test's transaction is still open: the lock taken by the write is still held.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT mode FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid() "
            "AND objid = (hashtextextended(%s, 0) & 4294967295)::bigint::oid",
            [LOCK],
        )
        modes = [mode for (mode,) in cursor.fetchall()]
    assert modes == ["ShareLock"]


# --- everything written during the dual run stays readable -----------------------------------


def test_what_the_api_writes_during_the_dual_run_leaves_nothing_the_legacy_could_not_read(
    dual_run,
    api_client,
    deliver,  # noqa: F811
    code,  # noqa: F811
    telegram,
):
    from scalper.legacy import readability

    edge = {**NEW_BOT, "ticker": "X" * 20, "trailing_percent": 3.0, "infinite_loop": True}
    bot = api_client.post(BOTS, edge, format="json").json()["id"]
    api_client.post(BOTS, {**NEW_BOT, "exchange": "Binance", "trailing_percent": 0.1})
    api_client.put(f"{BOTS}{bot}", {"status": "ERROR", "quantity": 1e-9}, format="json")
    for action in ("stop", "start", "toggle"):
        api_client.post(f"{BOTS}{bot}/{action}")
    api_client.post(f"{BOTS}stop-all")
    for level in ("INFO", "SUCCESS", "WARNING", "ERROR", "TELEGRAM"):
        api_client.post("/api/v1/logs/", {"level": level, "message": "m" * 500}, format="json")
    created = api_client.post(CREDENTIALS, NEW_CREDENTIALS, format="json").json()["id"]
    api_client.put(f"{CREDENTIALS}{created}", {"secret_key": "", "label": None}, format="json")
    api_client.post(f"{CREDENTIALS}{created}/toggle")
    deliver(message_update(code, chat_id=111))
    fresh = api_client.post("/api/v1/telegram/generate-code").json()["connection_code"]
    deliver(message_update(fresh, chat_id=222))

    assert readability.unreadable_rows() == []
    assert readability.credentials_not_under_legacy_key() == 0
    assert TelegramConnection.objects.filter(is_active=True).count() == 1
