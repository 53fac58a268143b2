"""Who may use the API: a signed-in user (token or session), or a trusted network."""

from django.conf import settings
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from scalper.api.networks import from_trusted_network
from scalper.csrf import Verdict, browser_verdict


class IsAuthenticatedOrTrustedNetwork(BasePermission):
    """DRF's IsAuthenticated, plus requests from API_TRUSTED_NETWORKS without credentials.

    A trusted address is no reason to obey any web page its browser opens: an unsafe request
    that a browser says comes from another origin is served only from the app's own origin,
    CSRF_TRUSTED_ORIGINS or CORS_ALLOWED_ORIGINS (the dashboard's). Without Sec-Fetch-Site and
    Origin it is not a browser's (a script), and is served as the legacy API served it.
    """

    def has_permission(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        if not from_trusted_network(request):
            return False
        if request.method not in SAFE_METHODS:
            verdict, reason = browser_verdict(request, settings.CORS_ALLOWED_ORIGINS)
            if verdict is Verdict.CROSS_ORIGIN:
                raise exceptions.PermissionDenied(
                    f"Cross-origin request refused: {reason} Only the origins in "
                    "CORS_ALLOWED_ORIGINS may write without credentials."
                )
        return True
