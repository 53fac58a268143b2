"""Lean list representation for the API's list endpoints.

DRF's field-by-field representation dominates the time of a 1000-row page, and so does building
Python values for the rows (Django's loader for `timestamptz` is pure Python; a UUID object costs
more than its text). A list endpoint therefore selects its rows with `select_rows()`: tuples in
the serializer's field order, timestamps and UUIDs already written by PostgreSQL as the API writes
them. Its serializer sets `list_serializer_class = RowListSerializer`, which turns each tuple into
the dict the serializer would give. OpenAPI still documents a list of the serializer.
"""

import functools

from django.db.models import DateTimeField, Func, UUIDField
from rest_framework import serializers

from scalper.api.fields import DisplayChoiceField

# A timestamp as the API writes it: `2025-10-01T09:12:45.123456Z`, UTC, no fraction when it is
# zero (like Python's isoformat).
ISO_TIMESTAMP = (
    "replace(to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
    " '.000000Z', 'Z')"
)


class WrittenValue(Func):
    """A timestamp or UUID column, written as text by PostgreSQL in the API's form.

    Other databases return the column itself, which Django converts as usual and the JSON
    renderer writes in the same form. On PostgreSQL Django has no converter for these fields, so
    the text reaches the response untouched.
    """

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra_context):
        if isinstance(self.output_field, DateTimeField):
            template = ISO_TIMESTAMP
        else:
            template = "(%(expressions)s)::text"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def _column(field):
    value = field.target_field if field.is_relation else field
    for written in (DateTimeField, UUIDField):
        if isinstance(value, written):
            return WrittenValue(field.attname, output_field=written())
    return field.attname


def select_rows(queryset, serializer_class):
    """`queryset` as tuples of the fields of `serializer_class`, for RowListSerializer.

    A field that is not a column is computed by the database: the serializer's
    `Meta.row_expressions` maps its name to the expression.
    """
    model = queryset.model._meta
    computed = getattr(serializer_class.Meta, "row_expressions", {})
    return queryset.values_list(
        *(
            computed[name] if name in computed else _column(model.get_field(name))
            for name in serializer_class.Meta.fields
        )
    )


@functools.cache
def _display_values(serializer_class):
    """(field name, display value by stored value) of each DisplayChoiceField."""
    return [
        (name, field.display_by_value)
        for name, field in serializer_class().fields.items()
        if isinstance(field, DisplayChoiceField)
    ]


class RowListSerializer(serializers.ListSerializer):
    """A list of rows from `select_rows()`, represented as the child serializer would."""

    def to_representation(self, rows):
        names = self.child.Meta.fields
        # Rows have the fields' length by construction; strict=True would cost a third more.
        represented = [dict(zip(names, row, strict=False)) for row in rows]
        for name, display_by_value in _display_values(type(self.child)):
            for item in represented:
                item[name] = display_by_value.get(item[name], item[name])
        return represented
