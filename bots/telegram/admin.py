"""The admin of Telegram connections (registered by bots/admin.py's import of this module)."""

from django import forms
from django.contrib import admin

from bots.telegram import services
from bots.telegram.models import TelegramConnection
from scalper.exceptions import Invalid
from scalper.legacy.admin import CHECKBOXES


class TelegramConnectionForm(forms.ModelForm):
    class Meta:
        model = TelegramConnection
        fields = ("is_active",)

    def clean_is_active(self):
        is_active = self.cleaned_data["is_active"]
        if is_active and not self.instance.is_active:
            try:
                services.refuse_second_chat(self.instance.chat_id)
            except Invalid as error:
                raise forms.ValidationError(str(error)) from None
        return is_active


@admin.register(TelegramConnection)
class TelegramConnectionAdmin(admin.ModelAdmin):
    form = TelegramConnectionForm
    list_display = (
        "chat_id",
        "username",
        "first_name",
        "last_name",
        "is_active",
        "connected_at",
        "last_notification_at",
    )
    list_filter = ("is_active",)
    search_fields = ("chat_id", "username")
    formfield_overrides = CHECKBOXES
    date_hierarchy = "connected_at"
    ordering = ("-connected_at",)
    fields = (
        "chat_id",
        "username",
        "first_name",
        "last_name",
        "is_active",
        "connected_at",
        "last_notification_at",
        "connection_code",
        "code_expires_at",
        "extra_data",
    )
    # Operators switch notifications off and on; who a chat is comes from Telegram.
    readonly_fields = (
        "chat_id",
        "username",
        "first_name",
        "last_name",
        "connected_at",
        "last_notification_at",
        "connection_code",
        "code_expires_at",
        "extra_data",
    )

    def has_add_permission(self, request):
        # Connections are made by the /connect code flow, which proves the chat is the operator's.
        return False
