"""The app when PostgreSQL goes away: how fast it answers 503, how fast it recovers.

Times the scenarios of tests/support/faults.py (the database stopped and started under the
running app; a database that never answers), with persistent connections and psycopg's pool.

    python -m benchmarks.faults
"""

from tests.support.faults import (
    CONNECT_TIMEOUT,
    MODES,
    database_down,
    database_hangs,
    prepared_cluster,
)
from tests.support.servers import AppServer


def summary(answers):
    statuses = sorted({status for status, _, _ in answers.values()})
    slowest = max(seconds for _, _, seconds in answers.values())
    return statuses, slowest


def main():
    cluster, environment, token = prepared_cluster()
    try:
        for mode, settings in MODES.items():
            with AppServer({**environment, **settings}, workers=2, threads=8) as app:
                answers, _, recovery, after = database_down(cluster, app, token)
            statuses, slowest = summary(answers)
            print(f"[{mode}] database stopped: {len(answers)} endpoints answered {statuses}")
            print(f"[{mode}]   seconds to 503 with the database down: {slowest:.3f} (slowest)")
            print(f"[{mode}]   seconds to recover after it started: {recovery:.3f}")
            print(f"[{mode}]   statuses of the next {len(after)} requests: {sorted(set(after))}")
            hung = database_hangs({**environment, **settings}, token)
            statuses, slowest = summary(hung)
            print(
                f"[{mode}] database hangs (connect timeout {CONNECT_TIMEOUT}s): "
                f"{len(hung)} endpoints answered {statuses}, slowest in {slowest:.3f}s"
            )
    finally:
        cluster.destroy()


if __name__ == "__main__":
    main()
