"""URLs of the exchanges app, mounted under /api/v1 (see scalper/api/urls.py)."""

from exchanges.views import ExchangeCredentialsViewSet, last_traded_price
from scalper.api.routers import both_spellings

# (prefix, viewset, basename) registered on the API router.
api_routes = [("credentials", ExchangeCredentialsViewSet, "credentials")]

urlpatterns = [*both_spellings(r"^price/ltp", last_traded_price, name="price-ltp")]
