from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from scalper.legacy.adoption import LOCK_TIMEOUT, adopt
from scalper.legacy.schema import LEGACY_REVISION


class Command(BaseCommand):
    help = (
        f"Adopt a database of the legacy backend (Alembic revision {LEGACY_REVISION}): verify its "
        "schema against the baseline migrations, record them as applied without running them, and "
        "apply every other migration, in one transaction. Exit status 1 when it refuses."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Verify and report only; change nothing. Exit status 0 unless there are errors.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='The database to adopt (an alias of DATABASES, default "default").',
        )
        parser.add_argument(
            "--lock-timeout",
            type=float,
            default=LOCK_TIMEOUT,
            metavar="SECONDS",
            help=(
                "How long to wait for a lock on a legacy table before giving up, changing "
                f"nothing, so that its readers are never queued for long. Default {LOCK_TIMEOUT:g}."
            ),
        )
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="The report's format: text for people (default), json for programs.",
        )

    def handle(self, *args, check, database, lock_timeout, format, **options):
        if database not in connections:
            raise CommandError(f"No database {database!r} in DATABASES.")
        report = adopt(database, check=check, lock_timeout=lock_timeout)
        self.stdout.write(report.as_json() if format == "json" else report.as_text())
        if not report.ok:
            raise CommandError(f"baseline: {report.outcome} (report on standard output)")
