"""Real processes for the fault and load scripts and tests: a throwaway PostgreSQL cluster of their
own (which they may stop and start) and the app under gunicorn, both on 127.0.0.1.

Nothing here touches the PostgreSQL server the test suite uses.
"""

import glob
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import requests
from cryptography.fernet import Fernet

PROJECT_DIR = Path(__file__).resolve().parents[2]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bin(program):
    """`program` from the newest PostgreSQL on this machine (initdb is rarely on PATH)."""
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{program}"))
    found = candidates[-1] if candidates else shutil.which(program)
    if not found:
        raise RuntimeError(f"{program} not found: install the PostgreSQL server package")
    return found


class PostgresCluster:
    """A PostgreSQL cluster in a temporary folder, on a free port, that can be stopped and started.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
    """

    def __init__(self):
        self.port = free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="scalper-pg-"))
        self.data = self.folder / "data"
        self.as_owner = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]
        try:
            self._run(
                postgres_bin("initdb"),
                "-D",
                self.data,
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            )
            self.start()
        except BaseException:
            self.destroy()
            raise

    def _run(self, *command):
        subprocess.run(
            [*self.as_owner, *map(str, command)], check=True, capture_output=True, timeout=120
        )

    def start(self):
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.folder}"
            " -c fsync=off -c synchronous_commit=off -c max_connections=200"
        )
        self._run(
            postgres_bin("pg_ctl"),
            "-D",
            self.data,
            "-o",
            options,
            "-l",
            self.folder / "log",
            "-w",
            "start",
        )

    def stop(self):
        self._run(postgres_bin("pg_ctl"), "-D", self.data, "-m", "fast", "-w", "stop")

    def url(self, dbname="postgres"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def dsn(self, dbname="postgres"):
        return f"host=127.0.0.1 port={self.port} user=postgres dbname={dbname}"

    def create_database(self, name="scalper"):
        with psycopg.connect(self.dsn(), autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self):
        subprocess.run(
            [
                *self.as_owner,
                postgres_bin("pg_ctl"),
                "-D",
                str(self.data),
                "-m",
                "immediate",
                "stop",
            ],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.destroy()


def production_environment(database_url, **overrides):
    """The environment of a production server (DEBUG off, real secrets), on plain HTTP."""
    environment = {
        name: os.environ[name] for name in ("PATH", "HOME", "LANG") if name in os.environ
    }
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": "scalper.settings",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "CREDENTIALS_KEYS": Fernet.generate_key().decode(),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # TLS is the proxy's business; these servers are reached over plain HTTP on loopback.
        "SECURE_SSL_REDIRECT": "false",
        "LOG_LEVEL": "WARNING",
        # No Redis (REDIS_URL defaults to the local one): rate-limit counters stay in each
        # process, not in a Redis database that parallel runs, with the same user ids, share.
        "REDIS_URL": "",
        **overrides,
    }


def manage(environment, *args):
    """Run `manage.py *args` with `environment`; its stdout."""
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def create_operator(environment, username="operator", password="correct horse battery staple"):
    """A superuser with `password` and an API token for it; the token key."""
    script = (
        "from django.contrib.auth import get_user_model\n"
        "from rest_framework.authtoken.models import Token\n"
        f"user = get_user_model().objects.create_superuser({username!r}, password={password!r})\n"
        "print(Token.objects.create(user=user).key)\n"
    )
    return manage(environment, "shell", "-v", "0", "-c", script).split()[-1]


class Blackhole:
    """A port that accepts TCP connections and never answers: a database that hangs."""

    def __init__(self):
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(64)
        self.port = self.socket.getsockname()[1]

    def url(self, dbname="scalper"):
        return f"postgres://postgres@127.0.0.1:{self.port}/{dbname}"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.socket.close()


class AppServer:
    """The app under gunicorn on a free port of 127.0.0.1."""

    def __init__(self, environment, workers=2, threads=1, timeout=30):
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "scalper.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--timeout",
                str(timeout),
                "--preload",
            ],
            cwd=PROJECT_DIR,
            env=environment,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            self._wait_until_serving()
        except BaseException:
            self.stop()
            raise

    def _wait_until_serving(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.output()}")
            try:
                requests.get(f"{self.base_url}/", timeout=5)
                return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout}s:\n{self.output()}")

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()
        self.log.close()
