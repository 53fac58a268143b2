"""Load without loss: a bounded burst of concurrent requests, then a check of every row.

Runs the app under gunicorn (several workers) against a throwaway PostgreSQL database and, from
this process on 127.0.0.1, sends concurrent requests in three rounds:

1. creates of bots and activity logs, mixed with reads;
2. storms of start/stop/toggle on the same few bots, mixed with reads;
3. several stop-all at once, mixed with reads.

Then it reads the database: every create answered 2xx is there exactly once, nothing answered
5xx, every status change answered 2xx has its activity log row, toggles on one bot were applied
one after the other (an even number of toggles brings a bot back where it started; a lost update
would not), and after stop-all no bot is ACTIVE.

`python -m benchmarks.load_test` prints the figures; tests/reliability/test_load.py runs a
smaller burst.
"""

import collections
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import psycopg
import requests

from tests.support.servers import (
    AppServer,
    PostgresCluster,
    create_operator,
    manage,
    production_environment,
)

CLIENT_THREADS = 24
REQUEST_TIMEOUT = 30
SEED = 6


class Load:
    """Sends requests from a pool of threads and keeps every answer."""

    def __init__(self, base_url, token):
        self.base_url = base_url
        self.token = token
        self.local = threading.local()
        self.answers = []  # (kind, status, body, seconds)
        self.lock = threading.Lock()

    def _session(self):
        if not hasattr(self.local, "session"):
            self.local.session = requests.Session()
            self.local.session.headers["Authorization"] = f"Token {self.token}"
        return self.local.session

    def send(self, kind, method, path, body=None):
        started = time.monotonic()
        try:
            response = self._session().request(
                method, self.base_url + path, json=body, timeout=REQUEST_TIMEOUT
            )
            status = response.status_code
            payload = response.json() if response.content else None
        except requests.RequestException as error:
            status, payload = 0, {"detail": str(error)}
        answer = (kind, status, payload, time.monotonic() - started)
        with self.lock:
            self.answers.append(answer)
        return answer

    def burst(self, requests_to_send):
        """Send (kind, method, path, body) requests side by side; their answers, in order."""
        with ThreadPoolExecutor(CLIENT_THREADS) as pool:
            return list(pool.map(lambda request: self.send(*request), requests_to_send))


def bot_body(number):
    price = round(random.uniform(1, 1000), 2)
    return {
        "ticker": f"LT{number:05d}/USDT",
        "exchange": random.choice(["Binance", "Bybit", "Delta", "CoinDCX F"]),
        "first_order": random.choice(["BUY", "SELL"]),
        "quantity": round(random.uniform(0.1, 5), 3),
        "buy_price": price,
        "sell_price": round(price * 1.01, 2),
    }


READS = [
    ("read", "GET", "/api/v1/bots/", None),
    ("read", "GET", "/api/v1/logs/?limit=200", None),
    ("read", "GET", "/api/v1/bots/statistics/summary", None),
    ("read", "GET", "/api/v1/logs/count", None),
]


def reads(count):
    return [random.choice(READS) for _ in range(count)]


def shuffled(items):
    items = list(items)
    random.shuffle(items)
    return items


def run(base_url, token, database_dsn, scale=1.0):
    """Send the three rounds and check the database; (figures, problems)."""
    random.seed(SEED)
    load = Load(base_url, token)
    bots_to_create, logs_to_create = int(200 * scale), int(300 * scale)
    storm_bots, storm_size = max(2, int(6 * scale)), int(40 * scale) // 2 * 2

    # Round 1: creates and reads.
    creates = [("create bot", "POST", "/api/v1/bots/", bot_body(n)) for n in range(bots_to_create)]
    creates += [
        (
            "create log",
            "POST",
            "/api/v1/logs/",
            {"level": random.choice(["INFO", "WARNING"]), "message": f"load-log-{n:05d}"},
        )
        for n in range(logs_to_create)
    ]
    answers = load.burst(shuffled(creates + reads(int(200 * scale))))
    created_bots = {
        body["id"]: body["ticker"]
        for kind, status, body, _ in answers
        if kind == "create bot" and 200 <= status < 300
    }
    created_logs = {
        body["id"]: body["message"]
        for kind, status, body, _ in answers
        if kind == "create log" and 200 <= status < 300
    }

    # Round 2: storms on a few bots. Half of them get only toggles (an even number of them),
    # the others a mix of start, stop and toggle.
    stormed = list(created_bots)[: storm_bots * 2]
    toggled, mixed = stormed[:storm_bots], stormed[storm_bots:]
    storm = [
        ("toggle", "POST", f"/api/v1/bots/{bot}/toggle", None)
        for bot in toggled
        for _ in range(storm_size)
    ]
    storm += [
        (action, "POST", f"/api/v1/bots/{bot}/{action}", None)
        for bot in mixed
        for action in random.choices(["start", "stop", "toggle"], k=storm_size)
    ]
    storm_answers = load.burst(shuffled(storm + reads(int(100 * scale))))

    # Round 3: stop-all, several at once, with reads.
    stop_all_answers = load.burst(
        shuffled([("stop-all", "POST", "/api/v1/bots/stop-all", None)] * 5 + reads(20))
    )

    return check(
        database_dsn,
        load.answers,
        created_bots,
        created_logs,
        toggled,
        mixed,
        storm_answers,
        stop_all_answers,
    )


def check(
    dsn, answers, created_bots, created_logs, toggled, mixed, storm_answers, stop_all_answers
):
    problems = []
    with psycopg.connect(dsn) as connection:
        bot_rows = dict(connection.execute("SELECT id::text, ticker FROM bots").fetchall())
        tickers = collections.Counter(bot_rows.values())
        log_rows = connection.execute(
            "SELECT id::text, message, bot_id::text FROM activity_logs"
        ).fetchall()
        messages = collections.Counter(message for _, message, _ in log_rows)
        statuses = dict(connection.execute("SELECT id::text, status::text FROM bots").fetchall())

    lost = [bot for bot in created_bots if bot not in bot_rows]
    lost += [log for log in created_logs if log not in {row[0] for row in log_rows}]
    duplicated = [ticker for ticker in created_bots.values() if tickers[ticker] > 1]
    duplicated += [message for message in created_logs.values() if messages[message] > 1]

    # Every status change answered 2xx has its log row, with the legacy text.
    logs_by_bot = collections.defaultdict(collections.Counter)
    for _, message, bot_id in log_rows:
        logs_by_bot[bot_id][message] += 1
    for bot in [*toggled, *mixed]:
        ticker = created_bots[bot]
        changes = [
            (kind, body["status"])
            for kind, status, body, _ in storm_answers
            if kind in ("start", "stop", "toggle") and 200 <= status < 300 and body["id"] == bot
        ]
        expected = collections.Counter()
        for kind, status in changes:
            if kind == "start":
                expected[f"Bot started for {ticker}"] += 1
            elif kind == "stop" or status == "STOPPED":
                expected[f"Bot stopped for {ticker}"] += 1
            else:
                expected[f"Bot active for {ticker}"] += 1
        found = {message: logs_by_bot[bot][message] for message in expected}
        if found != dict(expected):
            problems.append(f"bot {ticker}: log rows {found}, status changes {dict(expected)}")
        if bot in toggled:
            # Serialised toggles from ACTIVE alternate: as many STOPPED answers as ACTIVE ones
            # (or one more), and an even number of them brings the bot back to ACTIVE.
            stopped = sum(1 for _, status in changes if status == "STOPPED")
            active = len(changes) - stopped
            if stopped - active not in (0, 1):
                problems.append(
                    f"bot {ticker}: toggles answered {stopped} STOPPED, {active} ACTIVE"
                )

    stop_alls = sum(
        1 for kind, status, _, _ in stop_all_answers if kind == "stop-all" and 200 <= status < 300
    )
    if messages["Emergency stop - All bots stopped"] != stop_alls:
        problems.append(
            f"{stop_alls} stop-all answered 2xx, "
            f"{messages['Emergency stop - All bots stopped']} logged"
        )
    still_active = [bot for bot, status in statuses.items() if status == "ACTIVE"]
    if still_active:
        problems.append(f"{len(still_active)} bots ACTIVE after stop-all")

    by_class = collections.Counter(status // 100 for _, status, _, _ in answers)
    errors = [(kind, status, body) for kind, status, body, _ in answers if not 200 <= status < 500]
    if errors:
        problems.append(f"{len(errors)} answers were 5xx or no answer, e.g. {errors[:3]}")
    if lost:
        problems.append(f"rows lost: {lost[:5]}")
    if duplicated:
        problems.append(f"rows duplicated: {duplicated[:5]}")
    latencies = sorted(seconds for _, _, _, seconds in answers)
    figures = {
        "requests": len(answers),
        "2xx": by_class[2],
        "4xx": by_class[4],
        "5xx": by_class[5],
        "no answer": by_class[0],
        "rows lost": len(lost),
        "rows duplicated": len(duplicated),
        "p50 ms": statistics.median(latencies) * 1000,
        "p99 ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }
    return figures, problems


def run_on_a_fresh_cluster(scale=1.0, workers=4):
    """The burst against gunicorn on a throwaway cluster; (figures, problems, seconds)."""
    with PostgresCluster() as cluster:
        environment = production_environment(
            cluster.create_database(),
            # Rate limits would turn part of the burst into 429s; this measures the rest.
            THROTTLE_WRITE_RATE="",
        )
        manage(environment, "migrate")
        token = create_operator(environment)
        with AppServer(environment, workers=workers) as app:
            started = time.monotonic()
            figures, problems = run(app.base_url, token, cluster.dsn("scalper"), scale)
            return figures, problems, time.monotonic() - started
