"""`baseline --check` on an adopted database compares it with what the applied migrations create.

Same comparison, words and exit status as at adoption: errors exit 1 ("drifted"), warnings are
listed and exit 0.
"""

import json

import pytest

from tests.legacy.test_baseline import baseline, baseline_json
from tests.support.project_copies import (
    CONCURRENT_INDEX_MIGRATION,
    add_member,
    add_model_field,
    copy_project,
    latest_migration,
    manage_copy,
    next_migration,
    write_migration,
)

# The project's last migration of each legacy app (later ones may follow the baseline).
BOTS, EXCHANGES, ORDERS = (latest_migration(app) for app in ("bots", "exchanges", "orders"))


def adopted(legacy_db):
    out, error = baseline(legacy_db)
    assert error is None, out
    return legacy_db


def test_a_clean_adopted_database_is_compared_and_reported_clean(legacy_db):
    out, error = baseline(adopted(legacy_db), "--check")

    assert error is None
    assert (
        "Schema compared with what the applied migrations create (up to "
        f"bots.{BOTS}, exchanges.{EXCHANGES}, orders.{ORDERS}): 0 errors, 0 warnings."
    ) in out
    assert "Already adopted: nothing to do, nothing was changed." in out


def test_a_label_added_by_hand_is_reported_as_at_adoption(legacy_db):
    adopted(legacy_db).execute("ALTER TYPE exchange ADD VALUE 'KRAKEN'")

    out, error = baseline(legacy_db, "--check")

    assert error is None  # a warning, as at adoption
    assert (
        "  WARNING  exchange (extra enum label): expected labels ['COINDCX_F', 'BINANCE', "
        "'BYBIT', 'DELTA'], found KRAKEN.\n"
        "           Rows may hold a value the models do not list; Django shows it as stored."
    ) in out
    assert ": 0 errors, 1 warning." in out


def test_a_dropped_index_is_reported_as_at_adoption(legacy_db):
    adopted(legacy_db).execute("DROP INDEX ix_orders_side")

    out, error = baseline(legacy_db, "--check")

    assert error is None
    assert (
        "  WARNING  orders.ix_orders_side (missing index): expected CREATE INDEX ix_orders_side "
        "ON public.orders USING btree (side), found no such index.\n"
        "           Queries that filter on it are slower; Django works without it."
    ) in out


def test_a_changed_column_type_is_an_error_and_exits_1(legacy_db):
    adopted(legacy_db).execute("ALTER TABLE bots ALTER COLUMN ticker TYPE varchar(50)")

    report, error = baseline_json(legacy_db, "--check")

    assert error is not None and "baseline: drifted" in str(error)
    assert report["state"] == "adopted" and report["outcome"] == "drifted" and not report["ok"]
    [finding] = report["errors"]
    assert finding["headline"] == (
        "bots.ticker (column type): expected character varying(20), found character varying(50)."
    )
    assert finding["impact"] == "Django reads and writes this column with the expected type."
    out, _ = baseline(legacy_db)  # without --check: the same refusal, nothing changed
    assert "Drift: 1 error; nothing was changed." in out


def test_alembic_moving_the_adopted_database_is_reported(legacy_db):
    adopted(legacy_db).execute("UPDATE alembic_version SET version_num = 'abc123'")

    report, error = baseline_json(legacy_db, "--check")

    assert error is not None
    assert report["errors"][0]["kind"] == "alembic_revision"


def test_a_database_django_created_is_checked_too(scratch_db):
    scratch_db.manage("migrate")
    scratch_db.execute("ALTER TABLE exchange_credentials ALTER COLUMN label DROP NOT NULL")
    scratch_db.execute("ALTER TABLE exchange_credentials DROP COLUMN description")

    report, error = baseline_json(scratch_db, "--check")

    assert error is not None
    assert report["state"] == "django" and report["outcome"] == "drifted"
    assert [finding["headline"] for finding in report["errors"]] == [
        "exchange_credentials.description (missing column): expected character varying(500), "
        "found no such column."
    ]


@pytest.mark.slow
def test_the_expected_schema_follows_the_later_migrations(legacy_db, tmp_path):
    """A column, an enum value and a concurrent index added later: clean; then drift in them."""
    project = copy_project(tmp_path / "project")
    add_model_field(
        project, "exchanges", "ExchangeCredentials", "notes = models.TextField(null=True)"
    )
    add_member(project, "Exchange", "OKX", "OKX", "DELTA")
    manage_copy(project, "makemigrations", "--name", "later")
    later = next_migration("bots", "later")
    index = f"{int(later[:4]) + 1:04d}_bots_exchange_idx"
    write_migration(
        project,
        "bots",
        index,
        CONCURRENT_INDEX_MIGRATION.replace(f'("bots", "{BOTS}")', f'("bots", "{later}")'),
    )
    adoption = json.loads(legacy_db.manage("baseline", "--format", "json", cwd=project).stdout)
    assert adoption["outcome"] == "adopted"
    # The value is added after the adoption's transaction, where it could be used.
    assert f"bots.{later}" in adoption["applied_after_commit"]

    clean = legacy_db.manage("baseline", "--check", cwd=project)
    assert (
        "Schema compared with what the applied migrations create (up to "
        f"bots.{index}, exchanges.{next_migration('exchanges', 'later')}, orders.{ORDERS}): "
        "0 errors, 0 warnings."
    ) in clean.stdout

    legacy_db.execute("ALTER TABLE exchange_credentials DROP COLUMN notes")
    legacy_db.execute("DROP INDEX bots_exchange_idx")
    drifted = legacy_db.manage("baseline", "--check", cwd=project, check=False)
    assert drifted.returncode == 1
    assert (
        "  ERROR    exchange_credentials.notes (missing column): expected text, "
        "found no such column."
    ) in drifted.stdout
    assert "  WARNING  bots.bots_exchange_idx (missing index)" in drifted.stdout
    assert "exchange (" not in drifted.stdout  # OKX is expected, and there


PERFORMANCE_INDEXES = """
from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models
from django.db.models.functions import Lower


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("orders", "{latest}")]

    operations = [
        AddIndexConcurrently(
            "order",
            models.Index(
                fields=["bot", "-created_at"],
                include=["status"],
                condition=models.Q(status__in=["PENDING", "OPEN"]),
                name="orders_open_by_bot",
            ),
        ),
        AddIndexConcurrently(
            "order", models.Index(Lower("ticker"), name="orders_ticker_lower")
        ),
    ]
"""


@pytest.mark.slow
def test_partial_covering_and_expression_indexes_of_later_migrations_are_expected(
    legacy_db, tmp_path
):
    project = copy_project(tmp_path / "project")
    name = next_migration("orders", "performance_indexes")
    write_migration(
        project, "orders", name, PERFORMANCE_INDEXES.replace("{latest}", latest_migration("orders"))
    )
    legacy_db.manage("baseline", cwd=project)

    clean = legacy_db.manage("baseline", "--check", cwd=project)

    assert f"orders.{name}): 0 errors, 0 warnings." in clean.stdout
