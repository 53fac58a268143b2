"""`manage.py baseline` adopts a legacy database only after verifying it, in one transaction."""

import json
import subprocess
import sys
import time
from io import StringIO

import psycopg
import pytest
from django.core.management import CommandError, call_command
from django.db import connections

from bots.models import ActivityLog, Bot
from scalper.legacy.adoption import ADOPTION_LOCK_KEY
from scalper.legacy.baseline import expected_schema
from scalper.legacy.schema import LEGACY_TABLES
from tests.support.commands import manage
from tests.support.databases import PROJECT_DIR, server_dsn
from tests.support.project_copies import (
    CONCURRENT_INDEX_MIGRATION,
    add_model_field,
    copy_project,
    write_migration,
)
from tests.support.schemas import fingerprint, legacy_rows, schema_of

BASELINE_ROWS = [
    ("bots", "0001_initial"),
    ("exchanges", "0001_initial"),
    ("orders", "0001_initial"),
]


def tables_of(database):
    return {
        name
        for (name,) in database.query("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
    }


def applied_migrations(database, apps=("bots", "exchanges", "orders")):
    return sorted(
        database.query("SELECT app, name FROM django_migrations WHERE app = ANY(%s)", [list(apps)])
    )


def baseline(database, *args):
    """Run `baseline` in this process; returns (stdout, CommandError or None)."""
    out = StringIO()
    try:
        call_command("baseline", *args, database=database.alias, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def baseline_json(database, *args):
    out, error = baseline(database, *args, "--format", "json")
    return json.loads(out), error


# A clean legacy database


def test_the_expected_schema_is_exactly_what_the_legacy_database_has(legacy_db):
    expected = expected_schema(connections[legacy_db.alias])

    assert expected == schema_of(legacy_db)


def test_check_on_a_clean_legacy_database_reports_no_differences_and_changes_nothing(legacy_db):
    before = fingerprint(legacy_db)

    report, error = baseline_json(legacy_db, "--check")

    assert error is None
    assert report["state"] == "legacy" and report["outcome"] == "checked"
    assert report["alembic_revisions"] == ["fef8185d3887"]
    assert report["errors"] == [] and report["warnings"] == []
    assert fingerprint(legacy_db) == before


def test_baseline_adopts_a_clean_legacy_database_without_touching_its_rows(legacy_db):
    rows_before, schema_before = legacy_rows(legacy_db), schema_of(legacy_db)

    out, error = baseline(legacy_db)

    assert error is None
    assert (
        "Recorded as applied without running them (the legacy tables are already there): "
        "bots.0001_initial, exchanges.0001_initial, orders.0001_initial"
    ) in out
    assert "Applied: contenttypes (2); auth (12)" in out
    assert "Adopted." in out
    assert applied_migrations(legacy_db) == BASELINE_ROWS
    assert {"django_migrations", "auth_user", "django_session", "authtoken_token"} <= tables_of(
        legacy_db
    )
    assert legacy_rows(legacy_db) == rows_before
    assert schema_of(legacy_db) == schema_before
    assert Bot.objects.using(legacy_db.alias).count() == len(rows_before["bots"])
    assert ActivityLog.objects.using(legacy_db.alias).count() == len(rows_before["activity_logs"])


def test_a_second_baseline_reports_the_database_already_adopted_and_changes_nothing(legacy_db):
    baseline(legacy_db)
    before = fingerprint(legacy_db)

    out, error = baseline(legacy_db)

    assert error is None
    assert "a legacy database already adopted by Django" in out
    assert "Already adopted: nothing to do, nothing was changed." in out
    assert fingerprint(legacy_db) == before


def test_a_database_django_created_has_nothing_to_adopt(scratch_db):
    call_command("migrate", database=scratch_db.alias, verbosity=0)
    before = fingerprint(scratch_db)

    report, error = baseline_json(scratch_db)

    assert error is None
    assert report["state"] == "django" and report["outcome"] == "nothing_to_adopt"
    assert "Django manages this database already" in report["summary"]
    assert fingerprint(scratch_db) == before


def test_an_empty_database_has_nothing_to_adopt_and_is_told_to_migrate(scratch_db):
    out, error = baseline(scratch_db)

    assert error is None
    assert "Nothing to adopt: this database has none of the legacy tables." in out
    assert "`python manage.py migrate`" in out
    assert tables_of(scratch_db) == set()


# Drift: every difference named and classified; errors stop and leave the database as it was

ERROR_CASES = {
    "dropped column": (
        "ALTER TABLE bots DROP COLUMN pnl",
        ("missing_column", "bots", "pnl"),
        "bots.pnl (missing column): expected double precision, found no such column.",
    ),
    "changed column length": (
        "ALTER TABLE bots ALTER COLUMN ticker TYPE varchar(30)",
        ("column_type", "bots", "ticker"),
        "bots.ticker (column type): expected character varying(20), found character varying(30).",
    ),
    "changed column type": (
        "ALTER TABLE orders ALTER COLUMN quantity TYPE numeric",
        ("column_type", "orders", "quantity"),
        "orders.quantity (column type): expected double precision, found numeric.",
    ),
    "nullable column made NOT NULL": (
        "UPDATE bots SET trailing_percent = 0 WHERE trailing_percent IS NULL;"
        "ALTER TABLE bots ALTER COLUMN trailing_percent SET NOT NULL",
        ("column_nullability", "bots", "trailing_percent"),
        "bots.trailing_percent (column nullability): expected NULL, found NOT NULL. "
        "Django writes NULL here when the value is empty; the database refuses it.",
    ),
    "enum label removed": (
        "UPDATE bots SET status = 'STOPPED' WHERE status = 'ERROR';"
        "ALTER TYPE botstatus RENAME TO botstatus_old;"
        "CREATE TYPE botstatus AS ENUM ('ACTIVE', 'STOPPED');"
        "ALTER TABLE bots ALTER COLUMN status TYPE botstatus USING status::text::botstatus;"
        "DROP TYPE botstatus_old",
        ("missing_enum_label", None, "botstatus"),
        "botstatus (missing enum label): expected ERROR, found labels ['ACTIVE', 'STOPPED']. "
        "Django would write a value the database refuses.",
    ),
    "missing table": (
        "DROP TABLE trades",
        ("missing_table", "trades", "trades"),
        "trades (missing table): expected table, found no such table.",
    ),
    "dropped foreign key": (
        "ALTER TABLE orders DROP CONSTRAINT orders_bot_id_fkey",
        ("missing_foreign_key", "orders", "orders_bot_id_fkey"),
        "orders.orders_bot_id_fkey (missing foreign key): "
        "expected FOREIGN KEY (bot_id) REFERENCES bots(id), found no such constraint.",
    ),
    "renamed foreign key": (
        "ALTER TABLE orders RENAME CONSTRAINT orders_bot_id_fkey TO orders_bot_fk",
        ("missing_foreign_key", "orders", "orders_bot_id_fkey"),
        'rename it (ALTER TABLE orders RENAME CONSTRAINT "orders_bot_fk" TO "orders_bot_id_fkey")',
    ),
    "extra NOT NULL column without a default": (
        "ALTER TABLE bots ADD COLUMN owner varchar(50) NOT NULL DEFAULT 'ops';"
        "ALTER TABLE bots ALTER COLUMN owner DROP DEFAULT",
        ("extra_column", "bots", "owner"),
        "bots.owner (extra column): expected no such column, "
        "found character varying(50) NOT NULL. Django does not know this column and cannot "
        "fill it: every insert would fail.",
    ),
    "alembic_version at an unknown revision": (
        "UPDATE alembic_version SET version_num = 'a1b2c3d4e5f6'",
        ("alembic_revision", None, "alembic_version"),
        "alembic_version (alembic revision): expected fef8185d3887, found revision a1b2c3d4e5f6.",
    ),
    "alembic_version missing": (
        "DROP TABLE alembic_version",
        ("alembic_revision", None, "alembic_version"),
        "alembic_version (alembic revision): expected fef8185d3887, "
        "found no alembic_version table.",
    ),
    "alembic_version empty": (
        "DELETE FROM alembic_version",
        ("alembic_revision", None, "alembic_version"),
        "alembic_version (alembic revision): expected fef8185d3887, "
        "found an empty alembic_version table.",
    ),
}


@pytest.mark.parametrize("case", ERROR_CASES, ids=str)
def test_an_error_stops_the_adoption_names_the_object_and_changes_nothing(legacy_db, case):
    drift, (kind, table, name), message = ERROR_CASES[case]
    legacy_db.execute(drift)
    before = fingerprint(legacy_db)

    report, check_error = baseline_json(legacy_db, "--check")
    out, adopt_error = baseline(legacy_db)

    assert check_error is not None and check_error.returncode == 1
    assert adopt_error is not None and adopt_error.returncode == 1
    assert report["outcome"] == "refused"
    findings = [(e["kind"], e["table"], e["name"]) for e in report["errors"]]
    assert (kind, table, name) in findings
    assert any(message in error["message"] for error in report["errors"])
    assert f"  ERROR    {report['errors'][findings.index((kind, table, name))]['headline']}" in out
    assert "Not adopted:" in out and "nothing was changed" in out
    assert fingerprint(legacy_db) == before
    assert "django_migrations" not in tables_of(legacy_db)


def test_the_revision_errors_say_what_is_supported_and_what_to_do(legacy_db):
    legacy_db.execute("UPDATE alembic_version SET version_num = 'a1b2c3d4e5f6'")

    report, _ = baseline_json(legacy_db, "--check")

    (error,) = report["errors"]
    assert "Only revision fef8185d3887" in error["impact"]
    assert "alembic downgrade fef8185d3887" in error["impact"]
    assert report["supported_revision"] == "fef8185d3887"


WARNING_CASES = {
    "dropped index": (
        "DROP INDEX ix_orders_side",
        ("missing_index", "orders", "ix_orders_side"),
        "orders.ix_orders_side (missing index): expected "
        "CREATE INDEX ix_orders_side ON public.orders USING btree (side), found no such index. "
        "Queries that filter on it are slower; Django works without it.",
    ),
    "dropped unique index": (
        "DROP INDEX ix_telegram_connections_chat_id",
        ("missing_index", "telegram_connections", "ix_telegram_connections_chat_id"),
        "The database no longer refuses duplicate chat_id",
    ),
    "extra index": (
        "CREATE INDEX bots_exchange_idx ON bots (exchange)",
        ("extra_index", "bots", "bots_exchange_idx"),
        "bots.bots_exchange_idx (extra index): expected no such index, "
        "found CREATE INDEX bots_exchange_idx ON public.bots USING btree (exchange).",
    ),
    "extra nullable column": (
        "ALTER TABLE bots ADD COLUMN notes text",
        ("extra_column", "bots", "notes"),
        "bots.notes (extra column): expected no such column, found text NULL. "
        "Django ignores this column; new rows get its default (or NULL).",
    ),
    "extra enum label": (
        "ALTER TYPE exchange ADD VALUE 'KRAKEN'",
        ("extra_enum_label", None, "exchange"),
        "exchange (extra enum label): expected labels ['COINDCX_F', 'BINANCE', 'BYBIT', "
        "'DELTA'], found KRAKEN.",
    ),
    "NOT NULL column made nullable": (
        "ALTER TABLE bots ALTER COLUMN ticker DROP NOT NULL",
        ("column_nullability", "bots", "ticker"),
        "bots.ticker (column nullability): expected NOT NULL, found NULL.",
    ),
    "dropped column default": (
        "ALTER TABLE orders ALTER COLUMN created_at DROP DEFAULT",
        ("column_default", "orders", "created_at"),
        "orders.created_at (column default): expected now(), found no default. "
        "Rows inserted through Django get NULL here instead.",
    ),
}


@pytest.mark.parametrize("case", WARNING_CASES, ids=str)
def test_a_warning_is_reported_and_the_adoption_goes_on(legacy_db, case):
    drift, (kind, table, name), message = WARNING_CASES[case]
    legacy_db.execute(drift)
    rows_before = legacy_rows(legacy_db)

    report, check_error = baseline_json(legacy_db, "--check")
    out, adopt_error = baseline(legacy_db)

    assert check_error is None and adopt_error is None
    assert report["outcome"] == "checked" and report["errors"] == []
    findings = [(w["kind"], w["table"], w["name"]) for w in report["warnings"]]
    assert (kind, table, name) in findings
    assert any(message in warning["message"] for warning in report["warnings"])
    assert (
        f"  WARNING  {report['warnings'][findings.index((kind, table, name))]['headline']}" in out
    )
    assert "  WARNING  " in out and "Adopted." in out
    assert applied_migrations(legacy_db) == BASELINE_ROWS
    assert legacy_rows(legacy_db) == rows_before


def test_a_failure_while_migrating_rolls_everything_back(legacy_db):
    # A stray table in the way of Django's own migrations: migrate fails half-way.
    legacy_db.execute("CREATE TABLE django_session (session_key varchar(40) PRIMARY KEY)")
    before = fingerprint(legacy_db)

    out, error = baseline(legacy_db)

    assert error is not None and error.returncode == 1
    assert 'relation "django_session" already exists' in out
    assert "The transaction was rolled back: nothing was changed." in out
    assert fingerprint(legacy_db) == before
    assert "django_migrations" not in tables_of(legacy_db)


# The command line: exit statuses, concurrency


@pytest.mark.slow
def test_the_command_line_exits_0_when_clean_and_1_on_errors(legacy_db):
    clean = legacy_db.manage("baseline", "--check", check=False)
    legacy_db.execute("ALTER TABLE bots DROP COLUMN pnl")
    refused_check = legacy_db.manage("baseline", "--check", "--format", "json", check=False)
    refused = legacy_db.manage("baseline", check=False)

    assert clean.returncode == 0, clean.stderr
    assert refused_check.returncode == 1
    assert json.loads(refused_check.stdout)["errors"][0]["name"] == "pnl"
    assert refused.returncode == 1
    assert "bots.pnl (missing column)" in refused.stdout
    assert "baseline: refused" in refused.stderr and "Traceback" not in refused.stderr


def test_a_sqlite_database_is_refused_with_what_to_do_instead(tmp_path):
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}

    result = manage("baseline", env=env)

    assert result.returncode == 1
    assert "the legacy backend ran on PostgreSQL, this database is sqlite" in result.stdout
    assert "`python manage.py migrate`" in result.stdout


def waiting_advisory_locks(database):
    return database.query(
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = %s",
        [database.name],
    )[0][0]


@pytest.mark.slow
def test_two_concurrent_runs_adopt_once_and_the_second_finds_it_done(legacy_db):
    rows_before = legacy_rows(legacy_db)
    command = [sys.executable, "manage.py", "baseline", "--format", "json"]
    env = legacy_db.manage_environment()
    # Hold the adoption lock so that both runs are inside the database, waiting, before either
    # can go on: then they race for the lock as two deploys would.
    with psycopg.connect(server_dsn(legacy_db.name), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [ADOPTION_LOCK_KEY])
        runs = [
            subprocess.Popen(
                command, cwd=PROJECT_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 60
        while waiting_advisory_locks(legacy_db) < 2:
            assert time.monotonic() < deadline, "the runs never waited for the lock"
            assert all(run.poll() is None for run in runs), "a run ended without waiting"
            time.sleep(0.05)
        holder.execute("SELECT pg_advisory_unlock(%s)", [ADOPTION_LOCK_KEY])
    results = [run.communicate(timeout=120) for run in runs]

    assert [run.returncode for run in runs] == [0, 0], results
    outcomes = sorted(json.loads(stdout)["outcome"] for stdout, _ in results)
    assert outcomes == ["adopted", "already_adopted"]
    assert applied_migrations(legacy_db) == BASELINE_ROWS
    assert (
        legacy_db.query(
            "SELECT count(*) FROM django_migrations GROUP BY app, name HAVING count(*) > 1"
        )
        == []
    )
    assert legacy_rows(legacy_db) == rows_before


def test_the_adoption_takes_no_lock_that_would_wait_for_the_legacy_tables(legacy_db):
    # EXCLUSIVE mode lets readers in and nothing else: the adoption must not need more.
    tables = ", ".join((*LEGACY_TABLES, "alembic_version"))
    with psycopg.connect(server_dsn(legacy_db.name)) as busy:
        busy.execute(f"LOCK TABLE {tables} IN EXCLUSIVE MODE")

        report, error = baseline_json(legacy_db)

    assert error is None and report["outcome"] == "adopted"


def test_a_legacy_table_locked_by_someone_else_makes_the_adoption_give_up_cleanly(legacy_db):
    with psycopg.connect(server_dsn(legacy_db.name)) as busy:
        busy.execute("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE")

        out, error = baseline(legacy_db, "--lock-timeout", "0.2")

    assert error is not None and error.returncode == 1
    assert "its schema could not be read" in out
    assert "canceling statement due to lock timeout" in out and "Nothing was changed." in out
    assert "django_migrations" not in tables_of(legacy_db)


# The way back, and later migrations


def test_migrate_zero_fake_returns_to_the_legacy_state_and_baseline_works_again(legacy_db):
    rows_before, schema_before = legacy_rows(legacy_db), schema_of(legacy_db)
    baseline(legacy_db)

    for app in ("orders", "exchanges", "bots"):
        call_command("migrate", app, "zero", fake=True, database=legacy_db.alias, verbosity=0)

    assert applied_migrations(legacy_db) == []
    assert legacy_rows(legacy_db) == rows_before
    assert schema_of(legacy_db) == schema_before
    assert legacy_db.query("SELECT version_num FROM alembic_version") == [("fef8185d3887",)]
    report, error = baseline_json(legacy_db)
    assert error is None and report["outcome"] == "adopted"
    assert report["recorded_without_running"] == [f"{app}.{name}" for app, name in BASELINE_ROWS]
    assert applied_migrations(legacy_db) == BASELINE_ROWS


@pytest.mark.slow
def test_the_whole_way_back_leaves_the_database_exactly_as_the_legacy_backend_had_it(legacy_db):
    before = fingerprint(legacy_db)
    baseline(legacy_db)

    for app in ("orders", "exchanges", "bots"):
        call_command("migrate", app, "zero", fake=True, database=legacy_db.alias, verbosity=0)
    for app in ("legacy", "admin", "authtoken", "sessions", "auth", "contenttypes"):
        call_command("migrate", app, "zero", database=legacy_db.alias, verbosity=0)
    legacy_db.manage("dbshell", "--", "-c", "DROP TABLE django_migrations")

    assert fingerprint(legacy_db) == before


@pytest.mark.slow
def test_a_later_migration_is_applied_by_the_adoption_and_reverses_with_the_data_intact(
    legacy_db, tmp_path
):
    project = copy_project(tmp_path / "project")
    add_model_field(
        project, "bots", "Bot", "notes = models.CharField(max_length=200, null=True, blank=True)"
    )
    legacy_db.manage("makemigrations", "bots", "--name", "bot_notes", cwd=project)
    rows_before, schema_before = legacy_rows(legacy_db), schema_of(legacy_db)

    adopted = json.loads(legacy_db.manage("baseline", "--format", "json", cwd=project).stdout)

    assert adopted["outcome"] == "adopted"
    assert "bots.0002_bot_notes" in adopted["applied"]
    assert legacy_db.query("SELECT count(*) FROM bots WHERE notes IS NULL") == [
        (len(rows_before["bots"]),)
    ]
    legacy_db.manage("migrate", "bots", "0001", cwd=project)
    assert legacy_rows(legacy_db) == rows_before
    assert schema_of(legacy_db) == schema_before
    legacy_db.manage("migrate", cwd=project)
    assert legacy_db.query("SELECT count(*) FROM bots WHERE notes IS NULL") == [
        (len(rows_before["bots"]),)
    ]


@pytest.mark.slow
def test_a_non_atomic_later_migration_runs_once_the_adoption_is_committed(legacy_db, tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(project, "bots", "0002_bots_exchange_idx", CONCURRENT_INDEX_MIGRATION)

    adopted = json.loads(legacy_db.manage("baseline", "--format", "json", cwd=project).stdout)

    assert adopted["outcome"] == "adopted"
    assert adopted["applied_after_commit"] == ["bots.0002_bots_exchange_idx"]
    assert "bots.0002_bots_exchange_idx" not in adopted["applied"]
    assert applied_migrations(legacy_db, apps=["bots"]) == [
        ("bots", "0001_initial"),
        ("bots", "0002_bots_exchange_idx"),
    ]
    assert legacy_db.query(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'bots_exchange_idx'"
    ) == [("CREATE INDEX bots_exchange_idx ON public.bots USING btree (exchange)",)]
