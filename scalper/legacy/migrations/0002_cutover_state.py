"""The cut-over state (scalper/legacy/cutover.py): one row, dual run on a legacy database.

A database that has the legacy `alembic_version` table came from the legacy backend (adopted with
`baseline`), which may still be running on it: it starts in the dual run. A database created by
`migrate` has no legacy to stay readable for: it starts finished.
"""

from django.db import migrations, models


def initial_state(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        from_legacy = "alembic_version" in connection.introspection.table_names(cursor)
    apps.get_model("legacy", "CutoverState").objects.using(connection.alias).create(
        id=1, dual_run=from_legacy
    )


class Migration(migrations.Migration):
    dependencies = [
        ("legacy", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="CutoverState",
            fields=[
                (
                    "id",
                    models.BigIntegerField(
                        default=1, editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("dual_run", models.BooleanField()),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
            ],
            options={
                "verbose_name": "cut-over state",
                "db_table": "scalper_cutover",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("id", 1)), name="scalper_cutover_one_row"
                    )
                ],
            },
        ),
        # Reversed by dropping the table (the CreateModel above).
        migrations.RunPython(initial_state, migrations.RunPython.noop),
    ]
