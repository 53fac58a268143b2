"""The API of the bots app, a module per subject; each viewset calls bots/services.py for every
change. (Telegram's views are in bots/telegram/views.py.)
"""
