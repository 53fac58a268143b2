"""Model fields for columns whose legacy types Django does not produce by itself.

- `EnumField`: a PostgreSQL enum column (`CREATE TYPE ... AS ENUM`) that stores the legacy labels;
  constrained text elsewhere (SQLite).
- `LegacyJSONField`: a `json` column (not `jsonb`), read and written correctly with psycopg 3.
- `TransactionNow`, `CreatedAtField`, `UpdatedAtField`: timestamps as SQLAlchemy made them,
  `DEFAULT now()` in the database and `updated_at` refreshed on every ORM save.
"""

from django.db import models
from django.db.models.functions import Now
from django.utils import timezone
from psycopg.types.json import Json, Jsonb


class EnumField(models.CharField):
    """A column of the PostgreSQL enum type `enum_type`.

    The values are the labels the database stores (`COINDCX_F`); the choices' display names are
    what the API shows (`CoinDCX F`). The type itself is created by the `CreateEnumType`
    migration operation, once, before any table that uses it.
    """

    description = "PostgreSQL enum"

    def __init__(self, *args, enum_type, **kwargs):
        self.enum_type = enum_type
        if "max_length" not in kwargs and kwargs.get("choices"):
            kwargs["max_length"] = self.longest(kwargs["choices"])
        super().__init__(*args, **kwargs)

    @staticmethod
    def longest(choices):
        return max(len(value) for value, _ in choices)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["enum_type"] = self.enum_type
        # Derived from the choices: a value added or removed changes the choices alone.
        if self.choices and kwargs.get("max_length") == self.longest(self.flatchoices):
            del kwargs["max_length"]
        return name, path, args, kwargs

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return self.enum_type
        return super().db_type(connection)

    def cast_db_type(self, connection):
        return self.db_type(connection)

    def db_check(self, connection):
        if connection.vendor == "postgresql":
            return None
        labels = ", ".join(f"'{value}'" for value, _ in self.flatchoices)
        return f"{connection.ops.quote_name(self.column)} IN ({labels})"


class CastToJSONB(models.Func):
    """`json` has no comparison operators; lookups compare it as `jsonb`."""

    output_field = models.JSONField()

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql})::jsonb", params


class LegacyJSONField(models.JSONField):
    """A `json` column. Django's JSONField assumes `jsonb` on PostgreSQL, which breaks here.

    psycopg 3 hands `json` values over already decoded, writes must be sent as `json` so the
    stored text keeps its key order, and key lookups must compare as `jsonb`.
    """

    description = "JSON (PostgreSQL json, not jsonb)"

    def db_type(self, connection):
        if connection.vendor == "postgresql":
            return "json"
        return super().db_type(connection)

    def from_db_value(self, value, expression, connection):
        if value is None or not isinstance(value, str):
            return value
        return super().from_db_value(value, expression, connection)

    def get_db_prep_save(self, value, connection):
        prepared = super().get_db_prep_save(value, connection)
        if isinstance(prepared, Jsonb):
            return Json(prepared.obj, dumps=prepared.dumps)
        return prepared

    def get_transform(self, name):
        transform = super().get_transform(name)
        if transform is None:
            return None
        return lambda lhs, *args, **kwargs: transform(CastToJSONB(lhs), *args, **kwargs)

    def get_lookup(self, lookup_name):
        lookup = super().get_lookup(lookup_name)
        if lookup is None or lookup_name == "isnull":
            return lookup
        return lambda lhs, rhs: lookup(CastToJSONB(lhs), rhs)


class TransactionNow(Now):
    """`now()`, the legacy default (Django's `Now()` is `STATEMENT_TIMESTAMP()` on PostgreSQL)."""

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="now()", **extra_context)


class CreatedAtField(models.DateTimeField):
    """Set by the database (`DEFAULT now()`) when the row is inserted."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("db_default", TransactionNow())
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class UpdatedAtField(CreatedAtField):
    """`DEFAULT now()` on insert, refreshed on every ORM save (SQLAlchemy's `onupdate`)."""

    def pre_save(self, model_instance, add):
        if add:
            return super().pre_save(model_instance, add)
        value = timezone.now()
        setattr(model_instance, self.attname, value)
        return value
