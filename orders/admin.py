"""The admin of orders: read-only, as the bots place and update them on the exchanges.

An order may be deleted (with the delete permission), so that deleting a bot, which deletes its
orders, is possible from the admin too.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from orders.models import Order
from scalper.paginators import LargeTableAdmin


@admin.register(Order)
class OrderAdmin(LargeTableAdmin):
    list_display = (
        "created_at",
        "ticker",
        "bot_link",
        "side",
        "order_type",
        "status",
        "quantity",
        "filled",
        "price",
        "average_fill_price",
        "exchange",
        "exchange_order_id",
    )
    list_select_related = ("bot",)
    list_filter = ("status", "side", "order_type", "exchange")
    search_fields = ("ticker", "exchange_order_id")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "id",
                    "bot_link",
                    "ticker",
                    "exchange",
                    "exchange_order_id",
                    "side",
                    "order_type",
                    "status",
                    "error_message",
                    "retry_count",
                )
            },
        ),
        (
            "Quantities and prices",
            {
                "fields": (
                    "quantity",
                    "filled_quantity",
                    "remaining_quantity",
                    "filled",
                    "price",
                    "average_fill_price",
                    "stop_price",
                    "quote_quantity",
                    "commission",
                    "commission_asset",
                    "pnl",
                )
            },
        ),
        (
            "Times",
            {
                "fields": (
                    "created_at",
                    "updated_at",
                    "sent_to_exchange_at",
                    "first_fill_at",
                    "last_fill_at",
                    "completed_at",
                )
            },
        ),
        ("Exchange data", {"fields": ("extra_data",)}),
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="bot", ordering="bot__ticker")
    def bot_link(self, order):
        url = reverse("admin:bots_bot_change", args=[order.bot_id])
        return format_html('<a href="{}">{}</a>', url, order.bot)

    @admin.display(description="filled")
    def filled(self, order):
        return f"{order.fill_percentage:.0f}%"
