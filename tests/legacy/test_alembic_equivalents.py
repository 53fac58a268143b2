"""Every Alembic command of the legacy workflow has a Django equivalent (docs/migrations.md).

Each test runs the Django commands of one or a few rows against scratch databases, as an
operator would (`manage.py` in a subprocess). Tests that change a model do it in a copy of the
project, never in the repository.
"""

import subprocess
from io import StringIO

import pytest
from django.core.management import call_command

from tests.support.commands import get_json
from tests.support.project_copies import add_model_field, copy_project, write_migration
from tests.support.schemas import fingerprint, legacy_rows
from tests.support.servers import AppServer

# Project copies, manage.py and gunicorn in subprocesses (60 s).
pytestmark = pytest.mark.slow


@pytest.fixture
def project(tmp_path):
    return copy_project(tmp_path / "project")


NEW_FIELD_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0001_initial")]

    operations = [
        migrations.AddField("exchangecredentials", "new_field", models.TextField(null=True)),
    ]
"""


@pytest.fixture
def project_with_new_field(project):
    """The legacy seed's example: a new nullable column on exchange_credentials, migration 0002."""
    add_model_field(
        project, "exchanges", "ExchangeCredentials", "new_field = models.TextField(null=True)"
    )
    write_migration(
        project, "exchanges", "0002_add_new_field_to_exchange_credentials", NEW_FIELD_MIGRATION
    )
    return project


NOOP_MIGRATION = """
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0002_add_new_field_to_exchange_credentials")]

    operations = []
"""


def manage(database, *args):
    """`manage.py *args` in this process; returns its output."""
    out = StringIO()
    call_command(*args, database=database.alias, stdout=out)
    return out.getvalue()


def exit_status(database, *args):
    """The exit status `manage.py *args` would have, run in this process."""
    try:
        manage(database, *args)
    except SystemExit as exit:
        return exit.code
    return 0


def applied(database, app):
    return [
        name
        for (name,) in database.query(
            "SELECT name FROM django_migrations WHERE app = %s ORDER BY id", [app]
        )
    ]


def columns(database, table):
    return {
        name
        for (name,) in database.query(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s", [table]
        )
    }


def test_alembic_history_is_showmigrations_plan(scratch_db):
    plan = manage(scratch_db, "showmigrations", "--plan").splitlines()

    assert "[ ]  bots.0001_initial" in plan
    assert plan.index("[ ]  bots.0001_initial") < plan.index("[ ]  orders.0001_initial")
    assert "[ ]  exchanges.0001_initial" in plan


def test_alembic_current_is_showmigrations_and_baseline_check(legacy_db):
    apps = ("bots", "exchanges", "orders")
    before = manage(legacy_db, "showmigrations", *apps)
    manage(legacy_db, "baseline")
    after = manage(legacy_db, "showmigrations", *apps)
    check = manage(legacy_db, "baseline", "--check")

    assert before.count(" [ ] 0001_initial") == 3
    assert after.count(" [X] 0001_initial") == 3
    assert "a legacy database already adopted by Django" in check


def test_alembic_autogenerate_is_makemigrations_and_a_forgotten_one_fails_the_check(
    project, scratch_db
):
    add_model_field(
        project, "exchanges", "ExchangeCredentials", "new_field = models.TextField(null=True)"
    )
    forgotten = scratch_db.manage(
        "makemigrations", "--check", "--dry-run", cwd=project, check=False
    )

    made = scratch_db.manage(
        "makemigrations",
        "exchanges",
        "--name",
        "add_new_field_to_exchange_credentials",
        cwd=project,
    )

    assert forgotten.returncode == 1
    assert "Add field new_field to exchangecredentials" in forgotten.stdout
    migration = project / "exchanges/migrations/0002_add_new_field_to_exchange_credentials.py"
    assert "exchanges/migrations/0002_add_new_field_to_exchange_credentials.py" in made.stdout
    assert (
        "migrations.AddField(\n            model_name='exchangecredentials',\n"
        "            name='new_field',\n"
    ) in migration.read_text()
    assert scratch_db.manage("makemigrations", "--check", "--dry-run", cwd=project).returncode == 0


def test_an_empty_alembic_revision_is_makemigrations_empty(project, scratch_db):
    made = scratch_db.manage("makemigrations", "bots", "--empty", "--name", "backfill", cwd=project)

    migration = project / "bots/migrations/0002_backfill.py"
    assert "bots/migrations/0002_backfill.py" in made.stdout
    assert "('bots', '0001_initial')" in migration.read_text()
    assert "operations = [\n    ]" in migration.read_text()


def test_reviewing_a_migration_is_sqlmigrate(project_with_new_field, scratch_db):
    project = project_with_new_field
    forwards = scratch_db.manage("sqlmigrate", "exchanges", "0002", cwd=project).stdout
    backwards = scratch_db.manage(
        "sqlmigrate", "exchanges", "0002", "--backwards", cwd=project
    ).stdout

    assert 'ALTER TABLE "exchange_credentials" ADD COLUMN "new_field" text NULL;' in forwards
    assert 'ALTER TABLE "exchange_credentials" DROP COLUMN "new_field" CASCADE;' in backwards


def test_upgrade_and_downgrade_are_migrate_to_a_migration(project_with_new_field, scratch_db):
    project = project_with_new_field
    write_migration(project, "exchanges", "0003_noop", NOOP_MIGRATION)

    scratch_db.manage("migrate", cwd=project)  # alembic upgrade head
    assert applied(scratch_db, "exchanges") == [
        "0001_initial",
        "0002_add_new_field_to_exchange_credentials",
        "0003_noop",
    ]
    assert "new_field" in columns(scratch_db, "exchange_credentials")

    scratch_db.manage("migrate", "exchanges", "0002", cwd=project)  # alembic downgrade -1
    assert applied(scratch_db, "exchanges")[-1] == "0002_add_new_field_to_exchange_credentials"

    scratch_db.manage("migrate", "exchanges", "0001", cwd=project)  # alembic downgrade <rev>
    assert "new_field" not in columns(scratch_db, "exchange_credentials")

    scratch_db.manage("migrate", "exchanges", "0002", cwd=project)  # alembic upgrade +1 / <rev>
    assert "new_field" in columns(scratch_db, "exchange_credentials")
    assert applied(scratch_db, "exchanges")[-1] == "0002_add_new_field_to_exchange_credentials"

    scratch_db.manage("migrate", "exchanges", "zero", cwd=project)  # alembic downgrade base
    assert applied(scratch_db, "exchanges") == []
    assert columns(scratch_db, "exchange_credentials") == set()


def test_alembic_stamp_is_migrate_fake(project_with_new_field, scratch_db):
    project = project_with_new_field
    scratch_db.manage("migrate", "exchanges", "0001", cwd=project)

    scratch_db.manage("migrate", "exchanges", "0002", "--fake", cwd=project)

    assert applied(scratch_db, "exchanges")[-1] == "0002_add_new_field_to_exchange_credentials"
    assert "new_field" not in columns(scratch_db, "exchange_credentials")
    scratch_db.manage("migrate", "exchanges", "0001", "--fake", cwd=project)
    assert applied(scratch_db, "exchanges") == ["0001_initial"]


def test_target_database_is_not_up_to_date_is_migrate_check(scratch_db):
    pending = exit_status(scratch_db, "migrate", "--check")
    manage(scratch_db, "migrate")
    current = exit_status(scratch_db, "migrate", "--check")

    assert pending == 1
    assert current == 0


def test_a_recorded_migration_whose_file_is_gone_does_not_stop_migrate(scratch_db):
    # Alembic's "Can't locate revision": Django ignores a record it has no file for.
    manage(scratch_db, "migrate")
    scratch_db.execute(
        "INSERT INTO django_migrations (app, name, applied) VALUES ('bots', '0002_gone', now())"
    )

    shown = manage(scratch_db, "showmigrations", "bots")

    assert "0002_gone" not in shown and " [X] 0001_initial" in shown
    assert exit_status(scratch_db, "migrate", "--check") == 0


def test_verifying_a_table_is_dbshell(scratch_db):
    manage(scratch_db, "migrate")

    described = scratch_db.manage("dbshell", "--", "-c", r"\d exchange_credentials").stdout

    assert 'Table "public.exchange_credentials"' in described
    assert "api_key_encrypted" in described and "character varying(500)" in described


def test_a_pg_dump_backup_restores_the_legacy_database_exactly(
    legacy_db, make_scratch_db, tmp_path
):
    backup = tmp_path / "scalper_before_django.dump"
    subprocess.run(
        ["pg_dump", "--format=custom", f"--file={backup}", f"--dbname={legacy_db.url}"],
        check=True,
    )
    manage(legacy_db, "baseline")
    restored = make_scratch_db()

    subprocess.run(
        ["pg_restore", "--no-owner", f"--dbname={restored.url}", str(backup)], check=True
    )

    assert fingerprint(restored) != fingerprint(legacy_db)  # adopted: Django's tables
    assert legacy_rows(restored) == legacy_rows(legacy_db)
    assert "django_migrations" not in {
        name for (name,) in restored.query("SELECT tablename FROM pg_tables")
    }


def test_the_production_server_is_gunicorn(scratch_db):
    manage(scratch_db, "migrate")
    env = scratch_db.manage_environment({"ALLOWED_HOSTS": "127.0.0.1"})
    with AppServer(env, workers=1) as server:
        status, body = get_json(f"{server.base_url}/health")

    assert status == 200
    assert body == {"status": "healthy", "version": "1.0.0", "database": "ok"}
