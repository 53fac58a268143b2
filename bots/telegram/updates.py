"""The bot's side of the chat: the answer to each update Telegram delivers (to the webhook).

Only text messages are handled: a six-digit code connects the chat, the commands /start,
/connect, /help, /status and /disconnect are answered, unknown commands are ignored, and any
other text gets a hint. Replies are sent after the database changes commit.
"""

import re

from django.utils import timezone

from bots.telegram import services
from bots.telegram.notifications import reply
from scalper.legacy.cutover import DualRunRefusal

CODE = re.compile(r"[0-9]{6}")

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


def handle_update(update):
    """Answer one Telegram update (validated by TelegramUpdateSerializer) as the legacy bot did."""
    message = update.get("message")
    if not message or "text" not in message:
        return
    chat_id = str(message["chat"]["id"])
    text = message["text"].strip()
    if text.startswith("/"):
        answer = _command_answer(text, chat_id)
    elif CODE.fullmatch(text):
        try:
            connected = services.connect_chat(text, chat_id, message.get("from", {}))
        except DualRunRefusal as refusal:
            answer = f"❌ {refusal}"
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
        return DISCONNECTED if services.disconnect_chat(chat_id) else NOT_CONNECTED
    return None


def status_text(chat_id):
    connection = services.active_connection(chat_id)
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
