"""Throwaway copies of the project, for tests that change models or add migrations.

The repository itself is never edited: such a test copies the project into its `tmp_path` and
runs `manage.py` there (`ScratchDatabase.manage(..., cwd=copy)`).
"""

import shutil

from tests.support.databases import PROJECT_DIR

NOT_COPIED = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".env",
    "__pycache__",
    ".pytest_cache",
    ".ruff_cache",
    "db.sqlite3",
    "staticfiles",
    "test-artifacts",
)


def copy_project(destination):
    shutil.copytree(PROJECT_DIR, destination, ignore=NOT_COPIED)
    return destination


def add_model_field(project, app, model, declaration):
    """Declare a field (`notes = models.TextField(null=True)`) first in `model` of `app`."""
    models_file = project / app / "models.py"
    source = models_file.read_text()
    header = next(line for line in source.splitlines() if line.startswith(f"class {model}("))
    models_file.write_text(source.replace(header, f"{header}\n    {declaration}", 1))


def write_migration(project, app, name, source):
    path = project / app / "migrations" / f"{name}.py"
    path.write_text(source)
    return path


# A later migration that cannot run in a transaction.
CONCURRENT_INDEX_MIGRATION = """
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("bots", "0001_initial")]

    operations = [
        AddIndexConcurrently("bot", models.Index(fields=["exchange"], name="bots_exchange_idx")),
    ]
"""
