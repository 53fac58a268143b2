from django_filters import rest_framework as filters

from bots.models import OrderSide, Trade


class TradeFilter(filters.FilterSet):
    bot_id = filters.UUIDFilter()
    symbol = filters.CharFilter(max_length=Trade._meta.get_field("symbol").max_length)
    side = filters.ChoiceFilter(choices=OrderSide.choices)
    # A half-open window [executed_after, executed_before), so adjacent windows never overlap.
    executed_after = filters.IsoDateTimeFilter(
        field_name="executed_at",
        lookup_expr="gte",
        help_text="Trades executed at or after this ISO 8601 time (UTC unless it has an offset).",
    )
    executed_before = filters.IsoDateTimeFilter(
        field_name="executed_at",
        lookup_expr="lt",
        help_text="Trades executed before this ISO 8601 time (UTC unless it has an offset).",
    )

    class Meta:
        model = Trade
        fields = ["bot_id", "symbol", "side", "executed_after", "executed_before"]
