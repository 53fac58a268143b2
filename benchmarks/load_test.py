"""Load without loss: the burst of tests/support/load.py at full size, with its figures.

Runs the app under gunicorn (several workers) against a throwaway PostgreSQL cluster, sends
creates, status storms and stop-alls side by side, then checks every row; prints requests,
statuses, rows lost or duplicated, p50 and p99.

    python -m benchmarks.load_test [--scale 1.0] [--workers 4]

Exits 1 when any check fails.
"""

import argparse
import sys

from tests.support.load import CLIENT_THREADS, run_on_a_fresh_cluster


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0, help="multiplies every count")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    arguments = parser.parse_args()

    figures, problems, elapsed = run_on_a_fresh_cluster(arguments.scale, arguments.workers)
    print(f"gunicorn workers: {arguments.workers}, client threads: {CLIENT_THREADS}")
    print(f"burst took {elapsed:.1f}s")
    for name, value in figures.items():
        print(f"{name}: {value:.1f}" if isinstance(value, float) else f"{name}: {value}")
    for problem in problems:
        print(f"PROBLEM: {problem}")
    print("no loss, no 5xx, status and log agree" if not problems else f"{len(problems)} problems")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
