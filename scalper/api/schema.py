"""The OpenAPI description of errors, written once: the bodies scalper.api.exceptions makes, and
which errors each operation can answer.

Every operation lists the errors it can answer, not only its successes: which ones follows from
what its view does (input it validates, credentials it checks, rate limits, path parameters, the
database behind it). A view adds only what cannot be told from it, as a response without a body
(`OpenApiResponse(description=...)`): the error body is added here.
"""

from drf_spectacular import authentication, openapi
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication


class SessionScheme(authentication.SessionScheme):
    """The session cookie (the dashboard's, when the app serves it), described as drf-spectacular
    describes DRF's, whose extension does not match subclasses."""

    target_class = "scalper.api.authentication.SessionAuthentication"


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
    429: "Too many requests; Retry-After says when to try again",
    503: "The database is unavailable; Retry-After says when to try again",
}

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        responses = operation["responses"]
        for code in self._error_statuses(operation):
            responses.setdefault(str(code), {"description": ERROR_DESCRIPTIONS[code]})
        for code, response in responses.items():
            if code.isdigit() and int(code) >= 400 and "content" not in response:
                response["content"] = self._error_body(int(code))
        operation["responses"] = dict(sorted(responses.items()))
        return operation

    def _error_body(self, code):
        serializer = ValidationErrorSerializer if code == 400 else ErrorSerializer
        return {"application/json": {"schema": self.resolve_serializer(serializer, "response").ref}}

    # django-filter and skip/limit read an empty value as no value (`?status=` filters nothing).
    def _get_filter_parameters(self):
        return [
            {**parameter, "allowEmptyValue": True} for parameter in super()._get_filter_parameters()
        ]

    def _get_pagination_parameters(self):
        return [
            {**parameter, "allowEmptyValue": True}
            for parameter in super()._get_pagination_parameters()
        ]

    def _error_statuses(self, operation):
        authenticators = self.view.get_authenticators()
        if operation.get("parameters") or "requestBody" in operation:
            yield 400
        if authenticators:
            yield 401
        if self.method in UNSAFE_METHODS and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
        ):
            yield 403  # signed in with a session, without a CSRF token
        if any(parameter["in"] == "path" for parameter in operation.get("parameters", ())):
            yield 404
        if "requestBody" in operation:
            yield 413
            yield 415
        if self.method in UNSAFE_METHODS and self.view.get_throttles():
            yield 429
        yield 503
