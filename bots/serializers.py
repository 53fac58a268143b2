"""Serializers of the bots app: request validation and the legacy API's response shapes."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bots import services
from bots.models import (
    ActivityLog,
    Bot,
    BotStatus,
    Exchange,
    LogLevel,
    OrderSide,
    TelegramConnection,
    Trade,
)
from scalper.api.fields import (
    DisplayChoiceField,
    LaxBooleanField,
    LaxFloatField,
    LaxUUIDField,
    PositiveFloatField,
    StrictCharField,
)
from scalper.api.serializers import RowListSerializer

# ---------------------------------------------------------------------------------------------
# Bots
# ---------------------------------------------------------------------------------------------


class BotSerializer(serializers.ModelSerializer):
    """A bot as the legacy BotResponse showed it: the same keys in the same order.

    Every row the table may hold is shown, including rows the legacy API could not show
    (written by scripts: NULL status or pnl, trailing_percent out of range, sell <= buy).
    """

    exchange = DisplayChoiceField(Exchange.choices, read_only=True)

    class Meta:
        model = Bot
        fields = (
            "ticker",
            "exchange",
            "first_order",
            "quantity",
            "buy_price",
            "sell_price",
            "trailing_percent",
            "infinite_loop",
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
        fields = (
            "ticker",
            "exchange",
            "first_order",
            "quantity",
            "buy_price",
            "sell_price",
            "trailing_percent",
            "infinite_loop",
        )

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

    def create(self, validated_data):
        return services.create_bot(**validated_data)


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

    def update(self, bot, validated_data):
        return services.update_bot(bot, **validated_data)


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


# ---------------------------------------------------------------------------------------------
# Activity logs
# ---------------------------------------------------------------------------------------------


class ActivityLogSerializer(serializers.ModelSerializer):
    """A log entry as the legacy ActivityLogResponse showed it. `level` is shown as stored:
    the column is plain text and legacy rows may hold other levels."""

    level = serializers.CharField(read_only=True)

    class Meta:
        model = ActivityLog
        fields = ("level", "message", "bot_id", "id", "timestamp")
        read_only_fields = fields
        list_serializer_class = RowListSerializer


class ActivityLogCreateSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(LogLevel.choices)
    message = StrictCharField(max_length=500, trim_whitespace=False)
    # Not checked against the bots table, as legacy: a log may outlive its bot.
    bot_id = LaxUUIDField(allow_null=True, default=None)

    class Meta:
        model = ActivityLog
        fields = ("level", "message", "bot_id")

    def create(self, validated_data):
        return services.log_activity(**validated_data)

    def to_representation(self, log):
        return ActivityLogSerializer(log, context=self.context).data


class LogCountQuerySerializer(serializers.Serializer):
    level = serializers.CharField(
        required=False,
        allow_blank=True,
        trim_whitespace=False,
        help_text="Count only this level (any text, as stored); the answer is then {level, count}.",
    )


class LogCountsSerializer(serializers.Serializer):
    """The number of entries of each level, and of all entries."""

    INFO = serializers.IntegerField()
    SUCCESS = serializers.IntegerField()
    WARNING = serializers.IntegerField()
    ERROR = serializers.IntegerField()
    TELEGRAM = serializers.IntegerField()
    TOTAL = serializers.IntegerField()


class LevelCountSerializer(serializers.Serializer):
    """The number of entries of the level asked for."""

    level = serializers.CharField()
    count = serializers.IntegerField()


# ---------------------------------------------------------------------------------------------
# Trades
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Telegram
# ---------------------------------------------------------------------------------------------


class TelegramConnectionSerializer(serializers.ModelSerializer):
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = TelegramConnection
        fields = [
            "chat_id",
            "username",
            "first_name",
            "last_name",
            "id",
            "is_active",
            "connected_at",
            "last_notification_at",
        ]
        read_only_fields = fields

    @extend_schema_field(OpenApiTypes.BOOL)
    def get_is_active(self, connection):
        # The column is nullable; like the legacy filters, NULL means not active.
        return bool(connection.is_active)


class TelegramStatusSerializer(serializers.Serializer):
    connected = serializers.BooleanField()
    chat_id = serializers.CharField(allow_null=True)
    username = serializers.CharField(allow_null=True)
    connected_at = serializers.DateTimeField(allow_null=True)


class TelegramConnectionCodeSerializer(serializers.Serializer):
    connection_code = serializers.CharField()
    expires_at = serializers.DateTimeField(source="code_expires_at")
    message = serializers.SerializerMethodField()

    def get_message(self, connection) -> str:
        return f"Send this code to the Telegram bot: {connection.connection_code}"


class TelegramNotificationSerializer(serializers.Serializer):
    # Any text, as legacy: what Telegram refuses (over 4096 characters with the emoji) is logged
    # and the answer is 200 all the same.
    message = StrictCharField(
        allow_blank=True, trim_whitespace=False, help_text="Markdown text, sent as it is."
    )
    level = DisplayChoiceField(LogLevel.choices, default=LogLevel.INFO, allow_null=True)

    def validate_level(self, level):
        # An explicit null means the default, as in the legacy API.
        return level or LogLevel.INFO


class TelegramStatsSerializer(serializers.Serializer):
    total_connections = serializers.IntegerField()
    active_connections = serializers.IntegerField()
    inactive_connections = serializers.IntegerField()
    recent_notifications_24h = serializers.IntegerField()


class MessageSerializer(serializers.Serializer):
    message = serializers.CharField()


class TelegramUserSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = StrictCharField(required=False, allow_blank=True)
    first_name = StrictCharField(required=False, allow_blank=True)
    last_name = StrictCharField(required=False, allow_blank=True)


class TelegramChatSerializer(serializers.Serializer):
    id = serializers.IntegerField()


class TelegramMessageSerializer(serializers.Serializer):
    """The parts of a Telegram Message the bot reads; other keys are ignored."""

    chat = TelegramChatSerializer()
    text = StrictCharField(required=False, allow_blank=True, trim_whitespace=False)

    def get_fields(self):
        fields = super().get_fields()
        # "from" is a Python keyword, so it cannot be declared as a class attribute.
        fields["from"] = TelegramUserSerializer(required=False)
        return fields


class TelegramUpdateSerializer(serializers.Serializer):
    """A Telegram Update (https://core.telegram.org/bots/api#update); only messages are read."""

    update_id = serializers.IntegerField()
    message = TelegramMessageSerializer(required=False)
