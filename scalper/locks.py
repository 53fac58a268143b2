"""Locks that serialise concurrent requests on something that may not have a row yet."""

from django.db import connection


def transaction_lock(name):
    """Wait for, then hold until the current transaction ends, the lock called `name`.

    A PostgreSQL advisory lock also covers rows that do not exist yet (a concurrent insert),
    which row locks cannot. SQLite (development only) serialises writers by itself.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [name])
