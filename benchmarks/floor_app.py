"""The floor of benchmarks/api_throughput.py: the same rows as the API, with nothing else.

A minimal WSGI app: one persistent psycopg connection per worker, one raw query per request,
rows encoded as JSON with orjson (the API's encoder), in the API's shape. No authentication,
no framework. Served by gunicorn with the API's settings; FLOOR_DATABASE_URL names the database.
"""

import os

import orjson
import psycopg
from psycopg.rows import dict_row

BOTS = """
    SELECT ticker,
           CASE exchange WHEN 'COINDCX_F' THEN 'CoinDCX F' WHEN 'BINANCE' THEN 'Binance'
                         WHEN 'BYBIT' THEN 'Bybit' WHEN 'DELTA' THEN 'Delta' END AS exchange,
           first_order, quantity, buy_price, sell_price, trailing_percent, infinite_loop, id,
           status, pnl, total_trades, last_fill_time, created_at, updated_at
    FROM bots ORDER BY created_at DESC, id DESC LIMIT 100
"""
NEWEST_LOGS = """
    SELECT level, message, bot_id, id, timestamp
    FROM activity_logs ORDER BY timestamp DESC, id DESC LIMIT 1000
"""
STATISTICS = """
    SELECT count(id) AS total_bots,
           count(id) FILTER (WHERE status = 'ACTIVE') AS active_bots,
           count(id) - count(id) FILTER (WHERE status = 'ACTIVE') AS stopped_bots,
           coalesce(sum(pnl), 0.0) AS total_pnl,
           coalesce(sum(total_trades), 0) AS total_trades
    FROM bots
"""

_connection = None


def _rows(sql):
    global _connection
    if _connection is None:
        _connection = psycopg.connect(
            os.environ["FLOOR_DATABASE_URL"], autocommit=True, row_factory=dict_row
        )
    return _connection.execute(sql).fetchall()


def _bots():
    return _rows(BOTS)


def _logs():
    rows = _rows(NEWEST_LOGS)
    rows.reverse()
    return rows


def _statistics():
    return _rows(STATISTICS)[0]


ROUTES = {
    "/api/v1/bots/": _bots,
    "/api/v1/logs/": _logs,
    "/api/v1/bots/statistics/summary": _statistics,
}


def application(environ, start_response):
    route = ROUTES.get(environ["PATH_INFO"])
    if route is None:
        start_response("404 Not Found", [("Content-Type", "application/json")])
        return [b'{"detail":"Not found."}']
    body = orjson.dumps(route(), option=orjson.OPT_UTC_Z)
    start_response(
        "200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
