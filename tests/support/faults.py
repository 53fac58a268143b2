"""The app when PostgreSQL goes away: the scenarios that tests/reliability/test_faults.py checks
and `python -m benchmarks.faults` times.

Runs the app under gunicorn against a throwaway PostgreSQL cluster, stops the cluster, calls every
operation of the OpenAPI document, starts the cluster again and measures until requests succeed.
Or points the app at a port that accepts connections and never answers (a hung database), where
the connect timeout (DATABASE_CONNECT_TIMEOUT) bounds the wait. Both database connection modes:
persistent connections and psycopg's pool.
"""

import re
import secrets
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests

from tests.support.servers import (
    AppServer,
    Blackhole,
    PostgresCluster,
    create_operator,
    manage,
    production_environment,
)

CONNECT_TIMEOUT = 2
# Telegram's secret header, so that the webhook gets past its check to the database.
WEBHOOK_SECRET = secrets.token_urlsafe(16)
SAMPLE_ID = str(uuid.UUID(int=1))
# Answered without the database.
DATABASE_FREE = {("GET", "/")}
MODES = {"persistent connections": {}, "psycopg pool": {"DATABASE_POOL": "true"}}
# Bodies for the operations that check their input before anything needs the database (those
# without credentials); the others get `{}`, refused for want of the database first.
VALID_BODIES = {
    "/api/v1/telegram/webhook": {"update_id": 1, "message": {"chat": {"id": 42}, "text": "123456"}}
}


def operations(base_url):
    """(method, path) of every operation in the app's OpenAPI document, ids filled in."""
    document = requests.get(f"{base_url}/api/v1/openapi.json", timeout=10).json()
    found = []
    for path, item in document["paths"].items():
        for method in item:
            if method in ("get", "post", "put", "patch", "delete"):
                found.append((method.upper(), re.sub(r"\{[^}]+\}", SAMPLE_ID, path)))
    return found


class Client:
    def __init__(self, base_url, token=None):
        self.base_url = base_url
        self.headers = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}
        if token:
            self.headers["Authorization"] = f"Token {token}"

    def call(self, method, path, timeout=30):
        """(status, JSON body or None, seconds)."""
        body = VALID_BODIES.get(path, {}) if method in ("POST", "PUT", "PATCH") else None
        started = time.monotonic()
        response = requests.request(
            method,
            self.base_url + path,
            json=body,
            headers=self.headers,
            timeout=timeout,
            allow_redirects=False,
        )
        elapsed = time.monotonic() - started
        try:
            payload = response.json()
        except ValueError:
            payload = None
        return response.status_code, payload, elapsed

    def call_all(self, operations):
        """{(method, path): (status, body, seconds)}, called side by side."""
        with ThreadPoolExecutor(16) as pool:
            answers = pool.map(lambda operation: self.call(*operation), operations)
            return dict(zip(operations, answers, strict=True))

    def admin_with_a_session(self):
        """The admin as a signed-in operator's browser calls it: its session is in the database."""
        cookies = {"sessionid": "s" * 32}
        started = time.monotonic()
        response = requests.get(
            f"{self.base_url}/admin/", cookies=cookies, timeout=30, allow_redirects=False
        )
        return response.status_code, response.json(), time.monotonic() - started


def reads_that_need_the_database(operations):
    return [
        (method, path)
        for method, path in operations
        if method == "GET" and SAMPLE_ID not in path and (method, path) not in DATABASE_FREE
    ]


def wait_until_serving(client, probes, limit=60):
    """Seconds until every probe answers below 500."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if all(client.call(method, path)[0] < 500 for method, path in probes):
            return time.monotonic() - started
        time.sleep(0.05)
    raise RuntimeError(f"not serving {limit}s after the database came back")


def database_down(cluster, app, token):
    """Stop the cluster; every answer while it is down (those that need the database and the
    public ones), the seconds to recover once it is back, and the statuses just after."""
    client = Client(app.base_url, token)
    every_operation = operations(app.base_url)
    probes = [*reads_that_need_the_database(every_operation), ("GET", "/health")]
    for _ in range(8):  # every worker holds a connection that the stop will break
        for method, path in probes:
            client.call(method, path)
    cluster.stop()
    try:
        answers = client.call_all(
            [operation for operation in every_operation if operation not in DATABASE_FREE]
        )
        answers["GET", "/admin/ (signed in)"] = client.admin_with_a_session()
        anonymous = Client(app.base_url)
        public = {
            operation: anonymous.call(*operation)
            for operation in [*DATABASE_FREE, ("GET", "/api/v1/openapi.json")]
        }
    finally:
        cluster.start()
    recovery = wait_until_serving(client, probes)
    after = [client.call(method, path)[0] for _ in range(4) for method, path in probes]
    return answers, public, recovery, after


def database_hangs(environment, token):
    """The app pointed at a port that never answers: every answer and its seconds."""
    with Blackhole() as blackhole:
        environment = {**environment, "DATABASE_URL": blackhole.url()}
        with AppServer(environment, workers=2, threads=8) as app:
            client = Client(app.base_url, token)
            return client.call_all(
                [
                    operation
                    for operation in operations(app.base_url)
                    if operation not in DATABASE_FREE
                ]
            )


def prepared_cluster():
    """A running throwaway cluster with a migrated database; (cluster, environment, token)."""
    cluster = PostgresCluster()
    try:
        environment = production_environment(
            cluster.create_database(),
            DATABASE_CONNECT_TIMEOUT=str(CONNECT_TIMEOUT),
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
        )
        manage(environment, "migrate")
        return cluster, environment, create_operator(environment)
    except BaseException:
        cluster.destroy()
        raise
