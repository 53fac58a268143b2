"""Throughput and latency of the list endpoints, next to a floor. Prints figures; asserts nothing.

    python benchmarks/api_throughput.py [--requests 2000] [--concurrency 4]

What it does, all on this machine and cleaned up afterwards:
1. creates a throwaway PostgreSQL database (DATABASE_URL names the server; default
   postgres://postgres@127.0.0.1:5432), runs `manage.py migrate`, loads 100 bots and 10,000
   activity logs, and makes an operator with a token;
2. serves the app with gunicorn (settings below) on 127.0.0.1, and the floor
   (benchmarks/floor_app.py: the same rows fetched with one raw psycopg query and encoded as JSON
   by a minimal WSGI app) under the same gunicorn settings;
3. checks that both answer the same JSON, then sends a bounded number of requests to each
   endpoint from `--concurrency` client threads (http.client, a new connection per request, as
   gunicorn's sync worker closes each one) and prints requests/s, p50 and p99 latency. The
   requests go in `--rounds` alternating batches (API, floor, API, ...), so that both servers see
   the same share of whatever else the machine is doing. For scale it also measures the app's
   `/health` (no authentication, one query) and, in the statistics summary's rounds, "DRF"
   (benchmarks/framework_app.py: a DRF view answering a constant, with no middleware,
   authentication or database): what Django, DRF and gunicorn cost before any endpoint's work.
   The last column is the floor's requests/s over each server's.

gunicorn: `--workers 1 --worker-class sync`, no access log. The app runs with the production
settings (DEBUG off, persistent database connections: DATABASE_CONN_MAX_AGE=60 with health
checks and prepared statements; `--pool` uses DATABASE_POOL=true instead) and authenticates
every request with a token.
"""

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
from cryptography.fernet import Fernet

PROJECT_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
GUNICORN = ["--workers", "1", "--worker-class", "sync"]
ENDPOINTS = [
    "/api/v1/bots/",
    "/api/v1/logs/?limit=1000",
    "/api/v1/bots/statistics/summary",
]
# For scale: the app's cheapest endpoint (no authentication, `SELECT 1`), i.e. what Django, DRF
# and gunicorn cost before an endpoint does any work.
REFERENCE = "/health"
# Also served, in the same rounds, by benchmarks/framework_app.py: a DRF view answering a constant
# with no middleware, authentication or database, i.e. what no endpoint's code can win back.
FRAMEWORK_PATH = "/api/v1/bots/statistics/summary"
# Each batch of requests stops after this many seconds even if not all were sent.
MAX_SECONDS_PER_BATCH = 60

LOAD_ROWS = """
INSERT INTO bots (id, ticker, exchange, first_order, quantity, buy_price, sell_price,
                  trailing_percent, infinite_loop, status, pnl, total_trades, last_fill_time,
                  created_at, updated_at)
SELECT gen_random_uuid(),
       (ARRAY['ETH/USDT', 'BTC/USDT', 'SOL/USDT', 'DOGE/USDT'])[1 + n % 4],
       (ARRAY['COINDCX_F', 'BINANCE', 'BYBIT', 'DELTA'])[1 + n % 4]::exchange,
       (ARRAY['BUY', 'SELL'])[1 + n % 2]::orderside,
       0.25 * n, 100.0 + n, 102.5 + n,
       CASE WHEN n % 3 = 0 THEN NULL ELSE 0.5 END,
       n % 2 = 0,
       (ARRAY['ACTIVE', 'STOPPED', 'ERROR'])[1 + n % 3]::botstatus,
       1.25 * n - 40, n % 17,
       CASE WHEN n % 2 = 0 THEN now() - n * interval '37 minutes' END,
       now() - n * interval '1 day' - n * interval '1234 microseconds',
       now() - n * interval '1 hour'
FROM generate_series(1, 100) AS n;

INSERT INTO activity_logs (id, bot_id, level, message, timestamp)
SELECT gen_random_uuid(),
       CASE WHEN n % 10 = 0 THEN NULL ELSE bots.ids[1 + n % 100] END,
       (ARRAY['INFO', 'SUCCESS', 'WARNING', 'ERROR', 'TELEGRAM'])[1 + n % 5],
       format('Bot %s for %s on CoinDCX F (event %s)',
              (ARRAY['started', 'stopped', 'updated', 'active'])[1 + n % 4],
              (ARRAY['ETH/USDT', 'BTC/USDT', 'SOL/USDT'])[1 + n % 3], n),
       now() - (10000 - n) * interval '7 seconds' - n * interval '1 microsecond'
FROM generate_series(1, 10000) AS n, (SELECT array_agg(id) AS ids FROM bots) AS bots;

ANALYZE bots;
ANALYZE activity_logs;
"""


def database_url(name):
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def throwaway_database():
    name = f"bench_api_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_environment(url, pool):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scalper.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark-secret-key",
        "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        "DEBUG": "false",
        # Plain HTTP on loopback: no redirect to HTTPS.
        "SECURE_SSL_REDIRECT": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_POOL": "true" if pool else "false",
        "LOG_LEVEL": "WARNING",
    }


def manage(environment, *args):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=environment,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def prepare(url, environment):
    manage(environment, "migrate", "--no-input")
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(LOAD_ROWS)
    manage(
        environment,
        "createsuperuser",
        "--no-input",
        "--username=benchmark",
        "--email=benchmark@example.com",
    )
    return manage(environment, "drf_create_token", "benchmark").split()[2]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(app, environment):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", app, *GUNICORN, "--bind", f"127.0.0.1:{port}"],
        cwd=PROJECT_DIR,
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError(f"gunicorn {app} did not start") from None
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def get(port, path, headers):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    if response.status != 200:
        raise RuntimeError(f"GET {path} answered {response.status}: {body[:200]!r}")
    return body


def send(port, path, headers, total, concurrency):
    """Send `total` requests from `concurrency` threads; (seconds taken, latencies)."""
    latencies = []
    lock = threading.Lock()
    remaining = [total]
    deadline = time.monotonic() + MAX_SECONDS_PER_BATCH

    def client():
        own = []
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            get(port, path, headers)
            own.append(time.perf_counter() - started)
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=client) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies


def summary(elapsed, latencies):
    latencies = sorted(latencies)
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=2000, help="per endpoint and server")
    parser.add_argument("--concurrency", type=int, default=4, help="client threads")
    parser.add_argument("--warmup", type=int, default=100, help="unmeasured requests first")
    parser.add_argument("--rounds", type=int, default=5, help="alternating batches per server")
    parser.add_argument("--pool", action="store_true", help="the app with DATABASE_POOL=true")
    options = parser.parse_args()

    with ExitStack() as stack:
        url = stack.enter_context(throwaway_database())
        environment = app_environment(url, options.pool)
        print("Loading 100 bots and 10,000 activity logs into a throwaway database...")
        token = prepare(url, environment)
        api = stack.enter_context(gunicorn("scalper.wsgi", environment))
        floor = stack.enter_context(
            gunicorn("benchmarks.floor_app:application", {**environment, "FLOOR_DATABASE_URL": url})
        )
        framework = stack.enter_context(
            gunicorn("benchmarks.framework_app:application", environment)
        )
        servers = {"API": (api, {"Authorization": f"Token {token}"}), "floor": (floor, {})}

        for path in ENDPOINTS:
            answers = {name: get(port, path, headers) for name, (port, headers) in servers.items()}
            if json.loads(answers["API"]) != json.loads(answers["floor"]):
                raise SystemExit(f"The API and the floor answer {path} differently.")

        print(
            f"gunicorn {' '.join(GUNICORN)}; {options.requests} requests per endpoint and "
            f"server in {options.rounds} alternating rounds, {options.concurrency} client threads, "
            "new connection per request; "
            f"database connections: {'pool' if options.pool else 'persistent (CONN_MAX_AGE)'}"
        )
        print(
            f"{'endpoint':34} {'server':6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'floor/it':>9}"
        )
        batch = max(1, options.requests // options.rounds)
        for path in ENDPOINTS:
            servers_here = dict(servers)
            if path == FRAMEWORK_PATH:
                servers_here["DRF"] = (framework, {})
            elapsed = dict.fromkeys(servers_here, 0.0)
            latencies = {name: [] for name in servers_here}
            for port, headers in servers_here.values():
                for _ in range(options.warmup):
                    get(port, path, headers)
            for _ in range(options.rounds):
                for name, (port, headers) in servers_here.items():
                    seconds, batch_latencies = send(port, path, headers, batch, options.concurrency)
                    elapsed[name] += seconds
                    latencies[name] += batch_latencies
            results = {name: summary(elapsed[name], latencies[name]) for name in servers_here}
            for name, result in results.items():
                ratio = results["floor"]["rps"] / result["rps"]
                print(
                    f"{path:34} {name:6} {result['rps']:8.0f} {result['p50'] * 1000:8.2f} "
                    f"{result['p99'] * 1000:8.2f} " + (f"{ratio:8.2f}x" if name != "floor" else "")
                )

        for _ in range(options.warmup):
            get(api, REFERENCE, {})
        reference = summary(*send(api, REFERENCE, {}, options.requests, options.concurrency))
        print(
            f"{REFERENCE + ' (reference)':34} {'API':6} {reference['rps']:8.0f} "
            f"{reference['p50'] * 1000:8.2f} {reference['p99'] * 1000:8.2f}"
        )


if __name__ == "__main__":
    main()
