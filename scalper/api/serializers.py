"""Lean list representation for the API's list endpoints.

DRF's field-by-field representation dominates the time of a 1000-row page, and so does reading
`timestamptz` values (Django's loader for them is pure Python, several µs a value). A list
endpoint therefore selects its rows with `select_rows()`: tuples in the serializer's field order,
timestamps already written by the database as the API writes them. Its serializer sets
`list_serializer_class = RowListSerializer`, which turns each tuple into the dict the serializer
would give. OpenAPI still documents a list of the serializer.
"""

import functools

from django.db.models import DateTimeField, Func, TextField
from rest_framework import serializers

from scalper.api.fields import DisplayChoiceField


class ISOTimestamp(Func):
    """A timestamp as the API writes it, `2025-10-01T09:12:45.123456Z` (UTC; no fraction when
    it is zero, like Python's isoformat), written by the database."""

    output_field = TextField()
    template = (
        "replace(to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'),"
        " '.000000Z', 'Z')"
    )

    def as_sqlite(self, compiler, connection, **extra_context):
        # Django stores UTC times as text there, `2025-10-01 09:12:45.123456` (SQLite's own
        # now() defaults keep milliseconds only: `...45.123Z`, still ISO 8601).
        template = "replace(%(expressions)s, ' ', 'T') || 'Z'"
        return super().as_sql(compiler, connection, template=template, **extra_context)


def select_rows(queryset, serializer_class):
    """`queryset` as tuples of the fields of `serializer_class`, for RowListSerializer."""
    fields = queryset.model._meta
    return queryset.values_list(
        *(
            ISOTimestamp(name) if isinstance(fields.get_field(name), DateTimeField) else name
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
        represented = [dict(zip(names, row, strict=True)) for row in rows]
        for name, display_by_value in _display_values(type(self.child)):
            for item in represented:
                item[name] = display_by_value.get(item[name], item[name])
        return represented
