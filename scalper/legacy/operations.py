"""Migration operations for PostgreSQL enum types (no-ops on other databases)."""

from django.db import migrations


class CreateEnumType(migrations.operations.base.Operation):
    """`CREATE TYPE name AS ENUM (labels...)`; reversed by `DROP TYPE name`.

    Place it before the tables that use the type, so that unapplying the migration drops the
    type after them.
    """

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
