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
# action: (key of its report, what it did, what it found done, the key it encrypts with)
SWITCHES = {
    "finish": (
        "finished_now",
        "Dual run ended.",
        "Already finished.",
        "the first key of CREDENTIALS_KEYS",
    ),
    "resume": ("resumed_now", "Dual run resumed.", "Already in the dual run.", "the legacy key"),
}


class Command(BaseCommand):
    help = (
        "The cut-over from the legacy backend. `status`: the state (dual run or finished) and "
        "what in the database the legacy backend could not read today, with counts. `finish`: "
        "end the dual run (idempotent) and re-encrypt the credentials with CREDENTIALS_KEYS; "
        "from then on bots on every exchange are accepted. `resume`: the way back to the dual "
        "run, refused while rows the legacy backend could not read remain; the credentials go "
        "back under the legacy key."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["status", *SWITCHES])
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
        if cutover.state(database) is None:
            raise CommandError("No cut-over state: run `python manage.py migrate` first.")
        report = {}
        if action in SWITCHES:
            report[action] = self.switch(action, database)
        report.update(self.status(database))
        self.stdout.write(json.dumps(report, indent=2) if format == "json" else as_text(report))

    def switch(self, action, database):
        try:
            changed_now, rotation = getattr(cutover, action)(database)
        except cutover.ResumeRefused as refusal:
            findings = [readability.as_dict(finding) for finding in refusal.findings]
            raise CommandError(f"{refusal}\n{findings_text(findings)}") from None
        except (UndecryptableCredentials, ImproperlyConfigured) as error:
            raise CommandError(f"Nothing was changed: {error}") from None
        except cutover.DualRunRefusal as error:
            raise CommandError(f"Nothing was changed: {error}") from None
        return {
            SWITCHES[action][0]: changed_now,
            "credentials": rotation.total,
            "re_encrypted": rotation.changed,
        }

    def status(self, database):
        current = cutover.state(database)
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


def findings_text(findings):
    return "\n".join(
        f"  {finding['table']}: {finding['count']} {finding['problem']}; fails {finding['fails']}"
        for finding in findings
    )


def as_text(report):
    lines = []
    for action, (key, done, already, key_name) in SWITCHES.items():
        if action in report:
            switched = report[action]
            lines.append(
                f"{done if switched[key] else already} Re-encrypted {switched['re_encrypted']} of "
                f"{switched['credentials']} credentials with {key_name}."
            )
    since = f" on {report['finished_at']}" if report["finished_at"] else ""
    lines.append(f"Cut-over: {STATE_TEXT[report['state']].format(since=since)}")
    if report["unreadable"]:
        lines.append(f"The legacy backend could not read {report['unreadable_rows']} rows today:")
        lines.append(findings_text(report["unreadable"]))
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
