"""The serializer of trades, in the key order of the legacy TradeResponse."""

from rest_framework import serializers

from bots.models import Trade
from exchanges.models import Exchange, OrderSide
from scalper.api.fields import DisplayChoiceField


class TradeSerializer(serializers.ModelSerializer):
    side = DisplayChoiceField(OrderSide.choices)
    exchange = DisplayChoiceField(Exchange.choices)

    class Meta:
        model = Trade
        # The key order of the legacy TradeResponse schema.
        fields = [
            "bot_id",
            "symbol",
            "side",
            "quantity",
            "price",
            "exchange",
            "id",
            "pnl",
            "commission",
            "exchange_order_id",
            "executed_at",
        ]
        read_only_fields = fields
