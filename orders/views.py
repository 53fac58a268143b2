"""API of the orders app: the orders the bots placed, read-only, and their statistics."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from orders import services
from orders.filters import OrderFilter, OrderHistoryFilter
from orders.models import ACTIVE_STATUSES, Order
from orders.serializers import OrderSerializer, OrderStatisticsSerializer
from scalper.api.mixins import NamedNotFoundMixin, RowListMixin
from scalper.api.pagination import SkipLimitPagination, bounded_int
from scalper.api.rows import PreparedRows

BOT_ID = OpenApiParameter("bot_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
BOT_PATH = r"bot/(?P<bot_id>[^/.]+)"


class LimitPagination(SkipLimitPagination):
    """`limit` only (default 100, at most 1000): the legacy order lists had no `skip`."""

    max_limit = 1000

    def window(self, request):
        return 0, bounded_int(request, "limit", self.default_limit, 0, self.max_limit)

    def get_schema_operation_parameters(self, view):
        return [p for p in super().get_schema_operation_parameters(view) if p["name"] == "limit"]


@extend_schema(tags=["orders"])
@extend_schema_view(
    list=extend_schema(
        summary="List orders, newest first",
        responses={200: OrderSerializer(many=True)},
    ),
    retrieve=extend_schema(responses={200: OrderSerializer}),
)
class OrderViewSet(NamedNotFoundMixin, RowListMixin, viewsets.ReadOnlyModelViewSet):
    """Orders placed by the bots (read-only)."""

    queryset = Order.objects.order_by("-created_at")
    serializer_class = OrderSerializer
    list_rows = PreparedRows(queryset, OrderSerializer)
    filterset_class = OrderFilter
    pagination_class = LimitPagination
    lookup_url_kwarg = "order_id"
    not_found_detail = "Order not found"

    def get_queryset(self):
        if self.action == "retrieve":
            return super().get_queryset()
        return self.list_rows.all()

    def bot_id(self):
        """The bot id in the path, or a 400 naming `bot_id`."""
        try:
            return serializers.UUIDField().run_validation(self.kwargs["bot_id"])
        except ValidationError as error:
            raise ValidationError({"bot_id": error.detail}) from None

    @extend_schema(
        summary="A bot's orders that are not final yet (PENDING, OPEN, PARTIALLY_FILLED)",
        parameters=[BOT_ID],
        responses={200: OrderSerializer(many=True)},
    )
    @action(
        detail=False,
        url_path=f"{BOT_PATH}/active",
        filterset_class=None,
        pagination_class=None,
    )
    def active(self, request, bot_id=None):
        # The orders of the bot named in the path (none for an unknown bot, as legacy).
        orders = self.get_queryset().filter(bot_id=self.bot_id(), status__in=ACTIVE_STATUSES)
        return Response(self.get_serializer(orders, many=True).data)

    @extend_schema(
        summary="A bot's order statistics (over all its orders)",
        parameters=[BOT_ID],
        responses={200: OrderStatisticsSerializer},
    )
    @action(
        detail=False,
        url_path=f"{BOT_PATH}/statistics",
        filterset_class=None,
        pagination_class=None,
    )
    def bot_statistics(self, request, bot_id=None):
        statistics = services.order_statistics(self.bot_id())
        return Response(OrderStatisticsSerializer(statistics).data)

    @extend_schema(
        summary="A bot's orders, newest first",
        parameters=[BOT_ID],
        responses={200: OrderSerializer(many=True)},
    )
    @action(detail=False, url_path=f"{BOT_PATH}/history", filterset_class=OrderHistoryFilter)
    def history(self, request, bot_id=None):
        return Response(self.row_page({"bot_id": self.bot_id()}))

    @extend_schema(
        summary="Order statistics over all orders",
        responses={200: OrderStatisticsSerializer},
    )
    @action(
        detail=False,
        url_path="statistics/summary",
        filterset_class=None,
        pagination_class=None,
    )
    def statistics_summary(self, request):
        statistics = services.order_statistics()
        return Response(OrderStatisticsSerializer(statistics).data)
