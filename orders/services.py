"""Order statistics, over every order (the legacy API counted only the newest 10,000)."""

from collections import defaultdict

from django.db import connection
from django.db.models import Count, FloatField, Func, Sum

from orders.models import ACTIVE_STATUSES, Order, OrderStatus


class Numeric(Func):
    """A float column as `numeric`: sums of it are exact, the same in whatever order PostgreSQL
    adds the rows (a double precision sum changes in the last digits with that order)."""

    template = "CAST(%(expressions)s AS numeric)"
    output_field = FloatField()


# Kept by triggers on orders (orders/migrations/0003_order_status_totals.py).
STATUS_TOTALS_SQL = "SELECT status, count, commission, volume FROM order_status_totals"


def _totals_by_status(bot_id):
    """[(status, orders, commission, volume)] over all orders, or over one bot's."""
    if bot_id is None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(STATUS_TOTALS_SQL)
            return cursor.fetchall()
    orders = Order.objects.all() if bot_id is None else Order.objects.filter(bot_id=bot_id)
    return (
        orders.values("status")
        .order_by()
        .annotate(
            orders=Count("id"),
            commission=Sum(Numeric("commission")),
            volume=Sum(Numeric("quote_quantity")),
        )
        .values_list("status", "orders", "commission", "volume")
    )


def order_statistics(bot_id=None):
    """Counts and sums over every order, or over every order of the bot `bot_id`.

    `active_orders` counts PENDING, OPEN and PARTIALLY_FILLED, the same statuses as the
    per-bot active orders list (the legacy statistics left PENDING out, inconsistently).
    NULL commissions and volumes count as 0.
    """
    orders, commission, volume = defaultdict(int), 0, 0
    for status, count, status_commission, status_volume in _totals_by_status(bot_id):
        orders[status] += count
        commission += status_commission or 0
        volume += status_volume or 0
    total = sum(orders.values())
    return {
        "total_orders": total,
        "filled_orders": orders[OrderStatus.FILLED],
        "cancelled_orders": orders[OrderStatus.CANCELLED],
        "failed_orders": orders[OrderStatus.FAILED],
        "active_orders": sum(orders[status] for status in ACTIVE_STATUSES),
        "fill_rate": orders[OrderStatus.FILLED] / total * 100 if total else 0.0,
        "total_commission": float(commission),
        "total_volume": float(volume),
    }
