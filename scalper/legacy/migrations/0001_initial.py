"""The legacy `alembic_version` table: unmanaged, never created or dropped by Django."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="AlembicVersion",
            fields=[
                ("version_num", models.CharField(max_length=32, primary_key=True, serialize=False)),
            ],
            options={
                "verbose_name": "Alembic version",
                "db_table": "alembic_version",
                "managed": False,
            },
        ),
    ]
