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
    manage_copy,
    remove_member,
    set_member,
    write_migration,
)

# The migration gate on project copies, in subprocesses (20 s).
pytestmark = pytest.mark.slow


BLOCKING_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("bots", "0001_initial")]

    operations = [
        migrations.AddField("bot", "paused", models.BooleanField(default=False)),
        migrations.AddIndex("bot", models.Index(fields=["first_order"], name="bots_first_idx")),
    ]
"""


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
    write_migration(project, "bots", "0002_bots_exchange_idx", CONCURRENT_INDEX_MIGRATION)
    add_model_field(
        project, "exchanges", "ExchangeCredentials", "new_field = models.TextField(null=True)"
    )
    scratch_db.manage("makemigrations", "exchanges", "--name", "new_field", cwd=project)

    result = migration_gate(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "bots.0002_bots_exchange_idx: OK" in result.stdout
    assert "exchanges.0002_new_field: OK" in result.stdout
    # The project's own later migrations are checked too (their count grows).
    assert "migration(s) after the baseline checked, 0 refused." in result.stdout


def test_the_gate_refuses_a_not_null_column_and_an_index_that_blocks_writes(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(project, "bots", "0002_bot_paused", BLOCKING_MIGRATION)

    result = migration_gate(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert "bots.0002_bot_paused: REFUSED" in result.stdout
    assert "    NOT NULL constraint on columns" in result.stdout
    assert "bots.0002_bot_paused.sql:5:41: warning: ban-drop-default" in result.stdout
    assert "bots.0002_bot_paused.sql:9:0: warning: require-concurrent-index-creation" in (
        result.stdout
    )
    assert "migration(s) after the baseline checked, 1 refused: bots.0002_bot_paused" in (
        result.stdout
    )


def test_a_refused_migration_passes_once_a_reviewer_lists_it_with_the_reason(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(project, "bots", "0002_bot_paused", BLOCKING_MIGRATION)
    gate = project / "tests" / "support" / "migration_gate.py"
    gate.write_text(
        gate.read_text().replace(
            "REVIEWED = {}", 'REVIEWED = {"bots.0002_bot_paused": "bots is small, no old code"}'
        )
    )

    result = migration_gate(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "bots.0002_bot_paused: REVIEWED (bots is small, no old code)" in result.stdout


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
    assert "bots.0002_exchange_okx: OK" in result.stdout
    # The previous version still writes BYBIT, and rebuilding the type rewrites the tables.
    assert "bots.0003_rename_bybit: REFUSED" in result.stdout
    assert "warning: renaming-object Renaming a type value may break existing clients." in (
        result.stdout
    )
    assert "bots.0004_remove_okx: REFUSED" in result.stdout
    assert "warning: changing-column-type" in result.stdout


RUNSQL_INDEX_MIGRATION = """
from django.db import migrations


class Migration(migrations.Migration):
    atomic = {atomic}

    dependencies = [("orders", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "{create} ix_orders_bot_id_status ON orders (bot_id, status)",
            "DROP INDEX {concurrently} IF EXISTS ix_orders_bot_id_status",
        ),
    ]
"""


def test_the_gate_refuses_an_index_on_a_legacy_table_built_without_concurrently(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(
        project,
        "orders",
        "0002_orders_bot_status",
        RUNSQL_INDEX_MIGRATION.format(atomic=True, create="CREATE INDEX", concurrently=""),
    )

    result = migration_gate(project)

    assert result.returncode == 1, result.stdout + result.stderr
    assert (
        "orders.0002_orders_bot_status.sql: legacy-index-not-concurrent: CREATE INDEX "
        "ix_orders_bot_id_status ON orders (bot_id, status): an index of a legacy table is "
        "built CONCURRENTLY"
    ) in result.stdout


def test_the_gate_passes_an_index_built_concurrently_if_not_exists_with_runsql(tmp_path):
    project = copy_project(tmp_path / "project")
    write_migration(
        project,
        "orders",
        "0002_orders_bot_status",
        RUNSQL_INDEX_MIGRATION.format(
            atomic=False,
            create="CREATE INDEX CONCURRENTLY IF NOT EXISTS",
            concurrently="CONCURRENTLY",
        ),
    )

    result = migration_gate(project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "orders.0002_orders_bot_status: OK" in result.stdout
