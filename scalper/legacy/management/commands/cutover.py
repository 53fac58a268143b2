import json

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections

from exchanges.services import UndecryptableCredentials
from scalper.legacy import cutover, readability

STATE_TEXT = {
    "dual_run": (
        "dual run: the legacy backend may share this database. What this app writes stays "
        "readable by it (credentials under the legacy key; bots on Bybit or Delta refused)."
    ),
    "finished": "finished{since}: the legacy backend no longer shares this database.",
}


class Command(BaseCommand):
    help = (
        "The cut-over from the legacy backend. `status`: the state (dual run or finished) and "
        "what in the database the legacy backend could not read today, with counts. `finish`: "
        "end the dual run (idempotent) and re-encrypt the credentials with CREDENTIALS_KEYS; "
        "from then on bots on every exchange are accepted."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", "finish"])
        parser.add_argument(
            "--format",
            choices=["text", "json"],
            default="text",
            help="The report's format: text for people (default), json for programs.",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help='The database (an alias of DATABASES, default "default").',
        )

    def handle(self, *args, action, format, database, **options):
        if database not in connections:
            raise CommandError(f"No database {database!r} in DATABASES.")
        report = {}
        if action == "finish":
            report["finish"] = self.finish(database)
        report.update(self.status(database))
        self.stdout.write(json.dumps(report, indent=2) if format == "json" else as_text(report))

    def finish(self, database):
        if cutover.state(database) is None:
            raise CommandError("No cut-over state: run `python manage.py migrate` first.")
        try:
            finished_now, rotation = cutover.finish(database)
        except (UndecryptableCredentials, ImproperlyConfigured) as error:
            raise CommandError(f"Not finished, nothing was changed: {error}") from None
        return {
            "finished_now": finished_now,
            "credentials": rotation.total,
            "re_encrypted": rotation.changed,
        }

    def status(self, database):
        current = cutover.state(database)
        if current is None:
            raise CommandError("No cut-over state: run `python manage.py migrate` first.")
        findings = readability.unreadable_rows(database)
        return {
            "state": "dual_run" if current.dual_run else "finished",
            "finished_at": current.finished_at.isoformat() if current.finished_at else None,
            "unreadable_rows": sum(finding.count for finding in findings),
            "unreadable": [readability.as_dict(finding) for finding in findings],
            "credentials_not_under_legacy_key": readability.credentials_not_under_legacy_key(
                database
            ),
        }


def as_text(report):
    lines = []
    finish = report.get("finish")
    if finish:
        done = "Dual run ended." if finish["finished_now"] else "Already finished."
        lines.append(
            f"{done} Re-encrypted {finish['re_encrypted']} of {finish['credentials']} credentials "
            "with the first key of CREDENTIALS_KEYS."
        )
    since = f" on {report['finished_at']}" if report["finished_at"] else ""
    lines.append(f"Cut-over: {STATE_TEXT[report['state']].format(since=since)}")
    if report["unreadable"]:
        lines.append(f"The legacy backend could not read {report['unreadable_rows']} rows today:")
        for finding in report["unreadable"]:
            lines.append(
                f"  {finding['table']}: {finding['count']} {finding['problem']}; "
                f"fails {finding['fails']}"
            )
    else:
        lines.append("The legacy backend can read every row.")
    not_under = report["credentials_not_under_legacy_key"]
    if not_under is None:
        lines.append(
            "Credentials: LEGACY_SECRET_KEY is not set, so which ones the legacy backend can "
            "decrypt is unknown."
        )
    else:
        lines.append(
            f"Credentials not under the legacy key (the legacy backend cannot decrypt them): "
            f"{not_under}."
        )
    return "\n".join(lines)
