"""Reading what a scratch database holds: its legacy schema, its whole catalog, its rows."""

import psycopg

from scalper.legacy.schema import LEGACY_TABLES, compare, read_schema
from tests.support.databases import server_dsn


def schema_of(database):
    """The catalog of a scratch database's legacy tables and enum types."""
    with psycopg.connect(server_dsn(database.name)) as conn, conn.cursor() as cursor:
        return read_schema(cursor)


def assert_same_schema(expected, found):
    differences = compare(expected, found)
    assert not differences, "schemas differ:\n" + "\n".join(str(d) for d in differences)


def fingerprint(database):
    """Everything in the database's public schema: relations, types, catalog and every row."""
    relations = database.query(
        "SELECT c.relname, c.relkind FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' ORDER BY 1"
    )
    types = [
        name
        for (name,) in database.query(
            "SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "WHERE n.nspname = 'public' ORDER BY 1"
        )
    ]
    tables = [name for name, kind in relations if kind == "r"]
    with psycopg.connect(server_dsn(database.name)) as conn, conn.cursor() as cursor:
        catalog = read_schema(cursor, tables=tables, enums=types)
    rows = {table: database.table_rows(table) for table in tables}
    return relations, catalog, rows


def legacy_rows(database):
    return {table: database.table_rows(table) for table in (*LEGACY_TABLES, "alembic_version")}


def later_migrations():
    """The project's migrations of the legacy apps after the baseline: [(app, name)], sorted.
    The adoption applies them too."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return sorted(
        key
        for key, migration in loader.disk_migrations.items()
        if key[0] in ("bots", "exchanges", "orders") and not migration.initial
    )


def later_indexes():
    """The names of the indexes the project's later migrations add to the legacy tables."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {
        operation.index.name
        for key in later_migrations()
        for operation in loader.disk_migrations[key].operations
        if hasattr(operation, "index")
    }


def without_later_indexes(schema):
    """`schema` without the indexes of the later migrations: what the baseline left."""
    added = later_indexes()
    schema.indexes = {name: index for name, index in schema.indexes.items() if name not in added}
    return schema


def roll_back_later_migrations(database):
    """The documented roll-back of the later migrations (docs/cutover.md)."""
    for app in ("orders", "bots"):
        database.manage("migrate", app, "0001_initial")
