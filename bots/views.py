"""API of the bots app: viewsets over bots/services.py, which makes every change."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bots import services
from bots.filters import ActivityLogFilter, BotFilter, TradeFilter
from bots.models import ActivityLog, Bot, Trade
from bots.serializers import (
    ActivityLogCreateSerializer,
    ActivityLogSerializer,
    BotCreateSerializer,
    BotSerializer,
    BotStatisticsSerializer,
    BotUpdateSerializer,
    LevelCountSerializer,
    LogCountQuerySerializer,
    LogCountsSerializer,
    StopAllSerializer,
    TradeSerializer,
)
from scalper.api.mixins import NamedNotFoundMixin
from scalper.api.pagination import SkipLimitPagination
from scalper.api.serializers import select_rows

# ---------------------------------------------------------------------------------------------
# Bots
# ---------------------------------------------------------------------------------------------

BOT_ID = OpenApiParameter("bot_id", OpenApiTypes.UUID, OpenApiParameter.PATH)


@extend_schema_view(
    list=extend_schema(
        summary="Bots, newest first",
        responses={200: BotSerializer},
    ),
    create=extend_schema(
        summary="Create a bot (it starts ACTIVE)",
        request=BotCreateSerializer,
        responses={201: BotSerializer},
    ),
    retrieve=extend_schema(
        summary="A bot",
        parameters=[BOT_ID],
        responses={200: BotSerializer},
    ),
    update=extend_schema(
        summary="Change a bot: each field sent is applied, the others are kept",
        parameters=[BOT_ID],
        request=BotUpdateSerializer,
        responses={200: BotSerializer},
    ),
    destroy=extend_schema(
        summary="Delete a bot and its orders",
        parameters=[BOT_ID],
        responses={204: None},
    ),
)
class BotViewSet(
    NamedNotFoundMixin,
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = BotSerializer
    filterset_class = BotFilter
    pagination_class = SkipLimitPagination
    lookup_url_kwarg = "bot_id"
    not_found_detail = "Bot not found"
    # Any path segment reaches the view, so a malformed id gets the JSON 404 below.
    lookup_value_regex = "[^/]+"
    # PUT already has the legacy partial semantics; there is no PATCH.
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    # Built once and cloned per request (as DRF does with `queryset`): building it costs about
    # as much as running it.
    list_rows = select_rows(Bot.objects.order_by("-created_at", "-id"), BotSerializer)

    def get_queryset(self):
        if self.action == "list":
            return self.list_rows.all()
        if self.action == "update":
            return Bot.objects.select_for_update()
        return Bot.objects.all()

    def get_serializer_class(self):
        if self.action == "create":
            return BotCreateSerializer
        if self.action == "update":
            return BotUpdateSerializer
        return BotSerializer

    def filter_queryset(self, queryset):
        # The list's filters (`?status=`) do not apply to one bot, as in the legacy API.
        if self.detail:
            return queryset
        return super().filter_queryset(queryset)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        # The row is locked before it is validated (get_queryset), so the sell > buy check
        # sees the prices the change will be applied to.
        return super().update(request, *args, partial=True, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.create_bot(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_bot(serializer.instance, **serializer.validated_data)

    def perform_destroy(self, bot):
        services.delete_bot(bot)

    @extend_schema(
        summary="Start a bot",
        parameters=[BOT_ID],
        request=None,
        responses={200: BotSerializer},
    )
    @action(detail=True, methods=["post"])
    def start(self, request, bot_id=None):
        return Response(BotSerializer(services.start_bot(self.get_object())).data)

    @extend_schema(
        summary="Stop a bot",
        parameters=[BOT_ID],
        request=None,
        responses={200: BotSerializer},
    )
    @action(detail=True, methods=["post"])
    def stop(self, request, bot_id=None):
        return Response(BotSerializer(services.stop_bot(self.get_object())).data)

    @extend_schema(
        summary="ACTIVE becomes STOPPED, anything else ACTIVE",
        parameters=[BOT_ID],
        request=None,
        responses={200: BotSerializer},
    )
    @action(detail=True, methods=["post"])
    def toggle(self, request, bot_id=None):
        return Response(BotSerializer(services.toggle_bot(self.get_object())).data)

    @extend_schema(
        summary="Stop every ACTIVE bot",
        request=None,
        responses={200: StopAllSerializer},
    )
    @action(detail=False, methods=["post"], url_path="stop-all")
    def stop_all(self, request):
        count = services.stop_all_bots()
        return Response({"message": f"Stopped {count} bots", "count": count})

    @extend_schema(
        summary="Bot counts and totals",
        responses={200: BotStatisticsSerializer},
    )
    @action(
        detail=False,
        methods=["get"],
        url_path="statistics/summary",
        filter_backends=[],
        pagination_class=None,
    )
    def statistics(self, request):
        return Response(services.bot_statistics())


# ---------------------------------------------------------------------------------------------
# Activity logs
# ---------------------------------------------------------------------------------------------


class ActivityLogPagination(SkipLimitPagination):
    # The dashboard asks for 1000; a page never holds more (the table grows without bound).
    default_limit = 1000
    max_limit = 1000


@extend_schema_view(
    list=extend_schema(
        summary="The newest entries, oldest first",
        description="The newest `limit` entries after skipping the `skip` newest ones, "
        "in ascending time order (the order to show them in).",
        responses={200: ActivityLogSerializer},
    ),
    create=extend_schema(
        summary="Add an entry",
        request=ActivityLogCreateSerializer,
        responses={200: ActivityLogSerializer},
    ),
)
class ActivityLogViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ActivityLogSerializer
    filterset_class = ActivityLogFilter
    pagination_class = ActivityLogPagination
    # Built once and cloned per request, like BotViewSet.list_rows.
    list_rows = select_rows(
        ActivityLog.objects.order_by("-timestamp", "-id"), ActivityLogSerializer
    )

    def get_queryset(self):
        return self.list_rows.all()

    def get_serializer_class(self):
        if self.action == "create":
            return ActivityLogCreateSerializer
        return ActivityLogSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        # Paged from the newest end, shown oldest first.
        response.data.reverse()
        return response

    def create(self, request, *args, **kwargs):
        response = super().create(request, *args, **kwargs)
        response.status_code = status.HTTP_200_OK  # as legacy
        return response

    def perform_create(self, serializer):
        serializer.instance = services.log_activity(**serializer.validated_data)

    @extend_schema(
        summary="Delete every entry",
        request=None,
        responses={204: None},
    )
    def destroy_all(self, request):
        services.clear_activity_logs()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(
        summary="Number of entries per level, or of one level",
        parameters=[LogCountQuerySerializer],
        responses={
            200: PolymorphicProxySerializer(
                component_name="LogCount",
                serializers=[LogCountsSerializer, LevelCountSerializer],
                resource_type_field_name=None,
            )
        },
    )
    @action(detail=False, methods=["get"], filter_backends=[], pagination_class=None)
    def count(self, request):
        query = LogCountQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        level = query.validated_data.get("level")
        if level:
            return Response(
                {"level": level, "count": ActivityLog.objects.filter(level=level).count()}
            )
        return Response(services.count_activity_logs())


# ---------------------------------------------------------------------------------------------
# Trades
# ---------------------------------------------------------------------------------------------


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
