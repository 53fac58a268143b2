"""The Telegram chats that receive notifications (the legacy `telegram_connections` table).

The model belongs to the `bots` app (bots/models.py imports it): its table and migrations are that
app's, as they were before Telegram got its own package.
"""

import uuid

from django.db import models

from scalper.legacy.constraints import LegacyIndex
from scalper.legacy.fields import CreatedAtField, LegacyJSONField


class TelegramConnection(models.Model):
    # The chat id of a connection still waiting for its code to be sent.
    PENDING_CHAT_ID = "pending"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    chat_id = models.CharField(max_length=100)
    username = models.CharField(max_length=100, null=True, blank=True)
    first_name = models.CharField(max_length=100, null=True, blank=True)
    last_name = models.CharField(max_length=100, null=True, blank=True)
    is_active = models.BooleanField(null=True, default=True)
    connection_code = models.CharField(max_length=6, null=True, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    connected_at = CreatedAtField()
    last_notification_at = models.DateTimeField(null=True, blank=True)
    extra_data = LegacyJSONField(null=True, blank=True)

    class Meta:
        db_table = "telegram_connections"
        indexes = [
            LegacyIndex(fields=["chat_id"], name="ix_telegram_connections_chat_id", unique=True),
            LegacyIndex(fields=["connection_code"], name="ix_telegram_connections_connection_code"),
            LegacyIndex(fields=["id"], name="ix_telegram_connections_id"),
            LegacyIndex(fields=["is_active"], name="ix_telegram_connections_is_active"),
        ]

    def __str__(self):
        return self.username or self.chat_id
