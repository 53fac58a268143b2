"""The API's filters: django-filter's, reading values as the legacy API read them.

The legacy API compared every query value as given: `?ticker=%20ETH` found no `ETH` order. Django's
form fields strip spaces from text, UUIDs and times; the filters here do not, and they read
booleans and UUIDs in the spellings the legacy API took (scalper/api/lax.py). Every FilterSet of
the API declares its filters with these classes (tests/api/test_filters_as_given.py checks it).
"""

from django import forms
from django_filters import rest_framework as filters
from django_filters.fields import IsoDateTimeField
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema_field

from scalper.api import lax
from scalper.api.fields import LAX_BOOLEAN_SCHEMA, LAX_UUID_SCHEMA


class TextFilter(filters.CharFilter):
    """Exact text, spaces included."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("strip", False)
        super().__init__(*args, **kwargs)


class _LaxUUIDFormField(forms.UUIDField):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return lax.to_uuid(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


@extend_schema_field(LAX_UUID_SCHEMA)
class UUIDFilter(filters.UUIDFilter):
    """A UUID in the spellings the legacy API took (no spaces around it)."""

    field_class = _LaxUUIDFormField


class _LaxBooleanFormField(forms.Field):
    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return lax.to_bool(value)
        except ValueError:
            # django-filter formats messages with `%`: the value goes in params, not the text.
            raise forms.ValidationError(
                "Must be true or false, got %(value)r.", params={"value": value}
            ) from None


@extend_schema_field(LAX_BOOLEAN_SCHEMA)
class BooleanFilter(filters.Filter):
    """true/false and the other spellings the legacy API took (1/0, yes/no, on/off, t/f, y/n);
    anything else is a 400, not an ignored filter."""

    field_class = _LaxBooleanFormField


class _AsGivenIsoDateTimeField(IsoDateTimeField):
    def to_python(self, value):
        if isinstance(value, str) and value != value.strip():
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class IsoDateTimeFilter(filters.IsoDateTimeFilter):
    """An ISO 8601 time, without spaces around it."""

    field_class = _AsGivenIsoDateTimeField


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that leaves the queryset alone when no filter parameter is sent.

    Building and validating a FilterSet's form costs about half a millisecond, as much as the
    rest of a list request's Python work, and with no filter parameter it filters nothing (empty
    values are skipped). A parameter counts if its name starts with a filter's name (range
    widgets add suffixes such as `_min`); a FilterSet with a required filter always runs.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not self._applies(filterset_class, request):
            return queryset
        return super().filter_queryset(request, queryset, view)

    @staticmethod
    def _applies(filterset_class, request):
        filters = filterset_class.base_filters
        if any(f.extra.get("required") for f in filters.values()):
            return True
        return any(
            parameter.startswith(name) for parameter in request.query_params for name in filters
        )
