"""The baseline migrations and the schema they create, in the terms `read_schema()` reads.

The baseline is the three initial migrations (bots, exchanges, orders `0001_initial`): they
create exactly the schema the legacy backend left at Alembic revision fef8185d3887.
"""

import re

from django.db.migrations.loader import MigrationLoader
from django.db.models import Value
from django.db.models.sql import Query

from scalper.legacy.constraints import ForeignKeyConstraint
from scalper.legacy.operations import CreateEnumType
from scalper.legacy.schema import Column, Constraint, Index, Schema

BASELINE = (("bots", "0001_initial"), ("exchanges", "0001_initial"), ("orders", "0001_initial"))
BASELINE_APPS = tuple(app for app, _ in BASELINE)


def catalog_type(db_type):
    """A Django column type as PostgreSQL's `format_type()` prints it."""
    return re.sub(r"^varchar\b", "character varying", db_type)


def database_default(field, connection):
    """The column default as the catalog prints it (`now()`), or None."""
    if not field.has_db_default():
        return None
    default = field.db_default
    if not hasattr(default, "resolve_expression"):
        default = Value(default)
    sql, params = Query(model=field.model).get_compiler(connection=connection).compile(default)
    return sql % tuple(params)


def migrated_models(loader, migrations):
    """The managed models of the apps of `migrations`, as they stand after them."""
    apps = {app for app, _ in migrations}
    state = loader.project_state(migrations, at_end=True)
    return [
        model
        for model in state.apps.get_models()
        if model._meta.app_label in apps and model._meta.managed
    ]


def enum_types(loader, migrations):
    """{type name: labels} of the `CreateEnumType` operations up to `migrations`, in their apps."""
    apps = {app for app, _ in migrations}
    plan = dict.fromkeys(key for target in migrations for key in loader.graph.forwards_plan(target))
    return {
        operation.name: tuple(operation.labels)
        for app, name in plan
        if app in apps
        for operation in loader.graph.nodes[(app, name)].operations
        if isinstance(operation, CreateEnumType)
    }


def expected_schema(connection, migrations=BASELINE):
    """The schema `migrations` (the baseline by default) create, in the terms `read_schema()` reads.

    Derived from the migrations themselves (their model state and `CreateEnumType` operations),
    so there is one source of truth; a test proves that the baseline's equals the legacy
    database's catalog.
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    models = migrated_models(loader, migrations)
    names = {model._meta.db_table for model in models}
    for model in models:
        names.update(field.column for field in model._meta.local_concrete_fields)
        names.update(index.name for index in model._meta.indexes)
    with connection.cursor() as cursor:
        # PostgreSQL's own rule for when an identifier needs quotes (`"timestamp"`).
        cursor.execute("SELECT name, quote_ident(name) FROM unnest(%s::text[]) name", [[*names]])
        quoted = dict(cursor.fetchall())

    schema = Schema(enums=enum_types(loader, migrations))
    for model in models:
        table, meta = model._meta.db_table, model._meta
        schema.tables[table] = {
            field.column: Column(
                field.column,
                catalog_type(field.db_type(connection)),
                field.null,
                database_default(field, connection),
                position,
            )
            for position, field in enumerate(meta.local_concrete_fields, start=1)
        }
        primary, pk_column = f"{table}_pkey", quoted[meta.pk.column]
        schema.indexes[primary] = Index(
            primary,
            table,
            (meta.pk.column,),
            True,
            True,
            f"CREATE UNIQUE INDEX {primary} ON public.{quoted[table]} USING btree ({pk_column})",
        )
        schema.constraints[(table, primary)] = Constraint(
            primary, table, "primary key", f"PRIMARY KEY ({pk_column})"
        )
        for index in meta.indexes:
            columns = tuple(meta.get_field(name).column for name in index.fields)
            unique = getattr(index, "unique", False)
            schema.indexes[index.name] = Index(
                index.name,
                table,
                columns,
                unique,
                False,
                f"CREATE {'UNIQUE ' if unique else ''}INDEX {quoted[index.name]} "
                f"ON public.{quoted[table]} USING btree "
                f"({', '.join(quoted[column] for column in columns)})",
            )
        for constraint in meta.constraints:
            if not isinstance(constraint, ForeignKeyConstraint):
                raise TypeError(f"the baseline schema cannot describe {constraint!r}")
            source = meta.get_field(constraint.field)
            target = source.target_field
            schema.constraints[(table, constraint.name)] = Constraint(
                constraint.name,
                table,
                "foreign key",
                f"FOREIGN KEY ({quoted[source.column]}) REFERENCES "
                f"{quoted[target.model._meta.db_table]}({quoted[target.column]})",
            )
    return schema
