"""A trigram index on activity_logs.message, for the admin's search (`message__icontains`, i.e.
`UPPER(message::text) LIKE UPPER('%...%')`), which otherwise reads the whole table.

pg_trgm ships with PostgreSQL and is a trusted extension: the database's owner may create it.
Unapplying the migration drops the index, then the extension (PostgreSQL refuses while another
object uses it: docs/cutover.md, "Rolling back the later migrations"). Built CONCURRENTLY:
the legacy backend keeps writing logs meanwhile.
"""

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations
from django.db.models.functions import Upper

from scalper.legacy.operations import AddIndexConcurrentlyIfNotExists


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("bots", "0002_activity_logs_bot_id_timestamp")]

    operations = [
        TrigramExtension(),
        AddIndexConcurrentlyIfNotExists(
            "activitylog",
            GinIndex(
                OpClass(Upper("message"), name="gin_trgm_ops"), name="ix_activity_logs_message_trgm"
            ),
        ),
    ]
