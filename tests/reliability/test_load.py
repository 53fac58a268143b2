"""Under a concurrent burst from several clients, against several gunicorn workers, no row is
lost or duplicated, nothing answers 5xx, every status change has its log row, concurrent toggles
of one bot are applied one after the other, and stop-all leaves no bot ACTIVE.

A smaller burst than `python -m benchmarks.load_test`, which prints the figures.
"""

import pytest

from tests.support.load import run_on_a_fresh_cluster

# A throwaway cluster and gunicorn under a burst of requests.
pytestmark = pytest.mark.slow


def test_a_concurrent_burst_loses_nothing_and_keeps_status_and_log_in_agreement():
    figures, problems, _ = run_on_a_fresh_cluster(scale=0.25, workers=3)

    assert problems == []
    assert figures["2xx"] == figures["requests"] > 200
    assert figures["rows lost"] == figures["rows duplicated"] == figures["5xx"] == 0
