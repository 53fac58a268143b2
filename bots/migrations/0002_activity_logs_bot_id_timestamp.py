"""Index activity_logs (bot_id, timestamp): a bot's newest logs are read without sorting all of
them (`GET /api/v1/logs/?bot_id=...`).

The legacy project's later revision 002 creates this index under this name; a database that has
it keeps it. Built CONCURRENTLY: the legacy backend keeps writing logs meanwhile.
"""

from django.db import migrations

from scalper.legacy.constraints import LegacyIndex
from scalper.legacy.operations import AddIndexConcurrentlyIfNotExists


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("bots", "0001_initial")]

    operations = [
        AddIndexConcurrentlyIfNotExists(
            "activitylog",
            LegacyIndex(fields=["bot_id", "timestamp"], name="ix_activity_logs_bot_id_timestamp"),
        ),
    ]
