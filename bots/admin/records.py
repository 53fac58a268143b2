"""The admin of activity logs and trades: rows the bots write themselves, read-only here, each
shown with the ticker of its bot.
"""

from django.contrib import admin
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils.html import format_html

from bots.models import ActivityLog, Bot, Trade
from scalper.paginators import LargeTableAdmin


def with_bot_ticker(queryset):
    """Annotate `bot_ticker` on rows that keep a bot's id without a foreign key (logs, trades).

    A correlated subquery instead of a join: one query for the page, and rows of deleted bots stay.
    """
    return queryset.annotate(
        bot_ticker=Subquery(Bot.objects.filter(pk=OuterRef("bot_id")).values("ticker")[:1])
    )


def bot_link(row):
    if row.bot_id is None:
        return None
    if row.bot_ticker is None:
        return f"deleted bot {row.bot_id}"
    url = reverse("admin:bots_bot_change", args=[row.bot_id])
    return format_html('<a href="{}">{}</a>', url, row.bot_ticker)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the bots write themselves: operators look, they do not edit."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class BotRowsAdmin(LargeTableAdmin, ReadOnlyAdmin):
    """Rows that name their bot by id only (no foreign key): shown with the bot's ticker."""

    def get_queryset(self, request):
        return with_bot_ticker(super().get_queryset(request))

    @admin.display(description="bot")
    def bot(self, row):
        return bot_link(row)


@admin.register(ActivityLog)
class ActivityLogAdmin(BotRowsAdmin):
    list_display = ("timestamp", "level", "message", "bot")
    # No date_hierarchy: it runs SELECT DISTINCT date_trunc(...) over the whole table on every
    # page load. The date filter below only adds a range condition on the indexed column.
    list_filter = ("level", "timestamp")
    search_fields = ("message",)
    ordering = ("-timestamp",)
    fields = ("id", "timestamp", "level", "message", "bot", "bot_id", "extra_data")


@admin.register(Trade)
class TradeAdmin(BotRowsAdmin):
    list_display = (
        "executed_at",
        "symbol",
        "side",
        "quantity",
        "price",
        "pnl",
        "commission",
        "exchange",
        "exchange_order_id",
        "bot",
    )
    list_filter = ("side", "exchange")
    search_fields = ("symbol", "exchange_order_id")
    date_hierarchy = "executed_at"
    ordering = ("-executed_at",)
    fields = (
        "id",
        "bot",
        "bot_id",
        "symbol",
        "side",
        "quantity",
        "price",
        "pnl",
        "commission",
        "exchange",
        "exchange_order_id",
        "executed_at",
        "extra_data",
    )
