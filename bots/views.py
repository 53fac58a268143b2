import hmac
import uuid

from django.conf import settings
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bots import telegram
from bots.filters import TradeFilter
from bots.models import TelegramConnection, Trade
from bots.notifications import notify
from bots.serializers import (
    MessageSerializer,
    TelegramConnectionCodeSerializer,
    TelegramConnectionSerializer,
    TelegramNotificationSerializer,
    TelegramStatsSerializer,
    TelegramStatusSerializer,
    TelegramUpdateSerializer,
    TradeSerializer,
)
from scalper.api.pagination import SkipLimitPagination
from scalper.api.schema import error_responses

# ---------------------------------------------------------------------------------------------
# Trades
# ---------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(responses={200: TradeSerializer, **error_responses(400, 401)}),
    retrieve=extend_schema(
        parameters=[OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: TradeSerializer, **error_responses(401, 404)},
    ),
)
@extend_schema(tags=["trades"])
class TradeViewSet(viewsets.ReadOnlyModelViewSet):
    """Executed trades, newest first (read-only: the trading engine writes them)."""

    queryset = Trade.objects.order_by("-executed_at", "-id")
    serializer_class = TradeSerializer
    # Any id reaches the view (and gets a JSON 404), not only ids without a dot.
    lookup_value_regex = "[^/]+"
    filterset_class = TradeFilter
    pagination_class = SkipLimitPagination

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound("Trade not found") from None


# ---------------------------------------------------------------------------------------------
# Telegram
# ---------------------------------------------------------------------------------------------


@extend_schema(tags=["telegram"])
class TelegramViewSet(viewsets.GenericViewSet):
    """The dashboard's side of the Telegram connection (see bots.telegram for the flow)."""

    queryset = TelegramConnection.objects.order_by("-connected_at")
    parser_classes = [JSONParser]

    @extend_schema(
        request=None,
        responses={200: TelegramConnectionCodeSerializer, **error_responses(401)},
        description="A new six-digit code, valid for ten minutes, to send to the Telegram bot. "
        "It replaces any earlier code.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="generate-code",
        serializer_class=TelegramConnectionCodeSerializer,
    )
    def generate_code(self, request):
        return Response(self.get_serializer(telegram.generate_connection_code()).data)

    @extend_schema(
        responses={200: TelegramStatusSerializer, **error_responses(401)},
        description="Whether a chat is connected; with several, the most recently connected.",
    )
    @action(
        detail=False, methods=["get"], url_path="status", serializer_class=TelegramStatusSerializer
    )
    def connection_status(self, request):
        return Response(self.get_serializer(telegram.connection_status()).data)

    @extend_schema(
        request=None,
        responses={200: MessageSerializer, **error_responses(401, 404)},
        description="Deactivate every active connection (rows are kept).",
    )
    @action(detail=False, methods=["post"], serializer_class=MessageSerializer)
    def disconnect(self, request):
        if not telegram.disconnect_all():
            raise NotFound("No active Telegram connection found")
        return Response({"message": "Telegram disconnected successfully"})

    @extend_schema(
        responses={200: MessageSerializer, **error_responses(400, 401, 413, 415)},
        description="Send a message to every active connection. Delivery is best effort: "
        "the answer is 200 also when Telegram is not configured or unreachable.",
    )
    @action(
        detail=False,
        methods=["post"],
        url_path="send-notification",
        serializer_class=TelegramNotificationSerializer,
    )
    def send_notification(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notify(serializer.validated_data["level"], serializer.validated_data["message"])
        return Response({"message": "Notification sent successfully"})

    @extend_schema(
        responses={200: TelegramConnectionSerializer(many=True), **error_responses(401)},
        description="Every connection, active, inactive and pending, newest first.",
    )
    @action(detail=False, methods=["get"], serializer_class=TelegramConnectionSerializer)
    def connections(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("connection_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: MessageSerializer, **error_responses(400, 401, 404)},
    )
    @action(
        detail=False,
        methods=["delete"],
        url_path="connections/(?P<connection_id>[^/]+)",
        serializer_class=MessageSerializer,
    )
    def delete_connection(self, request, connection_id):
        try:
            pk = uuid.UUID(connection_id)
        except ValueError:
            raise ParseError("Invalid connection ID format") from None
        deleted, _ = TelegramConnection.objects.filter(pk=pk).delete()
        if not deleted:
            raise NotFound("Connection not found")
        return Response({"message": "Connection deleted successfully"})

    @extend_schema(responses={200: TelegramStatsSerializer, **error_responses(401)})
    @action(detail=False, methods=["get"], serializer_class=TelegramStatsSerializer)
    def stats(self, request):
        return Response(self.get_serializer(telegram.connection_stats()).data)


class TelegramWebhookSecret(BasePermission):
    """Telegram sends the secret given to setWebhook in X-Telegram-Bot-Api-Secret-Token."""

    message = "Missing or wrong X-Telegram-Bot-Api-Secret-Token header."

    def has_permission(self, request, view):
        secret = settings.TELEGRAM_WEBHOOK_SECRET
        if not secret:
            self.message = "The Telegram webhook is disabled: TELEGRAM_WEBHOOK_SECRET is not set."
            return False
        sent = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
        return hmac.compare_digest(sent.encode(), secret.encode())


@extend_schema(
    tags=["telegram"],
    auth=[],
    parameters=[
        OpenApiParameter(
            "X-Telegram-Bot-Api-Secret-Token",
            str,
            OpenApiParameter.HEADER,
            required=True,
            description="TELEGRAM_WEBHOOK_SECRET, as given to setWebhook.",
        )
    ],
    request=TelegramUpdateSerializer,
    responses={200: MessageSerializer, **error_responses(400, 403, 413, 415)},
    description="Called by Telegram with each message sent to the bot: a six-digit code "
    "connects the chat; /start, /connect, /help, /status and /disconnect are answered.",
)
class TelegramWebhookView(APIView):
    authentication_classes = []
    permission_classes = [TelegramWebhookSecret]
    parser_classes = [JSONParser]

    def post(self, request):
        serializer = TelegramUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        telegram.handle_update(serializer.validated_data)
        return Response({"message": "Update handled"})
