from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from exchanges import services
from scalper.legacy.cutover import DualRunRefusal


class Command(BaseCommand):
    help = (
        "Re-encrypt the secrets of every exchange credential with the first key of "
        "CREDENTIALS_KEYS (after putting a new key first), in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; change nothing."
        )
        parser.add_argument(
            "--database", default=DEFAULT_DB_ALIAS, help='The database alias (default "default").'
        )

    def handle(self, *args, dry_run=False, database=DEFAULT_DB_ALIAS, **options):
        try:
            report = services.rotate_keys(dry_run=dry_run, using=database)
        except (services.UndecryptableCredentials, ImproperlyConfigured, DualRunRefusal) as error:
            raise CommandError(str(error)) from None
        unchanged = report.total - report.changed
        if dry_run:
            self.stdout.write(
                f"Dry run: {report.changed} of {report.total} credentials would be re-encrypted "
                f"({unchanged} already use the first key). Nothing was changed."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Re-encrypted {report.changed} of {report.total} credentials with the first "
                    f"key of CREDENTIALS_KEYS ({unchanged} already used it)."
                )
            )
