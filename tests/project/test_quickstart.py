"""A newcomer runs the app on SQLite with no server; bad settings give one clear line."""

import os
import subprocess
import sys

import pytest

from tests.support.commands import get_json, manage
from tests.support.databases import PROJECT_DIR
from tests.support.servers import free_port


def test_without_database_url_the_app_migrates_and_serves_on_sqlite(tmp_path):
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    migrate = manage("migrate", env=env)
    assert migrate.returncode == 0, migrate.stderr
    assert "Applying bots.0001_initial... OK" in migrate.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=PROJECT_DIR,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        status, body = get_json(f"http://127.0.0.1:{port}/health")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert status == 200
    assert body["status"] == "healthy"


def test_the_default_database_is_a_sqlite_file_in_the_project_folder():
    result = manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.DATABASES['default']['NAME'])",
        env={"DEBUG": "true"},
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(PROJECT_DIR / "db.sqlite3")


def shell_on_a_new_sqlite_database(tmp_path, script):
    """`manage.py shell -c script` on a migrated SQLite database of its own."""
    env = {"DEBUG": "true", "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"}
    assert manage("migrate", env=env).returncode == 0
    return manage("shell", "-c", script, env=env)


@pytest.mark.slow
def test_sqlite_refuses_an_unknown_enum_value(tmp_path):
    script = (
        "from django.db import IntegrityError\n"
        "from bots.models import Bot\n"
        "try:\n"
        "    Bot.objects.create(ticker='X', exchange='KRAKEN', first_order='BUY', quantity=1,"
        " buy_price=1, sell_price=2)\n"
        "except IntegrityError as error:\n"
        "    print('refused:', error)\n"
    )
    result = shell_on_a_new_sqlite_database(tmp_path, script)
    assert "refused: CHECK constraint failed" in result.stdout, result.stdout + result.stderr


def test_an_invalid_database_url_is_one_line_naming_the_variable():
    result = manage("check", env={"DEBUG": "true", "DATABASE_URL": "nonsense"})
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "DATABASE_URL" in result.stderr


def test_an_unreachable_database_is_one_line_naming_the_variable():
    port = free_port()
    result = manage(
        "migrate", env={"DEBUG": "true", "DATABASE_URL": f"postgres://postgres@127.0.0.1:{port}/x"}
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "DATABASE_URL" in result.stderr and "Connection refused" in result.stderr


def test_without_secret_key_production_settings_refuse_to_start():
    result = manage("check", env={"DEBUG": "false"})
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_on_sqlite_the_row_lists_answer_what_the_orm_answers(tmp_path):
    script = (
        "from bots.views.bots import BotViewSet\n"
        "from orders.views import OrderViewSet\n"
        "from tests.support.factories import BotFactory, OrderFactory\n"
        "bots = [BotFactory(status=s) for s in ('ACTIVE', 'STOPPED', 'ACTIVE')]\n"
        "OrderFactory(bot=bots[0], extra_data={'a': [1]}); OrderFactory(bot=bots[1])\n"
        "for rows, equal_to in ((BotViewSet.list_rows, {'status': 'ACTIVE'}),"
        " (OrderViewSet.list_rows, {'bot_id': bots[0].id})):\n"
        "    page = rows.page(equal_to, skip=0, limit=10)\n"
        "    assert page == list(rows.all().filter(**equal_to)[:10]), page\n"
        "    print(len(page), 'rows as the ORM')\n"
    )
    result = shell_on_a_new_sqlite_database(tmp_path, script)
    assert "2 rows as the ORM\n1 rows as the ORM\n" in result.stdout, result.stdout + result.stderr
