"""Debian's Chromium driven by Playwright, for the tests of what a browser does."""

import os
from contextlib import contextmanager

import pytest
from django.db import connections

CHROMIUM = "/usr/bin/chromium"
# Headless, and nothing started in the background: this machine's network is closed.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@contextmanager
def chromium(monkeypatch, purpose):
    """A launched Chromium; a missing browser or Playwright fails in CI and skips elsewhere."""
    missing = []
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing.append("the playwright package (pip install -r requirements-dev.txt)")
    if not os.path.exists(CHROMIUM):
        missing.append(f"Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    if missing:
        reason = f"{purpose} need " + " and ".join(missing)
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio event loop running on this thread while the browser
    # is open, and Django refuses ORM calls from a thread with a running loop
    # (SynchronousOnlyOperation). The tests' ORM calls are plain synchronous code run between
    # browser steps, never inside the loop: safe here.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            # With the loop running, Django keeps database connections per async context, so the
            # tests' ORM calls opened a connection of their own: close it, or it would keep the
            # test database open when pytest-django drops it.
            connections.close_all()
