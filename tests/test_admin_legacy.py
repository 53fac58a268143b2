"""`alembic_version` in the admin: visible on an adopted database, never writable, and no crash
on a database that Django created (which has no such table)."""

import pytest
from django.db import connection

from tests.admin_pages import results_table

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
