"""The first run: after `make run`'s migrations, `make superuser` is the one step before a newcomer
signs in."""

import http.cookiejar
import os
import subprocess
import sys
import urllib.parse
import urllib.request

import pytest

from tests.support.commands import get_json
from tests.support.databases import PROJECT_DIR
from tests.support.servers import free_port

pytestmark = pytest.mark.slow


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_make_superuser_creates_the_account_a_newcomer_signs_in_with(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_SETTINGS_MODULE")
    }
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DJANGO_SUPERUSER_USERNAME="newcomer",
        DJANGO_SUPERUSER_EMAIL="newcomer@example.com",
        DJANGO_SUPERUSER_PASSWORD="a long first password",
    )
    made = subprocess.run(
        ["make", "superuser", f"PYTHON={sys.executable}"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stdout + made.stderr
    assert "Superuser created successfully." in made.stdout

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=PROJECT_DIR,
        env={**env, "DEBUG": "true"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        get_json(f"http://127.0.0.1:{port}/health")
        cookies = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(cookies), NoRedirect
        )
        browser.open(f"http://127.0.0.1:{port}/login/").read()
        token = next(cookie.value for cookie in cookies if cookie.name == "csrftoken")
        form = urllib.parse.urlencode(
            {
                "username": "newcomer",
                "password": "a long first password",
                "csrfmiddlewaretoken": token,
            }
        ).encode()
        with pytest.raises(urllib.error.HTTPError) as redirect:
            browser.open(f"http://127.0.0.1:{port}/login/?next=/", data=form)
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert redirect.value.code == 302
    assert redirect.value.headers["Location"] == "/"
    assert any(cookie.name == "sessionid" for cookie in cookies)
