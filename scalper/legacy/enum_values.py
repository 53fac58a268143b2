"""Migration operations that change one value of a PostgreSQL enum type.

`AddEnumValue`, `RenameEnumValue` and `RemoveEnumValue` change the choices of every `EnumField`
of that type in the project state, and the type itself on PostgreSQL (`ALTER TYPE ... ADD
VALUE`, `RENAME VALUE`, or a rebuild of the type), the CHECK constraint on SQLite.
`makemigrations` writes them (scalper/legacy/autodetector.py); each is reversible, and a step
that would drop a value refuses while rows still hold it (`EnumValueInUse`, naming the rows).
"""

import re

from django.db import migrations
from django.db.migrations.operations.base import OperationCategory


class EnumValueInUse(Exception):
    """A value cannot leave its enum type: rows still hold it."""


def enum_fields(state, enum_type):
    """(app_label, model_name, field_name, field) of each EnumField of `enum_type` in `state`."""
    for (app_label, model_name), model_state in sorted(state.models.items()):
        for name, field in model_state.fields.items():
            if getattr(field, "enum_type", None) == enum_type:
                yield app_label, model_name, name, field


def enum_choices(state, enum_type):
    """The choices the fields of `enum_type` declare in `state` (they must agree), or None."""
    found = {
        tuple(tuple(choice) for choice in field.choices)
        for *_, field in enum_fields(state, enum_type)
    }
    if len(found) > 1:
        raise ValueError(
            f"The fields of enum type {enum_type} declare different choices; every column of "
            "one PostgreSQL enum type must list the same values in the same order."
        )
    return [list(choice) for choice in found.pop()] if found else None


def _position_sql(schema_editor, before, after):
    if after is not None:
        return f" AFTER {schema_editor.quote_value(after)}"
    if before is not None:
        return f" BEFORE {schema_editor.quote_value(before)}"
    return ""


class EnumValueOperation(migrations.operations.base.Operation):
    category = OperationCategory.ALTERATION
    reversible = True
    reduces_to_sql = True

    def __init__(self, enum_type):
        self.enum_type = enum_type

    # The state: the choices of every field of the type

    def changed_choices(self, choices, forwards):
        raise NotImplementedError

    def _alter_state(self, state, forwards):
        for app_label, model_name, name, field in list(enum_fields(state, self.enum_type)):
            _, _, args, kwargs = field.deconstruct()
            kwargs["choices"] = self.changed_choices([list(c) for c in field.choices], forwards)
            kwargs.pop("max_length", None)  # derived from the choices again
            state.alter_field(app_label, model_name, name, field.__class__(*args, **kwargs), True)

    def state_forwards(self, app_label, state):
        self._alter_state(state, forwards=True)

    # The database

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        self.apply(schema_editor, from_state, to_state, forwards=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        self.apply(schema_editor, from_state, to_state, forwards=False)

    def apply(self, schema_editor, from_state, to_state, forwards):
        raise NotImplementedError

    # Shared steps

    def columns(self, schema_editor, state):
        """(table, column, primary key column, default) of every column of the type."""
        connection = schema_editor.connection
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    """
                    SELECT c.relname, a.attname,
                           (SELECT pa.attname FROM pg_index i
                            JOIN pg_attribute pa ON pa.attrelid = i.indrelid
                                                AND pa.attnum = i.indkey[0]
                            WHERE i.indrelid = c.oid AND i.indisprimary),
                           pg_get_expr(d.adbin, d.adrelid)
                    FROM pg_attribute a
                    JOIN pg_class c ON c.oid = a.attrelid
                    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                    WHERE a.atttypid = to_regtype(%s) AND c.relkind = 'r'
                      AND a.attnum > 0 AND NOT a.attisdropped
                    ORDER BY 1, 2
                    """,
                    [schema_editor.quote_name(self.enum_type)],
                )
                return cursor.fetchall()
        columns = []
        for app_label, model_name, name, _ in enum_fields(state, self.enum_type):
            model = state.apps.get_model(app_label, model_name)
            columns.append(
                (
                    model._meta.db_table,
                    model._meta.get_field(name).column,
                    model._meta.pk.column,
                    None,
                )
            )
        return columns

    def refuse_while_used(self, schema_editor, state, value, doing):
        """Raise EnumValueInUse naming the rows (table, column, count, some ids) holding `value`."""
        if schema_editor.collect_sql:  # sqlmigrate prints the SQL only
            return
        quote = schema_editor.quote_name
        uses = []
        with schema_editor.connection.cursor() as cursor:
            for table, column, pk, _ in self.columns(schema_editor, state):
                cast = "::text" if schema_editor.connection.vendor == "postgresql" else ""
                where = f"{quote(column)}{cast} = %s"
                cursor.execute(f"SELECT count(*) FROM {quote(table)} WHERE {where}", [value])
                count = cursor.fetchone()[0]
                if not count:
                    continue
                ids = ""
                if pk:
                    cursor.execute(
                        f"SELECT {quote(pk)} FROM {quote(table)} WHERE {where} ORDER BY 1 LIMIT 5",
                        [value],
                    )
                    shown = [str(row[0]) for row in cursor.fetchall()]
                    more = ", ..." if count > len(shown) else ""
                    ids = f": {pk} {', '.join(shown)}{more}"
                uses.append(
                    (table, column, f"{table}.{column} ({count} row{'s' * (count != 1)}{ids})")
                )
        if uses:
            table, column, _ = uses[0]
            raise EnumValueInUse(
                f"Cannot {doing} value {value!r} of enum type {self.enum_type}: rows still hold "
                f"it: {'; '.join(text for *_, text in uses)}. Change or delete them first "
                f"(for example UPDATE {table} SET {column} = '<another value>' WHERE "
                f"{column} = '{value}'), then migrate again. Nothing was changed."
            )

    def rebuild_type(self, schema_editor, state, values):
        """Replace the type by one with `values`: the only way PostgreSQL drops a value.

        Every column of the type is converted (`USING column::text::type`), which rewrites its
        table and its indexes under an ACCESS EXCLUSIVE lock; the migration gate says so.
        """
        quote = schema_editor.quote_name
        name, previous = self.enum_type, f"{self.enum_type}__previous"
        columns = self.columns(schema_editor, state)
        # An index whose predicate or expression names a value ('OPEN'::orderstatus) cannot be
        # rebuilt against the new type: it is dropped and created again from its definition.
        indexes = self.indexes_naming_the_type(schema_editor, {table for table, *_ in columns})
        for index, _ in indexes:
            schema_editor.execute(f"DROP INDEX {quote(index)}")
        schema_editor.execute(f"ALTER TYPE {quote(name)} RENAME TO {quote(previous)}")
        labels = ", ".join(schema_editor.quote_value(value) for value in values)
        schema_editor.execute(f"CREATE TYPE {quote(name)} AS ENUM ({labels})")
        for table, column, _, default in columns:
            alter = f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)}"
            if default is not None:
                schema_editor.execute(f"{alter} DROP DEFAULT")
            schema_editor.execute(
                f"{alter} TYPE {quote(name)} USING {quote(column)}::text::{quote(name)}"
            )
            if default is not None:
                default = re.sub(rf"::\"?{re.escape(name)}\"?\b", f"::{quote(name)}", default)
                schema_editor.execute(f"{alter} SET DEFAULT {default}")
        schema_editor.execute(f"DROP TYPE {quote(previous)}")
        for _, definition in indexes:
            schema_editor.execute(definition)

    def indexes_naming_the_type(self, schema_editor, tables):
        """(name, definition) of the indexes of `tables` whose definition names the type."""
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(ix.indexrelid)
                FROM pg_index ix
                JOIN pg_class i ON i.oid = ix.indexrelid
                JOIN pg_class t ON t.oid = ix.indrelid
                WHERE t.relname = ANY(%s) AND NOT ix.indisprimary
                ORDER BY 1
                """,
                [sorted(tables)],
            )
            named = re.compile(rf"::\"?{re.escape(self.enum_type)}\"?(?![\w$])")
            return [
                (index, definition)
                for index, definition in cursor.fetchall()
                if named.search(definition)
            ]

    def set_sqlite_checks(self, schema_editor, state, values):
        """SQLite: make the CHECK constraint of each column of the type list `values`.

        The table definitions are edited in place (`PRAGMA writable_schema`, as SQLite documents
        for changing a CHECK constraint) rather than rebuilt from the project state: the CHECKs
        of another app's enum columns in the same table may not be in that state yet.
        """
        quote = schema_editor.quote_name
        allowed = ", ".join(schema_editor.quote_value(value) for value in values)
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("PRAGMA schema_version")
            version = cursor.fetchone()[0]
            for table in sorted({table for table, *_ in self.columns(schema_editor, state)}):
                cursor.execute(
                    "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = %s", [table]
                )
                (definition,) = cursor.fetchone()
                for name, column, *_ in self.columns(schema_editor, state):
                    if name == table:
                        definition = re.sub(
                            rf"CHECK \({re.escape(quote(column))} IN \([^)]*\)\)",
                            f"CHECK ({quote(column)} IN ({allowed}))",
                            definition,
                        )
                schema_editor.execute("PRAGMA writable_schema = 1")
                schema_editor.execute(
                    "UPDATE sqlite_master SET sql = %s WHERE type = 'table' AND name = %s",
                    [definition, table],
                )
                version += 1
                schema_editor.execute(f"PRAGMA schema_version = {version}")
                schema_editor.execute("PRAGMA writable_schema = 0")

    def values_of(self, state):
        return [value for value, _ in enum_choices(state, self.enum_type) or []]


class PlacedEnumValue(EnumValueOperation):
    """A value and its place in the type (`before` or `after` another value): added or removed.

    `adding` says which way is forwards; the other way does the opposite, in the same place.
    """

    adding = True

    def __init__(self, enum_type, value, label, *, before=None, after=None):
        super().__init__(enum_type)
        self.value, self.label, self.before, self.after = value, label, before, after

    def deconstruct(self):
        kwargs = {}
        if self.before is not None:
            kwargs["before"] = self.before
        if self.after is not None:
            kwargs["after"] = self.after
        return self.__class__.__qualname__, [self.enum_type, self.value, self.label], kwargs

    def changed_choices(self, choices, forwards):
        if forwards != self.adding:
            return [choice for choice in choices if choice[0] != self.value]
        values = [value for value, _ in choices]
        if self.value in values:  # another app's AlterField already declared it
            return choices
        if self.after is not None:
            position = values.index(self.after) + 1
        elif self.before is not None:
            position = values.index(self.before)
        else:
            position = len(values)
        return [*choices[:position], [self.value, self.label], *choices[position:]]

    def apply(self, schema_editor, from_state, to_state, forwards):
        vendor = schema_editor.connection.vendor
        if forwards == self.adding:
            if vendor == "postgresql":
                # IF NOT EXISTS: the legacy backend's Alembic may have added it meanwhile.
                schema_editor.execute(
                    f"ALTER TYPE {schema_editor.quote_name(self.enum_type)} ADD VALUE IF NOT "
                    f"EXISTS {schema_editor.quote_value(self.value)}"
                    f"{_position_sql(schema_editor, self.before, self.after)}"
                )
            elif vendor == "sqlite":
                self.set_sqlite_checks(schema_editor, to_state, self.values_of(to_state))
            return
        self.refuse_while_used(schema_editor, from_state, self.value, "remove")
        if vendor == "postgresql":
            self.rebuild_type(schema_editor, from_state, self.values_of(to_state))
        elif vendor == "sqlite":
            self.set_sqlite_checks(schema_editor, to_state, self.values_of(to_state))


class AddEnumValue(PlacedEnumValue):
    """`ALTER TYPE name ADD VALUE 'value' BEFORE/AFTER ...`; reversed by rebuilding the type.

    Since PostgreSQL 12 ADD VALUE runs inside the migration's transaction, but the new value
    cannot be used before that transaction commits: use it in a later migration (`migrate`
    commits each migration; `baseline` applies a migration that adds a value after its own
    transaction). Going back refuses while rows hold the value.
    """

    def describe(self):
        return f"Add value {self.value} to enum type {self.enum_type}"

    @property
    def migration_name_fragment(self):
        return f"{self.enum_type}_add_{self.value.lower()}"


class RemoveEnumValue(PlacedEnumValue):
    """Drop `value` from the type by rebuilding it, refusing while rows hold the value.

    `label`, `before`/`after` say where the value was, for the way back (`ADD VALUE`).
    """

    adding = False

    def describe(self):
        return f"Remove value {self.value} from enum type {self.enum_type}"

    @property
    def migration_name_fragment(self):
        return f"{self.enum_type}_remove_{self.value.lower()}"


class RenameEnumValue(EnumValueOperation):
    """`ALTER TYPE name RENAME VALUE 'old' TO 'new'`: the rows follow, without a rewrite."""

    def __init__(self, enum_type, old_value, new_value):
        super().__init__(enum_type)
        self.old_value, self.new_value = old_value, new_value

    def deconstruct(self):
        return (
            self.__class__.__qualname__,
            [self.enum_type, self.old_value, self.new_value],
            {},
        )

    def changed_choices(self, choices, forwards):
        old, new = (
            (self.old_value, self.new_value) if forwards else (self.new_value, self.old_value)
        )
        return [[new if value == old else value, label] for value, label in choices]

    def apply(self, schema_editor, from_state, to_state, forwards):
        old, new = (
            (self.old_value, self.new_value) if forwards else (self.new_value, self.old_value)
        )
        vendor = schema_editor.connection.vendor
        quote = schema_editor.quote_name
        if vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TYPE {quote(self.enum_type)} RENAME VALUE "
                f"{schema_editor.quote_value(old)} TO {schema_editor.quote_value(new)}"
            )
        elif vendor == "sqlite":
            # The CHECK constraints first, so that they accept the rows' new value.
            self.set_sqlite_checks(schema_editor, to_state, self.values_of(to_state))
            for table, column, *_ in self.columns(schema_editor, to_state):
                schema_editor.execute(
                    f"UPDATE {quote(table)} SET {quote(column)} = %s WHERE {quote(column)} = %s",
                    [new, old],
                )

    def describe(self):
        return f"Rename value {self.old_value} of enum type {self.enum_type} to {self.new_value}"

    @property
    def migration_name_fragment(self):
        return f"{self.enum_type}_rename_{self.new_value.lower()}"
