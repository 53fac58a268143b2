"""`migrate` runs one instance at a time per database, under `baseline`'s advisory lock."""

import subprocess
import sys

import psycopg
import pytest

from scalper.legacy.adoption import ADOPTION_LOCK_KEY
from tests.support.databases import server_dsn
from tests.support.project_copies import (
    add_member,
    add_model_field,
    copy_project,
    manage_copy,
    next_migration,
)

# Real migrate processes against scratch databases (about 30 s).
pytestmark = pytest.mark.slow


def start_migrate(database, project):
    return subprocess.Popen(
        [sys.executable, "manage.py", "migrate"],
        cwd=project,
        env=database.manage_environment(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_concurrent_migrates_apply_each_migration_once_and_neither_fails(tmp_path, scratch_db):
    project = copy_project(tmp_path / "project")
    add_member(project, "Exchange", "OKX", "OKX", "DELTA")  # one of the project's own too
    manage_copy(project, "makemigrations", "bots", "--name", "exchange_okx")

    first, second = start_migrate(scratch_db, project), start_migrate(scratch_db, project)
    outputs = [process.communicate(timeout=180) for process in (first, second)]

    for process, (stdout, stderr) in zip((first, second), outputs, strict=True):
        assert process.returncode == 0, stdout + stderr
    applying = [stdout.count("Applying ") for stdout, _ in outputs]
    assert sorted(applying)[0] == 0 and "No migrations to apply." in "".join(
        stdout for stdout, _ in outputs
    )
    rows = scratch_db.query("SELECT app, name, count(*) FROM django_migrations GROUP BY 1, 2")
    assert sorted(applying)[1] == len(rows)
    assert all(count == 1 for *_, count in rows)
    assert ("bots", next_migration("bots", "exchange_okx"), 1) in rows


def test_migrate_waits_while_the_adoption_lock_is_held_then_applies(tmp_path, legacy_db):
    legacy_db.manage("baseline")
    project = copy_project(tmp_path / "project")
    add_member(project, "Exchange", "OKX", "OKX", "DELTA")
    manage_copy(project, "makemigrations", "bots", "--name", "exchange_okx")
    with psycopg.connect(server_dsn(legacy_db.name), autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", [ADOPTION_LOCK_KEY])  # as baseline does
        waiting = start_migrate(legacy_db, project)
        try:
            waiting.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass
        assert waiting.returncode is None, "migrate did not wait for the lock"
        holder.execute("SELECT pg_advisory_unlock(%s)", [ADOPTION_LOCK_KEY])
        stdout, stderr = waiting.communicate(timeout=120)
    assert waiting.returncode == 0, stdout + stderr
    assert f"Applying bots.{next_migration('bots', 'exchange_okx')}... OK" in stdout


def test_a_busy_legacy_table_makes_migrate_give_up_after_the_lock_timeout(tmp_path, legacy_db):
    legacy_db.manage("baseline")
    project = copy_project(tmp_path / "project")
    add_model_field(
        project, "exchanges", "ExchangeCredentials", "notes = models.TextField(null=True)"
    )
    manage_copy(project, "makemigrations", "exchanges", "--name", "notes")
    with psycopg.connect(server_dsn(legacy_db.name)) as holder:
        holder.execute("LOCK TABLE exchange_credentials IN ACCESS SHARE MODE")  # a long read
        result = legacy_db.manage("migrate", "--lock-timeout", "0.5", cwd=project, check=False)
    assert result.returncode == 1
    assert "canceling statement due to lock timeout" in result.stderr
    assert ("exchanges", "0002_notes") not in legacy_db.query(
        "SELECT app, name FROM django_migrations"
    )
    legacy_db.manage("migrate", cwd=project)  # once the reader is done
