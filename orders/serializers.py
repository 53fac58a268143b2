from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import Coalesce
from rest_framework import serializers

from orders.models import FINAL_STATUSES, Order
from scalper.api.serializers import RowListSerializer


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
        list_serializer_class = RowListSerializer
        # The properties of Order, computed by the database for lists (the same floating point
        # operations, in the same order).
        row_expressions = {
            "fill_percentage": Case(
                When(quantity=0, then=Value(0.0)),
                default=Coalesce("filled_quantity", Value(0.0)) / F("quantity") * Value(100.0),
                output_field=FloatField(),
            ),
            "is_complete": Q(status__in=FINAL_STATUSES),
        }


class OrderStatisticsSerializer(serializers.Serializer):
    total_orders = serializers.IntegerField()
    filled_orders = serializers.IntegerField()
    cancelled_orders = serializers.IntegerField()
    failed_orders = serializers.IntegerField()
    active_orders = serializers.IntegerField(help_text="PENDING, OPEN or PARTIALLY_FILLED.")
    fill_rate = serializers.FloatField(help_text="Percentage of orders filled.")
    total_commission = serializers.FloatField()
    total_volume = serializers.FloatField(help_text="Sum of quote_quantity.")
