import os
import socket

import pytest

from tests.support.databases import ScratchDatabase


@pytest.fixture
def make_scratch_db(django_db_blocker):
    """A factory of empty PostgreSQL databases, each dropped after the test."""
    created = []

    def make():
        created.append(ScratchDatabase())
        return created[-1]

    with django_db_blocker.unblock():
        try:
            yield make
        finally:
            for database in created:
                database.drop()


@pytest.fixture
def scratch_db(make_scratch_db):
    """An empty PostgreSQL database of its own, dropped after the test."""
    return make_scratch_db()


@pytest.fixture
def legacy_db(scratch_db):
    """A database as the legacy backend left it: schema of fef8185d3887 and realistic rows."""
    return scratch_db.load_legacy_fixture()


@pytest.fixture
def closed_port():
    """A port on 127.0.0.1 where nothing listens: connections are refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def silent_port():
    """A port that accepts connections (the kernel completes them) but never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    # CI exercises PostgreSQL for real: a skipped test there means something was not tested.
    if os.environ.get("CI") and _skipped and exitstatus == 0:
        session.exitstatus = 1


# Figures measured in passing (the fuzzing counts), printed at the end of the run.
FIGURES = []


def pytest_terminal_summary(terminalreporter):
    for line in FIGURES:
        terminalreporter.write_line(line)
    if os.environ.get("CI") and _skipped:
        terminalreporter.write_line(
            f"FAILED: CI refuses skipped tests ({len(_skipped)}): " + ", ".join(_skipped), red=True
        )


@pytest.fixture
def user(db):
    from tests.support.factories import UserFactory

    return UserFactory()


@pytest.fixture
def api_client(user):
    """A DRF test client authenticated with a token, as a script or the frontend would be."""
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


@pytest.fixture
def anonymous_client():
    from rest_framework.test import APIClient

    return APIClient()


# --- Telegram -------------------------------------------------------------------------------

TELEGRAM_TEST_TOKEN = "123456:TEST-TOKEN"
TELEGRAM_TEST_WEBHOOK_SECRET = "test-webhook-secret_0123456789"


@pytest.fixture
def telegram(settings):
    """A fake Telegram Bot API on 127.0.0.1, configured as the one the app talks to."""
    from tests.support.fake_telegram import FakeTelegram

    with FakeTelegram() as server:
        settings.TELEGRAM_API_BASE_URL = server.url
        settings.TELEGRAM_BOT_TOKEN = TELEGRAM_TEST_TOKEN
        settings.TELEGRAM_WEBHOOK_SECRET = TELEGRAM_TEST_WEBHOOK_SECRET
        settings.TELEGRAM_TIMEOUT_SECONDS = 2.0
        yield server
