"""When PostgreSQL goes away the app answers 503 with a `detail`, and comes back by itself.

Real processes: the app under gunicorn, against a PostgreSQL cluster of the test's own that it
stops and starts (`python -m benchmarks.faults` times the same scenarios and prints the seconds).
"""

import pytest

from tests.support.faults import MODES, database_down, database_hangs, prepared_cluster
from tests.support.servers import AppServer

# Throwaway PostgreSQL clusters stopped under gunicorn.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def cluster():
    cluster, environment, token = prepared_cluster()
    yield cluster, environment, token
    cluster.destroy()


def assert_all_unavailable(answers):
    for (method, path), (status, body, _) in answers.items():
        assert status == 503, f"{method} {path}: {status} {body}"
        assert isinstance(body["detail"], str), f"{method} {path}: {body}"


@pytest.mark.parametrize("mode", MODES)
def test_with_the_database_stopped_every_endpoint_answers_503_and_then_recovers(cluster, mode):
    cluster, environment, token = cluster
    with AppServer({**environment, **MODES[mode]}, workers=2, threads=8) as app:
        answers, public, _, after = database_down(cluster, app, token)

    assert_all_unavailable(answers)
    _, health, _ = answers["GET", "/health"]
    assert health["status"] == "unhealthy" and health["database"] == "unavailable"
    assert ("GET", "/admin/ (signed in)") in answers
    assert {status for status, _, _ in public.values()} == {200}
    assert all(status < 500 for status in after), after


def test_with_a_database_that_never_answers_every_endpoint_answers_503(cluster):
    _, environment, token = cluster

    answers = database_hangs(environment, token)

    assert_all_unavailable(answers)
