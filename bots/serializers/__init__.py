"""Serializers of the bots app, a module per subject: request validation and the legacy API's
response shapes. (Telegram's are in bots/telegram/serializers.py.)
"""
