import uuid

from django.db import models

from scalper.legacy.constraints import LegacyIndex
from scalper.legacy.fields import CreatedAtField, LegacyJSONField, UpdatedAtField
from scalper.legacy.models import TimestampedModel


class Exchange(models.TextChoices):
    """The exchanges bots trade on: everything the project knows of each one is on this line.

    Each member is (stored value: the legacy enum name, Redis prefix of its price feed, label). The
    label is what the API shows and accepts ('CoinDCX F'), and what the price endpoint is asked
    for. A new member also needs a migration: `makemigrations` writes it, and on PostgreSQL the
    `exchange` enum type gains the value (docs/migrations.md, "Enum types").
    """

    COINDCX_F = "COINDCX_F", "coindcx_futures", "CoinDCX F"
    BINANCE = "BINANCE", "binance_spot", "Binance"
    BYBIT = "BYBIT", "bybit_spot", "Bybit"
    DELTA = "DELTA", "delta_futures", "Delta"

    # Django's TextChoices takes the last item as the label; the others arrive here.
    def __new__(cls, value, price_prefix):
        member = str.__new__(cls, value)
        member._value_ = value
        member.price_prefix = price_prefix
        return member


class OrderSide(models.TextChoices):
    """The side of an order on an exchange: a bot's first order, a trade, an order.

    Here rather than in `orders`, which depends on `bots`: both apps use it (one database type,
    `orderside`), and both depend on `exchanges`.
    """

    BUY = "BUY", "BUY"
    SELL = "SELL", "SELL"


class ExchangeCredentials(TimestampedModel):
    """API keys for an exchange account. The three secrets are stored Fernet-encrypted."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # Stored lower-case ('coindcx'), as the legacy API wrote it.
    exchange = models.CharField(max_length=50)
    exchange_display_name = models.CharField(max_length=100)
    api_key_encrypted = models.CharField(max_length=500)
    secret_key_encrypted = models.CharField(max_length=500)
    passphrase_encrypted = models.CharField(max_length=500, null=True, blank=True)
    is_testnet = models.BooleanField(null=True, default=True)
    is_active = models.BooleanField(null=True, default=True)
    label = models.CharField(max_length=100, null=True, blank=True)
    description = models.CharField(max_length=500, null=True, blank=True)
    is_validated = models.BooleanField(null=True, default=False)
    last_validated_at = models.DateTimeField(null=True, blank=True)
    validation_error = models.CharField(max_length=500, null=True, blank=True)
    created_at = CreatedAtField()
    updated_at = UpdatedAtField()
    extra_config = LegacyJSONField(null=True, blank=True)

    class Meta:
        db_table = "exchange_credentials"
        verbose_name = "exchange credentials"
        verbose_name_plural = "exchange credentials"
        indexes = [
            LegacyIndex(fields=["exchange"], name="ix_exchange_credentials_exchange"),
            LegacyIndex(fields=["id"], name="ix_exchange_credentials_id"),
            LegacyIndex(fields=["is_active"], name="ix_exchange_credentials_is_active"),
            LegacyIndex(fields=["is_testnet"], name="ix_exchange_credentials_is_testnet"),
        ]

    def __str__(self):
        network = "testnet" if self.is_testnet else "mainnet"
        return f"{self.label or self.exchange_display_name} ({self.exchange}, {network})"
