"""URLs of the exchanges app, mounted under /api/v1 (see scalper/api/urls.py)."""

# (prefix, viewset, basename) registered on the API router.
api_routes = []

urlpatterns = []
