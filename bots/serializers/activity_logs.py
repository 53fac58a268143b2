"""Serializers of the activity log: entries as the legacy API showed them, new entries, counts."""

from rest_framework import serializers

from bots.models import ActivityLog, LogLevel
from scalper.api.fields import LaxUUIDField, StrictCharField
from scalper.api.serializers import RowListSerializer


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
