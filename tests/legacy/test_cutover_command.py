"""`manage.py cutover status|finish` on the legacy fixture database, adopted with `baseline`.

tests/fixtures/legacy_fef8185d3887.sql holds rows the legacy API itself could not show (bots on
BYBIT and DELTA, a bot without status, bots with out-of-range values, orders without
filled_quantity or with a JSON list as extra_data): `status` counts them.
"""

import base64
import hashlib
import io
import json
import subprocess
import sys
import time

import psycopg
import pytest
from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.core.management import CommandError, call_command

from scalper.legacy.cutover import LOCK
from tests.support.databases import PROJECT_DIR, server_dsn

# What the legacy backend cannot read in the fixture, as the real legacy backend answered on it
# (GET /api/v1/bots/ and GET /api/v1/orders/ answer 500).
FIXTURE_FINDINGS = [
    ("bots", "on Bybit or Delta", 4),
    ("bots", "with status, pnl", 1),
    ("bots", "with an empty ticker", 2),
    ("orders", "with filled_quantity", 3),
]
FIXTURE_CREDENTIALS = 4


def legacy_fernet():
    digest = hashlib.sha256(settings.LEGACY_SECRET_KEY.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def state_of(database):
    return database.query("SELECT dual_run, finished_at IS NOT NULL FROM scalper_cutover")


def cutover(database, *args):
    out = io.StringIO()
    call_command("cutover", *args, database=database.alias, stdout=out)
    return out.getvalue()


def status_json(database):
    return json.loads(cutover(database, "status", "--format", "json"))


def secrets_of(database):
    return database.query(
        "SELECT api_key_encrypted, secret_key_encrypted, passphrase_encrypted "
        "FROM exchange_credentials ORDER BY id"
    )


@pytest.fixture
def adopted_db(legacy_db):
    call_command("baseline", database=legacy_db.alias, stdout=io.StringIO())
    return legacy_db


def test_baseline_starts_the_dual_run(adopted_db):
    assert state_of(adopted_db) == [(True, False)]


def test_migrate_fake_initial_on_a_legacy_database_starts_the_dual_run_too(legacy_db):
    call_command("migrate", fake_initial=True, database=legacy_db.alias, verbosity=0)

    assert state_of(legacy_db) == [(True, False)]


def test_a_database_made_by_migrate_starts_finished(scratch_db):
    call_command("migrate", database=scratch_db.alias, verbosity=0)

    assert state_of(scratch_db) == [(False, False)]
    assert status_json(scratch_db)["state"] == "finished"


def test_status_counts_what_the_legacy_backend_cannot_read_in_json(adopted_db):
    report = status_json(adopted_db)

    assert report["state"] == "dual_run" and report["finished_at"] is None
    found = [(f["table"], f["problem"], f["count"]) for f in report["unreadable"]]
    assert [(table, count) for table, _, count in found] == [
        (table, count) for table, _, count in FIXTURE_FINDINGS
    ]
    for (_, problem, _), (_, start, _) in zip(found, FIXTURE_FINDINGS, strict=True):
        assert problem.startswith(start)
    assert all(f["fails"].startswith("GET /api/v1/") for f in report["unreadable"])
    assert report["unreadable_rows"] == 10
    assert report["credentials_not_under_legacy_key"] == 0


def test_status_counts_in_text_too(adopted_db):
    text = cutover(adopted_db, "status")

    assert text.startswith("Cut-over: dual run")
    assert "The legacy backend could not read 10 rows today:" in text
    assert "  bots: 4 on Bybit or Delta" in text
    assert "  orders: 3 with filled_quantity" in text
    assert "Credentials not under the legacy key (the legacy backend cannot decrypt them): 0." in (
        text
    )


def test_status_counts_credentials_off_the_legacy_key_shared_networks_and_active_chats(
    adopted_db,
):
    current = Fernet(settings.CREDENTIALS_KEYS[0]).encrypt(b"new-key").decode()
    adopted_db.execute(
        "INSERT INTO exchange_credentials (id, exchange, exchange_display_name, "
        "api_key_encrypted, secret_key_encrypted, is_testnet, is_active, is_validated) "
        "SELECT gen_random_uuid(), exchange, 'again', %s, %s, is_testnet, false, false "
        "FROM exchange_credentials WHERE exchange = 'binance'",
        [current, current],
    )
    adopted_db.execute(
        "INSERT INTO telegram_connections (id, chat_id, is_active) VALUES "
        "(gen_random_uuid(), 'chat-a', true), (gen_random_uuid(), 'chat-b', true)"
    )

    report = status_json(adopted_db)

    counts = {f["problem"].split(" (")[0]: f["count"] for f in report["unreadable"]}
    assert counts["sharing their exchange and network with another row"] == 2
    assert counts["active while another one is"] >= 2
    assert report["credentials_not_under_legacy_key"] == 1


def test_finish_ends_the_dual_run_and_re_encrypts_every_credential(adopted_db):
    before = secrets_of(adopted_db)

    text = cutover(adopted_db, "finish")

    assert text.startswith(
        f"Dual run ended. Re-encrypted {FIXTURE_CREDENTIALS} of {FIXTURE_CREDENTIALS} credentials"
    )
    assert "Cut-over: finished on 20" in text
    assert "the legacy backend no longer shares this database." in text
    assert state_of(adopted_db) == [(False, True)]
    first, legacy = Fernet(settings.CREDENTIALS_KEYS[0]), legacy_fernet()
    for old_row, new_row in zip(before, secrets_of(adopted_db), strict=True):
        for old, new in zip(old_row, new_row, strict=True):
            if old:
                assert first.decrypt(new.encode()) == legacy.decrypt(old.encode())
                with pytest.raises(InvalidToken):
                    legacy.decrypt(new.encode())
    assert status_json(adopted_db)["credentials_not_under_legacy_key"] == FIXTURE_CREDENTIALS


def test_a_second_finish_changes_nothing(adopted_db):
    cutover(adopted_db, "finish")
    secrets, state = secrets_of(adopted_db), adopted_db.query("TABLE scalper_cutover")

    report = json.loads(cutover(adopted_db, "finish", "--format", "json"))

    assert report["finish"] == {
        "finished_now": False,
        "credentials": FIXTURE_CREDENTIALS,
        "re_encrypted": 0,
    }
    assert report["state"] == "finished"
    assert secrets_of(adopted_db) == secrets
    assert adopted_db.query("TABLE scalper_cutover") == state


def test_finish_without_the_legacy_key_changes_nothing_and_says_what_to_set(adopted_db, settings):
    settings.LEGACY_SECRET_KEY = ""
    before = secrets_of(adopted_db)

    with pytest.raises(CommandError) as refusal:
        cutover(adopted_db, "finish")

    assert "Nothing was changed" in str(refusal.value)
    assert "LEGACY_SECRET_KEY" in str(refusal.value)
    assert state_of(adopted_db) == [(True, False)]
    assert secrets_of(adopted_db) == before


@pytest.mark.slow
def test_two_concurrent_finishes_take_turns_under_the_lock(adopted_db):
    # Hold the lock, start two finishes, see both wait for it, then let them go.
    holder = psycopg.connect(server_dsn(adopted_db.name))
    holder.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [LOCK])
    finishes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "cutover", "finish", "--format", "json"],
            cwd=PROJECT_DIR,
            env=adopted_db.manage_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            (waiting,) = adopted_db.query(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
            )[0]
            if waiting == 2:
                break
            time.sleep(0.1)
        assert waiting == 2
        assert state_of(adopted_db) == [(True, False)]
    finally:
        holder.rollback()
        holder.close()
    reports = []
    for finish in finishes:
        out, err = finish.communicate(timeout=120)
        assert finish.returncode == 0, err
        reports.append(json.loads(out)["finish"])

    assert sorted(report["finished_now"] for report in reports) == [False, True]
    assert sorted(report["re_encrypted"] for report in reports) == [0, FIXTURE_CREDENTIALS]
    assert state_of(adopted_db) == [(False, True)]
