"""Single-request latency with 10,000 and with 1,000,000 activity logs (2,000 and 200,000 orders).

    python -m benchmarks.scale [--requests 30]

For each size, a throwaway PostgreSQL database (DATABASE_URL names the server) is migrated and
loaded (benchmarks/data.py) and served by gunicorn (one sync worker, production settings); each
request is sent `--requests` times one at a time (after a warm-up), to the two sizes in turn;
the table shows the medians. Targets (issue #13): a paged endpoint at 1M within 1.5x of its time
at 10k; counts and statistics within 30 ms at 1M; the admin's activity log search within 200 ms
at 1M. The databases are dropped afterwards. Takes a few minutes (loading a million rows).
"""

import argparse
import statistics
import tempfile
import time
from contextlib import ExitStack

import psycopg
import requests

from benchmarks.api_throughput import (
    app_environment,
    gunicorn,
    manage,
    prepare,
    throwaway_database,
)

SIZES = [(10_000, 2_000), (1_000_000, 200_000)]
PAGED, WITHIN_MS = "paged", "ms"
# (request, target): a paged endpoint is held to its own time at 10k, the others to a bound.
REQUESTS = [
    ("/api/v1/bots/", (PAGED, 1.5)),
    ("/api/v1/logs/?limit=100", (PAGED, 1.5)),
    ("/api/v1/logs/?bot_id={bot}&limit=100", (PAGED, 1.5)),
    ("/api/v1/orders/?limit=100", (PAGED, 1.5)),
    ("/api/v1/orders/bot/{bot}/history?limit=100", (PAGED, 1.5)),
    ("/api/v1/logs/count", (WITHIN_MS, 30)),
    ("/api/v1/logs/count?level=ERROR", (WITHIN_MS, 30)),
    ("/api/v1/bots/statistics/summary", (WITHIN_MS, 30)),
    ("/api/v1/orders/statistics/summary", (WITHIN_MS, 30)),
    ("/admin/bots/activitylog/?q=event+4242", (WITHIN_MS, 200)),
]


def admin_session(port):
    """A session logged in to the admin as the benchmark's operator."""
    session = requests.Session()
    login = f"http://127.0.0.1:{port}/admin/login/"
    session.get(login, timeout=30)
    response = session.post(
        login,
        data={
            "username": "benchmark",
            "password": "benchmark",
            "csrfmiddlewaretoken": session.cookies["csrftoken"],
            "next": "/admin/",
        },
        headers={"Referer": login},
        timeout=30,
    )
    if "sessionid" not in session.cookies:
        raise RuntimeError(f"Could not log in to the admin: {response.status_code}")
    return session


def timed(client, url):
    started = time.perf_counter()
    response = client.get(url, timeout=60)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} answered {response.status_code}")
    return time.perf_counter() - started


def serve(stack, logs, orders):
    """A database of this size served by gunicorn: (base URL, API session, admin session, bot)."""
    url = stack.enter_context(throwaway_database("bench_scale"))
    # The admin's pages need their CSS and JS collected, as in production.
    static = stack.enter_context(tempfile.TemporaryDirectory())
    environment = {**app_environment(url), "STATIC_ROOT": static}
    manage(environment, "collectstatic", "--no-input")
    token = prepare(url, environment, logs=logs, orders=orders)
    port = stack.enter_context(gunicorn("scalper.wsgi", environment))
    with psycopg.connect(url) as connection:
        (bot,) = connection.execute("SELECT min(id::text) FROM bots").fetchone()
    api = requests.Session()
    api.headers["Authorization"] = f"Token {token}"
    admin = admin_session(port)
    # A new connection per request, as gunicorn's sync worker closes each one.
    api.headers["Connection"] = admin.headers["Connection"] = "close"
    return f"http://127.0.0.1:{port}", api, admin, bot


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=30, help="per request and size")
    options = parser.parse_args()

    with ExitStack() as stack:
        servers = []
        for logs, orders in SIZES:
            print(f"Loading {logs:,} activity logs and {orders:,} orders...", flush=True)
            servers.append(serve(stack, logs, orders))
        # The two sizes answer in turn, so that both see the same load from the rest of the
        # machine.
        small, large = {}, {}
        for template, _ in REQUESTS:
            times = ([], [])
            for _ in range(3 + options.requests):
                for (base, api, admin, bot), own in zip(servers, times, strict=True):
                    client = admin if template.startswith("/admin/") else api
                    own.append(timed(client, base + template.format(bot=bot)))
            small[template], large[template] = (statistics.median(t[3:]) * 1000 for t in times)
    print(f"median of {options.requests} requests one at a time, sizes in turn; 1 sync worker each")
    print(f"{'request':48} {'10k ms':>8} {'1M ms':>8} {'1M/10k':>7} {'target':>10} {'met':>4}")
    for template, (kind, bound) in REQUESTS:
        growth = large[template] / small[template]
        if kind == PAGED:
            target, met = f"<= {bound}x", growth <= bound
        else:
            target, met = f"<= {bound} ms", large[template] <= bound
        print(
            f"GET {template.removeprefix('/api/v1'):44} {small[template]:8.1f} "
            f"{large[template]:8.1f} {growth:7.2f} {target:>10} {'yes' if met else 'NO':>4}"
        )


if __name__ == "__main__":
    main()
