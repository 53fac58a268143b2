"""Migrations keep legacy data: forward and backward over a database full of legacy rows.

The initial migrations adopt the legacy tables (`--fake-initial`); every migration after them is
applied, un-applied one at a time and re-applied for real. After each step every legacy table has
the same rows: same count, same checksum over its legacy columns. Migrations added later are
covered without touching this test.
"""

from pathlib import Path

import pytest
from django.apps import apps
from django.db.migrations.loader import MigrationLoader

from scalper.legacy.schema import LEGACY_TABLES
from tests.support.databases import PROJECT_DIR

ALL_LEGACY_TABLES = (*LEGACY_TABLES, "alembic_version")


def project_migrations():
    """{app label: its migration names in the order they apply}, for this project's own apps."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    ordered = {}
    for config in apps.get_app_configs():
        path = Path(config.path)
        if not path.is_relative_to(PROJECT_DIR) or "site-packages" in path.parts:
            continue
        for leaf in loader.graph.leaf_nodes(config.label):
            plan = loader.graph.forwards_plan(leaf)
            ordered[config.label] = [name for app, name in plan if app == config.label]
    return ordered


def legacy_columns(database, table):
    return [
        row[0]
        for row in database.query(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND table_name = %s ORDER BY ordinal_position",
            [table],
        )
    ]


def fingerprint(database, columns):
    """{table: (row count, md5 of its sorted rows over the legacy columns)}."""
    result = {}
    for table, names in columns.items():
        quoted = ", ".join(f'"{name}"' for name in names)
        (result[table],) = database.query(
            f"SELECT count(*), md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), '')) "
            f'FROM (SELECT {quoted} FROM "{table}") r'
        )
    return result


def test_the_project_has_initial_migrations_for_the_legacy_apps():
    migrations = project_migrations()

    for app in ("bots", "exchanges", "orders", "legacy"):
        assert migrations[app][0] == "0001_initial"


@pytest.mark.slow
def test_every_migration_after_the_initial_ones_round_trips_legacy_rows_unchanged(legacy_db):
    columns = {table: legacy_columns(legacy_db, table) for table in ALL_LEGACY_TABLES}
    before = fingerprint(legacy_db, columns)
    assert all(count > 0 for count, _ in before.values())

    legacy_db.manage("migrate", "--fake-initial")
    assert fingerprint(legacy_db, columns) == before, "after migrating forward"

    for app, names in project_migrations().items():
        for target in reversed(names[:-1]):
            legacy_db.manage("migrate", app, target)
            assert fingerprint(legacy_db, columns) == before, f"after un-applying to {app}.{target}"
        legacy_db.manage("migrate", app)
        assert fingerprint(legacy_db, columns) == before, f"after re-applying {app}"

    applied = legacy_db.query("SELECT app, name FROM django_migrations")
    expected = {(app, name) for app, names in project_migrations().items() for name in names}
    assert expected <= set(applied)
