"""Benchmark: adopting a legacy database takes the same time whatever its size.

Times `manage.py baseline` on legacy databases with 10 thousand and with 1 million
`activity_logs` rows, and measures the longest a reader of the legacy tables waited meanwhile.
The adoption reads only the catalog and writes only Django's own tables, so both times should be
close (ratio near 1) and no read should wait on it.

Run from the project folder, with PostgreSQL at 127.0.0.1 (or DATABASE_URL):
    python -m benchmarks.baseline_adoption
"""

import os
import threading
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

import psycopg  # noqa: E402

from tests.support.databases import ScratchDatabase, server_dsn  # noqa: E402

SIZES = (10_000, 1_000_000)
REPEATS = 3


def legacy_database_with(rows):
    database = ScratchDatabase(prefix="benchmark").load_legacy_fixture()
    (existing,) = database.query("SELECT count(*) FROM activity_logs")[0]
    database.execute(
        "INSERT INTO activity_logs (id, bot_id, level, message, timestamp, extra_data) "
        "SELECT gen_random_uuid(), NULL, 'INFO', 'benchmark row ' || n, "
        "now() - n * interval '1 second', json_build_object('n', n) "
        "FROM generate_series(1, %s) n",
        [rows - existing],
    )
    database.execute("VACUUM ANALYZE")
    # Write the new rows out now, not while an adoption is being timed.
    database.execute("CHECKPOINT")
    return database


class Reader(threading.Thread):
    """Reads the legacy tables in a loop, as the legacy backend's dashboard would."""

    def __init__(self, database):
        super().__init__()
        self.database = database
        self.stop = threading.Event()
        self.longest = 0.0
        self.reads = 0

    def run(self):
        with psycopg.connect(server_dsn(self.database.name), autocommit=True) as conn:
            while not self.stop.is_set():
                started = time.perf_counter()
                conn.execute("SELECT * FROM activity_logs ORDER BY timestamp DESC LIMIT 20")
                conn.execute("SELECT * FROM bots")
                self.longest = max(self.longest, time.perf_counter() - started)
                self.reads += 1


def time_adoption(database):
    reader = Reader(database)
    reader.start()
    started = time.perf_counter()
    result = database.manage("baseline", "--format", "json")
    elapsed = time.perf_counter() - started
    reader.stop.set()
    reader.join()
    assert '"outcome": "adopted"' in result.stdout, result.stdout
    return elapsed, reader


def main():
    timings = {}
    for rows in SIZES:
        legacy = legacy_database_with(rows)
        runs = []
        try:
            for _ in range(REPEATS):
                database = ScratchDatabase(prefix="benchmark", template=legacy)
                try:
                    runs.append(time_adoption(database))
                finally:
                    database.drop()
        finally:
            legacy.drop()
        elapsed, reader = min(runs, key=lambda run: run[0])
        timings[rows] = elapsed
        print(
            f"activity_logs {rows:>9,} rows: baseline {elapsed:5.2f} s (best of {REPEATS}); "
            f"longest legacy read meanwhile {max(r.longest for _, r in runs) * 1000:5.1f} ms "
            f"({sum(r.reads for _, r in runs)} reads)"
        )
    small, large = (timings[rows] for rows in SIZES)
    print(f"ratio {SIZES[-1]:,} / {SIZES[0]:,} rows: {large / small:.2f}")


if __name__ == "__main__":
    main()
