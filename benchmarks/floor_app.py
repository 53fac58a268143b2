"""The floor of benchmarks/api_throughput.py: the API's answers with nothing else.

A minimal WSGI app: one persistent psycopg connection per worker, one raw query per request,
rows encoded as JSON with orjson (the API's encoder), in the API's shape. No authentication,
no validation, no framework. Served by gunicorn with the API's settings; FLOOR_DATABASE_URL
names the database. It answers exactly the requests of the benchmark's table.
"""

import os
import re
from urllib.parse import parse_qs

import orjson
import psycopg
from psycopg.rows import dict_row

BOTS = """
    SELECT ticker,
           CASE exchange WHEN 'COINDCX_F' THEN 'CoinDCX F' WHEN 'BINANCE' THEN 'Binance'
                         WHEN 'BYBIT' THEN 'Bybit' WHEN 'DELTA' THEN 'Delta' END AS exchange,
           first_order, quantity, buy_price, sell_price, trailing_percent, infinite_loop, id,
           status, pnl, total_trades, last_fill_time, created_at, updated_at
    FROM bots {where} ORDER BY created_at DESC, id DESC LIMIT %(limit)s
"""
BOT_STATISTICS = """
    SELECT count(id) AS total_bots,
           count(id) FILTER (WHERE status = 'ACTIVE') AS active_bots,
           count(id) - count(id) FILTER (WHERE status = 'ACTIVE') AS stopped_bots,
           coalesce(sum(pnl), 0.0) AS total_pnl,
           coalesce(sum(total_trades), 0) AS total_trades
    FROM bots
"""
NEWEST_LOGS = """
    SELECT level, message, bot_id, id, timestamp
    FROM activity_logs ORDER BY timestamp DESC, id DESC LIMIT %(limit)s
"""
LOG_COUNTS = "SELECT level, count FROM activity_log_level_counts"
LEVELS = ("INFO", "SUCCESS", "WARNING", "ERROR", "TELEGRAM")
ORDERS = """
    SELECT ticker, side, order_type, quantity, price, stop_price, id, bot_id, exchange,
           exchange_order_id, status, filled_quantity, remaining_quantity, average_fill_price,
           commission, commission_asset, quote_quantity, pnl, error_message, retry_count,
           created_at, updated_at, sent_to_exchange_at, first_fill_at, last_fill_at,
           completed_at, extra_data,
           CASE WHEN quantity = 0 THEN 0.0
                ELSE coalesce(filled_quantity, 0.0) / quantity * 100.0 END AS fill_percentage,
           status IN ('FILLED', 'CANCELLED', 'REJECTED', 'EXPIRED', 'FAILED') AS is_complete
    FROM orders {where} ORDER BY created_at DESC LIMIT %(limit)s
"""
ORDER_TOTALS = "SELECT status, count, commission, volume FROM order_status_totals"
HISTORY = re.compile(r"^/api/v1/orders/bot/([0-9a-f-]{36})/history$")

_connection = None


def _rows(sql, params=None):
    global _connection
    if _connection is None:
        _connection = psycopg.connect(
            os.environ["FLOOR_DATABASE_URL"], autocommit=True, row_factory=dict_row
        )
    return _connection.execute(sql, params).fetchall()


def _limit(query, default):
    return int(query.get("limit", [default])[0])


def bots(query):
    status = query.get("status", [None])[0]
    where = "WHERE status = %(status)s" if status else ""
    return _rows(BOTS.format(where=where), {"status": status, "limit": _limit(query, 100)})


def bot_statistics(query):
    return _rows(BOT_STATISTICS)[0]


def logs(query):
    rows = _rows(NEWEST_LOGS, {"limit": _limit(query, 1000)})
    rows.reverse()
    return rows


def log_counts(query):
    counts = {row["level"]: row["count"] for row in _rows(LOG_COUNTS)}
    return {**{level: counts.get(level, 0) for level in LEVELS}, "TOTAL": sum(counts.values())}


def orders(query, bot_id=None):
    where = "WHERE bot_id = %(bot_id)s" if bot_id else ""
    return _rows(ORDERS.format(where=where), {"bot_id": bot_id, "limit": _limit(query, 100)})


def order_statistics(query):
    totals = {row["status"]: row for row in _rows(ORDER_TOTALS)}
    count = {status: row["count"] for status, row in totals.items()}
    total = sum(count.values())
    return {
        "total_orders": total,
        "filled_orders": count.get("FILLED", 0),
        "cancelled_orders": count.get("CANCELLED", 0),
        "failed_orders": count.get("FAILED", 0),
        "active_orders": sum(count.get(s, 0) for s in ("PENDING", "OPEN", "PARTIALLY_FILLED")),
        "fill_rate": count.get("FILLED", 0) / total * 100 if total else 0.0,
        "total_commission": float(sum(row["commission"] for row in totals.values())),
        "total_volume": float(sum(row["volume"] for row in totals.values())),
    }


ROUTES = {
    "/api/v1/bots/": bots,
    "/api/v1/bots/statistics/summary": bot_statistics,
    "/api/v1/logs/": logs,
    "/api/v1/logs/count": log_counts,
    "/api/v1/orders/": orders,
    "/api/v1/orders/statistics/summary": order_statistics,
}


def application(environ, start_response):
    path, query = environ["PATH_INFO"], parse_qs(environ.get("QUERY_STRING", ""))
    route = ROUTES.get(path)
    history = HISTORY.match(path)
    if route is not None:
        answer = route(query)
    elif history:
        answer = orders(query, bot_id=history.group(1))
    else:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail":"Not Found"}']
    body = orjson.dumps(answer, option=orjson.OPT_UTC_Z)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
