"""Serializers of bots: the legacy API's BotResponse, and the rules of what a client sets."""

from rest_framework import serializers

from bots.models import Bot, BotStatus
from exchanges.models import Exchange, OrderSide
from scalper.api.fields import (
    DisplayChoiceField,
    LaxBooleanField,
    LaxFloatField,
    PositiveFloatField,
    StrictCharField,
)
from scalper.api.serializers import RowListSerializer


class BotSerializer(serializers.ModelSerializer):
    """A bot as the legacy BotResponse showed it: the same keys in the same order.

    Every row the table may hold is shown, including rows the legacy API could not show
    (written by scripts: NULL status or pnl, trailing_percent out of range, sell <= buy).
    """

    exchange = DisplayChoiceField(Exchange.choices, read_only=True)

    class Meta:
        model = Bot
        fields = (
            *Bot.SETTINGS,
            "id",
            "status",
            "pnl",
            "total_trades",
            "last_fill_time",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields
        list_serializer_class = RowListSerializer


class BotWriteSerializer(serializers.ModelSerializer):
    """The fields a client sets, with the legacy BotCreate rules."""

    ticker = StrictCharField(max_length=20, trim_whitespace=False)
    exchange = DisplayChoiceField(Exchange.choices)
    first_order = serializers.ChoiceField(OrderSide.choices)
    quantity = PositiveFloatField()
    buy_price = PositiveFloatField()
    sell_price = PositiveFloatField()
    trailing_percent = LaxFloatField(min_value=0.1, max_value=3.0, allow_null=True)
    infinite_loop = LaxBooleanField()

    class Meta:
        model = Bot
        fields = Bot.SETTINGS

    def validate(self, attrs):
        buy_price = attrs.get("buy_price", getattr(self.instance, "buy_price", None))
        sell_price = attrs.get("sell_price", getattr(self.instance, "sell_price", None))
        sell_price_error = Bot.sell_price_error(buy_price, sell_price)
        if sell_price_error:
            raise serializers.ValidationError({"sell_price": [sell_price_error]})
        return attrs

    def to_representation(self, bot):
        return BotSerializer(bot, context=self.context).data


class BotCreateSerializer(BotWriteSerializer):
    trailing_percent = LaxFloatField(min_value=0.1, max_value=3.0, allow_null=True, default=None)
    infinite_loop = LaxBooleanField(default=False)


class BotUpdateSerializer(BotWriteSerializer):
    """PUT with the legacy partial semantics: every field is optional and each one sent is
    applied. `null` clears trailing_percent; for any other field it is refused."""

    status = serializers.ChoiceField(BotStatus.choices)

    class Meta(BotWriteSerializer.Meta):
        fields = (*BotWriteSerializer.Meta.fields, "status")

    def get_fields(self):
        fields = super().get_fields()
        for field in fields.values():
            field.required = False
        return fields


class BotStatisticsSerializer(serializers.Serializer):
    total_bots = serializers.IntegerField()
    active_bots = serializers.IntegerField()
    # Every bot that is not ACTIVE, ERROR and unset included, as legacy counted them.
    stopped_bots = serializers.IntegerField()
    total_pnl = serializers.FloatField()
    total_trades = serializers.IntegerField()


class StopAllSerializer(serializers.Serializer):
    message = serializers.CharField()
    count = serializers.IntegerField()
