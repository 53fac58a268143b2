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
from scalper.api.mixins import NamedNotFoundMixin
from scalper.api.pagination import SkipLimitPagination, bounded_int

BOT_ID = OpenApiParameter("bot_id", OpenApiTypes.UUID, OpenApiParameter.PATH)
BOT_PATH = r"bot/(?P<bot_id>[^/.]+)"
# The statistics cover the newest orders only, as the legacy API computed them.
BOT_STATISTICS_WINDOW = 1000
SUMMARY_STATISTICS_WINDOW = 10_000


class LimitPagination(SkipLimitPagination):
    """`limit` only (default 100, at most 1000): the legacy order lists had no `skip`."""

    max_limit = 1000

    def paginate_queryset(self, queryset, request, view=None):
        return list(
            queryset[: bounded_int(request, "limit", self.default_limit, 0, self.max_limit)]
        )

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
class OrderViewSet(NamedNotFoundMixin, viewsets.ReadOnlyModelViewSet):
    """Orders placed by the bots (read-only)."""

    queryset = Order.objects.order_by("-created_at")
    serializer_class = OrderSerializer
    filterset_class = OrderFilter
    pagination_class = LimitPagination
    lookup_url_kwarg = "order_id"
    not_found_detail = "Order not found"

    def bot_orders(self):
        """The orders of the bot named in the path (none for an unknown bot, as legacy)."""
        try:
            bot_id = serializers.UUIDField().run_validation(self.kwargs["bot_id"])
        except ValidationError as error:
            raise ValidationError({"bot_id": error.detail}) from None
        return self.get_queryset().filter(bot_id=bot_id)

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
        orders = self.bot_orders().filter(status__in=ACTIVE_STATUSES)
        return Response(self.get_serializer(orders, many=True).data)

    @extend_schema(
        summary="A bot's order statistics (over its newest 1000 orders)",
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
        statistics = services.order_statistics(self.bot_orders(), BOT_STATISTICS_WINDOW)
        return Response(OrderStatisticsSerializer(statistics).data)

    @extend_schema(
        summary="A bot's orders, newest first",
        parameters=[BOT_ID],
        responses={200: OrderSerializer(many=True)},
    )
    @action(detail=False, url_path=f"{BOT_PATH}/history", filterset_class=OrderHistoryFilter)
    def history(self, request, bot_id=None):
        orders = self.paginate_queryset(self.filter_queryset(self.bot_orders()))
        return Response(self.get_serializer(orders, many=True).data)

    @extend_schema(
        summary="Order statistics over the newest 10000 orders",
        responses={200: OrderStatisticsSerializer},
    )
    @action(
        detail=False,
        url_path="statistics/summary",
        filterset_class=None,
        pagination_class=None,
    )
    def statistics_summary(self, request):
        statistics = services.order_statistics(Order.objects.all(), SUMMARY_STATISTICS_WINDOW)
        return Response(OrderStatisticsSerializer(statistics).data)
