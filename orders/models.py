import uuid

from django.db import models

from bots.models import Bot
from exchanges.models import OrderSide
from scalper.legacy.constraints import ForeignKeyConstraint, LegacyIndex
from scalper.legacy.fields import CreatedAtField, EnumField, LegacyJSONField, UpdatedAtField
from scalper.legacy.models import TimestampedModel


class OrderType(models.TextChoices):
    MARKET = "MARKET", "MARKET"
    LIMIT = "LIMIT", "LIMIT"
    STOP_LOSS = "STOP_LOSS", "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT", "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT", "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT", "TAKE_PROFIT_LIMIT"


class OrderStatus(models.TextChoices):
    PENDING = "PENDING", "PENDING"
    OPEN = "OPEN", "OPEN"
    PARTIALLY_FILLED = "PARTIALLY_FILLED", "PARTIALLY_FILLED"
    FILLED = "FILLED", "FILLED"
    CANCELLED = "CANCELLED", "CANCELLED"
    REJECTED = "REJECTED", "REJECTED"
    EXPIRED = "EXPIRED", "EXPIRED"
    FAILED = "FAILED", "FAILED"


# An order in one of these states will not change any more.
FINAL_STATUSES = (
    OrderStatus.FILLED,
    OrderStatus.CANCELLED,
    OrderStatus.REJECTED,
    OrderStatus.EXPIRED,
    OrderStatus.FAILED,
)
ACTIVE_STATUSES = (OrderStatus.PENDING, OrderStatus.OPEN, OrderStatus.PARTIALLY_FILLED)


class Order(TimestampedModel):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # The database constraint is `orders_bot_id_fkey` below; deleting a bot deletes its orders
    # in the same transaction.
    bot = models.ForeignKey(
        Bot, on_delete=models.CASCADE, related_name="orders", db_constraint=False, db_index=False
    )
    exchange = models.CharField(max_length=50)
    exchange_order_id = models.CharField(max_length=100, null=True, blank=True)
    ticker = models.CharField(max_length=20)
    side = EnumField(enum_type="orderside", choices=OrderSide.choices)
    order_type = EnumField(enum_type="ordertype", choices=OrderType.choices)
    quantity = models.FloatField()
    filled_quantity = models.FloatField(null=True, default=0.0)
    remaining_quantity = models.FloatField(null=True, blank=True)
    price = models.FloatField(null=True, blank=True)
    average_fill_price = models.FloatField(null=True, blank=True)
    stop_price = models.FloatField(null=True, blank=True)
    status = EnumField(
        enum_type="orderstatus", choices=OrderStatus.choices, default=OrderStatus.PENDING
    )
    commission = models.FloatField(null=True, default=0.0)
    commission_asset = models.CharField(max_length=20, null=True, blank=True)
    quote_quantity = models.FloatField(null=True, blank=True)
    pnl = models.FloatField(null=True, blank=True)
    error_message = models.CharField(max_length=500, null=True, blank=True)
    # double precision in the legacy schema.
    retry_count = models.FloatField(null=True, default=0.0)
    created_at = CreatedAtField()
    updated_at = UpdatedAtField()
    sent_to_exchange_at = models.DateTimeField(null=True, blank=True)
    first_fill_at = models.DateTimeField(null=True, blank=True)
    last_fill_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    extra_data = LegacyJSONField(null=True, blank=True)

    class Meta:
        db_table = "orders"
        indexes = [
            LegacyIndex(fields=["bot"], name="ix_orders_bot_id"),
            LegacyIndex(fields=["created_at"], name="ix_orders_created_at"),
            LegacyIndex(fields=["exchange"], name="ix_orders_exchange"),
            LegacyIndex(fields=["exchange_order_id"], name="ix_orders_exchange_order_id"),
            LegacyIndex(fields=["id"], name="ix_orders_id"),
            LegacyIndex(fields=["side"], name="ix_orders_side"),
            LegacyIndex(fields=["status"], name="ix_orders_status"),
            LegacyIndex(fields=["ticker"], name="ix_orders_ticker"),
        ]
        constraints = [ForeignKeyConstraint(field="bot", name="orders_bot_id_fkey")]

    def __str__(self):
        return f"{self.side} {self.quantity} {self.ticker} ({self.status})"

    @property
    def is_complete(self):
        return self.status in FINAL_STATUSES

    @property
    def fill_percentage(self):
        if not self.quantity:
            return 0.0
        return (self.filled_quantity or 0.0) / self.quantity * 100
