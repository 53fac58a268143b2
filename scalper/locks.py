"""Locks that serialise concurrent requests on something that may not have a row yet."""

from django.db import DEFAULT_DB_ALIAS, connections


def transaction_lock(name, *, shared=False, using=DEFAULT_DB_ALIAS):
    """Wait for, then hold until the current transaction ends, the lock called `name`.

    A PostgreSQL advisory lock also covers rows that do not exist yet (a concurrent insert),
    which row locks cannot. A `shared` lock is held by many at once and keeps out the one
    exclusive holder. SQLite (development only) serialises writers by itself.
    """
    connection = connections[using]
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(hashtextextended(%s, 0))", [name])
