"""The baseline migrations and the schema they create, in the terms `read_schema()` reads.

The baseline is the three initial migrations (bots, exchanges, orders `0001_initial`): they
create exactly the schema the legacy backend left at Alembic revision fef8185d3887.
"""

import re

from django.db.migrations.loader import MigrationLoader
from django.db.models import CheckConstraint, UniqueConstraint, Value
from django.db.models.sql import Query

from scalper.legacy.constraints import ForeignKeyConstraint
from scalper.legacy.enum_values import enum_choices
from scalper.legacy.operations import CreateEnumType
from scalper.legacy.schema import Column, Constraint, Index, Schema

BASELINE = (("bots", "0001_initial"), ("exchanges", "0001_initial"), ("orders", "0001_initial"))
BASELINE_APPS = tuple(app for app, _ in BASELINE)


def catalog_type(db_type):
    """A Django column type as PostgreSQL's `format_type()` prints it."""
    db_type = re.sub(r"^varchar\b", "character varying", db_type)
    db_type = re.sub(r"^char\b", "character", db_type)
    return re.sub(r",\s+", ",", db_type)  # numeric(10, 2) -> numeric(10,2)


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

    Derived from the migrations themselves (their project state and `CreateEnumType`
    operations), so there is one source of truth; a test proves that the baseline's equals the
    legacy database's catalog. At the migrations an adopted database has applied, it is what
    `baseline --check` compares the live schema with (scalper/legacy/drift.py).
    """
    loader = MigrationLoader(None, ignore_no_migrations=True)
    state = loader.project_state(migrations, at_end=True)
    models = migrated_models(loader, migrations)
    names = {model._meta.db_table for model in models}
    for model in models:
        names.update(field.column for field in model._meta.local_concrete_fields)
        names.update(index.name for index in model._meta.indexes)
        names.update(constraint.name for constraint in model._meta.constraints)
    with connection.cursor() as cursor:
        # PostgreSQL's own rule for when an identifier needs quotes (`"timestamp"`).
        cursor.execute("SELECT name, quote_ident(name) FROM unnest(%s::text[]) name", [[*names]])
        quoted = dict(cursor.fetchall())

    schema = Schema(enums=enum_types(loader, migrations))
    for name in schema.enums:
        # Values added, renamed or removed later (AddEnumValue, ...) are in the fields' choices.
        choices = enum_choices(state, name)
        if choices is not None:
            schema.enums[name] = tuple(value for value, _ in choices)
    with connection.schema_editor(collect_sql=True, atomic=False) as editor:
        for model in models:
            _describe_model(schema, model, connection, editor, quoted)
    return schema


def _describe_model(schema, model, connection, editor, quoted):
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
        # The catalog lists the key columns, then the INCLUDE ones.
        names = [name.lstrip("-") for name in index.fields] + list(index.include)
        columns = tuple(meta.get_field(name).column for name in names)
        unique = getattr(index, "unique", False)
        shown = ", ".join(quoted.get(column, column) for column in columns)
        schema.indexes[index.name] = Index(
            index.name,
            table,
            None if index.expressions else columns,
            unique,
            False,
            f"CREATE {'UNIQUE ' if unique else ''}INDEX {quoted[index.name]} "
            f"ON public.{quoted[table]} USING btree ({shown or '...'})",
        )
    for model_field in meta.local_concrete_fields:
        # Indexes of `db_index=True` (and their `_like` twins), named as Django names them.
        for statement in editor._field_indexes_sql(model, model_field):
            name = str(statement.parts["name"]).strip('"')
            schema.indexes[name] = Index(
                name, table, (model_field.column,), False, False, str(statement)
            )
    for constraint in meta.constraints:
        schema.constraints[(table, constraint.name)] = _describe_constraint(
            schema, table, meta, constraint, quoted
        )


def _describe_constraint(schema, table, meta, constraint, quoted):
    if isinstance(constraint, ForeignKeyConstraint):
        source = meta.get_field(constraint.field)
        target = source.target_field
        return Constraint(
            constraint.name,
            table,
            "foreign key",
            f"FOREIGN KEY ({quoted[source.column]}) REFERENCES "
            f"{quoted[target.model._meta.db_table]}({quoted[target.column]})",
        )
    if isinstance(constraint, UniqueConstraint):
        columns = tuple(meta.get_field(name).column for name in constraint.fields)
        if columns and not constraint.condition:
            shown = ", ".join(quoted.get(column, column) for column in columns)
            schema.indexes[constraint.name] = Index(
                constraint.name, table, columns, True, False, f"UNIQUE ({shown})"
            )
            return Constraint(constraint.name, table, "unique", f"UNIQUE ({shown})")
        return Constraint(constraint.name, table, "unique", None)
    if isinstance(constraint, CheckConstraint):
        return Constraint(constraint.name, table, "check", None)  # its existence only
    raise TypeError(f"the expected schema cannot describe {constraint!r}")
