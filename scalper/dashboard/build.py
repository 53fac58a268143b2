"""The dashboard's static build (DASHBOARD_DIR): its index.html and the policy it runs under.

The build is unmodified, and Next.js inlines bootstrap scripts in index.html. Its
Content-Security-Policy allows exactly those scripts, by their SHA-256 hashes computed from the
very bytes served, plus the build's own files: nothing from another origin, no other inline
script. Styles are another matter: the dashboard's components (toasts, selects) insert <style>
elements of their own at run time, with no nonce and contents no hash can foresee, so inline
styles are allowed; they cannot run code. The file is read once per process: restart the app
after replacing the build.
"""

import base64
import functools
import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from csp.constants import SELF, UNSAFE_INLINE
from django.conf import settings


def csp_hash(text):
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class InlineScriptParser(HTMLParser):
    """Collects the text of inline scripts verbatim, as the browser hashes it."""

    def __init__(self):
        super().__init__()
        self.scripts = []
        self._parts = None  # inside an inline <script>: its text so far

    def handle_starttag(self, tag, attrs):
        if tag == "script" and "src" not in dict(attrs):
            self._parts = []

    def handle_data(self, data):
        if self._parts is not None:
            self._parts.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._parts is not None:
            self.scripts.append("".join(self._parts))
            self._parts = None


@dataclass(frozen=True)
class DashboardBuild:
    directory: Path
    index_html: bytes
    csp: dict

    @classmethod
    def load(cls, directory):
        directory = Path(directory)
        index_html = (directory / "index.html").read_bytes()
        parser = InlineScriptParser()
        parser.feed(index_html.decode())
        parser.close()
        script_hashes = sorted({csp_hash(script) for script in parser.scripts})
        return cls(
            directory=directory,
            index_html=index_html,
            csp={
                **settings.CONTENT_SECURITY_POLICY["DIRECTIVES"],
                "script-src": [SELF, *script_hashes],
                "style-src": [SELF, UNSAFE_INLINE],
            },
        )


@functools.cache
def _load(directory):
    return DashboardBuild.load(directory)


def dashboard_build():
    """The build in DASHBOARD_DIR, or None when the app serves no dashboard."""
    if not settings.DASHBOARD_DIR:
        return None
    return _load(str(settings.DASHBOARD_DIR))
