"""Serializer building blocks shared by the apps' APIs."""

from rest_framework import serializers

from scalper.api.fields import DisplayChoiceField


class ValuesListSerializer(serializers.ListSerializer):
    """A list of rows from `.values(*child.Meta.fields)`, represented without per-row fields.

    DRF's field-by-field representation dominates the time of a 1000-row page. The rows of
    `.values()` already hold the API's values in the API's key order (the JSON renderer writes
    UUIDs and datetimes as the fields would), so only the fields that change a value, the legacy
    enum display values, are applied. Documented in OpenAPI as a list of the child serializer.
    """

    def to_representation(self, rows):
        displays = [
            (name, field.display_by_value)
            for name, field in self.child.fields.items()
            if isinstance(field, DisplayChoiceField)
        ]
        rows = list(rows)
        for name, display_by_value in displays:
            for row in rows:
                value = row[name]
                row[name] = display_by_value.get(value, value)
        return rows
