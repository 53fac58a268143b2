"""Cross-origin write protection from what the browser says: Fetch Metadata and Origin.

The dashboard's writes carry the session cookie but no CSRF token. A browser states where a
request comes from: `Sec-Fetch-Site` (every current browser) and `Origin` (on every unsafe
request, even from older ones). The algorithm is Go 1.25's `http.CrossOriginProtection`
(OWASP's Fetch Metadata advice), except that a request with neither header falls back to
Django's token check instead of passing:

1. Safe methods (GET, HEAD, OPTIONS, TRACE) pass.
2. `Sec-Fetch-Site: same-origin` or `none` (typed in the address bar, a bookmark) passes;
   any other value (`same-site`, `cross-site`) is refused unless `Origin` is trusted.
3. No `Sec-Fetch-Site` but an `Origin`: it passes if trusted, else it is refused.
4. Neither header (an old browser, or no browser at all): Django's token check decides.

Trusted origins are the app's own (scheme and `Host`) and `CSRF_TRUSTED_ORIGINS` (with
Django's `https://*.example.com` wildcards).

It applies where the dashboard writes: the API, whose views are csrf_exempt and whose
SessionAuthentication runs this check (`scalper.api.authentication`). The app's HTML forms
(admin, sign-in) carry Django's token and keep Django's stock middleware.

django-modern-csrf was considered: it lets step 4 through without any check, and it replaces
the middleware only, which DRF's session check does not go through.
"""

from enum import Enum
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.middleware.csrf import CsrfViewMiddleware
from django.utils.http import is_same_domain

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")
SAME_ORIGIN_SITES = ("same-origin", "none")


class Verdict(Enum):
    SAME_ORIGIN = "same-origin"
    CROSS_ORIGIN = "cross-origin"
    UNKNOWN = "unknown"  # neither header: not a browser, or a very old one


def own_origin(request):
    """The app's origin as the browser sees it, or None for a Host not in ALLOWED_HOSTS."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{'https' if request.is_secure() else 'http'}://{host}"


def origin_is_trusted(request, origin, extra_origins=()):
    """`origin` is the app's own, or listed in CSRF_TRUSTED_ORIGINS (wildcards too) or
    `extra_origins`."""
    if origin == own_origin(request):
        return True
    trusted = [*settings.CSRF_TRUSTED_ORIGINS, *extra_origins]
    if origin in trusted:
        return True
    try:
        parsed = urlsplit(origin)
    except ValueError:
        return False
    return any(
        parsed.scheme == pattern.scheme and is_same_domain(parsed.netloc, pattern.netloc[1:])
        for pattern in (urlsplit(entry) for entry in trusted if "*" in entry)
    )


def browser_verdict(request, extra_origins=()):
    """(Verdict, reason) for an unsafe request, from its Sec-Fetch-Site and Origin headers."""
    site = request.META.get("HTTP_SEC_FETCH_SITE")
    origin = request.META.get("HTTP_ORIGIN")
    if site in SAME_ORIGIN_SITES:
        return Verdict.SAME_ORIGIN, ""
    if origin is not None and origin_is_trusted(request, origin, extra_origins):
        return Verdict.SAME_ORIGIN, ""
    if site is not None or origin is not None:
        return Verdict.CROSS_ORIGIN, (
            "the browser says this request comes from another origin "
            f"(Sec-Fetch-Site: {site or 'not sent'}, Origin: {origin or 'not sent'})."
        )
    return Verdict.UNKNOWN, ""


class CrossOriginProtection(CsrfViewMiddleware):
    """Django's CsrfViewMiddleware, deciding by Fetch Metadata and Origin when the browser
    sends them, and by Django's token (and Referer) check when it sends neither."""

    def process_view(self, request, callback, callback_args, callback_kwargs):
        decided_elsewhere = (
            request.method in SAFE_METHODS
            or getattr(request, "csrf_processing_done", False)
            or getattr(callback, "csrf_exempt", False)
            or getattr(request, "_dont_enforce_csrf_checks", False)
        )
        if decided_elsewhere:
            return super().process_view(request, callback, callback_args, callback_kwargs)
        verdict, reason = browser_verdict(request)
        if verdict is Verdict.SAME_ORIGIN:
            return self._accept(request)
        if verdict is Verdict.CROSS_ORIGIN:
            return self._reject(
                request,
                f"{reason} Send it from this app's own pages, or add that origin to "
                "CSRF_TRUSTED_ORIGINS.",
            )
        return super().process_view(request, callback, callback_args, callback_kwargs)
