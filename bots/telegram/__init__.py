"""Telegram: the chats that receive the bots' notifications, and the bot that connects them.

- `services`: connections and the flow that makes them (codes, status, disconnecting, statistics).
- `updates`: the bot's side of the chat, answering each update Telegram delivers (the webhook).
- `polling`: the other way updates arrive, long polling (`manage.py telegram_poll`).
- `notifications`: what is sent to the connected chats, after the transaction commits.
- `bot_api`: the calls to the Telegram Bot API.
- `commands`: the management commands' code (registered in bots/management/commands).
"""
