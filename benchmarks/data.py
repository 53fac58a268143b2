"""Rows for the benchmarks: bots, activity logs and orders, loaded with one SQL script.

The same data at every size, rows the legacy backend can show too (it fails on Bybit and Delta
bots and on orders without `filled_quantity` or `commission`): 100 bots with every status; logs
of every level, a tenth without a bot, one every 7 seconds back from now; orders of every status
spread over the bots, one a minute back from now. `load(connection, logs=10_000, orders=2_000)`
is the issue's small size, `logs=1_000_000, orders=200_000` its large one.
"""

BOTS = """
INSERT INTO bots (id, ticker, exchange, first_order, quantity, buy_price, sell_price,
                  trailing_percent, infinite_loop, status, pnl, total_trades, last_fill_time,
                  created_at, updated_at)
SELECT gen_random_uuid(),
       (ARRAY['ETH/USDT', 'BTC/USDT', 'SOL/USDT', 'DOGE/USDT'])[1 + n % 4],
       (ARRAY['COINDCX_F', 'BINANCE'])[1 + n % 2]::exchange,
       (ARRAY['BUY', 'SELL'])[1 + n % 2]::orderside,
       0.25 * n, 100.0 + n, 102.5 + n,
       CASE WHEN n % 3 = 0 THEN NULL ELSE 0.5 END,
       n % 2 = 0,
       (ARRAY['ACTIVE', 'STOPPED', 'ERROR'])[1 + n % 3]::botstatus,
       1.25 * n - 40, n % 17,
       CASE WHEN n % 2 = 0 THEN now() - n * interval '37 minutes' END,
       now() - n * interval '1 day' - n * interval '1234 microseconds',
       now() - n * interval '1 hour'
FROM generate_series(1, 100) AS n
"""

ACTIVITY_LOGS = """
INSERT INTO activity_logs (id, bot_id, level, message, timestamp)
SELECT gen_random_uuid(),
       CASE WHEN n % 10 = 0 THEN NULL ELSE bots.ids[1 + n % 100] END,
       (ARRAY['INFO', 'SUCCESS', 'WARNING', 'ERROR', 'TELEGRAM'])[1 + n % 5],
       format('Bot %s for %s on CoinDCX F (event %s)',
              (ARRAY['started', 'stopped', 'updated', 'active'])[1 + n % 4],
              (ARRAY['ETH/USDT', 'BTC/USDT', 'SOL/USDT'])[1 + n % 3], n),
       now() - ({logs} - n) * interval '7 seconds' - n * interval '1 microsecond'
FROM generate_series(1, {logs}) AS n,
     (SELECT array_agg(id ORDER BY created_at) AS ids FROM bots) AS bots
"""

ORDERS = """
INSERT INTO orders (id, bot_id, exchange, exchange_order_id, ticker, side, order_type, quantity,
                    filled_quantity, remaining_quantity, price, average_fill_price, stop_price,
                    status, commission, commission_asset, quote_quantity, pnl, error_message,
                    retry_count, created_at, updated_at, sent_to_exchange_at, first_fill_at,
                    last_fill_at, completed_at, extra_data)
SELECT gen_random_uuid(), bots.ids[1 + n % 100], 'COINDCX_F', 'X-' || n,
       (ARRAY['ETH/USDT', 'BTC/USDT', 'SOL/USDT'])[1 + n % 3],
       (ARRAY['BUY', 'SELL'])[1 + n % 2]::orderside,
       (ARRAY['LIMIT', 'MARKET'])[1 + n % 2]::ordertype,
       0.5 + n % 7,
       (n % 7) * 0.25,
       0.5, 100.0 + n % 50, 100.1 + n % 50, NULL,
       (ARRAY['PENDING', 'OPEN', 'PARTIALLY_FILLED', 'FILLED', 'FILLED', 'FILLED',
              'CANCELLED', 'REJECTED', 'EXPIRED', 'FAILED'])[1 + n % 10]::orderstatus,
       0.001 * (n % 97), 'USDT',
       CASE WHEN n % 17 = 0 THEN NULL ELSE 12.34 * (n % 89) END,
       CASE WHEN n % 5 = 0 THEN 0.01 * (n % 31) END, NULL, 0,
       now() - ({orders} - n) * interval '1 minute' - n * interval '1 microsecond',
       now() - ({orders} - n) * interval '1 minute',
       now() - ({orders} - n) * interval '1 minute',
       NULL, NULL, NULL,
       '{"source": "benchmark"}'::json
FROM generate_series(1, {orders}) AS n,
     (SELECT array_agg(id ORDER BY created_at) AS ids FROM bots) AS bots
"""


def load(connection, logs=10_000, orders=2_000):
    """Insert 100 bots, `logs` activity logs and `orders` orders; analyze the tables."""
    connection.execute(BOTS)
    connection.execute(ACTIVITY_LOGS.replace("{logs}", str(int(logs))))
    connection.execute(ORDERS.replace("{orders}", str(int(orders))))
    for table in ("bots", "activity_logs", "orders"):
        connection.execute(f"VACUUM ANALYZE {table}")
