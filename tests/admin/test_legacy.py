"""The admin on legacy data: `alembic_version` visible on an adopted database, never writable,
and no crash on a database that Django created (which has no such table); every page over the
rows the legacy backend wrote."""

from pathlib import Path

import pytest
from django.contrib import admin
from django.db import connection

from bots.models import Bot
from exchanges.models import ExchangeCredentials
from scalper.legacy.models import AlembicVersion
from tests.admin.pages import results_table

pytestmark = pytest.mark.django_db

ALEMBIC = "/admin/legacy/alembicversion/"


@pytest.fixture
def adopted_tables():
    """The table as the legacy backend left it (created inside the test's transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE alembic_version (version_num varchar(32) NOT NULL, "
            "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
        )
        cursor.execute("INSERT INTO alembic_version VALUES ('fef8185d3887')")


def test_a_django_created_database_shows_an_empty_list_and_says_why(admin_client):
    response = admin_client.get(ALEMBIC)

    assert response.status_code == 200
    assert "no alembic_version table" in response.content.decode()
    assert "fef8185d3887" not in results_table(response)


def test_a_missing_table_makes_a_revision_page_not_found_not_an_error(admin_client):
    response = admin_client.get(f"{ALEMBIC}fef8185d3887/change/", follow=True)

    assert response.status_code == 200
    assert "doesn’t exist" in response.content.decode()


def test_an_adopted_database_shows_its_alembic_revision(admin_client, adopted_tables):
    response = admin_client.get(ALEMBIC)

    assert "fef8185d3887" in results_table(response)
    assert "no alembic_version table" not in response.content.decode()


def test_the_revision_is_shown_read_only(admin_client, adopted_tables):
    page = f"{ALEMBIC}fef8185d3887/change/"

    shown = admin_client.get(page)

    assert shown.status_code == 200
    assert "fef8185d3887" in shown.content.decode()
    assert 'name="version_num"' not in shown.content.decode()
    assert admin_client.post(page, {"version_num": "0000"}).status_code == 403
    assert admin_client.get(f"{ALEMBIC}add/").status_code == 403
    assert admin_client.post(f"{ALEMBIC}fef8185d3887/delete/", {"post": "yes"}).status_code == 403
    assert 'value="delete_selected"' not in admin_client.get(ALEMBIC).content.decode()
    with connection.cursor() as cursor:
        cursor.execute("SELECT version_num FROM alembic_version")
        assert cursor.fetchall() == [("fef8185d3887",)]


LEGACY_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_fef8185d3887.sql"
# Plaintexts of the fixture's credentials (see the comment above its exchange_credentials rows).
LEGACY_SECRETS = ("legacy-api-key-", "legacy-secret-", "legacy-passphrase-")


@pytest.fixture
def legacy_rows():
    """The legacy fixture's rows (bots, orders, trades, logs, Telegram, credentials), loaded into
    the test database, whose tables the migrations made identical to the legacy ones."""
    sql = LEGACY_FIXTURE.read_text()
    rows = sql[sql.index("-- Data: bots") : sql.index("-- Undo the session settings")]
    with connection.cursor() as cursor:
        cursor.execute(rows)


def every_admin_page():
    """The index, and each list, add page and row page of the project's models."""
    pages = ["/admin/", "/admin/bots/bot/add/", "/admin/exchanges/exchangecredentials/add/"]
    for model in admin.site._registry:
        if model._meta.app_label not in ("bots", "exchanges", "orders", "legacy"):
            continue
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        pages.append(url)
        if model is not AlembicVersion:
            pages += [f"{url}{pk}/change/" for pk in model.objects.values_list("pk", flat=True)]
    return pages


def test_every_admin_page_opens_on_legacy_rows_and_shows_no_secret(admin_client, legacy_rows):
    ciphertexts = [
        token
        for row in ExchangeCredentials.objects.values_list(
            "api_key_encrypted", "secret_key_encrypted", "passphrase_encrypted"
        )
        for token in row
        if token
    ]
    pages = every_admin_page()

    assert len(pages) > 130
    for page in pages:
        response = admin_client.get(page)
        html = response.content.decode()
        assert response.status_code == 200, page
        for secret in (*LEGACY_SECRETS, *ciphertexts, "gAAAAA"):
            assert secret not in html, page


def test_a_legacy_bot_page_shows_its_activity_and_orders(admin_client, legacy_rows):
    eth = Bot.objects.get(pk="a1ae9909-5bd5-48f2-a5a8-ef36c9bae0bb")

    page = admin_client.get(f"/admin/bots/bot/{eth.pk}/change/").content.decode()

    assert "Order filled for ETH/USDT: SELL 0.5 @ 2648.9" in page
    assert f"{eth.orders.count()} orders" in page


def test_activity_of_deleted_legacy_bots_stays_listed(admin_client, legacy_rows):
    response = admin_client.get(
        "/admin/bots/activitylog/", {"bot_id": "4520155b-4ea6-4137-914e-f0c7d4b5cd9c"}
    )

    assert "deleted bot 4520155b-4ea6-4137-914e-f0c7d4b5cd9c" in results_table(response)
