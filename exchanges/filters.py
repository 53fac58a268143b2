from django import forms
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from exchanges.models import ExchangeCredentials

# The spellings the legacy API (pydantic) accepted for a boolean query parameter.
BOOLEAN_SPELLINGS = {
    **dict.fromkeys(("true", "1", "yes", "on", "t", "y"), True),
    **dict.fromkeys(("false", "0", "no", "off", "f", "n"), False),
}


class StrictBooleanField(forms.Field):
    """true/false (and the legacy spellings); anything else is an error, not an ignored filter."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return BOOLEAN_SPELLINGS[str(value).lower()]
        except KeyError:
            # django-filter formats messages with `%`: the value goes in params, not the text.
            raise forms.ValidationError(
                "Must be true or false, got %(value)r.", params={"value": value}
            ) from None


@extend_schema_field(OpenApiTypes.BOOL)
class StrictBooleanFilter(filters.Filter):
    field_class = StrictBooleanField


class ExchangeCredentialsFilter(filters.FilterSet):
    exchange = filters.CharFilter(
        method="filter_exchange", help_text="Exchange name, any case (stored lower-case)."
    )
    is_active = StrictBooleanFilter()

    class Meta:
        model = ExchangeCredentials
        fields = ["exchange", "is_active"]

    def filter_exchange(self, queryset, name, value):
        return queryset.filter(exchange=value.lower())
