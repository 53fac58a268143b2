"""Every migration after the baseline passes the gate: django-migration-linter and squawk."""

import subprocess
import sys

import pytest

from tests.support.databases import PROJECT_DIR
from tests.support.project_copies import (
    CONCURRENT_INDEX_MIGRATION,
    add_member,
    add_model_field,
    copy_project,
    latest_migration,
    manage_copy,
    next_migration,
    remove_member,
    set_member,
    write_migration,
)

# The migration gate on project copies, in subprocesses (20 s).
pytestmark = pytest.mark.slow


BLOCKING_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bots", "{}")]

    operations = [
        migrations.AddField("bot", "paused", models.BooleanField(default=False)),
        migrations.AddIndex("bot", models.Index(fields=["first_order"], name="bots_first_idx")),
    ]
""".format(latest_migration("bots"))
EXCHANGE_INDEX = next_migration("bots", "bots_exchange_idx")
BOT_PAUSED = next_migration("bots", "bot_paused")
NEW_FIELD = next_migration("exchanges", "new_field")

# The project's own migrations after the baseline, which the gate checks in every copy too.
LATER = sum(
    not path.stem.startswith("0001")
    for app in ("bots", "exchanges", "orders", "scalper/legacy")
    for path in (PROJECT_DIR / app / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py")
)


def migration_gate(project):
    return subprocess.run(
        [sys.executable, "-m", "tests.support.migration_gate"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_projects_migrations_pass_the_gate():
    result = migration_gate(PROJECT_DIR)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "refused" in result.stdout and ", 0 refused." in result.stdout


def test_the_gate_passes_a_nullable_column_and_an_index_built_concurrently(tmp_path, scratch_db):
    project = copy_project(tmp_path / "project")
    write_migration(project, "bots", EXCHANGE_INDEX, CONCURRENT_INDEX_MIGRATION)
    add_model_field(
        project, "exchanges", "ExchangeCredentials", "new_field = models.TextField(null=True)"
    )
    scratch_db.manage("makemigrations", "exchanges", "--name", "new_field", cwd=project)

    result = migration_gate(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"bots.{EXCHANGE_INDEX}: OK" in result.stdout
    assert f"exchanges.{NEW_FIELD}: OK" in result.stdout
    assert f"{LATER + 2} migration(s) after the baseline checked, 0 refused." in result.stdout


def test_the_gate_refuses_a_not_null_column_and_an_index_that_blocks_writes(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(project, "bots", BOT_PAUSED, BLOCKING_MIGRATION)

    result = migration_gate(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"bots.{BOT_PAUSED}: REFUSED" in result.stdout
    assert "    NOT NULL constraint on columns" in result.stdout
    assert f"bots.{BOT_PAUSED}.sql:5:41: warning: ban-drop-default" in result.stdout
    assert f"bots.{BOT_PAUSED}.sql:9:0: warning: require-concurrent-index-creation" in (
        result.stdout
    )
    assert f"{LATER + 1} migration(s) after the baseline checked, 1 refused: bots.{BOT_PAUSED}" in (
        result.stdout
    )


def test_a_refused_migration_passes_once_a_reviewer_lists_it_with_the_reason(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(project, "bots", BOT_PAUSED, BLOCKING_MIGRATION)
    gate = project / "tests" / "support" / "migration_gate.py"
    gate.write_text(
        gate.read_text().replace(
            "REVIEWED = {}", f'REVIEWED = {{"bots.{BOT_PAUSED}": "bots is small, no old code"}}'
        )
    )

    result = migration_gate(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"bots.{BOT_PAUSED}: REVIEWED (bots is small, no old code)" in result.stdout


def test_the_gate_passes_an_added_enum_value_and_refuses_a_renamed_or_removed_one(tmp_path):
    project = copy_project(tmp_path / "project")
    add_member(project, "Exchange", "OKX", "OKX", "DELTA")
    manage_copy(project, "makemigrations", "bots", "--name", "exchange_okx")
    set_member(project, "Exchange", "BYBIT", "BYBIT_V5", "Bybit")
    manage_copy(project, "makemigrations", "bots", "--name", "rename_bybit")
    remove_member(project, "Exchange", "OKX")
    manage_copy(project, "makemigrations", "bots", "--name", "remove_okx")

    result = migration_gate(project)

    assert result.returncode == 1, result.stdout + result.stderr
    number = int(latest_migration("bots")[:4])
    assert f"bots.{number + 1:04d}_exchange_okx: OK" in result.stdout
    # The previous version still writes BYBIT, and rebuilding the type rewrites the tables.
    assert f"bots.{number + 2:04d}_rename_bybit: REFUSED" in result.stdout
    assert "warning: renaming-object Renaming a type value may break existing clients." in (
        result.stdout
    )
    assert f"bots.{number + 3:04d}_remove_okx: REFUSED" in result.stdout
    assert "warning: changing-column-type" in result.stdout


RUNSQL_INDEX_MIGRATION = """
from django.db import migrations


class Migration(migrations.Migration):
    atomic = {atomic}

    dependencies = [("orders", "{latest}")]

    operations = [
        migrations.RunSQL(
            "{create} ix_orders_exchange_status ON orders (exchange, status)",
            "DROP INDEX {concurrently} IF EXISTS ix_orders_exchange_status",
        ),
    ]
"""


ORDERS_INDEX = next_migration("orders", "orders_exchange_status")


def test_the_gate_refuses_an_index_on_a_legacy_table_built_without_concurrently(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(
        project,
        "orders",
        ORDERS_INDEX,
        RUNSQL_INDEX_MIGRATION.format(
            atomic=True, create="CREATE INDEX", concurrently="", latest=latest_migration("orders")
        ),
    )

    result = migration_gate(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        f"orders.{ORDERS_INDEX}.sql: legacy-index-not-concurrent: CREATE INDEX "
        "ix_orders_exchange_status ON orders (exchange, status): an index of a legacy table is "
        "built CONCURRENTLY"
    ) in result.stdout


def test_the_gate_passes_an_index_built_concurrently_if_not_exists_with_runsql(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(
        project,
        "orders",
        ORDERS_INDEX,
        RUNSQL_INDEX_MIGRATION.format(
            atomic=False,
            create="CREATE INDEX CONCURRENTLY IF NOT EXISTS",
            concurrently="CONCURRENTLY",
            latest=latest_migration("orders"),
        ),
    )

    result = migration_gate(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"orders.{ORDERS_INDEX}: OK" in result.stdout
