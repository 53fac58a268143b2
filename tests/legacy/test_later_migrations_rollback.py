"""The later migrations on a legacy database: the legacy backend's writes pass through what they
add (the counters' triggers), and their roll-back (docs/cutover.md, "Rolling back the later
migrations") leaves the legacy schema exactly as it was, the legacy backend's writes working.

The writes are SQL as the legacy backend's SQLAlchemy models send it (explicit ids, enum names,
`RETURNING` the server defaults, `UPDATE ... WHERE id`, the log's clear-all `DELETE`), on every
legacy table.
"""

import uuid

from scalper.legacy.schema import LEGACY_TABLES

# The documented roll-back: each app back to its baseline migration (the later migrations are
# unapplied for real, the baseline stays applied).
ROLL_BACK = [("migrate", "orders", "0001_initial"), ("migrate", "bots", "0001_initial")]


def legacy_writes(database):
    """Insert, update and delete rows of every legacy table, as the legacy backend does."""
    bot, other_bot, order, log = uuid.uuid4(), uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    trade, chat, credentials = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    statements = [
        (
            "INSERT INTO bots (id, ticker, exchange, first_order, quantity, buy_price, sell_price, "
            "trailing_percent, infinite_loop, status, pnl, total_trades, last_fill_time, config) "
            "VALUES (%s, 'ETH/USDT', 'COINDCX_F', 'BUY', 1.0, 100.0, 101.0, 0.5, false, 'ACTIVE', "
            "0.0, 0, NULL, NULL) RETURNING bots.created_at, bots.updated_at",
            [bot],
        ),
        (
            "INSERT INTO bots (id, ticker, exchange, first_order, quantity, buy_price, sell_price, "
            "trailing_percent, infinite_loop, status, pnl, total_trades, last_fill_time, config) "
            "VALUES (%s, 'BTC/USDT', 'BINANCE', 'SELL', 1.0, 100.0, 101.0, NULL, true, 'STOPPED', "
            "0.0, 0, NULL, NULL) RETURNING bots.created_at, bots.updated_at",
            [other_bot],
        ),
        (
            "INSERT INTO activity_logs (id, bot_id, level, message, extra_data) "
            "VALUES (%s, %s, 'SUCCESS', 'Bot started for ETH/USDT on CoinDCX F', NULL) "
            "RETURNING activity_logs.timestamp",
            [log, bot],
        ),
        (
            "INSERT INTO orders (id, bot_id, exchange, exchange_order_id, ticker, side, "
            "order_type, quantity, filled_quantity, remaining_quantity, price, average_fill_price, "
            "stop_price, status, commission, commission_asset, quote_quantity, pnl, error_message, "
            "retry_count, sent_to_exchange_at, first_fill_at, last_fill_at, completed_at, "
            "extra_data) VALUES (%s, %s, 'COINDCX_F', NULL, 'ETH/USDT', 'BUY', 'LIMIT', 1.0, 0.0, "
            "1.0, 100.0, NULL, NULL, 'PENDING', 0.0, NULL, NULL, NULL, NULL, 0.0, NULL, NULL, "
            "NULL, NULL, NULL) RETURNING orders.created_at, orders.updated_at",
            [order, bot],
        ),
        (
            "INSERT INTO trades (id, bot_id, symbol, side, quantity, price, pnl, commission, "
            "exchange_order_id, exchange, extra_data) VALUES (%s, %s, 'ETH/USDT', 'BUY', 1.0, "
            "100.0, 0.5, 0.01, 'X-1', 'COINDCX_F', NULL) RETURNING trades.executed_at",
            [trade, bot],
        ),
        (
            "INSERT INTO telegram_connections (id, chat_id, username, first_name, last_name, "
            "is_active, connection_code, code_expires_at, last_notification_at, extra_data) "
            "VALUES (%s, %s, NULL, NULL, NULL, false, '123456', now(), NULL, NULL) "
            "RETURNING telegram_connections.connected_at",
            [chat, f"pending-{chat}"],
        ),
        (
            "INSERT INTO exchange_credentials (id, exchange, exchange_display_name, "
            "api_key_encrypted, secret_key_encrypted, passphrase_encrypted, is_testnet, is_active, "
            "label, description, is_validated, last_validated_at, validation_error, extra_config) "
            "VALUES (%s, 'coindcx', 'CoinDCX', 'gAAAAA-key', 'gAAAAA-secret', NULL, true, true, "
            "NULL, NULL, false, NULL, NULL, NULL) "
            "RETURNING exchange_credentials.created_at, exchange_credentials.updated_at",
            [credentials],
        ),
        ("UPDATE bots SET status='STOPPED', updated_at=now() WHERE bots.id = %s", [bot]),
        (
            "UPDATE orders SET status='FILLED', filled_quantity=1.0, commission=0.25, "
            "quote_quantity=100.0, updated_at=now() WHERE orders.id = %s",
            [order],
        ),
        ("UPDATE trades SET pnl=0.75 WHERE trades.id = %s", [trade]),
        (
            "UPDATE telegram_connections SET chat_id=id::text, is_active=true, "
            "connection_code=NULL WHERE telegram_connections.id = %s",
            [chat],
        ),
        (
            "UPDATE exchange_credentials SET is_active=false, updated_at=now() "
            "WHERE exchange_credentials.id = %s",
            [credentials],
        ),
        (
            "UPDATE alembic_version SET version_num='fef8185d3887' "
            "WHERE alembic_version.version_num = 'fef8185d3887'",
            [],
        ),
        ("DELETE FROM orders WHERE orders.id = %s", [order]),
        ("DELETE FROM bots WHERE bots.id = %s", [other_bot]),
        ("DELETE FROM trades WHERE trades.id = %s", [trade]),
        ("DELETE FROM telegram_connections WHERE telegram_connections.id = %s", [chat]),
        ("DELETE FROM exchange_credentials WHERE exchange_credentials.id = %s", [credentials]),
        ("DELETE FROM activity_logs", []),
    ]
    for sql, params in statements:
        database.execute(sql, params)


def later_objects(database):
    """What exists besides the legacy schema and the tables of Django and of the project's
    `legacy` app (the adoption's roll-back removes those): tables, indexes and triggers on the
    legacy tables, functions, extensions."""
    legacy = list(LEGACY_TABLES)
    return {
        "tables": database.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
            "AND tablename <> ALL(%s) AND tablename <> 'alembic_version' "
            "AND tablename NOT LIKE 'django\\_%%' AND tablename NOT LIKE 'auth\\_%%' "
            "AND tablename NOT LIKE 'authtoken\\_%%' AND tablename NOT LIKE 'scalper\\_%%' "
            "ORDER BY 1",
            [legacy],
        ),
        "indexes": database.query(
            "SELECT pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid::regclass::text = ANY(%s) ORDER BY 1",
            [legacy],
        ),
        "triggers": database.query(
            "SELECT tgrelid::regclass::text, tgname FROM pg_trigger "
            "WHERE NOT tgisinternal AND tgrelid::regclass::text = ANY(%s) ORDER BY 1, 2",
            [legacy],
        ),
        "functions": database.query(
            "SELECT proname FROM pg_proc WHERE pronamespace = 'public'::regnamespace ORDER BY 1"
        ),
        "extensions": database.query("SELECT extname FROM pg_extension ORDER BY 1"),
    }


def counts(database):
    return (
        database.query("SELECT level, count FROM activity_log_level_counts WHERE count <> 0"),
        database.query("SELECT level, count(*) FROM activity_logs GROUP BY level"),
        database.query(
            "SELECT status, count, commission::float8, volume::float8 FROM order_status_totals "
            "WHERE count <> 0"
        ),
        database.query(
            "SELECT status::text, count(*), sum(coalesce(commission, 0)::numeric)::float8, "
            "sum(coalesce(quote_quantity, 0)::numeric)::float8 FROM orders GROUP BY status"
        ),
    )


def test_the_legacy_backends_writes_pass_through_the_later_migrations_counters(legacy_db):
    legacy_db.manage("baseline")

    legacy_writes(legacy_db)
    log_counters, logs, order_totals, orders = counts(legacy_db)

    assert sorted(log_counters) == sorted(logs)
    assert sorted(order_totals) == sorted(orders)


def test_rolling_back_the_later_migrations_leaves_the_legacy_schema_as_it_was(legacy_db):
    before = later_objects(legacy_db)
    legacy_db.manage("baseline")
    adopted = later_objects(legacy_db)

    for step in ROLL_BACK:
        legacy_db.manage(*step)
    rolled_back = later_objects(legacy_db)
    legacy_writes(legacy_db)

    assert adopted != before
    assert ("activity_logs", "activity_log_level_counts_insert") in adopted["triggers"]
    assert rolled_back == before
