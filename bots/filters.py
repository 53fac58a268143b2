"""Query filters of the bots app's list endpoints (django-filter: a bad value is a 400)."""

import django_filters

from bots.models import ActivityLog, Bot, BotStatus


class BotFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=BotStatus.choices)

    class Meta:
        model = Bot
        fields = ["status"]


class ActivityLogFilter(django_filters.FilterSet):
    # Any text, compared as it is: legacy rows may hold levels outside LogLevel.
    level = django_filters.CharFilter()
    bot_id = django_filters.UUIDFilter()

    class Meta:
        model = ActivityLog
        fields = ["level", "bot_id"]
