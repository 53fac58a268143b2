"""`manage.py telegram_poll`: the command is bots/telegram/commands/poll.py."""

from bots.telegram.commands.poll import Command

__all__ = ["Command"]
