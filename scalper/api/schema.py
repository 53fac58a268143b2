"""OpenAPI descriptions of the error bodies made by scalper.api.exceptions."""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

ErrorSerializer = inline_serializer("Error", {"detail": serializers.CharField()})

ValidationErrorSerializer = inline_serializer(
    "ValidationError",
    {
        "detail": serializers.CharField(help_text="The problems, summarised in one line."),
        "errors": serializers.JSONField(
            required=False, help_text="The messages per field (absent for unparsable bodies)."
        ),
    },
)

ERROR_DESCRIPTIONS = {
    400: "Invalid request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    413: "Request body too large",
    415: "Unsupported media type",
}


def error_responses(*status_codes):
    """`responses` entries for extend_schema: each code with its error body."""
    return {
        code: OpenApiResponse(
            ValidationErrorSerializer if code == 400 else ErrorSerializer,
            description=ERROR_DESCRIPTIONS.get(code, ""),
        )
        for code in status_codes
    }
