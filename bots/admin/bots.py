"""The admin of bots.

Every change to a bot (add, edit, start, stop, stop all, delete) goes through `bots.services`, as
the API's do, so the admin writes the same activity log rows and sends the same Telegram
notifications.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import display_for_value
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from bots import services
from bots.models import ActivityLog, Bot, BotStatus
from scalper.exceptions import Invalid
from scalper.legacy.admin import CHECKBOXES

# How many activity log rows a bot's page shows; the rest is one click away.
RECENT_ACTIVITY_ROWS = 10


def bots_phrase(count):
    return f"{count} bot" if count == 1 else f"{count} bots"


class BotForm(forms.ModelForm):
    """A bot's settings; Bot.clean() holds the legacy API's rules for them."""

    class Meta:
        model = Bot
        fields = (*Bot.SETTINGS, "config")

    def clean_exchange(self):
        exchange = self.cleaned_data["exchange"]
        try:
            services.refuse_unreadable_exchange(
                exchange, None if self.instance._state.adding else self.instance
            )
        except Invalid as error:
            raise forms.ValidationError(str(error)) from None
        return exchange


@admin.register(Bot)
class BotAdmin(admin.ModelAdmin):
    form = BotForm
    formfield_overrides = CHECKBOXES
    list_display = (
        "ticker",
        "exchange",
        "status",
        "first_order",
        "quantity",
        "buy_price",
        "sell_price",
        "pnl",
        "total_trades",
        "last_fill_time",
    )
    list_filter = ("status", "exchange", "first_order", "infinite_loop")
    search_fields = ("ticker",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    actions = ("start_selected", "stop_selected", "stop_all")
    settings_fields = BotForm.Meta.fields
    state_fields = (
        "id",
        "status",
        "pnl",
        "total_trades",
        "last_fill_time",
        "created_at",
        "updated_at",
    )
    readonly_fields = (*state_fields, "orders_and_trades", "recent_activity")

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return ((None, {"fields": self.settings_fields}),)
        return (
            (None, {"fields": self.settings_fields}),
            (
                "State",
                {
                    "fields": self.state_fields,
                    "description": "The status changes with the Start and Stop actions of the "
                    "bot list, so that the activity log records it.",
                },
            ),
            ("Orders and trades", {"fields": ("orders_and_trades",)}),
            ("Recent activity", {"fields": ("recent_activity",)}),
        )

    @admin.display(description="orders and trades")
    def orders_and_trades(self, bot):
        orders = reverse("admin:orders_order_changelist") + f"?bot__id__exact={bot.pk}"
        trades = reverse("admin:bots_trade_changelist") + f"?bot_id={bot.pk}"
        return format_html(
            '<a href="{}">{} orders</a> · <a href="{}">trades</a>',
            orders,
            bot.orders.count(),
            trades,
        )

    @admin.display(description="latest activity")
    def recent_activity(self, bot):
        logs = ActivityLog.objects.filter(bot_id=bot.pk).order_by("-timestamp", "-id")
        rows = format_html_join(
            "",
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            (
                (display_for_value(log.timestamp, "-"), log.level, log.message)
                for log in logs[:RECENT_ACTIVITY_ROWS]
            ),
        )
        everything = reverse("admin:bots_activitylog_changelist") + f"?bot_id={bot.pk}"
        return format_html(
            '<table id="recent-activity"><thead><tr><th>time</th><th>level</th>'
            "<th>message</th></tr></thead><tbody>{}</tbody></table>"
            '<p><a href="{}">All activity of this bot</a></p>',
            rows or format_html('<tr><td colspan="3">{}</td></tr>', "No activity yet."),
            everything,
        )

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in self.settings_fields}
        if change:
            if form.has_changed():
                services.update_bot(obj, **fields)
        else:
            # The admin redirects to the object it built, so the new bot keeps that id.
            services.create_bot(id=obj.id, **fields)

    def delete_model(self, request, obj):
        services.delete_bot(obj)

    def delete_queryset(self, request, queryset):
        for bot in queryset:
            services.delete_bot(bot)

    @admin.action(description="Start selected bots", permissions=["change"])
    def start_selected(self, request, queryset):
        self.change_status(request, queryset, BotStatus.ACTIVE, services.start_bot, "started")

    @admin.action(description="Stop selected bots", permissions=["change"])
    def stop_selected(self, request, queryset):
        self.change_status(request, queryset, BotStatus.STOPPED, services.stop_bot, "stopped")

    def change_status(self, request, queryset, status, operation, done):
        """Run `operation` on each selected bot not already in `status`."""
        # Read the selection once: it may be filtered by the very status being changed.
        selected = list(queryset)
        changing = [bot for bot in selected if bot.status != status]
        for bot in changing:
            operation(bot)
            self.log_change(request, bot, f"{done.capitalize()} from the bot list.")
        unchanged = len(selected) - len(changing)
        note = f" ({bots_phrase(unchanged)} already {done})" if unchanged else ""
        self.message_user(request, f"{bots_phrase(len(changing))} {done}{note}.", messages.SUCCESS)

    @admin.action(
        description="Emergency stop: stop ALL active bots (asks for confirmation)",
        permissions=["change"],
    )
    def stop_all(self, request, queryset):
        # Stopping all is not about the selection: confirm on a page of its own.
        return redirect("admin:bots_bot_stop_all")

    def get_urls(self):
        stop_all = path(
            "stop-all/",
            self.admin_site.admin_view(self.stop_all_view),
            name="bots_bot_stop_all",
        )
        return [stop_all, *super().get_urls()]

    def stop_all_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            count = services.stop_all_bots()
            self.message_user(
                request, f"Emergency stop: {bots_phrase(count)} stopped.", messages.WARNING
            )
            return redirect("admin:bots_bot_changelist")
        active = Bot.objects.filter(status=BotStatus.ACTIVE).order_by("ticker")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": "Stop all active bots?",
            "active_bots": list(active.only("id", "ticker", "exchange")),
        }
        return TemplateResponse(request, "admin/bots/bot/stop_all_confirmation.html", context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "can_stop_all": self.has_change_permission(request),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)
