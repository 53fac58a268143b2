"""The legacy tables of the bots app, exactly as the legacy backend created them (Alembic fef8185d3887).

The enum types come first so that unapplying drops them after the tables; `orderside` is shared with
`orders.side` and created only here. On a legacy database, `migrate --fake-initial` records this
migration without running it.
"""

import uuid

from django.db import migrations, models

import scalper.legacy.constraints
import scalper.legacy.fields
from scalper.legacy.operations import CreateEnumType


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        CreateEnumType("botstatus", ["ACTIVE", "STOPPED", "ERROR"]),
        CreateEnumType("exchange", ["COINDCX_F", "BINANCE", "BYBIT", "DELTA"]),
        CreateEnumType("orderside", ["BUY", "SELL"]),
        migrations.CreateModel(
            name="ActivityLog",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("bot_id", models.UUIDField(blank=True, null=True)),
                (
                    "level",
                    models.CharField(
                        choices=[
                            ("INFO", "INFO"),
                            ("SUCCESS", "SUCCESS"),
                            ("WARNING", "WARNING"),
                            ("ERROR", "ERROR"),
                            ("TELEGRAM", "TELEGRAM"),
                        ],
                        max_length=20,
                    ),
                ),
                ("message", models.CharField(max_length=500)),
                (
                    "timestamp",
                    scalper.legacy.fields.CreatedAtField(
                        db_default=scalper.legacy.fields.TransactionNow(), editable=False, null=True
                    ),
                ),
                ("extra_data", scalper.legacy.fields.LegacyJSONField(blank=True, null=True)),
            ],
            options={
                "db_table": "activity_logs",
                "indexes": [
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["bot_id"], name="ix_activity_logs_bot_id"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["id"], name="ix_activity_logs_id"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["level"], name="ix_activity_logs_level"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["timestamp"], name="ix_activity_logs_timestamp"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Bot",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("ticker", models.CharField(max_length=20)),
                (
                    "exchange",
                    scalper.legacy.fields.EnumField(
                        choices=[
                            ("COINDCX_F", "CoinDCX F"),
                            ("BINANCE", "Binance"),
                            ("BYBIT", "Bybit"),
                            ("DELTA", "Delta"),
                        ],
                        enum_type="exchange",
                        max_length=9,
                    ),
                ),
                (
                    "first_order",
                    scalper.legacy.fields.EnumField(
                        choices=[("BUY", "BUY"), ("SELL", "SELL")],
                        enum_type="orderside",
                        max_length=4,
                    ),
                ),
                ("quantity", models.FloatField()),
                ("buy_price", models.FloatField()),
                ("sell_price", models.FloatField()),
                ("trailing_percent", models.FloatField(blank=True, null=True)),
                ("infinite_loop", models.BooleanField(default=False, null=True)),
                (
                    "status",
                    scalper.legacy.fields.EnumField(
                        choices=[("ACTIVE", "ACTIVE"), ("STOPPED", "STOPPED"), ("ERROR", "ERROR")],
                        default="STOPPED",
                        enum_type="botstatus",
                        max_length=7,
                        null=True,
                    ),
                ),
                ("pnl", models.FloatField(default=0.0, null=True)),
                ("total_trades", models.IntegerField(default=0, null=True)),
                ("last_fill_time", models.DateTimeField(blank=True, null=True)),
                (
                    "created_at",
                    scalper.legacy.fields.CreatedAtField(
                        db_default=scalper.legacy.fields.TransactionNow(), editable=False, null=True
                    ),
                ),
                (
                    "updated_at",
                    scalper.legacy.fields.UpdatedAtField(
                        db_default=scalper.legacy.fields.TransactionNow(), editable=False, null=True
                    ),
                ),
                ("config", scalper.legacy.fields.LegacyJSONField(blank=True, null=True)),
            ],
            options={
                "db_table": "bots",
                "indexes": [
                    scalper.legacy.constraints.LegacyIndex(fields=["id"], name="ix_bots_id"),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["status"], name="ix_bots_status"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["ticker"], name="ix_bots_ticker"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="TelegramConnection",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("chat_id", models.CharField(max_length=100)),
                ("username", models.CharField(blank=True, max_length=100, null=True)),
                ("first_name", models.CharField(blank=True, max_length=100, null=True)),
                ("last_name", models.CharField(blank=True, max_length=100, null=True)),
                ("is_active", models.BooleanField(default=True, null=True)),
                ("connection_code", models.CharField(blank=True, max_length=6, null=True)),
                ("code_expires_at", models.DateTimeField(blank=True, null=True)),
                (
                    "connected_at",
                    scalper.legacy.fields.CreatedAtField(
                        db_default=scalper.legacy.fields.TransactionNow(), editable=False, null=True
                    ),
                ),
                ("last_notification_at", models.DateTimeField(blank=True, null=True)),
                ("extra_data", scalper.legacy.fields.LegacyJSONField(blank=True, null=True)),
            ],
            options={
                "db_table": "telegram_connections",
                "indexes": [
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["chat_id"], name="ix_telegram_connections_chat_id", unique=True
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["connection_code"], name="ix_telegram_connections_connection_code"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["id"], name="ix_telegram_connections_id"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["is_active"], name="ix_telegram_connections_is_active"
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="Trade",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("bot_id", models.UUIDField()),
                ("symbol", models.CharField(max_length=20)),
                (
                    "side",
                    scalper.legacy.fields.EnumField(
                        choices=[("BUY", "BUY"), ("SELL", "SELL")],
                        enum_type="orderside",
                        max_length=4,
                    ),
                ),
                ("quantity", models.FloatField()),
                ("price", models.FloatField()),
                ("pnl", models.FloatField(blank=True, null=True)),
                ("commission", models.FloatField(default=0.0, null=True)),
                ("exchange_order_id", models.CharField(blank=True, max_length=100, null=True)),
                (
                    "exchange",
                    scalper.legacy.fields.EnumField(
                        choices=[
                            ("COINDCX_F", "CoinDCX F"),
                            ("BINANCE", "Binance"),
                            ("BYBIT", "Bybit"),
                            ("DELTA", "Delta"),
                        ],
                        enum_type="exchange",
                        max_length=9,
                    ),
                ),
                (
                    "executed_at",
                    scalper.legacy.fields.CreatedAtField(
                        db_default=scalper.legacy.fields.TransactionNow(), editable=False, null=True
                    ),
                ),
                ("extra_data", scalper.legacy.fields.LegacyJSONField(blank=True, null=True)),
            ],
            options={
                "db_table": "trades",
                "indexes": [
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["bot_id"], name="ix_trades_bot_id"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["executed_at"], name="ix_trades_executed_at"
                    ),
                    scalper.legacy.constraints.LegacyIndex(fields=["id"], name="ix_trades_id"),
                ],
            },
        ),
    ]
