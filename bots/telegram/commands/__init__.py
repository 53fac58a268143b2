"""Telegram's management commands.

Django looks for commands only in an app's management/commands folder, so each one is registered
there (bots/management/commands/telegram_*.py) by a module that imports its `Command` from here.
"""
