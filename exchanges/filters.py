from django_filters import rest_framework as filters

from exchanges.models import ExchangeCredentials
from scalper.api.filters import BooleanFilter, TextFilter


class ExchangeCredentialsFilter(filters.FilterSet):
    exchange = TextFilter(
        method="filter_exchange", help_text="Exchange name, any case (stored lower-case)."
    )
    is_active = BooleanFilter()

    class Meta:
        model = ExchangeCredentials
        fields = ["exchange", "is_active"]

    def filter_exchange(self, queryset, name, value):
        return queryset.filter(exchange=value.lower())
