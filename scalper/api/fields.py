"""Serializer fields for the legacy API's representation of values."""

import math

from drf_spectacular.drainage import set_override
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
# numeric text, flags also as 0/1 and yes/no words; text only as a JSON string. The OpenAPI
# document lists each accepted form.

LAX_NUMBER_SCHEMA = {
    "anyOf": [
        {"type": "number"},
        {"type": "string", "pattern": "^[0-9_.eE+-]+$", "description": 'Numeric text, e.g. "1.5".'},
        {"type": "boolean", "description": "true is 1, false is 0."},
    ],
}


def lax_integer_schema(minimum, maximum, default):
    """An integer in [minimum, maximum], or integral text as the legacy API read it."""
    return {
        "anyOf": [
            {"type": "integer", "minimum": minimum, "maximum": maximum},
            {
                "type": "string",
                "pattern": r"^[+-]?[0-9_]+(\.0*)?$",
                "description": 'Integral text, e.g. "10.0" or "1_000".',
            },
        ],
        "default": default,
    }


LAX_BOOLEAN_SCHEMA = {
    "anyOf": [
        {"type": "boolean"},
        {"type": "integer", "enum": [0, 1]},
        {
            "type": "string",
            "description": "true/false, 1/0, yes/no, on/off, t/f, y/n, in any case.",
            "pattern": "^([Tt]([Rr][Uu][Ee])?|[Ff]([Aa][Ll][Ss][Ee])?|[Yy]([Ee][Ss])?|[Nn][Oo]?"
            "|[Oo]([Nn]|[Ff][Ff])|[01])$",
        },
    ],
}
_HEX_UUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
LAX_UUID_SCHEMA = {
    "type": "string",
    "description": "A UUID: hyphenated, 32 hex digits, in braces or as urn:uuid:...",
    "pattern": f"^([0-9a-fA-F]{{32}}|{_HEX_UUID}|\\{{{_HEX_UUID}\\}}|urn:uuid:{_HEX_UUID})$",
}


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
    exclusive_minimum = False

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # The bounds apply to the number however it was written.
        schema = dict(LAX_NUMBER_SCHEMA)
        if self.min_value is not None:
            schema["minimum"] = self.min_value
        if self.max_value is not None:
            schema["maximum"] = self.max_value
        if self.exclusive_minimum:
            schema.update(minimum=0, exclusiveMinimum=True)
        set_override(self, "field", schema)

    def to_internal_value(self, data):
        try:
            value = lax.to_float(data)
        except ValueError:
            self.fail("invalid")
        if not math.isfinite(value):
            self.fail("not_finite")
        return value


class PositiveFloatField(LaxFloatField):
    """A number greater than zero."""

    exclusive_minimum = True
    default_error_messages = {"not_positive": "Ensure this value is greater than 0."}

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        if value <= 0:
            self.fail("not_positive")
        return value


@extend_schema_field(LAX_BOOLEAN_SCHEMA)
class LaxBooleanField(serializers.BooleanField):
    """`true`/`false`, 0/1, and the texts "true", "1", "yes", "on", "t", "y" (any case) and their
    opposites; nothing else (DRF's BooleanField also takes "null" and "")."""

    def to_internal_value(self, data):
        try:
            return lax.to_bool(data)
        except ValueError:
            self.fail("invalid", input=data)


@extend_schema_field(LAX_UUID_SCHEMA)
class LaxUUIDField(serializers.UUIDField):
    """A UUID as text, in the spellings pydantic took (DRF's UUIDField also takes an integer and
    stray hyphens or braces)."""

    def to_internal_value(self, data):
        try:
            return lax.to_uuid(data)
        except ValueError:
            self.fail("invalid", value=data)
