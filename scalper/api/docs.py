"""The documentation pages, `/docs` (Swagger UI) and `/redoc` (ReDoc), from drf-spectacular-sidecar.

Both are pinned copies served by WhiteNoise, with no inline script and nothing from another
origin: they run under the strict Content-Security-Policy. ReDoc needs three allowances, for
this page only: it generates its styles at run time (they carry the request's nonce), two
stylesheets its bundle inserts while it loads (before it knows the nonce; their hashes are
those of drf-spectacular-sidecar 2026.10.1, and the browser test fails if an upgrade changes
them), and its search index runs in a worker created from a blob: URL.
"""

from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

REDOC_LOAD_STYLE_HASHES = [
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
]

# The script is a URL of its own (`/docs?script`), not inline.
swagger_ui = SpectacularSwaggerSplitView.as_view(
    url_name="openapi", template_name="api/swagger_ui.html"
)

redoc = csp_update({"style-src": [NONCE, *REDOC_LOAD_STYLE_HASHES], "worker-src": [SELF, "blob:"]})(
    SpectacularRedocView.as_view(url_name="openapi", template_name="api/redoc.html")
)
