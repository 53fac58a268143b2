"""/api/v1: one router for every app's viewsets, plus the apps' other endpoints."""

from importlib import import_module

from scalper.api.routers import LegacyRouter, both_spellings
from scalper.api.views import ThrottledObtainAuthToken

# Each app's urls.py (and Telegram's) lists `api_routes` (prefix, viewset, basename) and
# `urlpatterns`.
API_APPS = ("bots", "bots.telegram", "exchanges", "orders")

router = LegacyRouter()
app_urlpatterns = []
for app in API_APPS:
    app_urls = import_module(f"{app}.urls")
    for prefix, viewset, basename in getattr(app_urls, "api_routes", ()):
        router.register(prefix, viewset, basename=basename)
    app_urlpatterns += app_urls.urlpatterns

urlpatterns = [
    *both_spellings(r"^auth/token", ThrottledObtainAuthToken.as_view(), name="api-token"),
    *app_urlpatterns,
    *router.urls,
]
