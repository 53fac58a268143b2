"""The trades API: executed trades, read-only (the trading engine writes them)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets

from bots.filters import TradeFilter
from bots.models import Trade
from bots.serializers.trades import TradeSerializer
from scalper.api.mixins import NamedNotFoundMixin
from scalper.api.pagination import SkipLimitPagination


class TradePagination(SkipLimitPagination):
    # Not a legacy endpoint, and a big table: a page holds at most 1000 trades.
    max_limit = 1000


@extend_schema_view(
    list=extend_schema(responses={200: TradeSerializer}),
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: TradeSerializer},
    ),
)
@extend_schema(tags=["trades"])
class TradeViewSet(NamedNotFoundMixin, viewsets.ReadOnlyModelViewSet):
    """Executed trades, newest first (read-only: the trading engine writes them)."""

    queryset = Trade.objects.order_by("-executed_at", "-id")
    serializer_class = TradeSerializer
    # Any id reaches the view (and gets a JSON 404), not only ids without a dot.
    lookup_value_regex = "[^/]+"
    filterset_class = TradeFilter
    pagination_class = TradePagination
    not_found_detail = "Trade not found"
