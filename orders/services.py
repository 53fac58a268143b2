"""Order statistics, computed by the database in one query."""

from django.db.models import Count, Q, Sum, Value
from django.db.models.functions import Coalesce

from orders.models import ACTIVE_STATUSES, Order, OrderStatus


def order_statistics(orders, window):
    """Counts and sums over the newest `window` orders of `orders`.

    `active_orders` counts PENDING, OPEN and PARTIALLY_FILLED, the same statuses as the
    per-bot active orders list (the legacy statistics left PENDING out, inconsistently).
    NULL commissions and volumes count as 0.
    """
    newest = orders.order_by("-created_at").values("id")[:window]
    totals = Order.objects.filter(id__in=newest).aggregate(
        total_orders=Count("id"),
        filled_orders=Count("id", filter=Q(status=OrderStatus.FILLED)),
        cancelled_orders=Count("id", filter=Q(status=OrderStatus.CANCELLED)),
        failed_orders=Count("id", filter=Q(status=OrderStatus.FAILED)),
        active_orders=Count("id", filter=Q(status__in=ACTIVE_STATUSES)),
        total_commission=Coalesce(Sum("commission"), Value(0.0)),
        total_volume=Coalesce(Sum("quote_quantity"), Value(0.0)),
    )
    total = totals["total_orders"]
    return {
        "total_orders": total,
        "filled_orders": totals["filled_orders"],
        "cancelled_orders": totals["cancelled_orders"],
        "failed_orders": totals["failed_orders"],
        "active_orders": totals["active_orders"],
        "fill_rate": totals["filled_orders"] / total * 100 if total else 0.0,
        "total_commission": totals["total_commission"],
        "total_volume": totals["total_volume"],
    }
