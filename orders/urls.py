"""URLs of the orders app, mounted under /api/v1 (see scalper/api/urls.py)."""

from orders.views import OrderViewSet

# (prefix, viewset, basename) registered on the API router.
api_routes = [("orders", OrderViewSet, "orders")]

urlpatterns = []
