import uuid

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper

# Telegram's model lives in its package; importing it here registers it with this app, whose
# migrations hold its table.
from bots.telegram.models import TelegramConnection  # noqa: F401
from exchanges.models import Exchange, OrderSide
from scalper.legacy.constraints import LegacyIndex
from scalper.legacy.fields import CreatedAtField, EnumField, LegacyJSONField, UpdatedAtField
from scalper.legacy.models import TimestampedModel


class BotStatus(models.TextChoices):
    ACTIVE = "ACTIVE", "ACTIVE"
    STOPPED = "STOPPED", "STOPPED"
    ERROR = "ERROR", "ERROR"


class LogLevel(models.TextChoices):
    """Activity log levels. The column is plain varchar(20), as in the legacy schema."""

    INFO = "INFO", "INFO"
    SUCCESS = "SUCCESS", "SUCCESS"
    WARNING = "WARNING", "WARNING"
    ERROR = "ERROR", "ERROR"
    TELEGRAM = "TELEGRAM", "TELEGRAM"


class Bot(TimestampedModel):
    # What a client sets (the API's writes, the admin's form), in the legacy API's order.
    SETTINGS = (
        "ticker",
        "exchange",
        "first_order",
        "quantity",
        "buy_price",
        "sell_price",
        "trailing_percent",
        "infinite_loop",
    )

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    ticker = models.CharField(max_length=20)
    exchange = EnumField(enum_type="exchange", choices=Exchange.choices)
    first_order = EnumField(enum_type="orderside", choices=OrderSide.choices)
    quantity = models.FloatField()
    buy_price = models.FloatField()
    sell_price = models.FloatField()
    trailing_percent = models.FloatField(null=True, blank=True)
    infinite_loop = models.BooleanField(null=True, default=False)
    status = EnumField(
        enum_type="botstatus", choices=BotStatus.choices, null=True, default=BotStatus.STOPPED
    )
    pnl = models.FloatField(null=True, default=0.0)
    total_trades = models.IntegerField(null=True, default=0)
    last_fill_time = models.DateTimeField(null=True, blank=True)
    created_at = CreatedAtField()
    updated_at = UpdatedAtField()
    config = LegacyJSONField(null=True, blank=True)

    class Meta:
        db_table = "bots"
        indexes = [
            LegacyIndex(fields=["id"], name="ix_bots_id"),
            LegacyIndex(fields=["status"], name="ix_bots_status"),
            LegacyIndex(fields=["ticker"], name="ix_bots_ticker"),
        ]

    def __str__(self):
        return f"{self.ticker} on {self.get_exchange_display()}"

    @staticmethod
    def sell_price_error(buy_price, sell_price):
        """Why these prices cannot be a bot's, or None: a bot sells above the price it buys at."""
        if buy_price is not None and sell_price is not None and sell_price <= buy_price:
            return f"Must be greater than buy_price ({buy_price})."
        return None

    def clean(self):
        """The legacy API's rules for a bot's settings (its BotCreate schema).

        Rows written by scripts may break them; they are checked when settings are changed.
        """
        errors = {}
        for name in ("quantity", "buy_price", "sell_price"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                errors[name] = "Must be greater than 0."
        if self.trailing_percent is not None and not 0.1 <= self.trailing_percent <= 3.0:
            errors["trailing_percent"] = "Must be between 0.1 and 3.0."
        if "buy_price" not in errors and "sell_price" not in errors:
            sell_price_error = self.sell_price_error(self.buy_price, self.sell_price)
            if sell_price_error:
                errors["sell_price"] = sell_price_error
        if errors:
            raise ValidationError(errors)


class ActivityLog(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A plain column, no foreign key: the log of a deleted bot outlives it.
    bot_id = models.UUIDField(null=True, blank=True)
    level = models.CharField(max_length=20, choices=LogLevel.choices)
    message = models.CharField(max_length=500)
    timestamp = CreatedAtField()
    extra_data = LegacyJSONField(null=True, blank=True)

    class Meta:
        db_table = "activity_logs"
        indexes = [
            LegacyIndex(fields=["bot_id"], name="ix_activity_logs_bot_id"),
            LegacyIndex(fields=["id"], name="ix_activity_logs_id"),
            LegacyIndex(fields=["level"], name="ix_activity_logs_level"),
            LegacyIndex(fields=["timestamp"], name="ix_activity_logs_timestamp"),
            # Later migrations (bots 0002, 0003): a bot's newest logs, and the admin's search.
            LegacyIndex(fields=["bot_id", "timestamp"], name="ix_activity_logs_bot_id_timestamp"),
            GinIndex(
                OpClass(Upper("message"), name="gin_trgm_ops"), name="ix_activity_logs_message_trgm"
            ),
        ]

    def __str__(self):
        return f"{self.level}: {self.message}"


class Trade(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # A plain column, no foreign key, as in the legacy schema.
    bot_id = models.UUIDField()
    symbol = models.CharField(max_length=20)
    side = EnumField(enum_type="orderside", choices=OrderSide.choices)
    quantity = models.FloatField()
    price = models.FloatField()
    pnl = models.FloatField(null=True, blank=True)
    commission = models.FloatField(null=True, default=0.0)
    exchange_order_id = models.CharField(max_length=100, null=True, blank=True)
    exchange = EnumField(enum_type="exchange", choices=Exchange.choices)
    executed_at = CreatedAtField()
    extra_data = LegacyJSONField(null=True, blank=True)

    class Meta:
        db_table = "trades"
        indexes = [
            LegacyIndex(fields=["bot_id"], name="ix_trades_bot_id"),
            LegacyIndex(fields=["executed_at"], name="ix_trades_executed_at"),
            LegacyIndex(fields=["id"], name="ix_trades_id"),
        ]

    def __str__(self):
        return f"{self.side} {self.quantity} {self.symbol} @ {self.price}"
