"""Serializers of the Telegram endpoints, and of the updates Telegram delivers to the webhook."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bots.models import LogLevel
from bots.telegram.models import TelegramConnection
from scalper.api.fields import DisplayChoiceField, StrictCharField


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
