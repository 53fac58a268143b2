"""The legacy `orders` table, exactly as the legacy backend created it (Alembic fef8185d3887).

`orders.side` uses the `orderside` type created by bots.0001_initial. `bot_id` is the second
column, as in the legacy table, and its foreign key is the immediate `orders_bot_id_fkey`.
"""

import uuid

import django.db.models.deletion
from django.db import migrations, models

import scalper.legacy.constraints
import scalper.legacy.fields
from scalper.legacy.operations import CreateEnumType


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("bots", "0001_initial"),
    ]

    operations = [
        CreateEnumType(
            "orderstatus",
            [
                "PENDING",
                "OPEN",
                "PARTIALLY_FILLED",
                "FILLED",
                "CANCELLED",
                "REJECTED",
                "EXPIRED",
                "FAILED",
            ],
        ),
        CreateEnumType(
            "ordertype",
            ["MARKET", "LIMIT", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
        ),
        migrations.CreateModel(
            name="Order",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "bot",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="orders",
                        to="bots.bot",
                    ),
                ),
                ("exchange", models.CharField(max_length=50)),
                ("exchange_order_id", models.CharField(blank=True, max_length=100, null=True)),
                ("ticker", models.CharField(max_length=20)),
                (
                    "side",
                    scalper.legacy.fields.EnumField(
                        choices=[("BUY", "BUY"), ("SELL", "SELL")],
                        enum_type="orderside",
                        max_length=4,
                    ),
                ),
                (
                    "order_type",
                    scalper.legacy.fields.EnumField(
                        choices=[
                            ("MARKET", "MARKET"),
                            ("LIMIT", "LIMIT"),
                            ("STOP_LOSS", "STOP_LOSS"),
                            ("STOP_LOSS_LIMIT", "STOP_LOSS_LIMIT"),
                            ("TAKE_PROFIT", "TAKE_PROFIT"),
                            ("TAKE_PROFIT_LIMIT", "TAKE_PROFIT_LIMIT"),
                        ],
                        enum_type="ordertype",
                        max_length=17,
                    ),
                ),
                ("quantity", models.FloatField()),
                ("filled_quantity", models.FloatField(default=0.0, null=True)),
                ("remaining_quantity", models.FloatField(blank=True, null=True)),
                ("price", models.FloatField(blank=True, null=True)),
                ("average_fill_price", models.FloatField(blank=True, null=True)),
                ("stop_price", models.FloatField(blank=True, null=True)),
                (
                    "status",
                    scalper.legacy.fields.EnumField(
                        choices=[
                            ("PENDING", "PENDING"),
                            ("OPEN", "OPEN"),
                            ("PARTIALLY_FILLED", "PARTIALLY_FILLED"),
                            ("FILLED", "FILLED"),
                            ("CANCELLED", "CANCELLED"),
                            ("REJECTED", "REJECTED"),
                            ("EXPIRED", "EXPIRED"),
                            ("FAILED", "FAILED"),
                        ],
                        default="PENDING",
                        enum_type="orderstatus",
                        max_length=16,
                    ),
                ),
                ("commission", models.FloatField(default=0.0, null=True)),
                ("commission_asset", models.CharField(blank=True, max_length=20, null=True)),
                ("quote_quantity", models.FloatField(blank=True, null=True)),
                ("pnl", models.FloatField(blank=True, null=True)),
                ("error_message", models.CharField(blank=True, max_length=500, null=True)),
                ("retry_count", models.FloatField(default=0.0, null=True)),
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
                ("sent_to_exchange_at", models.DateTimeField(blank=True, null=True)),
                ("first_fill_at", models.DateTimeField(blank=True, null=True)),
                ("last_fill_at", models.DateTimeField(blank=True, null=True)),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                ("extra_data", scalper.legacy.fields.LegacyJSONField(blank=True, null=True)),
            ],
            options={
                "db_table": "orders",
                "indexes": [
                    scalper.legacy.constraints.LegacyIndex(fields=["bot"], name="ix_orders_bot_id"),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["created_at"], name="ix_orders_created_at"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["exchange"], name="ix_orders_exchange"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["exchange_order_id"], name="ix_orders_exchange_order_id"
                    ),
                    scalper.legacy.constraints.LegacyIndex(fields=["id"], name="ix_orders_id"),
                    scalper.legacy.constraints.LegacyIndex(fields=["side"], name="ix_orders_side"),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["status"], name="ix_orders_status"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["ticker"], name="ix_orders_ticker"
                    ),
                ],
                "constraints": [
                    scalper.legacy.constraints.ForeignKeyConstraint(
                        field="bot", name="orders_bot_id_fkey"
                    )
                ],
            },
        ),
    ]
