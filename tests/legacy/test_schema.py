"""A database migrated by Django is the database the legacy backend created."""

from django.core.management import call_command

from scalper.legacy.schema import LEGACY_ENUMS, LEGACY_TABLES, compare
from tests.support.schemas import assert_same_schema, schema_of


def test_migrate_on_an_empty_database_reproduces_the_legacy_schema(make_scratch_db):
    legacy = make_scratch_db().load_legacy_fixture()
    migrated = make_scratch_db()
    call_command("migrate", database=migrated.alias, verbosity=0)

    legacy_schema, migrated_schema = schema_of(legacy), schema_of(migrated)

    assert sorted(legacy_schema.tables) == sorted(LEGACY_TABLES)
    assert sorted(legacy_schema.enums) == sorted(LEGACY_ENUMS)
    assert_same_schema(legacy_schema, migrated_schema)
    # compare() is one-sided for some objects; the full catalogs must be equal too.
    assert migrated_schema == legacy_schema


def test_the_schema_comparison_names_what_differs(make_scratch_db):
    legacy = make_scratch_db().load_legacy_fixture()
    expected = schema_of(legacy)
    legacy.execute("ALTER TABLE bots ALTER COLUMN ticker TYPE varchar(30)")
    legacy.execute("DROP INDEX ix_orders_side")

    differences = [str(d) for d in compare(expected, schema_of(legacy))]

    assert differences == [
        "column type: bots.ticker: expected character varying(20), found character varying(30)",
        "missing index: orders.ix_orders_side: expected "
        "CREATE INDEX ix_orders_side ON public.orders USING btree (side), found no such index",
    ]


def test_every_app_can_be_migrated_to_zero_and_back_leaving_nothing_behind(scratch_db):
    call_command("migrate", database=scratch_db.alias, verbosity=0)
    first = schema_of(scratch_db)

    for app in ("orders", "exchanges", "bots"):
        call_command("migrate", app, "zero", database=scratch_db.alias, verbosity=0)

    left = schema_of(scratch_db)
    assert left.tables == {} and left.enums == {} and left.indexes == {}
    call_command("migrate", database=scratch_db.alias, verbosity=0)
    assert_same_schema(first, schema_of(scratch_db))


def test_makemigrations_finds_no_changes(scratch_db):
    result = scratch_db.manage("makemigrations", "--check", "--dry-run")
    assert "No changes detected" in result.stdout
