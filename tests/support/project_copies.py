"""Throwaway copies of the project, for tests that change models or add migrations.

The repository itself is never edited: such a test copies the project into its `tmp_path` and
runs `manage.py` there (`ScratchDatabase.manage(..., cwd=copy)`).
"""

import os
import re
import shutil
import subprocess
import sys

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


def without_later_migrations(project):
    """Remove the migrations after the baseline from a copy (for tests of the adoption alone)."""
    for app in ("bots", "exchanges", "orders"):
        for path in (project / app / "migrations").glob("[0-9][0-9][0-9][0-9]_*.py"):
            if not path.stem.startswith("0001"):
                path.unlink()
    return project


def latest_migration(app):
    """The name of the project's last migration of `app` (`bots`: `0004_...`)."""
    folder = PROJECT_DIR / app / "migrations"
    return max(path.stem for path in folder.glob("[0-9][0-9][0-9][0-9]_*.py"))


def next_migration(app, name):
    """`name` numbered as the migration that would follow `app`'s last one (`0005_name`)."""
    return f"{int(latest_migration(app)[:4]) + 1:04d}_{name}"


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

    dependencies = [("bots", "{}")]

    operations = [
        AddIndexConcurrently("bot", models.Index(fields=["exchange"], name="bots_exchange_idx")),
    ]
""".format(latest_migration("bots"))


# Editing the choices (TextChoices) of a project copy, wherever they are declared

SQLITE_MEMORY = {"DATABASE_URL": "sqlite:///:memory:", "DEBUG": "true"}


def choices_file(project, class_name):
    """The models.py that declares `class_name` (it may move between apps)."""
    for path in sorted(project.glob("*/models.py")):
        if re.search(rf"^class {class_name}\(", path.read_text(), re.M):
            return path
    raise LookupError(class_name)


def edit_choices(project, class_name, edit):
    path = choices_file(project, class_name)
    source = path.read_text()
    start = re.search(rf"^class {class_name}\(.*\n", source, re.M).end()
    end = re.search(r"^\S", source[start:], re.M)
    end = start + end.start() if end else len(source)
    path.write_text(source[:start] + edit(source[start:end]) + source[end:])


MEMBER = r"^    [A-Z_][A-Z0-9_]* = .*$"
QUOTED = r'"[^"]*"'


def add_member(project, class_name, value, label, after, line=None):
    """Declare the member `value` (display label `label`) after member `after` (None: first).

    `line` is the declaration as written (`OKX = "OKX", "okx_futures", "OKX"`); by default it
    follows the others' shape, an item between value and label (Exchange's price-feed prefix)
    being `value.lower()`.
    """

    def edit(body):
        members = re.findall(MEMBER, body, re.M)
        middle = "".join(f', "{value.lower()}"' for _ in re.findall(QUOTED, members[0])[2:])
        declaration = line or f'{value} = "{value}"{middle}, "{label}"'
        declaration = f"    {declaration.strip()}\n"
        if after is None:
            first = re.search(MEMBER, body, re.M)
            return body[: first.start()] + declaration + body[first.start() :]
        member = re.search(rf"^    {after} = .*\n", body, re.M)
        return body[: member.end()] + declaration + body[member.end() :]

    edit_choices(project, class_name, edit)


def set_member(project, class_name, member, value=None, label=None):
    """Change the stored value and/or the display label of `member`, keeping what is between."""

    def edit_line(match):
        items = re.findall(QUOTED, match.group(2))
        if value is not None:
            items[0] = f'"{value}"'
        if label is not None:
            items[-1] = f'"{label}"'
        return f"{match.group(1)}{', '.join(items)}"

    edit_choices(
        project,
        class_name,
        lambda body: re.sub(rf"^(    {member} = )(.*)$", edit_line, body, count=1, flags=re.M),
    )


def remove_member(project, class_name, member):
    edit_choices(
        project, class_name, lambda body: re.sub(rf"^    {member} = .*\n", "", body, flags=re.M)
    )


def manage_copy(project, *args, env=SQLITE_MEMORY):
    """`manage.py` in the project copy, without a database server (makemigrations)."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=project,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "scalper.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout
