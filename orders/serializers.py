from rest_framework import serializers

from orders.models import Order


class OrderSerializer(serializers.ModelSerializer):
    """An order with every column, plus how far it is filled and whether it is final."""

    bot_id = serializers.UUIDField(read_only=True)
    fill_percentage = serializers.FloatField(
        read_only=True, help_text="filled_quantity / quantity * 100 (0 when quantity is 0)."
    )
    is_complete = serializers.BooleanField(
        read_only=True,
        help_text="True once the order is FILLED, CANCELLED, REJECTED, EXPIRED or FAILED.",
    )

    class Meta:
        model = Order
        fields = [
            "ticker",
            "side",
            "order_type",
            "quantity",
            "price",
            "stop_price",
            "id",
            "bot_id",
            "exchange",
            "exchange_order_id",
            "status",
            "filled_quantity",
            "remaining_quantity",
            "average_fill_price",
            "commission",
            "commission_asset",
            "quote_quantity",
            "pnl",
            "error_message",
            "retry_count",
            "created_at",
            "updated_at",
            "sent_to_exchange_at",
            "first_fill_at",
            "last_fill_at",
            "completed_at",
            "extra_data",
            "fill_percentage",
            "is_complete",
        ]
        read_only_fields = fields


class OrderStatisticsSerializer(serializers.Serializer):
    total_orders = serializers.IntegerField()
    filled_orders = serializers.IntegerField()
    cancelled_orders = serializers.IntegerField()
    failed_orders = serializers.IntegerField()
    active_orders = serializers.IntegerField(help_text="PENDING, OPEN or PARTIALLY_FILLED.")
    fill_rate = serializers.FloatField(help_text="Percentage of orders filled.")
    total_commission = serializers.FloatField()
    total_volume = serializers.FloatField(help_text="Sum of quote_quantity.")
