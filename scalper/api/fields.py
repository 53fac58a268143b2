"""Serializer fields for the legacy API's representation of values."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


class DisplayChoiceField(serializers.ChoiceField):
    """An enum shown as its legacy API value (`"CoinDCX F"`) and stored as its name (`COINDCX_F`).

    `choices` are (stored value, display value) pairs, usually a TextChoices' `.choices`; input is
    accepted as either spelling. A stored value without a display value is shown as it is.
    """

    def __init__(self, choices, **kwargs):
        self.display_by_value = dict(choices)
        self.value_by_display = {display: value for value, display in choices}
        super().__init__(choices=[(display, display) for _, display in choices], **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str):
            if data in self.value_by_display:
                return self.value_by_display[data]
            if data in self.display_by_value:
                return data
        self.fail("invalid_choice", input=data)

    def to_representation(self, value):
        if value in (None, ""):
            return value
        return self.display_by_value.get(value, value)


# Strict JSON types: DRF's fields convert `"1.5"`, `true` or `5` into the type they expect; these
# refuse a value of the wrong JSON type with a 400, as the OpenAPI document promises.


class StrictCharField(serializers.CharField):
    """A JSON string (DRF's CharField also turns numbers into strings)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictFloatField(serializers.FloatField):
    """A JSON number (DRF's FloatField also accepts numeric strings and booleans)."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, float)):
            self.fail("invalid")
        return super().to_internal_value(data)


@extend_schema_field({"type": "number", "format": "double", "minimum": 0, "exclusiveMinimum": True})
class PositiveFloatField(StrictFloatField):
    """A JSON number greater than zero."""

    default_error_messages = {"not_positive": "Ensure this value is greater than 0."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value <= 0:
            self.fail("not_positive")
        return value


class StrictBooleanField(serializers.BooleanField):
    """`true` or `false` (DRF's BooleanField also accepts `"yes"`, `1`, `"on"`...)."""

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid")
        return data


class StrictUUIDField(serializers.UUIDField):
    """A UUID as a JSON string (DRF's UUIDField also accepts an integer)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
