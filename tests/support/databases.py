"""Throwaway PostgreSQL databases for tests that need more than Django's test database.

A `ScratchDatabase` is created empty (or from the legacy fixture) on the test server, can be
used through the ORM under its own connection alias, through plain SQL, or by running
`manage.py` against it in a subprocess, and is dropped afterwards.
"""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections

PROJECT_DIR = Path(__file__).resolve().parents[2]
LEGACY_FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "legacy_fef8185d3887.sql"


def server_settings():
    return settings.DATABASES["default"]


def server_dsn(dbname):
    db = server_settings()
    return psycopg.conninfo.make_conninfo(
        host=db.get("HOST") or "127.0.0.1",
        port=db.get("PORT") or 5432,
        user=db.get("USER") or "postgres",
        password=db.get("PASSWORD") or None,
        dbname=dbname,
    )


def server_url(dbname):
    db = server_settings()
    credentials = db.get("USER") or "postgres"
    if db.get("PASSWORD"):
        credentials += f":{db['PASSWORD']}"
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{credentials}@{host}:{port}/{dbname}"


class ScratchDatabase:
    def __init__(self, prefix="scratch", template=None):
        self.name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        self.alias = self.name
        self.url = server_url(self.name)
        copy_of = f' TEMPLATE "{template.name}"' if template else ""
        with psycopg.connect(server_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"{copy_of}')
        connections.settings[self.alias] = {
            **server_settings(),
            "NAME": self.name,
            "CONN_MAX_AGE": 0,
        }

    def execute(self, sql, params=None):
        with psycopg.connect(server_dsn(self.name), autocommit=True) as conn:
            conn.execute(sql, params)

    def query(self, sql, params=None):
        with psycopg.connect(server_dsn(self.name), autocommit=True) as conn:
            return conn.execute(sql, params).fetchall()

    def load_legacy_fixture(self):
        self.execute(LEGACY_FIXTURE.read_text())
        return self

    def manage_environment(self, env=None):
        """The environment of an operator's `manage.py` pointed at this database."""
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "DJANGO_SETTINGS_MODULE": "scalper.settings",
            "SECRET_KEY": settings.SECRET_KEY,
            **(env or {}),
        }

    def manage(self, *args, env=None, check=True, timeout=120, cwd=PROJECT_DIR):
        """Run `python manage.py *args` against this database, as an operator would."""
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=cwd,
            env=self.manage_environment(env),
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"manage.py {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result

    def table_rows(self, table):
        """Every row of `table` as text, sorted: a fingerprint of its content."""
        return self.query(f'SELECT t::text FROM "{table}" t ORDER BY 1')

    def drop(self):
        connections[self.alias].close()
        del connections[self.alias]
        del connections.settings[self.alias]
        with psycopg.connect(server_dsn("postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
