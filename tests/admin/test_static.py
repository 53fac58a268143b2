"""With DEBUG off, the app itself serves the admin's CSS and JS from collectstatic's output
(WhiteNoise), as production runs it: gunicorn, no separate web server."""

import os
import re
import subprocess
import sys

import pytest
import requests

from tests.support.databases import PROJECT_DIR
from tests.support.servers import AppServer

# gunicorn serving collectstatic's output (13 s).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    """collectstatic into a fresh STATIC_ROOT, then gunicorn with DEBUG off on 127.0.0.1."""
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "static-files-test-key",
        "ALLOWED_HOSTS": "127.0.0.1",
        "STATIC_ROOT": str(tmp_path_factory.mktemp("static")),
        # The login page needs no database; nothing connects to this one.
        "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unused",
        "DJANGO_SETTINGS_MODULE": "scalper.settings",
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=PROJECT_DIR,
        env=env,
        check=True,
        timeout=120,
    )
    with AppServer(env, workers=1) as server:
        yield server.base_url


def test_the_admin_css_is_served_from_collectstatic_output_with_debug_off(production_server):
    login = requests.get(f"{production_server}/admin/login/", timeout=5)
    stylesheet = re.search(r'href="(/static/admin/css/base\.[0-9a-f]{12}\.css)"', login.text)

    assert login.status_code == 200
    assert stylesheet, "the login page links the hashed name from the manifest"
    css = requests.get(
        production_server + stylesheet.group(1), headers={"Accept-Encoding": "gzip"}, timeout=5
    )
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    assert css.headers["Content-Encoding"] == "gzip"
    assert "max-age=315360000" in css.headers["Cache-Control"]
    assert "#header" in css.text


def test_a_static_file_that_was_not_collected_is_not_found(production_server):
    response = requests.get(f"{production_server}/static/admin/css/missing.css", timeout=5)

    assert response.status_code == 404
