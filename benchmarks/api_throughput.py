"""Requests per second of the API's endpoints next to a floor, against the legacy's targets.

    python -m benchmarks.api_throughput [--seconds 3] [--rounds 3]

What it does, all on this machine and cleaned up afterwards:
1. creates a throwaway PostgreSQL database (DATABASE_URL names the server; default
   postgres://postgres@127.0.0.1:5432), runs `manage.py migrate`, loads 100 bots, 10,000
   activity logs and 2,000 orders (benchmarks/data.py) and makes an operator with a token;
2. serves the app with gunicorn (one sync worker, production settings: DEBUG off, persistent
   database connections, token authentication on every request) and the floor
   (benchmarks/floor_app.py: the same answers from one raw psycopg query each, encoded by
   orjson, no framework) under the same gunicorn settings, on 127.0.0.1;
3. checks that both answer each request the same, then runs wrk (1 thread, 8 connections, the
   issue's setup) against each, alternating app and floor for `--rounds` rounds so that both see
   the same share of whatever else the machine is doing, and prints the table below.

The legacy FastAPI backend cannot run here (it is not part of the project), so each endpoint's
target is the legacy's own requests/s over the floor's, measured beside it on the development
machine (docs/benchmarks.md): app/floor at least that means at least as fast as the legacy; the
last row asks twice the legacy on average (geometric mean), as issue #13 does.
"""

import argparse
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import requests
from cryptography.fernet import Fernet

from benchmarks import data

PROJECT_DIR = Path(__file__).resolve().parent.parent
SERVER_URL = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
GUNICORN = ["--workers", "1", "--worker-class", "sync"]
# (request, the legacy backend's requests/s over the floor's, measured side by side on one
# database on the development machine: docs/benchmarks.md, "Against the legacy backend",
# rounded up).
ENDPOINTS = [
    ("/api/v1/bots/", 0.14),
    ("/api/v1/bots/?status=ACTIVE&limit=10", 0.27),
    ("/api/v1/bots/statistics/summary", 0.19),
    ("/api/v1/logs/?limit=1000", 0.12),
    ("/api/v1/logs/?limit=100", 0.19),
    ("/api/v1/logs/count", 0.12),
    ("/api/v1/orders/?limit=100", 0.21),
    ("/api/v1/orders/statistics/summary", 0.006),
    ("/api/v1/orders/bot/{bot}/history?limit=100", 0.24),
]
# On average (geometric mean) twice as fast as the legacy.
AVERAGE_FACTOR = 2.0


def database_url(name):
    parts = urlsplit(SERVER_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def throwaway_database(prefix="bench_api"):
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(name)
    finally:
        with psycopg.connect(database_url("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def app_environment(url):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "scalper.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": "benchmark-secret-key",
        "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        "DEBUG": "false",
        # Plain HTTP on loopback: no redirect to HTTPS, cookies without the Secure flag.
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
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


def prepare(url, environment, logs=10_000, orders=2_000):
    """Migrate, load the rows, make an operator `benchmark` (password `benchmark`); its token."""
    manage(environment, "migrate", "--no-input")
    with psycopg.connect(url, autocommit=True) as connection:
        data.load(connection, logs=logs, orders=orders)
    manage(
        {**environment, "DJANGO_SUPERUSER_PASSWORD": "benchmark"},
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


def answer(port, path, headers):
    response = requests.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=30)
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}: {response.text[:200]}")
    return response.json()


def wrk(port, path, headers, seconds):
    """Requests per second of wrk, 1 thread and 8 connections (the issue's setup)."""
    command = ["wrk", "-t1", "-c8", f"-d{seconds}s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    if "Non-2xx" in output:
        raise RuntimeError(f"GET {path} answered errors under load:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=int, default=3, help="length of each wrk run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating runs per server")
    options = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")

    with ExitStack() as stack:
        url = stack.enter_context(throwaway_database())
        environment = app_environment(url)
        print("Loading 100 bots, 10,000 activity logs and 2,000 orders into a scratch database...")
        token = prepare(url, environment)
        app = stack.enter_context(gunicorn("scalper.wsgi", environment))
        floor = stack.enter_context(
            gunicorn("benchmarks.floor_app:application", {**environment, "FLOOR_DATABASE_URL": url})
        )
        servers = {"app": (app, {"Authorization": f"Token {token}"}), "floor": (floor, {})}
        with psycopg.connect(url) as connection:
            (bot,) = connection.execute("SELECT min(id::text) FROM bots").fetchone()

        print(
            f"gunicorn {' '.join(GUNICORN)}; wrk -t1 -c8, {options.rounds} runs of "
            f"{options.seconds} s per endpoint and server, app and floor alternating"
        )
        print(
            f"{'endpoint':44} {'app req/s':>10} {'floor req/s':>12} {'app/floor':>10} "
            f"{'target':>7} {'met':>4} {'vs legacy':>10}"
        )
        ratios, targets = [], []
        for template, legacy_share in ENDPOINTS:
            path = template.format(bot=bot)
            answers = [answer(port, path, headers) for port, headers in servers.values()]
            if answers[0] != answers[1]:
                raise SystemExit(f"The app and the floor answer {path} differently.")
            rates = {name: 0.0 for name in servers}
            for _ in range(options.rounds):
                for name, (port, headers) in servers.items():
                    rates[name] += wrk(port, path, headers, options.seconds) / options.rounds
            ratio = rates["app"] / rates["floor"]
            ratios.append(ratio)
            targets.append(legacy_share)
            print(
                f"GET {template.removeprefix('/api/v1'):40} {rates['app']:10.0f} "
                f"{rates['floor']:12.0f} {ratio:10.2f} {legacy_share:7.3f} "
                f"{'yes' if ratio >= legacy_share else 'NO':>4} {ratio / legacy_share:9.2f}x"
            )
        average = math.exp(sum(map(math.log, ratios)) / len(ratios))
        legacy_average = math.exp(sum(map(math.log, targets)) / len(targets))
        target = AVERAGE_FACTOR * legacy_average
        print(
            f"{'geometric mean':44} {'':10} {'':12} {average:10.2f} {target:7.3f} "
            f"{'yes' if average >= target else 'NO':>4} {average / legacy_average:9.2f}x"
        )


if __name__ == "__main__":
    main()
