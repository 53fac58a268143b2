from django.core.management.commands import makemigrations

from scalper.legacy.autodetector import EnumAutodetector


class Command(makemigrations.Command):
    """Django's makemigrations, which also writes the changes of PostgreSQL enum types."""

    autodetector = EnumAutodetector
