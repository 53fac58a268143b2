"""How fast the admin's activity log list loads on a large table.

Builds a throwaway PostgreSQL database with ROWS activity log rows (spread over two years),
loads the admin list the ways an operator does, and prints the time of each page next to the
queries the admin avoids (a full COUNT(*) and the date hierarchy's SELECT DISTINCT).

    python benchmarks/admin_activity_logs.py [ROWS]     # default 1,000,000

Uses the PostgreSQL server of the tests (DATABASE_URL's server, default 127.0.0.1:5432).
"""

import os
import sys
import time
import uuid
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
ROWS = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
NAME = f"bench_admin_{uuid.uuid4().hex[:12]}"
SERVER = os.environ.get("BENCH_SERVER_DSN", "host=127.0.0.1 port=5432 user=postgres")


def timed(label, action, repeat=3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = action()
        best = min(best, time.perf_counter() - start)
    print(f"{label:<58} {best * 1000:9.1f} ms")
    return result


def main():
    with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as server:
        server.execute(f'CREATE DATABASE "{NAME}"')
    os.environ["DATABASE_URL"] = f"postgres://postgres@127.0.0.1:5432/{NAME}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.settings"
    try:
        run()
    finally:
        from django.db import connections

        connections.close_all()
        with psycopg.connect(f"{SERVER} dbname=postgres", autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')


def run():
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from bots.models import ActivityLog
    from tests.support.factories import UserFactory

    call_command("migrate", verbosity=0)
    print(f"activity_logs rows: {ROWS:,}")
    with connection.cursor() as cursor:
        start = time.perf_counter()
        cursor.execute(
            "INSERT INTO activity_logs (id, bot_id, level, message, timestamp) "
            "SELECT gen_random_uuid(), NULL, "
            "(ARRAY['INFO','SUCCESS','WARNING','ERROR','TELEGRAM'])[1 + n %% 5], "
            "'Heartbeat ' || n, now() - (n * interval '730 days' / %s) "
            "FROM generate_series(1, %s) n",
            [ROWS, ROWS],
        )
        cursor.execute("ANALYZE activity_logs")
        print(f"{'loading the rows':<58} {(time.perf_counter() - start) * 1000:9.1f} ms")

    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    logs = "/admin/bots/activitylog/"

    def page(url):
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    print("admin pages:")
    timed("  list, unfiltered (estimated count)", lambda: page(logs))
    timed("  list, page 500", lambda: page(f"{logs}?p=500"))
    timed("  list, level ERROR (exact count)", lambda: page(f"{logs}?level__exact=ERROR"))
    week = page(logs).content.decode().split("Past 7 days")[0].rsplit('href="', 1)[1]
    timed("  list, past 7 days", lambda: page(logs + week.split('"')[0].replace("&amp;", "&")))
    timed("  list, search 'Heartbeat 4242'", lambda: page(f"{logs}?q=Heartbeat+4242"))
    print("what the admin does not run on every page load:")
    timed("  SELECT COUNT(*) FROM activity_logs", ActivityLog.objects.count)
    timed(
        "  date hierarchy: SELECT DISTINCT date_trunc('year', ...)",
        lambda: list(ActivityLog.objects.dates("timestamp", "year")),
    )


if __name__ == "__main__":
    main()
