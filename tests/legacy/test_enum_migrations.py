"""Enum members added, renamed and removed through `makemigrations` change the live types.

Each test edits the models of a throwaway project copy, runs `makemigrations` there, and
migrates forward and back, one migration at a time, on PostgreSQL (a fresh database and a
legacy one adopted with `baseline`) and on SQLite, reading the enum type (or the CHECK
constraint) after every step.
"""

import re
import sqlite3
from dataclasses import dataclass

import pytest

from tests.support.project_copies import (
    add_member,
    add_model_field,
    copy_project,
    latest_migration,
    manage_copy,
    next_migration,
    remove_member,
    set_member,
)

# Project copies, makemigrations and migrate in subprocesses (about 2 minutes in all).
pytestmark = pytest.mark.slow


@dataclass
class EnumCase:
    enum_type: str
    choices_class: str
    app: str  # the app whose migration changes the type
    columns: tuple  # (table, column) of every column of the type
    labels: list
    added: tuple  # (value, display label, member it follows or None for the first place)
    renamed: tuple  # (member, old value, new value, display label kept)


CASES = [
    EnumCase(
        "botstatus",
        "BotStatus",
        "bots",
        (("bots", "status"),),
        ["ACTIVE", "STOPPED", "ERROR"],
        ("PAUSED", "Paused", "STOPPED"),
        ("ERROR", "ERROR", "FAILED", "ERROR"),
    ),
    EnumCase(
        "exchange",
        "Exchange",
        "bots",
        (("bots", "exchange"), ("trades", "exchange")),
        ["COINDCX_F", "BINANCE", "BYBIT", "DELTA"],
        ("OKX", "OKX", "BINANCE"),
        ("BYBIT", "BYBIT", "BYBIT_V5", "Bybit"),
    ),
    EnumCase(
        "orderside",
        "OrderSide",
        "bots",
        (("bots", "first_order"), ("orders", "side"), ("trades", "side")),
        ["BUY", "SELL"],
        ("HOLD", "HOLD", None),
        ("SELL", "SELL", "SELL_SIDE", "SELL"),
    ),
    EnumCase(
        "orderstatus",
        "OrderStatus",
        "orders",
        (("orders", "status"),),
        [
            "PENDING",
            "OPEN",
            "PARTIALLY_FILLED",
            "FILLED",
            "CANCELLED",
            "REJECTED",
            "EXPIRED",
            "FAILED",
        ],
        ("SUBMITTED", "SUBMITTED", "PENDING"),
        ("EXPIRED", "EXPIRED", "TIMED_OUT", "EXPIRED"),
    ),
    EnumCase(
        "ordertype",
        "OrderType",
        "orders",
        (("orders", "order_type"),),
        ["MARKET", "LIMIT", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"],
        ("TRAILING_STOP", "Trailing stop", "TAKE_PROFIT_LIMIT"),
        ("LIMIT", "LIMIT", "LIMIT_GTC", "LIMIT"),
    ),
]


def migration_of(project, app, name):
    [path] = (project / app / "migrations").glob(f"*_{name}.py")
    return path.stem


# Reading the type back


def pg_labels(database, enum_type):
    [(labels,)] = database.query(f"SELECT enum_range(NULL::{enum_type})::text[]")
    return labels


def sqlite_labels(path, table, column):
    with sqlite3.connect(path) as conn:
        [(sql,)] = conn.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table])
    labels = re.search(rf'CHECK \("{column}" IN \(([^)]*)\)\)', sql).group(1)
    return re.findall(r"'([^']*)'", labels)


class Target:
    """A database the copy migrates, reading each enum type as the database enforces it."""

    def __init__(self, database, sqlite_path=None):
        self.database, self.sqlite_path = database, sqlite_path
        self.env = {"DATABASE_URL": f"sqlite:///{sqlite_path}"} if sqlite_path else {}

    def migrate(self, project, *args, check=True):
        return self.database.manage("migrate", *args, cwd=project, env=self.env, check=check)

    def labels(self, case):
        if self.sqlite_path is None:
            return pg_labels(self.database, case.enum_type)
        found = {
            tuple(sqlite_labels(self.sqlite_path, table, column)) for table, column in case.columns
        }
        assert len(found) == 1, f"the columns of {case.enum_type} disagree: {found}"
        return list(found.pop())

    def rows(self, case, value):
        """How many rows hold `value`, over every column of the type."""
        total = 0
        for table, column in case.columns:
            if self.sqlite_path:
                with sqlite3.connect(self.sqlite_path) as conn:
                    sql = f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?'
                    total += conn.execute(sql, [value]).fetchone()[0]
            else:
                sql = f'SELECT count(*) FROM "{table}" WHERE "{column}"::text = %s'
                total += self.database.query(sql, [value])[0][0]
        return total


STEPS = ("enum_add", "enum_rename", "enum_remove")
# The steps' migrations follow each app's own last one.
BASE = {app: int(latest_migration(app)[:4]) for app in ("bots", "orders")}


def numbered(app, number):
    """Migration `number` of the steps (2 to 4; 1 is before them) of `app`, as its prefix."""
    return f"{BASE[app] + number - 1:04d}"


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project copy whose five enums each got a member added, one renamed, the added removed.

    One `makemigrations` per step for all five enums: three migrations of bots and of orders.
    """
    project = copy_project(tmp_path_factory.mktemp("enums") / "project")
    outputs = []
    for step in STEPS:
        for case in CASES:
            value, label, after = case.added
            member, _, new, display = case.renamed
            if step == "enum_add":
                add_member(project, case.choices_class, value, label, after)
            elif step == "enum_rename":
                set_member(project, case.choices_class, member, new, display)
            else:
                remove_member(project, case.choices_class, value)
        outputs.append(manage_copy(project, "makemigrations", "--name", step))
    add_output, rename_output, remove_output = outputs
    for case in CASES:
        value, (_, old, new, _) = case.added[0], case.renamed
        assert f"~ Add value {value} to enum type {case.enum_type}" in add_output
        assert f"~ Rename value {old} of enum type {case.enum_type} to {new}" in rename_output
        assert f"~ Remove value {value} from enum type {case.enum_type}" in remove_output
    for output in outputs:
        assert "Alter field" not in output, output
    assert "No changes detected" in manage_copy(project, "makemigrations", "--check", "--dry-run")
    return project


def expected_labels(case):
    """The labels after each step: added, renamed, removed."""
    value, _, after = case.added
    old, new = case.renamed[1:3]
    added = list(case.labels)
    added.insert(added.index(after) + 1 if after else 0, value)
    renamed = [new if label == old else label for label in added]
    return [added, renamed, [label for label in renamed if label != value]]


def migrate_both(target, project, number):
    for app in ("bots", "orders"):
        target.migrate(project, app, numbered(app, number))


def walk(target, project):
    """Forward one step at a time, then back to 0001: every type follows at every step."""
    rows_before = {case.enum_type: target.rows(case, case.renamed[1]) for case in CASES}
    for case in CASES:
        assert target.labels(case) == case.labels
    for number, step in enumerate(STEPS, start=2):
        migrate_both(target, project, number)
        for case in CASES:
            assert target.labels(case) == expected_labels(case)[number - 2], (step, case)
    for case in CASES:
        old, new = case.renamed[1:3]
        assert target.rows(case, new) == rows_before[case.enum_type], case.enum_type
        assert target.rows(case, old) == 0
    for number in (3, 2, 1):
        migrate_both(target, project, number)
        for case in CASES:
            want = expected_labels(case)[number - 2] if number > 1 else case.labels
            assert target.labels(case) == want, (f"back to {number:04d}", case)
    for case in CASES:
        assert target.rows(case, case.renamed[1]) == rows_before[case.enum_type]


def test_each_enum_change_lands_in_the_app_that_owns_the_type_as_enum_operations(project):
    for step in STEPS:
        number = STEPS.index(step) + 2
        bots = project / "bots" / "migrations" / f"{numbered('bots', number)}_{step}.py"
        orders = project / "orders" / "migrations" / f"{numbered('orders', number)}_{step}.py"
        bots_source, orders_source = bots.read_text(), orders.read_text()
        for case in CASES:
            source = bots_source if case.app == "bots" else orders_source
            assert f"enum_type='{case.enum_type}'" in source, (step, case.enum_type)
    # orderside, shared with orders.side, waits for the orders app's migrations.
    assert (
        f"('orders', '{numbered('orders', 2)}_enum_add')"
        in (project / "bots" / "migrations" / f"{numbered('bots', 2)}_enum_add.py").read_text()
    )


def test_sqlmigrate_shows_add_value_at_its_place_rename_value_and_the_rebuild(project, scratch_db):
    scratch_db.manage("migrate", "orders", "0001", cwd=project)
    add = scratch_db.manage("sqlmigrate", "bots", numbered("bots", 2), cwd=project).stdout
    rename = scratch_db.manage("sqlmigrate", "bots", numbered("bots", 3), cwd=project).stdout
    remove = scratch_db.manage("sqlmigrate", "orders", numbered("orders", 4), cwd=project).stdout
    back = scratch_db.manage(
        "sqlmigrate", "bots", numbered("bots", 2), "--backwards", cwd=project
    ).stdout

    assert """ALTER TYPE "exchange" ADD VALUE IF NOT EXISTS 'OKX' AFTER 'BINANCE';""" in add
    assert """ALTER TYPE "orderside" ADD VALUE IF NOT EXISTS 'HOLD' BEFORE 'BUY';""" in add
    assert """ALTER TYPE "botstatus" RENAME VALUE 'ERROR' TO 'FAILED';""" in rename
    assert """ALTER TYPE "ordertype" RENAME TO "ordertype__previous";""" in remove
    assert """ALTER TABLE "orders" ALTER COLUMN "order_type" TYPE "ordertype" USING""" in remove
    assert """DROP TYPE "ordertype__previous";""" in remove
    for table, column in (("bots", "first_order"), ("orders", "side"), ("trades", "side")):
        assert f'ALTER TABLE "{table}" ALTER COLUMN "{column}" TYPE "orderside"' in back


def test_on_a_fresh_postgresql_database_partial_indexes_on_the_values_included(project, scratch_db):
    target = Target(scratch_db)
    target.migrate(project, "orders", "0001")  # and bots 0001, which it depends on
    # As a performance migration might add: rebuilding a type must keep such an index.
    scratch_db.execute(
        "CREATE INDEX orders_open ON orders (bot_id) "
        "WHERE status IN ('PENDING', 'OPEN') AND order_type <> 'MARKET'"
    )
    walk(target, project)
    [(definition,)] = scratch_db.query(
        "SELECT indexdef FROM pg_indexes WHERE indexname = 'orders_open'"
    )
    assert "'PENDING'::orderstatus" in definition and "'MARKET'::ordertype" in definition


def test_on_a_legacy_database_adopted_with_baseline_the_rows_follow_a_rename(project, legacy_db):
    legacy_db.manage("baseline")  # the project itself: only the baseline is recorded
    walk(Target(legacy_db), project)


def test_on_sqlite_the_check_constraints_follow(project, scratch_db, tmp_path):
    target = Target(scratch_db, tmp_path / "db.sqlite3")
    target.migrate(project, "orders", "0001")
    walk(target, project)


# Refusals and changes without SQL

OKX_MIGRATION = next_migration("bots", "exchange_okx")


@pytest.fixture
def okx_project(tmp_path):
    """A project copy with OKX added to the exchanges (bots 0002)."""
    project = copy_project(tmp_path / "project")
    add_member(project, "Exchange", "OKX", "OKX", "DELTA")
    manage_copy(project, "makemigrations", "bots", "--name", "exchange_okx")
    return project


def insert_okx_bot(execute):
    execute(
        "INSERT INTO bots (id, ticker, exchange, first_order, quantity, buy_price, sell_price) "
        "VALUES ('00000000-0000-0000-0000-00000000000a', 'BTCUSDT', 'OKX', 'BUY', 1, 1, 2)"
    )


def test_going_back_refuses_while_rows_hold_the_added_value_and_names_them(okx_project, scratch_db):
    target = Target(scratch_db)
    target.migrate(okx_project)
    insert_okx_bot(scratch_db.execute)

    refused = target.migrate(okx_project, "bots", "0001", check=False)

    assert refused.returncode == 1
    assert (
        "CommandError: Cannot remove value 'OKX' of enum type exchange: rows still hold it: "
        "bots.exchange (1 row: id 00000000-0000-0000-0000-00000000000a). Change or delete "
        "them first (for example UPDATE bots SET exchange = '<another value>' WHERE "
        "exchange = 'OKX'), then migrate again. Nothing was changed."
    ) in refused.stderr
    assert "Traceback" not in refused.stderr
    assert pg_labels(scratch_db, "exchange") == ["COINDCX_F", "BINANCE", "BYBIT", "DELTA", "OKX"]

    scratch_db.execute("DELETE FROM bots")
    target.migrate(okx_project, "bots", "0001")
    assert pg_labels(scratch_db, "exchange") == ["COINDCX_F", "BINANCE", "BYBIT", "DELTA"]


def test_on_sqlite_going_back_refuses_too(okx_project, scratch_db, tmp_path):
    target = Target(scratch_db, tmp_path / "db.sqlite3")
    target.migrate(okx_project)
    with sqlite3.connect(target.sqlite_path) as conn:
        insert_okx_bot(conn.execute)

    refused = target.migrate(okx_project, "bots", "0001", check=False)

    assert refused.returncode == 1
    assert "Cannot remove value 'OKX' of enum type exchange: rows still hold it: " in (
        refused.stderr
    )
    assert sqlite_labels(target.sqlite_path, "bots", "exchange")[-1] == "OKX"


def test_removing_a_member_the_legacy_rows_use_is_refused_naming_tables_and_ids(
    tmp_path, legacy_db
):
    project = copy_project(tmp_path / "project")
    remove_member(project, "Exchange", "DELTA")
    output = manage_copy(project, "makemigrations", "bots", "--name", "no_delta")
    assert "~ Remove value DELTA from enum type exchange" in output
    legacy_db.manage("baseline")
    rows = legacy_db.query("SELECT count(*) FROM bots WHERE exchange = 'DELTA'")[0][0]

    refused = legacy_db.manage("migrate", cwd=project, check=False)

    assert refused.returncode == 1
    assert "Cannot remove value 'DELTA' of enum type exchange: rows still hold it: " in (
        refused.stderr
    )
    assert f"bots.exchange ({rows} row" in refused.stderr
    assert pg_labels(legacy_db, "exchange") == ["COINDCX_F", "BINANCE", "BYBIT", "DELTA"]


def test_a_display_label_change_is_an_alter_field_without_sql(tmp_path, scratch_db):
    project = copy_project(tmp_path / "project")
    set_member(project, "Exchange", "BYBIT", "BYBIT", "ByBit")
    output = manage_copy(project, "makemigrations", "bots", "--name", "bybit_label")
    scratch_db.manage("migrate", "bots", "0001", cwd=project)

    sql = scratch_db.manage("sqlmigrate", "bots", numbered("bots", 2), cwd=project).stdout

    assert "~ Alter field exchange on bot" in output and "enum type" not in output
    assert "ALTER" not in sql.replace("-- Alter field", "") and "(no-op)" in sql


def test_a_column_of_a_new_enum_type_creates_the_type_first_and_drops_it_going_back(
    tmp_path, scratch_db
):
    project = copy_project(tmp_path / "project")
    models_file = project / "exchanges" / "models.py"
    models_file.write_text(
        models_file.read_text().replace(
            "from scalper.legacy.fields import ", "from scalper.legacy.fields import EnumField, "
        )
    )
    add_model_field(
        project,
        "exchanges",
        "ExchangeCredentials",
        'market = EnumField(enum_type="market", choices=[("SPOT", "Spot"), ("FUTURES", '
        '"Futures")], null=True)',
    )
    output = manage_copy(project, "makemigrations", "exchanges", "--name", "market")
    assert "+ Create enum type market (SPOT, FUTURES)" in output

    scratch_db.manage("migrate", cwd=project)
    assert pg_labels(scratch_db, "market") == ["SPOT", "FUTURES"]
    scratch_db.manage("migrate", "exchanges", "0001", cwd=project)
    assert scratch_db.query("SELECT to_regtype('market')") == [(None,)]
