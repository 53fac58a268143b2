"""Query filters of the bots app's list endpoints (django-filter: a bad value is a 400)."""

from datetime import UTC, datetime

from django_filters import rest_framework as filters

from bots.models import ActivityLog, Bot, BotStatus, Trade
from exchanges.models import OrderSide
from scalper.api.filters import IsoDateTimeFilter, TextFilter, UUIDFilter


class BotFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=BotStatus.choices)

    class Meta:
        model = Bot
        fields = ["status"]


class ActivityLogFilter(filters.FilterSet):
    # Any text, compared as it is: legacy rows may hold levels outside LogLevel.
    level = TextFilter()
    bot_id = UUIDFilter()

    class Meta:
        model = ActivityLog
        fields = ["level", "bot_id"]


class UTCDateTimeFilter(IsoDateTimeFilter):
    """An ISO 8601 time, compared in UTC.

    PostgreSQL refuses UTC offsets beyond ±15:59, which ISO 8601 allows, so the bound is sent
    in UTC; one that leaves Python's years 1 to 9999 in UTC becomes the nearest it can hold
    (no trade lies beyond either end).
    """

    def filter(self, qs, value):
        if value is not None:
            try:
                value = value.astimezone(UTC)
            except OverflowError:
                value = (datetime.min if value.year == 1 else datetime.max).replace(tzinfo=UTC)
        return super().filter(qs, value)


class TradeFilter(filters.FilterSet):
    bot_id = UUIDFilter()
    symbol = TextFilter()
    side = filters.ChoiceFilter(choices=OrderSide.choices)
    # A half-open window [executed_after, executed_before), so adjacent windows never overlap.
    executed_after = UTCDateTimeFilter(
        field_name="executed_at",
        lookup_expr="gte",
        help_text="Trades executed at or after this ISO 8601 time (UTC unless it has an offset).",
    )
    executed_before = UTCDateTimeFilter(
        field_name="executed_at",
        lookup_expr="lt",
        help_text="Trades executed before this ISO 8601 time (UTC unless it has an offset).",
    )

    class Meta:
        model = Trade
        fields = ["bot_id", "symbol", "side", "executed_after", "executed_before"]
