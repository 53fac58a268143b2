"""The activity log API: the newest entries, adding one, counting and clearing them."""

from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from bots import services
from bots.filters import ActivityLogFilter
from bots.models import ActivityLog
from bots.serializers.activity_logs import (
    ActivityLogCreateSerializer,
    ActivityLogSerializer,
    LevelCountSerializer,
    LogCountQuerySerializer,
    LogCountsSerializer,
)
from scalper.api.mixins import RowListMixin
from scalper.api.pagination import SkipLimitPagination
from scalper.api.rows import PreparedRows


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
class ActivityLogViewSet(RowListMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = ActivityLogSerializer
    filterset_class = ActivityLogFilter
    pagination_class = ActivityLogPagination
    list_rows = PreparedRows(
        ActivityLog.objects.order_by("-timestamp", "-id"), ActivityLogSerializer
    )

    def get_queryset(self):
        return self.list_rows.all()

    def get_serializer_class(self):
        if self.action == "create":
            return ActivityLogCreateSerializer
        return ActivityLogSerializer

    def list(self, request, *args, **kwargs):
        # Paged from the newest end, shown oldest first.
        return Response(self.row_page()[::-1])

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
            return Response({"level": level, "count": services.count_activity_logs(level)})
        return Response(services.count_activity_logs())
