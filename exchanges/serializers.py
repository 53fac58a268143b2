from django.db import models
from rest_framework import serializers

from exchanges import encryption
from exchanges.models import ExchangeCredentials
from scalper.api.fields import LaxBooleanField, StrictCharField

SHOWN_FIELDS = [
    "exchange",
    "exchange_display_name",
    "label",
    "description",
    "is_testnet",
    "is_active",
    "id",
    "is_validated",
    "last_validated_at",
    "validation_error",
    "created_at",
    "updated_at",
]
# Strings are stored as sent (the legacy API did not trim them either).
AS_SENT = {"trim_whitespace": False}


class ExchangeCredentialsSerializer(serializers.ModelSerializer):
    """Credentials as the API shows them: the secrets are left out, not even masked."""

    class Meta:
        model = ExchangeCredentials
        fields = SHOWN_FIELDS
        read_only_fields = SHOWN_FIELDS


class SecretField(StrictCharField):
    """A secret sent in plain text, as a JSON string (a number is not turned into one): write-only,
    kept as sent, short enough to store encrypted."""

    max_bytes = encryption.max_plaintext_bytes(
        ExchangeCredentials._meta.get_field("api_key_encrypted").max_length
    )
    default_error_messages = {
        "too_long": "Ensure this field has no more than {max_bytes} bytes (UTF-8)."
    }

    def __init__(self, **kwargs):
        super().__init__(write_only=True, trim_whitespace=False, **kwargs)

    def run_validators(self, value):
        super().run_validators(value)
        # surrogatepass: lone surrogates are refused by CharField's own validators above.
        if len(value.encode("utf-8", "surrogatepass")) > self.max_bytes:
            self.fail("too_long", max_bytes=self.max_bytes)


class ShownAfterWrite:
    # A write answers with the credentials as ExchangeCredentialsSerializer shows them.
    def to_representation(self, instance):
        return ExchangeCredentialsSerializer(instance, context=self.context).data


class LegacyTypesModelSerializer(serializers.ModelSerializer):
    """Text takes only JSON strings (DRF would store 0 as "0"); flags take what the legacy API
    took (`true`, 0/1, "yes"...)."""

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StrictCharField,
        models.TextField: StrictCharField,
        models.BooleanField: LaxBooleanField,
    }


class ExchangeCredentialsCreateSerializer(ShownAfterWrite, LegacyTypesModelSerializer):
    """New credentials. At most one set may be active per exchange and network."""

    # Empty keys are accepted, as legacy (they are stored empty).
    api_key = SecretField(allow_blank=True)
    secret_key = SecretField(allow_blank=True)
    passphrase = SecretField(required=False, allow_null=True, allow_blank=True)

    class Meta:
        model = ExchangeCredentials
        fields = [
            "exchange",
            "exchange_display_name",
            "label",
            "description",
            "is_testnet",
            "is_active",
            "api_key",
            "secret_key",
            "passphrase",
        ]
        extra_kwargs = {
            "exchange": {
                **AS_SENT,
                "help_text": "Exchange name, e.g. 'coindcx'; stored lower-case.",
            },
            "exchange_display_name": {**AS_SENT, "allow_blank": True},
            "label": AS_SENT,
            "description": AS_SENT,
            "is_testnet": {"default": True, "allow_null": False},
            "is_active": {"default": True, "allow_null": False},
        }

    def validate_exchange(self, value):
        max_length = ExchangeCredentials._meta.get_field("exchange").max_length
        if len(value.lower()) > max_length:
            raise serializers.ValidationError(
                f"Ensure this field has no more than {max_length} characters once lower-cased."
            )
        return value


class ExchangeCredentialsUpdateSerializer(ShownAfterWrite, LegacyTypesModelSerializer):
    """Every field optional. `null` clears `label`, `description` and `passphrase`; the exchange
    cannot be changed. New keys reset the validation."""

    api_key = SecretField(required=False, allow_blank=True)
    secret_key = SecretField(required=False, allow_blank=True)
    passphrase = SecretField(required=False, allow_null=True, allow_blank=True)

    class Meta:
        model = ExchangeCredentials
        fields = [
            "exchange_display_name",
            "api_key",
            "secret_key",
            "passphrase",
            "label",
            "description",
            "is_testnet",
            "is_active",
        ]
        extra_kwargs = {
            "exchange_display_name": {**AS_SENT, "allow_blank": True, "required": False},
            "label": AS_SENT,
            "description": AS_SENT,
            "is_testnet": {"required": False, "allow_null": False},
            "is_active": {"required": False, "allow_null": False},
        }


class CredentialsValidateSerializer(serializers.Serializer):
    success = serializers.BooleanField()
    message = serializers.CharField()
    validated_at = serializers.DateTimeField(allow_null=True)


class LtpQuerySerializer(serializers.Serializer):
    exchange = serializers.CharField(
        trim_whitespace=False, help_text="Exchange name as the bots show it, e.g. 'CoinDCX F'."
    )
    # An empty ticker is read as legacy read it (key `{prefix}:`, so usually no data).
    ticker = serializers.CharField(
        allow_blank=True,
        trim_whitespace=False,
        help_text="Trading pair, e.g. 'ETH/USDT' (or a base symbol).",
    )


class LtpFoundSerializer(serializers.Serializer):
    success = serializers.BooleanField(help_text="Always true.")
    redis_key = serializers.CharField()
    exchange = serializers.CharField()
    ticker = serializers.CharField()
    base_symbol = serializers.CharField()
    data = serializers.DictField(
        child=serializers.CharField(),
        help_text="The Redis hash as strings, e.g. ltp, current_funding_rate, timestamp.",
    )


class LtpMissingSerializer(serializers.Serializer):
    success = serializers.BooleanField(help_text="Always false.")
    message = serializers.CharField()
    redis_key = serializers.CharField()
    data = serializers.DictField(child=serializers.CharField(), help_text="Always empty.")
