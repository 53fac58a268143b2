from django.apps import AppConfig


class LegacyConfig(AppConfig):
    """The legacy database: its column types, its exact names, and the Alembic bookkeeping table."""

    name = "scalper.legacy"
    label = "legacy"
    verbose_name = "Legacy database"
