"""Order statistics, computed as the legacy API computed them."""

from collections import Counter

from orders.models import ACTIVE_STATUSES, OrderStatus


def order_statistics(orders, window):
    """Counts and sums over the newest `window` orders of `orders`.

    The legacy API fetched those rows newest first and summed the floats in Python in that order;
    so does this (three columns per row, not whole orders), because a database's sum adds them in
    another order and can differ in the last digits (7174.687700000001 for 7174.6877).

    `active_orders` counts PENDING, OPEN and PARTIALLY_FILLED, the same statuses as the
    per-bot active orders list (the legacy statistics left PENDING out, inconsistently).
    NULL commissions and volumes count as 0.
    """
    rows = orders.order_by("-created_at").values_list("status", "commission", "quote_quantity")
    rows = list(rows[:window])
    statuses = Counter(status for status, _, _ in rows)
    total = len(rows)
    filled = statuses[OrderStatus.FILLED]
    return {
        "total_orders": total,
        "filled_orders": filled,
        "cancelled_orders": statuses[OrderStatus.CANCELLED],
        "failed_orders": statuses[OrderStatus.FAILED],
        "active_orders": sum(statuses[status] for status in ACTIVE_STATUSES),
        "fill_rate": filled / total * 100 if total else 0.0,
        "total_commission": sum(commission for _, commission, _ in rows if commission),
        "total_volume": sum(volume for _, _, volume in rows if volume),
    }
