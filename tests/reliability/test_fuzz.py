"""Schemathesis against our own OpenAPI document: every operation, authenticated, valid and
invalid inputs, a fixed seed and a bounded number of examples per operation.

No answer may be a server error, and every answer must be what the document says: a documented
status code, content type, headers and body schema. Invalid input must be refused (4xx), and an
operation that needs credentials must refuse a request without them.
"""

import collections

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from rest_framework.authtoken.models import Token

from tests.conftest import FIGURES
from tests.support.factories import (
    ActivityLogFactory,
    BotFactory,
    ExchangeCredentialsFactory,
    OrderFactory,
    TradeFactory,
    UserFactory,
)

# Schemathesis over every operation.
pytestmark = pytest.mark.slow


SEED = 20240611
EXAMPLES_PER_OPERATION = 25

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": SEED,
        "generation": {
            "mode": "all",
            "max-examples": EXAMPLES_PER_OPERATION,
            # No example database: the same seed gives the same requests on every machine.
            "database": "none",
        },
        "checks": {
            # Schema-valid input can still break a rule the schema cannot express
            # (sell_price above buy_price); that 400 is right, not a failure.
            "positive_data_acceptance": {"enabled": False},
        },
    }
)

figures = collections.Counter()
operations_seen = set()


@pytest.fixture
def api_schema(transactional_db):
    """The document the app serves, with the app itself (in this process) as the transport."""
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler(), config=CONFIG)


@pytest.fixture
def headers(token, settings):
    """Credentials, and Telegram's secret so that the webhook is fuzzed past its check."""
    settings.TELEGRAM_WEBHOOK_SECRET = "fuzz-webhook-secret"
    return {
        "Authorization": f"Token {token}",
        "X-Telegram-Bot-Api-Secret-Token": settings.TELEGRAM_WEBHOOK_SECRET,
    }


@pytest.fixture
def token(transactional_db):
    user = UserFactory()
    bots = BotFactory.create_batch(2)
    OrderFactory(bot=bots[0])
    ActivityLogFactory.create_batch(2, bot_id=bots[0].id)
    TradeFactory(bot_id=bots[1].id)
    ExchangeCredentialsFactory()
    return Token.objects.create(user=user).key


@pytest.fixture(scope="module", autouse=True)
def report_figures():
    yield
    FIGURES.append(
        f"Fuzz: {len(operations_seen)} operations covered, {figures['examples']} examples run, "
        f"{figures['5xx']} 5xx found (seed {SEED}, up to {EXAMPLES_PER_OPERATION} generated "
        "examples per operation)"
    )


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_every_operation_answers_as_documented_and_never_with_a_server_error(case, headers):
    operations_seen.add(case.operation.label)
    figures["examples"] += 1
    response = case.call(headers=headers)
    if response.status_code >= 500:
        figures["5xx"] += 1
    case.validate_response(response, headers=headers)
