"""The OpenAPI document lists the errors each operation can answer, not only its successes.

Every error body is `{"detail": ..., "errors"?: ...}` (scalper.api.exceptions); which statuses an
operation can answer follows from what its view does: input it validates, credentials it checks,
rate limits, path parameters, the database behind it. Views keep what they document themselves.
"""

from drf_spectacular import openapi
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication

UNSAFE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="What went wrong, in one line.")
    errors = serializers.DictField(
        required=False, help_text="Validation errors only: the messages per field."
    )

    class Meta:
        ref_name = "Error"


class AutoSchema(openapi.AutoSchema):
    def get_operation(self, *args, **kwargs):
        operation = super().get_operation(*args, **kwargs)
        if operation is None:
            return None
        error = {
            "application/json": {"schema": self.resolve_serializer(ErrorSerializer, "response").ref}
        }
        for status, description in self._error_statuses(operation):
            operation["responses"].setdefault(
                status, {"content": error, "description": description}
            )
        return operation

    def _error_statuses(self, operation):
        authenticators = self.view.get_authenticators()
        if operation.get("parameters") or "requestBody" in operation:
            yield "400", "Invalid input; `errors` has the messages per field."
        if authenticators:
            yield "401", "Missing or invalid credentials."
        if self.method in UNSAFE_METHODS and any(
            isinstance(authenticator, SessionAuthentication) for authenticator in authenticators
        ):
            yield "403", "Signed in with a session but without a CSRF token."
        if any(parameter["in"] == "path" for parameter in operation.get("parameters", ())):
            yield "404", "No such object."
        if "requestBody" in operation:
            yield "413", "The request body is over the size limit."
        if self.method in UNSAFE_METHODS and self.view.get_throttles():
            yield "429", "Too many requests; Retry-After says when to try again."
        yield "503", "The database is unavailable; Retry-After says when to try again."
