"""The admin of exchange credentials.

No page ever shows a secret, not even encrypted: the `*_encrypted` columns are not in any form or
list. The form has write-only fields to set or replace a secret. Saving goes through
`exchanges.services`, as the API's writes do: new secrets are encrypted (and new ones reset the
validation), and the stored ones are re-encrypted with the current first key of
CREDENTIALS_KEYS, so editing a row written by the legacy backend moves it off the legacy key.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured, ValidationError

from exchanges import encryption, services
from exchanges.models import ExchangeCredentials
from scalper.exceptions import Invalid
from scalper.legacy.admin import CHECKBOXES

# Form field -> the column that stores it encrypted.
SECRET_COLUMNS = {
    "api_key": "api_key_encrypted",
    "secret_key": "secret_key_encrypted",
    "passphrase": "passphrase_encrypted",
}


def secret_field(label):
    # render_value=False: a secret the form sends back is never written into the page.
    return forms.CharField(
        label=label,
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )


class ExchangeCredentialsForm(forms.ModelForm):
    api_key = secret_field("API key")
    secret_key = secret_field("Secret key")
    passphrase = secret_field("Passphrase")
    remove_passphrase = forms.BooleanField(label="Remove the stored passphrase", required=False)

    class Meta:
        model = ExchangeCredentials
        fields = (
            "exchange",
            "exchange_display_name",
            "label",
            "description",
            "is_testnet",
            "is_active",
            "extra_config",
        )
        help_texts = {"exchange": "The exchange's id, stored lower-case: coindcx, binance, …"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        adding = self.instance._state.adding
        for name, column in SECRET_COLUMNS.items():
            if adding:
                self.fields[name].required = name != "passphrase"
            elif getattr(self.instance, column):
                self.fields[name].help_text = "A value is stored. Leave blank to keep it."
            else:
                self.fields[name].help_text = "Nothing stored yet."

    def clean_exchange(self):
        return self.cleaned_data["exchange"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remove_passphrase") and cleaned.get("passphrase"):
            self.add_error("passphrase", "Enter a new passphrase or remove it, not both.")
        self.check_single_active(cleaned)
        self.check_dual_run(cleaned)
        try:
            encryption.check_keys()
        except ImproperlyConfigured as error:
            raise ValidationError(f"Cannot encrypt the secrets: {error}") from error
        self.check_kept_secrets(cleaned)
        return cleaned

    def check_single_active(self, cleaned):
        """As the API: one active row per exchange and network.

        The admin saves inside the transaction that validates the form, so the service's lock
        holds until this row is saved.
        """
        exchange = cleaned.get("exchange", self.instance.exchange)
        if not (cleaned.get("is_active") and exchange):
            return
        try:
            services.refuse_second_active(
                exchange, cleaned.get("is_testnet"), exchange, exclude_pk=self.instance.pk
            )
        except services.DuplicateActiveCredentials as error:
            raise ValidationError(
                f"{error}: deactivate them first, or save these as inactive."
            ) from None

    def check_dual_run(self, cleaned):
        """The dual run's rules (scalper/legacy/cutover.py), as the services that save apply
        them: the legacy key must be set, and one row per exchange and network."""
        exchange = cleaned.get("exchange", self.instance.exchange)
        is_testnet = cleaned.get("is_testnet")
        try:
            services.writing_key()
            if exchange and (self.instance._state.adding or is_testnet != self.instance.is_testnet):
                services.refuse_second_row(
                    exchange, is_testnet, exchange, exclude_pk=self.instance.pk
                )
        except Invalid as error:
            raise ValidationError(str(error)) from None

    def check_kept_secrets(self, cleaned):
        """Saving re-encrypts the stored secrets it keeps with the current key: they must decrypt
        with one of the configured keys."""
        for name, column in SECRET_COLUMNS.items():
            replaced = cleaned.get(name) or (
                name == "passphrase" and cleaned.get("remove_passphrase")
            )
            if replaced or not getattr(self.instance, column):
                continue
            try:
                encryption.decrypt(getattr(self.instance, column))
            except encryption.DecryptionError:
                self.add_error(
                    name,
                    "The stored value cannot be decrypted with CREDENTIALS_KEYS or "
                    "LEGACY_SECRET_KEY: enter it again.",
                )

    def new_secrets(self):
        """The secrets entered (blank keeps the stored one), and None for a removed passphrase."""
        secrets = {
            name: self.cleaned_data[name] for name in SECRET_COLUMNS if self.cleaned_data[name]
        }
        if self.cleaned_data["remove_passphrase"]:
            secrets["passphrase"] = None
        return secrets


class NetworkFilter(admin.SimpleListFilter):
    title = "network"
    parameter_name = "network"

    def lookups(self, request, model_admin):
        return (("testnet", "testnet"), ("mainnet", "mainnet"))

    def queryset(self, request, queryset):
        if self.value() == "testnet":
            return queryset.filter(is_testnet=True)
        if self.value() == "mainnet":
            return queryset.exclude(is_testnet=True)
        return queryset


@admin.register(ExchangeCredentials)
class ExchangeCredentialsAdmin(admin.ModelAdmin):
    form = ExchangeCredentialsForm
    formfield_overrides = CHECKBOXES
    list_display = (
        "label",
        "exchange_display_name",
        "exchange",
        "network",
        "is_active",
        "is_validated",
        "last_validated_at",
        "updated_at",
    )
    list_display_links = ("label", "exchange_display_name")
    list_filter = ("exchange", NetworkFilter, "is_active", "is_validated")
    search_fields = ("label", "exchange", "exchange_display_name")
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
    validation_fields = ("is_validated", "last_validated_at", "validation_error")
    readonly_fields = ("stored_secrets", *validation_fields, "created_at", "updated_at")

    def get_fieldsets(self, request, obj=None):
        account = ("exchange", "exchange_display_name", "label", "description")
        state = ("is_testnet", "is_active")
        if obj is None:
            return (
                (None, {"fields": (*account, *state)}),
                ("Secrets", {"fields": ("api_key", "secret_key", "passphrase")}),
            )
        secrets = ("stored_secrets",)
        if self.has_change_permission(request, obj):
            secrets += ("api_key", "secret_key", "passphrase", "remove_passphrase")
        return (
            (None, {"fields": (*account, *state)}),
            (
                "Secrets",
                {
                    "fields": secrets,
                    "description": "Secrets are write-only: they are stored encrypted and never "
                    "shown. Enter a value to replace one.",
                },
            ),
            ("Validation", {"fields": self.validation_fields}),
            ("Other", {"fields": ("extra_config", "created_at", "updated_at")}),
        )

    def save_model(self, request, obj, form, change):
        columns = ExchangeCredentialsForm.Meta.fields
        fields = {name: form.cleaned_data[name] for name in columns if name in form.fields}
        if change:
            # Saving also moves the stored secrets to the current key (off the legacy key).
            services.update_credentials(
                obj, reencrypt_kept_secrets=True, **fields, **form.new_secrets()
            )
        else:
            # The admin redirects to the object it built, so the new row keeps that id.
            services.create_credentials(
                id=obj.id, inactive_beside_active=True, **fields, **form.new_secrets()
            )

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return self.readonly_fields
        # The legacy API does not let the exchange of stored keys change either.
        return ("exchange", *self.readonly_fields)

    @admin.display(description="network", ordering="is_testnet")
    def network(self, credentials):
        return services.network(credentials.is_testnet)

    @admin.display(description="stored secrets")
    def stored_secrets(self, credentials):
        stored = [
            label
            for label, column in (
                ("API key", "api_key_encrypted"),
                ("secret key", "secret_key_encrypted"),
                ("passphrase", "passphrase_encrypted"),
            )
            if getattr(credentials, column)
        ]
        return ", ".join(stored) if stored else "none"
