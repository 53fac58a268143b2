"""`manage.py telegram_set_webhook`: the command is bots/telegram/commands/set_webhook.py."""

from bots.telegram.commands.set_webhook import Command

__all__ = ["Command"]
