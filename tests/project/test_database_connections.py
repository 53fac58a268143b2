"""Persistent PostgreSQL connections: checked between requests without a round trip, replaced
when the server has ended them, and their repeated queries prepared by the server.

Each test opens a connection of its own with the project's settings and plays the part of
Django's request cycle on it (at the start of a request Django calls
`close_if_unusable_or_obsolete()`, and the request's first query checks the connection).
"""

import os
import resource
import select
import subprocess
import sys

import pytest
from django.db import connection, connections

from tests.support.databases import PROJECT_DIR, server_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def app_connection():
    """A persistent connection to the test database, as a gunicorn worker holds one."""
    wrapper = connections.create_connection("default")
    yield wrapper
    wrapper.close()


def a_new_request(wrapper):
    wrapper.close_if_unusable_or_obsolete()


def backend_pid(wrapper):
    with wrapper.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def last_statement_of(pid):
    with connection.cursor() as cursor:
        cursor.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid])
        return cursor.fetchone()[0]


def wait_until_the_server_has_closed_or_written(wrapper, timeout=10):
    poller = select.poll()
    poller.register(wrapper.connection.fileno(), select.POLLIN)
    assert poller.poll(timeout * 1000), "the server sent nothing on the connection"


def test_an_idle_connection_is_kept_from_one_request_to_the_next(app_connection):
    first = backend_pid(app_connection)

    a_new_request(app_connection)

    assert backend_pid(app_connection) == first


def test_checking_a_connection_sends_nothing_to_the_server(app_connection):
    pid = backend_pid(app_connection)

    a_new_request(app_connection)
    app_connection.close_if_health_check_failed()

    assert app_connection.health_check_done
    assert last_statement_of(pid) == "SELECT pg_backend_pid()"


def test_a_connection_the_server_ended_is_replaced_before_the_next_request(app_connection):
    ended = backend_pid(app_connection)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [ended])
    wait_until_the_server_has_closed_or_written(app_connection)

    a_new_request(app_connection)

    assert backend_pid(app_connection) != ended


def test_a_connection_with_a_harmless_message_waiting_is_checked_and_kept(app_connection):
    kept = backend_pid(app_connection)
    with app_connection.cursor() as cursor:
        cursor.execute("LISTEN health_check_test")
    # From a connection of its own: the test's transaction would hold the notification back.
    notifier = connections.create_connection("default")
    try:
        with notifier.cursor() as cursor:
            cursor.execute("NOTIFY health_check_test")
    finally:
        notifier.close()
    wait_until_the_server_has_closed_or_written(app_connection)

    a_new_request(app_connection)
    app_connection.close_if_health_check_failed()

    assert app_connection.connection is not None
    assert backend_pid(app_connection) == kept


def test_a_query_run_a_few_times_on_a_connection_is_prepared_by_the_server(app_connection):
    for _ in range(6):
        with app_connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM bots WHERE status = %s", ["ACTIVE"])

    with app_connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [statement for (statement,) in cursor.fetchall()]

    assert prepared == ["SELECT count(*) FROM bots WHERE status = $1"]


def test_behind_pgbouncer_no_statement_is_prepared():
    # PgBouncer in transaction mode hands each transaction any server connection: a statement
    # prepared on one is unknown on the next.
    script = (
        "from django.db import connection\n"
        "for _ in range(10):\n"
        "    with connection.cursor() as cursor:\n"
        "        cursor.execute('SELECT count(*) FROM pg_class WHERE relname = %s', ['bots'])\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SELECT count(*) FROM pg_prepared_statements')\n"
        "    print(cursor.fetchone()[0])\n"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", script],
        cwd=PROJECT_DIR,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.settings",
            "DATABASE_URL": server_url("postgres"),
            "DATABASE_PGBOUNCER": "true",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.stdout.split() == ["0"], result.stderr


def test_the_check_copes_with_a_descriptor_past_1024(app_connection):
    # select() cannot watch a descriptor past FD_SETSIZE (1024); a gunicorn worker with many
    # threads or open files has such descriptors.
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert soft > 1100, "the test needs a limit of open files above 1100 (ulimit -n)"
    spare = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        pid = backend_pid(app_connection)
        assert app_connection.connection.fileno() > 1024

        a_new_request(app_connection)

        assert backend_pid(app_connection) == pid
    finally:
        for descriptor in spare:
            os.close(descriptor)
