"""Telegram connections: codes, connecting and disconnecting chats, status and statistics.

1. The dashboard asks for a code (`generate_connection_code`): one pending row, chat id
   "pending", six digits valid for ten minutes. A new code replaces the previous one.
2. The user sends the code to the bot; Telegram delivers the message (bots.telegram.updates),
   and `connect_chat` activates the connection of that chat.
3. Notifications then go to every active connection (bots.telegram.notifications).

Fixed legacy bugs: a chat that disconnected can connect again (its row is reused instead of
colliding with the unique chat id); several active connections are allowed (`connection_status`
reports the most recently connected one, `disconnect_all` ends them all); concurrent code requests
take turns instead of colliding on the single pending row; codes come from `secrets`.
"""

import secrets
import uuid
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from bots.telegram.models import TelegramConnection
from scalper.exceptions import Invalid, NotFound
from scalper.legacy import cutover
from scalper.locks import transaction_lock

CODE_LIFETIME = timedelta(minutes=10)
NAME_LENGTH = TelegramConnection._meta.get_field("username").max_length
# PostgreSQL puts NULLs first in a descending order; a row without a time is not the latest.
LATEST_FIRST = F("connected_at").desc(nulls_last=True)


def _unused_code(now):
    # A collision is one in a million: there is one pending code at a time.
    while True:
        code = f"{secrets.randbelow(1_000_000):06d}"
        if not TelegramConnection.objects.filter(
            connection_code=code, code_expires_at__gt=now
        ).exists():
            return code


@transaction.atomic
def generate_connection_code():
    """A new pending connection with a fresh code; earlier pending ones are deleted, as legacy
    did (so each code comes with a new connection id).

    The chat id "pending" is unique, so concurrent requests take turns under a lock (the last
    code wins, as a second click on "Connect Telegram" would) instead of colliding on it.
    """
    transaction_lock("telegram_connections:pending")
    TelegramConnection.objects.filter(chat_id=TelegramConnection.PENDING_CHAT_ID).delete()
    now = timezone.now()
    return TelegramConnection.objects.create(
        chat_id=TelegramConnection.PENDING_CHAT_ID,
        connection_code=_unused_code(now),
        code_expires_at=now + CODE_LIFETIME,
        is_active=False,
        connected_at=now,
    )


def connection_status():
    """Whether a chat is connected; of several active connections, the most recently connected."""
    connection = TelegramConnection.objects.filter(is_active=True).order_by(LATEST_FIRST).first()
    if connection is None:
        return {"connected": False, "chat_id": None, "username": None, "connected_at": None}
    return {
        "connected": True,
        "chat_id": connection.chat_id,
        "username": connection.username,
        "connected_at": connection.connected_at,
    }


def disconnect_all():
    """Deactivate every active connection (the dashboard has one "Disconnect" button)."""
    if not TelegramConnection.objects.filter(is_active=True).update(is_active=False):
        raise NotFound("No active Telegram connection found")


def delete_connection(connection_id):
    """Delete the connection with this id (text, as the path gives it)."""
    try:
        pk = uuid.UUID(connection_id)
    except ValueError:
        raise Invalid("Invalid connection ID format") from None
    deleted, _ = TelegramConnection.objects.filter(pk=pk).delete()
    if not deleted:
        raise NotFound("Connection not found")


def connection_stats():
    since = timezone.now() - timedelta(hours=24)
    counts = TelegramConnection.objects.aggregate(
        total=Count("id"),
        active=Count("id", filter=Q(is_active=True)),
        recent=Count("id", filter=Q(last_notification_at__gte=since)),
    )
    return {
        "total_connections": counts["total"],
        "active_connections": counts["active"],
        "inactive_connections": counts["total"] - counts["active"],
        "recent_notifications_24h": counts["recent"],
    }


def refuse_second_chat(chat_id):
    """During the dual run, refuse activating `chat_id` while another chat is active
    (cutover.DualRunRefusal): the legacy backend fails on two active connections."""
    others = TelegramConnection.objects.filter(is_active=True).exclude(chat_id=chat_id)
    cutover.refuse_second_telegram_chat(others.exists())


@transaction.atomic
def connect_chat(code, chat_id, user):
    """Activate the pending connection holding `code` for `chat_id`; None if the code is not valid.

    A chat connected before keeps its row (chat ids are unique): it takes over the pending
    connection, which is deleted. Raises cutover.DualRunRefusal for a second chat during the
    dual run.
    """
    pending = (
        TelegramConnection.objects.select_for_update()
        .filter(connection_code=code, is_active=False, code_expires_at__gt=timezone.now())
        .first()
    )
    if pending is None:
        return None
    refuse_second_chat(chat_id)
    connection = (
        TelegramConnection.objects.select_for_update()
        .filter(chat_id=chat_id)
        .exclude(pk=pending.pk)
        .first()
    )
    if connection is None:
        connection = pending
    else:
        pending.delete()
    connection.chat_id = chat_id
    connection.username = _name(user, "username")
    connection.first_name = _name(user, "first_name")
    connection.last_name = _name(user, "last_name")
    connection.is_active = True
    connection.connected_at = timezone.now()
    connection.connection_code = None
    connection.code_expires_at = None
    connection.save()
    return connection


def _name(user, key):
    value = user.get(key)
    return value[:NAME_LENGTH] if value else None


def disconnect_chat(chat_id):
    """Deactivate the connection of `chat_id`; False if it was not connected."""
    deactivated = TelegramConnection.objects.filter(chat_id=chat_id, is_active=True).update(
        is_active=False
    )
    return deactivated > 0


def active_connection(chat_id):
    """The active connection of `chat_id`, or None."""
    return TelegramConnection.objects.filter(chat_id=chat_id, is_active=True).first()
