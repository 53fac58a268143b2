"""The dashboard's static build (DASHBOARD_DIR): its index.html and the policy it runs under.

The build is unmodified, and Next.js inlines bootstrap scripts (and a few style attributes) in
index.html. Its Content-Security-Policy allows exactly those, by their SHA-256 hashes computed
from the very bytes served, plus the build's own files: nothing from another origin, no other
inline script. The file is read once per process: restart the app after replacing the build.
"""

import base64
import functools
import hashlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from csp.constants import NONE, SELF, UNSAFE_HASHES
from django.conf import settings


def csp_hash(text):
    digest = hashlib.sha256(text.encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


class InlineCodeParser(HTMLParser):
    """Collects inline scripts, <style> elements and style attributes, as the browser sees them
    (attribute values with character references decoded; script and style text verbatim)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.scripts, self.styles, self.style_attributes = [], [], []
        self._open = None  # (list to append to, collected parts) inside <script> or <style>

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if attributes.get("style") is not None:
            self.style_attributes.append(attributes["style"])
        if tag == "script" and "src" not in attributes:
            self._open = (self.scripts, [])
        elif tag == "style":
            self._open = (self.styles, [])

    def handle_data(self, data):
        if self._open is not None:
            self._open[1].append(data)

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._open is not None:
            target, parts = self._open
            target.append("".join(parts))
            self._open = None


@dataclass(frozen=True)
class DashboardBuild:
    directory: Path
    index_html: bytes
    csp: dict

    @classmethod
    def load(cls, directory):
        directory = Path(directory)
        index_html = (directory / "index.html").read_bytes()
        parser = InlineCodeParser()
        parser.feed(index_html.decode())
        parser.close()
        script_hashes = sorted({csp_hash(script) for script in parser.scripts})
        style_hashes = sorted({csp_hash(style) for style in parser.styles})
        attribute_hashes = sorted({csp_hash(style) for style in parser.style_attributes})
        return cls(
            directory=directory,
            index_html=index_html,
            csp={
                "default-src": [SELF],
                "script-src": [SELF, *script_hashes],
                # Style attributes can only be allowed by hash with 'unsafe-hashes'.
                "style-src": [
                    SELF,
                    *style_hashes,
                    *([UNSAFE_HASHES, *attribute_hashes] if attribute_hashes else []),
                ],
                "img-src": [SELF, "data:"],
                "connect-src": [SELF],
                "object-src": [NONE],
                "base-uri": [NONE],
                "form-action": [SELF],
                "frame-ancestors": [NONE],
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
