"""Serializer fields for the legacy API's representation of values."""

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


class StrictCharField(serializers.CharField):
    """Text that must arrive as a JSON string (DRF's CharField turns 0 into "0"), as legacy."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
