"""Adopting a legacy database: verify it against the baseline migrations, then record them.

`adopt()` reads the database's Alembic revision and catalog, finds every difference from what
the baseline migrations create (`scalper.legacy.findings`: errors stop, warnings are reported),
and then records the baseline as applied without running it and applies every other migration:
all in one transaction, under an advisory lock, so that a failure leaves the database as it was
and two deploys cannot both adopt. (A non-atomic migration cannot run in a transaction: it, and
what depends on it, runs after commit.) It returns a `scalper.legacy.report.Report`.
"""

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connections, transaction
from django.db.migrations.exceptions import InconsistentMigrationHistory, MigrationSchemaMissing
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from scalper.legacy.baseline import BASELINE, expected_schema
from scalper.legacy.drift import drift_findings
from scalper.legacy.enum_values import AddEnumValue
from scalper.legacy.findings import revision_finding, schema_findings
from scalper.legacy.report import (
    ADOPTED,
    ALREADY_ADOPTED,
    CHECKED,
    DRIFTED,
    FAILED,
    NOTHING_TO_ADOPT,
    REFUSED,
    Report,
    count,
)
from scalper.legacy.schema import LEGACY_REVISION, read_schema

# pg_advisory_xact_lock key: the bytes of "baseline", so that it is recognisable in pg_locks.
ADOPTION_LOCK_KEY = int.from_bytes(b"baseline", "big")
# Seconds to wait for a lock on a legacy table (migrations after the baseline may need one):
# rather give up than queue the legacy backend's readers behind the adoption.
LOCK_TIMEOUT = 5.0


def _alembic_revisions(cursor):
    cursor.execute("SELECT to_regclass('public.alembic_version') IS NOT NULL")
    if not cursor.fetchone()[0]:
        return None
    cursor.execute("SELECT version_num FROM public.alembic_version ORDER BY 1")
    return [row[0] for row in cursor.fetchall()]


def _pending(connection):
    executor = MigrationExecutor(connection)
    return executor.loader.graph, executor.migration_plan(executor.loader.graph.leaf_nodes())


def describe_target(connection):
    """Which database this is, for an operator: `name on host:port`."""
    settings = connection.settings_dict
    host = settings.get("HOST") or "local socket"
    port = f":{settings['PORT']}" if settings.get("PORT") else ""
    return f"{settings.get('NAME')} on {host}{port}"


def examine(connection, alias):
    """What the database is, and for a legacy one every difference from the baseline schema."""
    with connection.cursor() as cursor:
        found = read_schema(cursor)
        revisions = _alembic_revisions(cursor)
    recorder = MigrationRecorder(connection)
    applied = set(recorder.applied_migrations()) if recorder.has_table() else set()
    report = Report(alias, describe_target(connection), "legacy", CHECKED, "", revisions)

    if set(BASELINE) <= applied:
        adopted = revisions is not None
        report.state = "adopted" if adopted else "django"
        report.findings, report.compared = drift_findings(
            connection, applied, revisions if adopted else None
        )
        if report.errors:
            report.outcome = DRIFTED
            report.summary = (
                f"Drift: {count(len(report.errors), 'error')}; nothing was changed. Fix the "
                "errors above (in the database, or with a migration that brings the models to "
                "it) and run `python manage.py baseline --check` again."
            )
        elif adopted:
            report.outcome = ALREADY_ADOPTED
            report.summary = "Already adopted: nothing to do, nothing was changed."
        else:
            report.outcome = NOTHING_TO_ADOPT
            report.summary = (
                "Nothing to adopt: Django manages this database already. Nothing was changed."
            )
        pending = len(_pending(connection)[1])
        if pending:
            report.summary += (
                f" {count(pending, 'migration')} not applied yet: run `python manage.py migrate`."
            )
        return report

    if revisions is None and not found.tables and not found.enums:
        report.state, report.outcome = "empty", NOTHING_TO_ADOPT
        report.summary = (
            "Nothing to adopt: this database has none of the legacy tables. "
            "Create the schema with `python manage.py migrate`. Nothing was changed."
        )
        return report

    revision = revision_finding(revisions)
    report.findings = [revision] if revision else []
    report.findings += schema_findings(expected_schema(connection), found)
    if report.errors:
        report.outcome = REFUSED
        report.summary = (
            f"Not adopted: {count(len(report.errors), 'error')}; nothing was changed. "
            "Fix the errors above and run `python manage.py baseline --check` again."
        )
    else:
        report.summary = "Ready to adopt: run `python manage.py baseline`. Nothing was changed."
    return report


def adopt(alias="default", check=False, lock_timeout=LOCK_TIMEOUT):
    """Examine database `alias` and, unless `check` or it has errors, adopt it. Returns a Report."""
    connection = connections[alias]
    if connection.vendor != "postgresql":
        return Report(
            alias,
            describe_target(connection),
            "unsupported",
            REFUSED,
            f"Not adopted: the legacy backend ran on PostgreSQL, this database is "
            f"{connection.vendor}. A new database needs `python manage.py migrate`.",
        )
    report = None
    try:
        with transaction.atomic(using=alias):
            with connection.cursor() as cursor:
                if check:
                    cursor.execute("SET TRANSACTION READ ONLY")
                else:
                    # A second run waits here, then finds the work done.
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ADOPTION_LOCK_KEY])
                    cursor.execute(f"SET LOCAL lock_timeout = {round(lock_timeout * 1000)}")
            report = examine(connection, alias)
            if check or report.outcome != CHECKED:
                return report
            after_commit = _apply_baseline(connection, alias, report)
    except (
        DatabaseError,
        CommandError,
        InconsistentMigrationHistory,
        MigrationSchemaMissing,
    ) as exc:
        if report is None:
            return Report(
                alias,
                describe_target(connection),
                "unreadable",
                FAILED,
                f"Not adopted: reading the database failed ({str(exc).strip()}). "
                "Nothing was changed.",
            )
        report.outcome = FAILED
        report.recorded, report.applied = [], []
        report.summary = (
            f"Not adopted: migrating failed ({str(exc).strip()}). The transaction was rolled "
            "back: nothing was changed."
        )
        return report

    report.outcome = ADOPTED
    report.summary = (
        "Adopted. No legacy row was touched; alembic_version stays at "
        f"{LEGACY_REVISION}, the way back to Alembic."
    )
    if after_commit:
        _apply_after_commit(alias, report, after_commit)
    return report


def _apply_baseline(connection, alias, report):
    """Record the baseline, apply what follows it; return the migrations that must wait for commit.

    A non-atomic migration (such as AddIndexConcurrently) cannot run inside the adoption
    transaction, and a value an AddEnumValue adds cannot be used in it: such a migration, and
    whatever depends on it, is applied once the adoption is committed.
    """
    recorder = MigrationRecorder(connection)
    already = set(recorder.applied_migrations()) if recorder.has_table() else set()
    for app, name in BASELINE:
        if (app, name) not in already:
            recorder.record_applied(app, name)
            report.recorded.append(f"{app}.{name}")

    graph, plan = _pending(connection)
    deferred = set()
    for migration, _ in plan:
        key = (migration.app_label, migration.name)
        parents = {parent.key for parent in graph.node_map[key].parents}
        if not migration.atomic or adds_enum_value(migration) or parents & deferred:
            deferred.add(key)
    in_transaction = [m for m, _ in plan if (m.app_label, m.name) not in deferred]
    after_commit = [m for m, _ in plan if (m.app_label, m.name) in deferred]
    if after_commit:
        # Per app, the migrations kept in the transaction are a prefix closed under dependencies.
        last = {migration.app_label: migration.name for migration in in_transaction}
        for app, name in last.items():
            call_command("migrate", app, name, database=alias, verbosity=0, interactive=False)
    else:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    report.applied = [f"{migration.app_label}.{migration.name}" for migration in in_transaction]
    return after_commit


def adds_enum_value(migration):
    """A value added in a transaction cannot be used before it commits: apply it on its own."""
    return any(isinstance(operation, AddEnumValue) for operation in migration.operations)


def _apply_after_commit(alias, report, migrations):
    try:
        call_command("migrate", database=alias, verbosity=0, interactive=False)
    except (DatabaseError, CommandError) as exc:
        report.outcome = FAILED
        report.summary = (
            "Adopted, but a migration that runs outside the adoption transaction failed "
            f"({str(exc).strip()}). Fix it and run `python manage.py migrate`."
        )
        return
    report.applied_after_commit = [
        f"{migration.app_label}.{migration.name}" for migration in migrations
    ]
