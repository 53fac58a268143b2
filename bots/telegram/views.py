"""The Telegram endpoints: the dashboard's side of a connection, and the webhook Telegram calls."""

import hmac

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from bots.telegram import services, updates
from bots.telegram.models import TelegramConnection
from bots.telegram.notifications import notify
from bots.telegram.serializers import (
    MessageSerializer,
    TelegramConnectionCodeSerializer,
    TelegramConnectionSerializer,
    TelegramNotificationSerializer,
    TelegramStatsSerializer,
    TelegramStatusSerializer,
    TelegramUpdateSerializer,
)


@extend_schema(tags=["telegram"])
class TelegramViewSet(viewsets.GenericViewSet):
    """The dashboard's side of the Telegram connection (see bots.telegram for the flow)."""

    queryset = TelegramConnection.objects.order_by("-connected_at")

    @extend_schema(
        request=None,
        responses={200: TelegramConnectionCodeSerializer},
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
        return Response(self.get_serializer(services.generate_connection_code()).data)

    @extend_schema(
        responses={200: TelegramStatusSerializer},
        description="Whether a chat is connected; with several, the most recently connected.",
    )
    @action(
        detail=False, methods=["get"], url_path="status", serializer_class=TelegramStatusSerializer
    )
    def connection_status(self, request):
        return Response(self.get_serializer(services.connection_status()).data)

    @extend_schema(
        request=None,
        responses={
            200: MessageSerializer,
            404: OpenApiResponse(description="No active Telegram connection"),
        },
        description="Deactivate every active connection (rows are kept).",
    )
    @action(detail=False, methods=["post"], serializer_class=MessageSerializer)
    def disconnect(self, request):
        services.disconnect_all()
        return Response({"message": "Telegram disconnected successfully"})

    @extend_schema(
        responses={200: MessageSerializer},
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
        responses={200: TelegramConnectionSerializer(many=True)},
        description="Every connection, active, inactive and pending, newest first.",
    )
    @action(detail=False, methods=["get"], serializer_class=TelegramConnectionSerializer)
    def connections(self, request):
        return Response(self.get_serializer(self.get_queryset(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("connection_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: MessageSerializer},
    )
    @action(
        detail=False,
        methods=["delete"],
        url_path="connections/(?P<connection_id>[^/]+)",
        serializer_class=MessageSerializer,
    )
    def delete_connection(self, request, connection_id):
        services.delete_connection(connection_id)
        return Response({"message": "Connection deleted successfully"})

    @extend_schema(responses={200: TelegramStatsSerializer})
    @action(detail=False, methods=["get"], serializer_class=TelegramStatsSerializer)
    def stats(self, request):
        return Response(self.get_serializer(services.connection_stats()).data)


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
    responses={
        200: MessageSerializer,
        403: OpenApiResponse(
            description="Missing or wrong secret token, or TELEGRAM_WEBHOOK_SECRET is not set"
        ),
    },
    description="Called by Telegram with each message sent to the bot: a six-digit code "
    "connects the chat; /start, /connect, /help, /status and /disconnect are answered.",
)
class TelegramWebhookView(APIView):
    authentication_classes = []
    permission_classes = [TelegramWebhookSecret]

    def post(self, request):
        serializer = TelegramUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updates.handle_update(serializer.validated_data)
        return Response({"message": "Update handled"})
