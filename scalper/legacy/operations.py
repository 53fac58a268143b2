"""Migration operations for the legacy PostgreSQL database: enum types, indexes built while the
legacy backend runs, PostgreSQL-only SQL.

`CreateEnumType` creates a type (a no-op elsewhere); the operations that change one of its values
are in scalper/legacy/enum_values.py. `AddIndexConcurrentlyIfNotExists` and `RunPostgreSQL` serve
the later migrations that add indexes, triggers and an extension.
"""

from django.contrib.postgres.indexes import PostgresIndex
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations
from django.db.migrations.operations.base import OperationCategory


class CreateEnumType(migrations.operations.base.Operation):
    """`CREATE TYPE name AS ENUM (labels...)`; reversed by `DROP TYPE name`.

    Place it before the tables that use the type, so that unapplying the migration drops the
    type after them.
    """

    category = OperationCategory.ADDITION
    reversible = True
    reduces_to_sql = True

    def __init__(self, name, labels):
        self.name = name
        self.labels = list(labels)

    def deconstruct(self):
        return self.__class__.__qualname__, [self.name, self.labels], {}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        labels = ", ".join(schema_editor.quote_value(label) for label in self.labels)
        schema_editor.execute(
            f"CREATE TYPE {schema_editor.quote_name(self.name)} AS ENUM ({labels})"
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute(f"DROP TYPE {schema_editor.quote_name(self.name)}")

    def describe(self):
        return f"Create enum type {self.name} ({', '.join(self.labels)})"

    @property
    def migration_name_fragment(self):
        return f"create_enum_{self.name}"


class AddIndexConcurrentlyIfNotExists(AddIndexConcurrently):
    """`CREATE INDEX CONCURRENTLY IF NOT EXISTS`: the legacy tables stay writable meanwhile.

    The legacy project's later Alembic revisions create some of these indexes under the same
    names and columns; a database that already has one keeps it. An INVALID index of that name
    (a concurrent build that failed half-way) is dropped and built again, not kept. Reversed by
    `DROP INDEX CONCURRENTLY IF EXISTS`. On other databases: a plain index, or none for a
    PostgreSQL-only one (GIN).
    """

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            if not isinstance(self.index, PostgresIndex):
                schema_editor.add_index(model, self.index)
            return
        self._ensure_not_in_transaction(schema_editor)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(%s)",
                [schema_editor.quote_name(self.index.name)],
            )
            invalid = cursor.fetchone()
        if invalid and invalid[0]:
            schema_editor.remove_index(model, self.index, concurrently=True)
        sql = schema_editor.sql_create_index_concurrently.replace(
            "CONCURRENTLY", "CONCURRENTLY IF NOT EXISTS"
        )
        schema_editor.execute(
            self.index.create_sql(model, schema_editor, concurrently=True, sql=sql)
        )

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        if schema_editor.connection.vendor != "postgresql":
            if not isinstance(self.index, PostgresIndex):
                schema_editor.remove_index(model, self.index)
            return
        self._ensure_not_in_transaction(schema_editor)
        schema_editor.remove_index(model, self.index, concurrently=True)


class RunPostgreSQL(migrations.RunSQL):
    """RunSQL on PostgreSQL only (PostgreSQL features: triggers, extensions); a no-op elsewhere."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
