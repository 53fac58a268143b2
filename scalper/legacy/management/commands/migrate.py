import time

from django.core.management.base import CommandError
from django.core.management.commands import migrate
from django.db import connections

from scalper.legacy.adoption import ADOPTION_LOCK_KEY, LOCK_TIMEOUT
from scalper.legacy.autodetector import EnumAutodetector
from scalper.legacy.enum_values import EnumValueInUse

LOCK_POLL_SECONDS = 0.2


class Command(migrate.Command):
    """Django's migrate, one instance at a time per database, giving up on busy tables.

    Two deploys migrating at once would both plan the same migrations; under the advisory lock
    `baseline` also takes, the second waits, then plans again and finds them applied. Each
    statement waits at most `--lock-timeout` seconds for a table lock (the legacy backend's
    readers queue behind a waiting ALTER TABLE), then the migration fails and is rolled back.
    """

    autodetector = EnumAutodetector

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=LOCK_TIMEOUT,
            metavar="SECONDS",
            help=(
                "PostgreSQL: how long a statement waits for a table lock before the migration "
                f"fails, changing nothing. 0 waits for ever. Default {LOCK_TIMEOUT:g}."
            ),
        )

    def handle(self, *args, lock_timeout, **options):
        try:
            return self.migrate(lock_timeout, *args, **options)
        except EnumValueInUse as refusal:
            raise CommandError(str(refusal)) from refusal

    def migrate(self, lock_timeout, *args, **options):
        connection = connections[options["database"]]
        # Inside a transaction (baseline's), the caller holds the lock and set the timeout.
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return super().handle(*args, **options)
        with connection.cursor() as cursor:
            # Waits for the other instance however long it takes (before lock_timeout is set),
            # asking again and again: a statement waiting in pg_advisory_lock is a transaction
            # the other instance's CREATE INDEX CONCURRENTLY would wait for, a deadlock.
            while True:
                cursor.execute("SELECT pg_try_advisory_lock(%s)", [ADOPTION_LOCK_KEY])
                if cursor.fetchone()[0]:
                    break
                time.sleep(LOCK_POLL_SECONDS)
            cursor.execute(
                "SELECT set_config('lock_timeout', %s, false)", [f"{round(lock_timeout * 1000)}ms"]
            )
        try:
            return super().handle(*args, **options)
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [ADOPTION_LOCK_KEY])
                cursor.execute("RESET lock_timeout")
