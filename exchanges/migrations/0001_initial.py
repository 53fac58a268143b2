"""The legacy `exchange_credentials` table, exactly as the legacy backend created it (Alembic fef8185d3887)."""

import uuid

from django.db import migrations, models

import scalper.legacy.constraints
import scalper.legacy.fields


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="ExchangeCredentials",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("exchange", models.CharField(max_length=50)),
                ("exchange_display_name", models.CharField(max_length=100)),
                ("api_key_encrypted", models.CharField(max_length=500)),
                ("secret_key_encrypted", models.CharField(max_length=500)),
                ("passphrase_encrypted", models.CharField(blank=True, max_length=500, null=True)),
                ("is_testnet", models.BooleanField(default=True, null=True)),
                ("is_active", models.BooleanField(default=True, null=True)),
                ("label", models.CharField(blank=True, max_length=100, null=True)),
                ("description", models.CharField(blank=True, max_length=500, null=True)),
                ("is_validated", models.BooleanField(default=False, null=True)),
                ("last_validated_at", models.DateTimeField(blank=True, null=True)),
                ("validation_error", models.CharField(blank=True, max_length=500, null=True)),
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
                ("extra_config", scalper.legacy.fields.LegacyJSONField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "exchange credentials",
                "verbose_name_plural": "exchange credentials",
                "db_table": "exchange_credentials",
                "indexes": [
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["exchange"], name="ix_exchange_credentials_exchange"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["id"], name="ix_exchange_credentials_id"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["is_active"], name="ix_exchange_credentials_is_active"
                    ),
                    scalper.legacy.constraints.LegacyIndex(
                        fields=["is_testnet"], name="ix_exchange_credentials_is_testnet"
                    ),
                ],
            },
        ),
    ]
