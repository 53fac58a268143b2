"""The gate every migration after the baseline passes: `python -m tests.support.migration_gate`.

For each migration of the project's apps after their initial ones (the baseline reproduces the
legacy schema and is exempt), on a scratch PostgreSQL database migrated up to just before it:

- django-migration-linter: changes that break the code still running during a deploy
  (a NOT NULL column without a database default, a dropped or renamed column, ...), and
  data migrations that cannot be reversed;
- squawk over `sqlmigrate`'s SQL: statements that hold locks blocking a legacy table's readers
  or writers (an index built without CONCURRENTLY, a column type rewrite, ...);
- the project's own rule, whatever squawk's configuration: an index on a legacy table is built
  and dropped CONCURRENTLY (AddIndexConcurrently / RemoveIndexConcurrently, or RunSQL with
  CREATE INDEX CONCURRENTLY [IF NOT EXISTS]), since the legacy backend writes to them during
  the dual run.

Exit status 1 when a migration is refused; the output names the migration and the rule.
`make check-migrations` runs it; the test suite runs it too (tests/legacy/test_migration_safety.py).
"""

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from scalper.legacy.schema import LEGACY_TABLES

PROJECT_APPS = ("bots", "exchanges", "orders", "legacy")
# Migrations the gate refuses but a reviewer accepted, as "app.name", each with the reason
# (say, the second deploy of a column removal, once no running code reads the column).
REVIEWED = {}
SQUAWK_CONFIG = Path(__file__).resolve().parents[2] / ".squawk.toml"


def later_migrations(plan):
    """The plan's migrations of the project's apps that come after their initial migrations."""
    return [
        migration
        for migration, _ in plan
        if migration.app_label in PROJECT_APPS and not migration.initial
    ]


def squawk(sql, name):
    # squawk-cli installs its binary beside the interpreter (a virtualenv's bin/ is not on PATH).
    beside_python = Path(sys.executable).with_name("squawk")
    executable = str(beside_python) if beside_python.exists() else "squawk"
    result = subprocess.run(
        [executable, "--config", str(SQUAWK_CONFIG), "--reporter", "gcc", "--stdin-filepath", name],
        input=sql,
        capture_output=True,
        text=True,
    )
    findings = [line for line in result.stdout.splitlines() if line.startswith(name)]
    if result.returncode not in (0, 1) or (result.returncode == 1 and not findings):
        raise RuntimeError(f"squawk failed on {name}: {result.stderr or result.stdout}")
    return findings


BLOCKING_INDEX = re.compile(
    r"^\s*CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)", re.IGNORECASE | re.MULTILINE
)
INDEXED_TABLE = re.compile(r"\bON\s+(?:ONLY\s+)?(?:\"?public\"?\.)?\"?(\w+)\"?", re.IGNORECASE)


def blocking_legacy_indexes(sql, name):
    """Each statement of `sql` that builds an index of a legacy table without CONCURRENTLY."""
    problems = []
    for statement in sql.split(";"):
        lines = (line.strip() for line in statement.splitlines())
        statement = " ".join(line for line in lines if line and not line.startswith("--"))
        table = INDEXED_TABLE.search(statement)
        if BLOCKING_INDEX.search(statement) and table and table.group(1) in LEGACY_TABLES:
            problems.append(
                f"{name}: legacy-index-not-concurrent: {statement}: an index "
                "of a legacy table is built CONCURRENTLY (AddIndexConcurrently in a migration "
                "with atomic = False), so that the legacy backend's writes do not wait"
            )
    return problems


def migration_linter(alias, migration):
    from django_migration_linter import MigrationLinter

    linter = MigrationLinter(database=alias, no_cache=True, all_warnings_as_errors=True)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        linter.lint_migration(migration)
    if not linter.nb_erroneous:
        return []
    return [line.strip() for line in output.getvalue().splitlines() if line.startswith("\t")]


def check(alias):
    """Walk the migration plan on database `alias`; return {migration label: problems}.

    Each later migration is linted with the database migrated up to just before it, as
    `sqlmigrate` reads the live schema for some operations.
    """
    from django.core.management import call_command
    from django.db import connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[alias]
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    later = later_migrations(plan)
    checked, steps = {}, []
    for migration, backwards in plan:
        if migration in later:
            if steps:
                MigrationExecutor(connection).migrate([], plan=steps)
                steps = []
            label = f"{migration.app_label}.{migration.name}"
            if label in REVIEWED:
                checked[label] = []
                steps.append((migration, backwards))
                continue
            sql = call_command(
                "sqlmigrate",
                migration.app_label,
                migration.name,
                database=alias,
                stdout=io.StringIO(),
            )
            checked[label] = (
                migration_linter(alias, migration)
                + squawk(sql, f"{label}.sql")
                + blocking_legacy_indexes(sql, f"{label}.sql")
            )
        steps.append((migration, backwards))
    return checked


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django

    django.setup()
    from tests.support.databases import ScratchDatabase

    database = ScratchDatabase(prefix="migration_gate")
    try:
        checked = check(database.alias)
    finally:
        database.drop()
    for label, problems in checked.items():
        verdict = f"REVIEWED ({REVIEWED[label]})" if label in REVIEWED else "OK"
        print(f"{label}: {verdict if not problems else 'REFUSED'}")
        for problem in problems:
            print(f"    {problem}")
    refused = [label for label, problems in checked.items() if problems]
    print(
        f"{len(checked)} migration(s) after the baseline checked, {len(refused)} refused"
        + (f": {', '.join(refused)}" if refused else ".")
    )
    return 1 if refused else 0


if __name__ == "__main__":
    sys.exit(main())
