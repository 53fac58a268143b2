"""The walkthrough of docs/migrations.md, run exactly as written, in a project copy.

Each `$ python manage.py ...` line of its console blocks is run in order against a legacy
database adopted with `baseline`; every other line of a block is output that must appear, in
that order, in what the command printed (`...` stands for lines left out).
"""

import re
import shlex
import shutil
import textwrap

import pytest

from tests.support.databases import PROJECT_DIR
from tests.support.project_copies import add_member, add_model_field, copy_project

# Project copies, manage.py in subprocesses (about 30 s).
pytestmark = pytest.mark.slow

GUIDE = PROJECT_DIR / "docs" / "migrations.md"
COMMAND = "$ python manage.py "


def section(title):
    text = GUIDE.read_text()
    start = text.index(f"### {title}\n")
    end = re.search(r"^##", text[start + 4 :], re.M)
    return text[start : start + 4 + end.start()] if end else text[start:]


def blocks(text, language):
    return [
        textwrap.dedent(block)
        for block in re.findall(rf"^ *```{language}\n(.*?)^ *```", text, re.M | re.S)
    ]


def commands(text):
    """[(argv, [expected output lines])] of the section's console blocks, in order."""
    steps = []
    for block in blocks(text, "console"):
        for line in block.splitlines():
            if line.startswith(COMMAND):
                steps.append((shlex.split(line[len(COMMAND) :]), []))
            elif line.strip() != "...":
                steps[-1][1].append(line.strip())
    return steps


def assert_printed_in_order(expected, output, command):
    printed = [line.strip() for line in output.splitlines()]
    position = 0
    for line in expected:
        assert line in printed[position:], (
            f"`{' '.join(command)}` did not print {line!r}:\n{output}"
        )
        position = printed.index(line, position) + 1


def run_section(database, project, title):
    for argv, expected in commands(section(title)):
        result = database.manage(*argv, cwd=project)
        assert_printed_in_order(expected, result.stdout + result.stderr, argv)


def test_the_documented_walkthrough_runs_as_written(tmp_path, legacy_db):
    legacy_db.manage("baseline")
    project = copy_project(tmp_path / "project")

    column = section("A column on `ExchangeCredentials`")
    [snippet] = blocks(column, "python")
    assert snippet.strip() == "notes = models.TextField(null=True, blank=True)"
    add_model_field(project, "exchanges", "ExchangeCredentials", snippet.strip())
    run_section(legacy_db, project, "A column on `ExchangeCredentials`")
    assert legacy_db.query(
        "SELECT count(*) FROM information_schema.columns WHERE column_name = 'notes'"
    ) == [(0,)]
    # "then delete the migration and the line in the model"
    (project / "exchanges" / "migrations" / "0002_credentials_notes.py").unlink()
    shutil.copy(PROJECT_DIR / "exchanges" / "models.py", project / "exchanges" / "models.py")

    member = section("A member of `Exchange`")
    [snippet] = blocks(member, "python")
    assert snippet.strip() == 'OKX = "OKX", "okx_spot", "OKX"'
    add_member(project, "Exchange", "OKX", "OKX", "DELTA", line=snippet)
    run_section(legacy_db, project, "A member of `Exchange`")
