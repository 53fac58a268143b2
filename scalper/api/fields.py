"""Serializer fields for the legacy API's representation of values."""

import math

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scalper.api import lax


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


# Input as the legacy API took it (pydantic's lax mode, scalper/api/lax.py): numbers also as
# numeric text, flags also as 0/1 and yes/no words; text only as a JSON string.


class StrictCharField(serializers.CharField):
    """A JSON string (DRF's CharField also turns numbers into strings; pydantic refused them)."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class LaxFloatField(serializers.FloatField):
    """A finite number, also given as text (`"1.5"`, `"1e3"`, `"1_000"`) or as a boolean.

    Infinity and NaN, which pydantic took, are refused: no JSON response can show them (the
    legacy API then failed on every list that held the row).
    """

    default_error_messages = {"not_finite": "A finite number is required."}

    def to_internal_value(self, data):
        try:
            value = lax.to_float(data)
        except ValueError:
            self.fail("invalid")
        if not math.isfinite(value):
            self.fail("not_finite")
        return value


@extend_schema_field({"type": "number", "format": "double", "minimum": 0, "exclusiveMinimum": True})
class PositiveFloatField(LaxFloatField):
    """A number greater than zero."""

    default_error_messages = {"not_positive": "Ensure this value is greater than 0."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value <= 0:
            self.fail("not_positive")
        return value


class LaxBooleanField(serializers.BooleanField):
    """`true`/`false`, 0/1, and the texts "true", "1", "yes", "on", "t", "y" (any case) and their
    opposites; nothing else (DRF's BooleanField also takes "null" and "")."""

    def to_internal_value(self, data):
        try:
            return lax.to_bool(data)
        except ValueError:
            self.fail("invalid", input=data)


class LaxUUIDField(serializers.UUIDField):
    """A UUID as text, in the spellings pydantic took (DRF's UUIDField also takes an integer and
    stray hyphens or braces)."""

    def to_internal_value(self, data):
        try:
            return lax.to_uuid(data)
        except ValueError:
            self.fail("invalid", value=data)
