"""API of the exchanges app: credentials (every change through exchanges/services.py) and last
traded prices (exchanges/prices.py)."""

from drf_spectacular.utils import (
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import viewsets
from rest_framework.decorators import action, api_view
from rest_framework.response import Response

from exchanges import prices, services
from exchanges.filters import ExchangeCredentialsFilter
from exchanges.models import ExchangeCredentials
from exchanges.serializers import (
    CredentialsValidateSerializer,
    ExchangeCredentialsCreateSerializer,
    ExchangeCredentialsSerializer,
    ExchangeCredentialsUpdateSerializer,
    LtpFoundSerializer,
    LtpMissingSerializer,
    LtpQuerySerializer,
)
from scalper.api.mixins import NamedNotFoundMixin


@extend_schema(tags=["credentials"])
@extend_schema_view(
    list=extend_schema(
        summary="List credentials, newest first",
        responses={200: ExchangeCredentialsSerializer(many=True)},
    ),
    create=extend_schema(
        summary="Store new credentials (secrets are write-only)",
        responses={201: ExchangeCredentialsSerializer},
    ),
    retrieve=extend_schema(responses={200: ExchangeCredentialsSerializer}),
    update=extend_schema(
        summary="Change credentials (every field optional)",
        responses={200: ExchangeCredentialsSerializer},
    ),
    destroy=extend_schema(responses={204: None}),
)
class ExchangeCredentialsViewSet(NamedNotFoundMixin, viewsets.ModelViewSet):
    """API keys for exchange accounts. Secrets go in and never come out.

    At most one set of credentials is active per exchange and network (testnet or mainnet).
    """

    queryset = ExchangeCredentials.objects.order_by("-created_at")
    serializer_class = ExchangeCredentialsSerializer
    filterset_class = ExchangeCredentialsFilter
    pagination_class = None
    lookup_url_kwarg = "credentials_id"
    not_found_detail = "Credentials not found"
    http_method_names = ["get", "post", "put", "delete", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return ExchangeCredentialsCreateSerializer
        if self.action == "update":
            return ExchangeCredentialsUpdateSerializer
        return ExchangeCredentialsSerializer

    def update(self, request, *args, **kwargs):
        # PUT changes only the fields sent, as the legacy API did.
        return super().update(request, *args, partial=True, **kwargs)

    def perform_create(self, serializer):
        serializer.instance = services.create_credentials(**serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.update_credentials(
            serializer.instance, **serializer.validated_data
        )

    @extend_schema(
        summary="Activate or deactivate credentials",
        request=None,
        responses={200: ExchangeCredentialsSerializer},
    )
    @action(detail=True, methods=["post"])
    def toggle(self, request, credentials_id=None):
        credentials = services.toggle_credentials(self.get_object())
        return Response(self.get_serializer(credentials).data)

    @extend_schema(
        summary="Check the keys with the exchange and record the outcome",
        description=(
            "200 with success false: the exchange rejected the keys. 400: the keys cannot be "
            "checked (no adapter for the exchange, or undecryptable secrets). 502: the exchange "
            "could not be asked. Every outcome is recorded in is_validated/validation_error."
        ),
        request=None,
        responses={
            200: CredentialsValidateSerializer,
            502: OpenApiResponse(description="The exchange could not be asked"),
        },
    )
    @action(detail=True, methods=["post"])
    def validate(self, request, credentials_id=None):
        result = services.validate_credentials(self.get_object())
        return Response(CredentialsValidateSerializer(result).data)


@extend_schema(
    tags=["price"],
    summary="Last traded price of a ticker, from Redis",
    parameters=[LtpQuerySerializer],
    responses={
        200: PolymorphicProxySerializer(
            component_name="Ltp",
            serializers=[LtpFoundSerializer, LtpMissingSerializer],
            resource_type_field_name=None,
        ),
        502: OpenApiResponse(
            description="Redis holds something other than a price hash under the key"
        ),
        503: OpenApiResponse(description="Redis is not configured or unavailable"),
    },
)
@api_view(["GET"])
def last_traded_price(request):
    query = LtpQuerySerializer(data=request.query_params)
    query.is_valid(raise_exception=True)
    exchange, ticker = query.validated_data["exchange"], query.validated_data["ticker"]
    key, base_symbol = prices.price_key(exchange, ticker)
    data = prices.read_price_hash(key)
    if not data:
        return Response(
            {
                "success": False,
                "message": f"No data found for {ticker} on {exchange}",
                "redis_key": key,
                "data": {},
            }
        )
    return Response(
        {
            "success": True,
            "redis_key": key,
            "exchange": exchange,
            "ticker": ticker,
            "base_symbol": base_symbol,
            "data": data,
        }
    )
