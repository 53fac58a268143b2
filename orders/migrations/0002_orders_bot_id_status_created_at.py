"""Index orders (bot_id, status) and (bot_id, created_at): a bot's active orders and its newest
orders are read without sorting all of its orders (`/api/v1/orders/bot/{id}/...`).

The legacy project's later revision 002 creates both under these names; a database that has
them keeps them. Built CONCURRENTLY: the legacy backend keeps writing orders meanwhile.
"""

from django.db import migrations

from scalper.legacy.constraints import LegacyIndex
from scalper.legacy.operations import AddIndexConcurrentlyIfNotExists


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "0001_initial")]

    operations = [
        AddIndexConcurrentlyIfNotExists(
            "order", LegacyIndex(fields=["bot", "status"], name="ix_orders_bot_id_status")
        ),
        AddIndexConcurrentlyIfNotExists(
            "order", LegacyIndex(fields=["bot", "created_at"], name="ix_orders_bot_id_created_at")
        ),
    ]
