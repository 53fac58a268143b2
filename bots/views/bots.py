"""The bots API: list, create, change, start, stop and delete bots, and their totals."""

from django.db import transaction
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bots import services
from bots.filters import BotFilter
from bots.models import Bot
from bots.serializers.bots import (
    BotCreateSerializer,
    BotSerializer,
    BotStatisticsSerializer,
    BotUpdateSerializer,
    StopAllSerializer,
)
from scalper.api.mixins import NamedNotFoundMixin, RowListMixin
from scalper.api.pagination import SkipLimitPagination
from scalper.api.rows import PreparedRows

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
    RowListMixin,
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
    # Any path segment reaches the view, so a malformed id gets the JSON 404 too.
    lookup_value_regex = "[^/]+"
    # PUT already has the legacy partial semantics; there is no PATCH.
    http_method_names = ["get", "post", "put", "delete", "head", "options"]
    list_rows = PreparedRows(Bot.objects.order_by("-created_at", "-id"), BotSerializer)

    def get_queryset(self):
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
