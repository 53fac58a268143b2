"""The report of `manage.py baseline`: what the database is, the findings, what was done.

`as_text()` is for the operator at a terminal, `as_dict()`/`as_json()` for programs.
"""

import json
from dataclasses import dataclass, field

from scalper.legacy.baseline import BASELINE, BASELINE_APPS
from scalper.legacy.findings import ERROR, WARNING
from scalper.legacy.schema import LEGACY_REVISION

# Outcomes; the first three refuse (exit status 1).
REFUSED = "refused"
FAILED = "failed"
DRIFTED = "drifted"  # adopted, but the schema is no longer what the applied migrations create
CHECKED = "checked"
ADOPTED = "adopted"
ALREADY_ADOPTED = "already_adopted"
NOTHING_TO_ADOPT = "nothing_to_adopt"


@dataclass
class Report:
    database: str
    target: str
    state: str
    outcome: str
    summary: str
    revisions: list | None = None
    findings: list = field(default_factory=list)
    recorded: list = field(default_factory=list)
    applied: list = field(default_factory=list)
    applied_after_commit: list = field(default_factory=list)
    compared: list = field(default_factory=list)  # after adoption: the last applied migrations

    @property
    def errors(self):
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self):
        return [finding for finding in self.findings if finding.severity == WARNING]

    @property
    def ok(self):
        return self.outcome not in (REFUSED, FAILED, DRIFTED)

    def as_dict(self):
        return {
            "database": self.database,
            "target": self.target,
            "state": self.state,
            "outcome": self.outcome,
            "ok": self.ok,
            "summary": self.summary,
            "alembic_revisions": self.revisions,
            "supported_revision": LEGACY_REVISION,
            "errors": [finding.as_dict() for finding in self.errors],
            "warnings": [finding.as_dict() for finding in self.warnings],
            "recorded_without_running": self.recorded,
            "applied": self.applied,
            "applied_after_commit": self.applied_after_commit,
            "compared_with": self.compared,
        }

    def as_json(self):
        return json.dumps(self.as_dict(), indent=2)

    def as_text(self):
        lines = [
            f"Database {self.database!r} ({self.target}): {STATE_DESCRIPTIONS[self.state](self)}."
        ]
        if self.state == "legacy":
            lines.append(
                "Schema compared with what the baseline migrations create "
                f"({', '.join(f'{app}.{name}' for app, name in BASELINE)}): "
                f"{count(len(self.errors), 'error')}, {count(len(self.warnings), 'warning')}."
            )
        elif self.compared:
            lines.append(
                "Schema compared with what the applied migrations create (up to "
                f"{', '.join(self.compared)}): "
                f"{count(len(self.errors), 'error')}, {count(len(self.warnings), 'warning')}."
            )
        for finding in self.errors + self.warnings:
            lines.append(f"  {finding.severity.upper():8} {finding.headline}")
            lines.append(f"  {'':8} {finding.impact}")
        if self.recorded:
            lines.append(
                "Recorded as applied without running them (the legacy tables are already there): "
                + ", ".join(self.recorded)
            )
        if self.applied:
            lines.append("Applied: " + _group_by_app(self.applied))
        if self.applied_after_commit:
            lines.append(
                "Applied after the adoption committed (non-atomic migrations, those adding enum "
                "values, their dependents): " + ", ".join(self.applied_after_commit)
            )
        lines.append(self.summary)
        return "\n".join(lines)


def count(number, noun):
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _group_by_app(migrations):
    by_app = {}
    for label in migrations:
        app, name = label.split(".", 1)
        by_app.setdefault(app, []).append(name)
    return "; ".join(
        f"{app} ({', '.join(names)})" if app in BASELINE_APPS else f"{app} ({len(names)})"
        for app, names in by_app.items()
    )


STATE_DESCRIPTIONS = {
    "legacy": lambda report: (
        f"a legacy database at Alembic revision {', '.join(report.revisions)}"
        if report.revisions
        else "legacy tables without a stamped Alembic revision"
    ),
    "adopted": lambda report: "a legacy database already adopted by Django",
    "django": lambda report: "a database created by Django's migrations",
    "empty": lambda report: "no legacy tables",
    "unsupported": lambda report: "not a PostgreSQL database",
    "unreadable": lambda report: "its schema could not be read",
}
