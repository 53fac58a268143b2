"""Indexes and constraints named exactly as in the legacy database.

Django names foreign keys and indexes with hashes and makes foreign keys
`DEFERRABLE INITIALLY DEFERRED`; the legacy schema has `ix_<table>_<column>` indexes (up to 39
characters) and one immediate foreign key, `orders_bot_id_fkey`.
"""

from django.db import models


class LegacyIndex(models.Index):
    """An index with a legacy name; `unique=True` makes it a unique index (not a constraint)."""

    # PostgreSQL's identifier limit; Django's default of 30 is Oracle's.
    max_name_length = 63

    def __init__(self, *args, unique=False, **kwargs):
        self.unique = unique
        super().__init__(*args, **kwargs)

    def create_sql(self, model, schema_editor, using="", **kwargs):
        if self.unique:
            kwargs.setdefault(
                "sql", schema_editor.sql_create_index.replace("CREATE INDEX", "CREATE UNIQUE INDEX")
            )
        return super().create_sql(model, schema_editor, using=using, **kwargs)

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        if self.unique:
            kwargs["unique"] = True
        return path, args, kwargs


class ForeignKeyConstraint(models.BaseConstraint):
    """The database foreign key of `field` (a ForeignKey declared with `db_constraint=False`).

    Immediate and without ON DELETE, as the legacy schema has it: the ORM's `on_delete`
    decides what happens to dependent rows, inside the deleting transaction.
    """

    def __init__(self, *, field, name, **kwargs):
        self.field = field
        super().__init__(name=name, **kwargs)

    def _references(self, model, schema_editor):
        field = model._meta.get_field(self.field)
        target = field.target_field
        quote = schema_editor.quote_name
        return (
            quote(field.column),
            quote(target.model._meta.db_table),
            quote(target.column),
        )

    def constraint_sql(self, model, schema_editor):
        column, to_table, to_column = self._references(model, schema_editor)
        return (
            f"CONSTRAINT {schema_editor.quote_name(self.name)} "
            f"FOREIGN KEY ({column}) REFERENCES {to_table} ({to_column})"
        )

    def create_sql(self, model, schema_editor):
        table = schema_editor.quote_name(model._meta.db_table)
        return f"ALTER TABLE {table} ADD {self.constraint_sql(model, schema_editor)}"

    def remove_sql(self, model, schema_editor):
        table = schema_editor.quote_name(model._meta.db_table)
        return f"ALTER TABLE {table} DROP CONSTRAINT {schema_editor.quote_name(self.name)}"

    def validate(self, model, instance, exclude=None, using=None):
        # ForeignKey.validate() already checks that the referenced row exists.
        return None

    def deconstruct(self):
        path, args, kwargs = super().deconstruct()
        kwargs["field"] = self.field
        return path, args, kwargs

    def __eq__(self, other):
        if isinstance(other, ForeignKeyConstraint):
            return self.deconstruct() == other.deconstruct()
        return NotImplemented
