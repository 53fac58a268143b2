"""The Telegram connection flow: connection codes, status, and the bot's side of the chat.

1. The dashboard asks for a code (`generate_connection_code`): one pending row, chat id
   "pending", six digits valid for ten minutes. A new code replaces the previous one.
2. The user sends the code to the bot; Telegram POSTs the message to the webhook, which calls
   `handle_update`: the code activates the connection of that chat and the bot replies.
3. Notifications then go to every active connection (`bots.notifications`).

Fixed legacy bugs: a chat that disconnected can connect again (its row is reused instead of
colliding with the unique chat id); several active connections are allowed (`connection_status`
reports the most recently connected one, `disconnect_all` ends them all); concurrent code requests
take turns instead of colliding on the single pending row; codes come from `secrets`.
"""

import re
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from bots.models import TelegramConnection
from bots.notifications import reply
from scalper.legacy import cutover
from scalper.locks import transaction_lock

CODE_LIFETIME = timedelta(minutes=10)
CODE = re.compile(r"[0-9]{6}")
NAME_LENGTH = TelegramConnection._meta.get_field("username").max_length
# PostgreSQL puts NULLs first in a descending order; a row without a time is not the latest.
LATEST_FIRST = F("connected_at").desc(nulls_last=True)

HOW_TO_CONNECT = (
    "*How to connect:*\n"
    "1. Open the Scalper Bot Dashboard\n"
    "2. Click 'Connect Telegram'\n"
    "3. Send me the 6-digit code it shows\n\n"
    "💡 _Codes expire after 10 minutes_"
)
COMMANDS = (
    "*Commands:*\n"
    "/connect - How to connect to the dashboard\n"
    "/disconnect - Stop notifications\n"
    "/status - Check your connection\n"
    "/help - Show this message"
)
WELCOME = (
    "🤖 *Welcome to Scalper Bot Notifier!*\n\n"
    "Get notifications about your scalping bots here.\n\n"
    f"{HOW_TO_CONNECT}\n\n{COMMANDS}"
)
CONNECT = f"📱 *Connect to Scalper Bot Dashboard*\n\n{HOW_TO_CONNECT}"
HELP = (
    "📖 *Scalper Bot Commands*\n\n"
    f"{COMMANDS}\n\n"
    "Once connected you are notified when bots are created, started, stopped or deleted, "
    "and of emergency stops."
)
CONNECTED = (
    "✅ *Successfully Connected!*\n\n"
    "Your Telegram is now connected to the Scalper Bot Dashboard.\n"
    "Use /status to check your connection and /disconnect to stop notifications."
)
INVALID_CODE = (
    "❌ *Invalid or Expired Code*\n\n"
    "This connection code is either invalid or has expired.\n"
    "Click 'Connect Telegram' in the dashboard for a new code and send it to me.\n\n"
    "💡 _Codes expire after 10 minutes_"
)
DISCONNECTED = (
    "✅ *Successfully Disconnected*\n\n"
    "You will no longer receive notifications from the Scalper Bot Dashboard.\n"
    "Use /connect to connect again."
)
NOT_CONNECTED = (
    "⚠️ *Not Connected*\n\n"
    "You're not currently connected to any dashboard.\n"
    "Use /connect to get started!"
)
NOT_UNDERSTOOD = (
    "🤔 I didn't understand that.\n\n"
    "To connect, send me the 6-digit code from the dashboard.\n"
    "Type /help for more information."
)


def escape_markdown(text):
    """Escape what Telegram's (legacy) Markdown would read as formatting in a user's name."""
    return re.sub(r"([_*`\[])", r"\\\1", text)


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
    return TelegramConnection.objects.filter(is_active=True).update(is_active=False)


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


def status_text(chat_id):
    connection = TelegramConnection.objects.filter(chat_id=chat_id, is_active=True).first()
    if connection is None:
        return NOT_CONNECTED
    since = "an unknown time"
    if connection.connected_at:
        since = f"{int((timezone.now() - connection.connected_at).total_seconds() // 3600)} hours"
    username = escape_markdown(connection.username or "N/A")
    return (
        "✅ *Connected to Scalper Bot Dashboard*\n\n"
        f"📱 Chat ID: `{connection.chat_id}`\n"
        f"👤 Username: @{username}\n"
        f"🕐 Connected: {since} ago\n\n"
        "Use /disconnect to stop notifications."
    )


def handle_update(update):
    """Answer one Telegram update (validated by TelegramUpdateSerializer) as the legacy bot did.

    Only text messages are handled: a six-digit code connects the chat, the commands /start,
    /connect, /help, /status and /disconnect are answered, unknown commands are ignored, and any
    other text gets a hint. Replies are sent after the database changes commit.
    """
    message = update.get("message")
    if not message or "text" not in message:
        return
    chat_id = str(message["chat"]["id"])
    text = message["text"].strip()
    if text.startswith("/"):
        answer = _command_answer(text, chat_id)
    elif CODE.fullmatch(text):
        try:
            connected = connect_chat(text, chat_id, message.get("from", {}))
        except cutover.DualRunRefusal as refusal:
            answer = f"❌ {refusal.detail}"
        else:
            answer = CONNECTED if connected else INVALID_CODE
    else:
        answer = NOT_UNDERSTOOD
    if answer:
        reply(chat_id, answer)


def _command_answer(text, chat_id):
    # "/status@ScalperBot extra words" is the command "status", as Telegram clients send it.
    command = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
    if command == "start":
        return WELCOME
    if command == "connect":
        return CONNECT
    if command == "help":
        return HELP
    if command == "status":
        return status_text(chat_id)
    if command == "disconnect":
        return DISCONNECTED if disconnect_chat(chat_id) else NOT_CONNECTED
    return None
