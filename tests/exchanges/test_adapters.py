"""POST /api/v1/credentials/{id}/validate asks the exchange through its adapter.

CoinDCX is played by a fake server on 127.0.0.1 that checks the signature as CoinDCX does.
"""

import datetime
import hashlib
import hmac
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from cryptography.fernet import Fernet
from django.db import connections

from exchanges import encryption
from exchanges.models import ExchangeCredentials
from tests.support.factories import ExchangeCredentialsFactory

pytestmark = pytest.mark.django_db

API_KEY = "coindcx-api-key-7Hq2"
SECRET_KEY = "coindcx-secret-9Zx4"


class FakeCoinDCX:
    """Answers POST /exchange/v1/users/balances: a list for known, correctly signed keys."""

    def __init__(self):
        self.accounts = {}
        self.requests = []
        self.status_override = None
        self.on_request = None
        self.stall = threading.Event()
        self.release = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                fake.requests.append((self.path, dict(self.headers), body))
                if fake.on_request:
                    fake.on_request()
                if fake.stall.is_set():
                    fake.release.wait(10)
                    return
                if fake.status_override:
                    return self.answer(fake.status_override, b"<html>Service Unavailable</html>")
                secret = fake.accounts.get(self.headers.get("X-AUTH-APIKEY"))
                expected = secret and hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
                if (
                    self.path != "/exchange/v1/users/balances"
                    or not expected
                    or not (hmac.compare_digest(expected, self.headers.get("X-AUTH-SIGNATURE", "")))
                ):
                    return self.answer(
                        401, json.dumps({"code": 401, "message": "Invalid credentials"}).encode()
                    )
                balances = [{"currency": "USDT", "balance": 125.5, "locked_balance": 0.0}]
                self.answer(200, json.dumps(balances).encode())

            def answer(self, status, content):
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def close(self):
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def coindcx(settings):
    fake = FakeCoinDCX()
    fake.accounts[API_KEY] = SECRET_KEY
    settings.COINDCX_API_BASE_URL = fake.url
    settings.COINDCX_TIMEOUT_SECONDS = 2.0
    yield fake
    fake.close()


def coindcx_credentials(**fields):
    return ExchangeCredentialsFactory(
        **{"exchange": "coindcx", "api_key": API_KEY, "secret_key": SECRET_KEY, **fields}
    )


def validate(client, credentials):
    return client.post(f"/api/v1/credentials/{credentials.id}/validate")


def test_keys_coindcx_accepts_are_recorded_as_validated(api_client, coindcx):
    credentials = coindcx_credentials(validation_error="an earlier failure")

    response = validate(api_client, credentials)

    assert response.status_code == 200
    body = response.json()
    assert list(body) == ["success", "message", "validated_at"]
    assert (body["success"], body["message"]) == (True, "Credentials validated successfully")
    credentials.refresh_from_db()
    assert credentials.is_validated is True
    assert credentials.validation_error is None
    assert credentials.last_validated_at.utcoffset() == datetime.timedelta(0)
    assert body["validated_at"] == credentials.last_validated_at.isoformat().replace("+00:00", "Z")


def test_the_request_is_signed_as_coindcx_documents(api_client, coindcx):
    validate(api_client, coindcx_credentials())

    [(path, headers, body)] = coindcx.requests
    assert path == "/exchange/v1/users/balances"
    assert headers["Content-Type"] == "application/json"
    assert headers["X-AUTH-APIKEY"] == API_KEY
    assert headers["X-AUTH-SIGNATURE"] == (
        hmac.new(SECRET_KEY.encode(), body, hashlib.sha256).hexdigest()
    )
    assert headers["X-AUTH-TIMESTAMP"] == str(json.loads(body)["timestamp"])


def test_the_coindcx_futures_name_has_the_same_adapter(api_client, coindcx):
    credentials = coindcx_credentials(exchange="coindcx_f")

    response = validate(api_client, credentials)

    assert response.json()["success"] is True


def test_keys_coindcx_rejects_answer_200_with_success_false_and_are_recorded(api_client, coindcx):
    credentials = coindcx_credentials(secret_key="a-wrong-secret", is_validated=True)

    response = validate(api_client, credentials)

    assert response.status_code == 200
    assert response.json() == {
        "success": False,
        "message": "Credentials validation failed - please check your API keys",
        "validated_at": None,
    }
    credentials.refresh_from_db()
    assert credentials.is_validated is False
    assert credentials.validation_error == "Validation failed - check your API keys"


def test_an_unreachable_exchange_is_a_502_and_is_recorded(api_client, settings, closed_port):
    settings.COINDCX_API_BASE_URL = f"http://127.0.0.1:{closed_port}"
    credentials = coindcx_credentials(is_validated=True)

    response = validate(api_client, credentials)

    assert response.status_code == 502
    assert response.json() == {
        "detail": "Failed to validate credentials: CoinDCX could not be reached "
        f"(http://127.0.0.1:{closed_port})"
    }
    credentials.refresh_from_db()
    assert credentials.is_validated is False
    assert credentials.validation_error.startswith("CoinDCX could not be reached")


def test_an_exchange_that_does_not_answer_in_time_is_a_502(api_client, coindcx, settings):
    settings.COINDCX_TIMEOUT_SECONDS = 0.3
    coindcx.stall.set()

    response = validate(api_client, coindcx_credentials())

    assert response.status_code == 502
    assert "CoinDCX did not answer within 0.3 s" in response.json()["detail"]


def test_an_exchange_failing_on_its_side_is_a_502(api_client, coindcx):
    coindcx.status_override = 503

    response = validate(api_client, coindcx_credentials())

    assert response.status_code == 502
    assert response.json()["detail"] == "Failed to validate credentials: CoinDCX answered HTTP 503"


def test_an_exchange_without_adapter_is_a_400_recorded_on_the_row(api_client, coindcx):
    credentials = ExchangeCredentialsFactory(exchange="binance", is_validated=True)

    response = validate(api_client, credentials)

    assert response.status_code == 400
    reason = "No adapter for exchange 'binance'; supported: coindcx, coindcx_f"
    assert response.json() == {"detail": f"Failed to validate credentials: {reason}"}
    credentials.refresh_from_db()
    assert (credentials.is_validated, credentials.validation_error) == (False, reason)
    assert coindcx.requests == []


def test_secrets_no_key_decrypts_are_a_400_that_names_no_token(api_client, coindcx):
    foreign_token = Fernet(Fernet.generate_key()).encrypt(SECRET_KEY.encode()).decode()
    credentials = coindcx_credentials(secret_key_encrypted=foreign_token)

    response = validate(api_client, credentials)

    assert response.status_code == 400
    assert response.json()["detail"] == (
        f"Failed to validate credentials: {encryption.UNDECRYPTABLE}"
    )
    assert foreign_token not in response.content.decode()
    credentials.refresh_from_db()
    assert credentials.validation_error == encryption.UNDECRYPTABLE
    assert coindcx.requests == []


def test_credentials_encrypted_by_the_legacy_backend_are_validated_with_their_keys(
    api_client, coindcx
):
    legacy = Fernet(encryption.legacy_key("your-secret-key-here-change-in-production"))
    credentials = ExchangeCredentialsFactory(
        exchange="coindcx",
        api_key_encrypted=legacy.encrypt(API_KEY.encode()).decode(),
        secret_key_encrypted=legacy.encrypt(SECRET_KEY.encode()).decode(),
    )

    response = validate(api_client, credentials)

    assert response.json()["success"] is True


def test_unknown_credentials_are_a_404(api_client, coindcx):
    response = api_client.post("/api/v1/credentials/8a0f8f54-3b5e-4c1a-9d1e-0e0c9f2b7a11/validate/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Credentials not found"}


def test_validation_never_logs_or_returns_the_secrets(api_client, coindcx, caplog):
    caplog.set_level(logging.DEBUG)
    good = coindcx_credentials()
    bad = coindcx_credentials(secret_key="another-secret-5Wq1", is_active=False)

    responses = [validate(api_client, good), validate(api_client, bad)]

    assert caplog.records
    for secret in (API_KEY, SECRET_KEY, "another-secret-5Wq1"):
        assert secret not in caplog.text
        assert all(secret not in response.content.decode() for response in responses)


@pytest.mark.django_db(transaction=True)
def test_an_answer_about_keys_replaced_meanwhile_is_not_recorded(api_client, coindcx):
    credentials = coindcx_credentials()

    def replace_the_keys():
        ExchangeCredentials.objects.filter(pk=credentials.pk).update(
            secret_key_encrypted=encryption.encrypt("a-newer-secret")
        )
        connections.close_all()

    coindcx.on_request = replace_the_keys

    response = validate(api_client, credentials)

    assert response.json()["success"] is True
    credentials.refresh_from_db()
    assert credentials.is_validated is False
    assert credentials.last_validated_at is None
