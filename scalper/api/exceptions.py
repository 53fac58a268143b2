"""Every error the API returns is JSON with a human-readable `detail` string.

The legacy frontend shows `detail` in a toast, so validation errors get a one-line summary in
`detail` and keep the per-field messages in `errors`. The services' own exceptions
(scalper/exceptions.py) get their status code here, and their message as `detail`.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, DataError, IntegrityError, InterfaceError, OperationalError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed, ValidationError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from scalper import exceptions

logger = logging.getLogger(__name__)

DATABASE_UNAVAILABLE = "The database is unavailable. Try again in a moment."
# FastAPI's (Starlette's) texts for a path or a method it has no route for.
NOT_FOUND = "Not Found"
METHOD_NOT_ALLOWED = "Method Not Allowed"

# The status code of each kind of the project's exceptions (scalper/exceptions.py).
STATUS_CODES = {
    exceptions.Invalid: status.HTTP_400_BAD_REQUEST,
    exceptions.NotFound: status.HTTP_404_NOT_FOUND,
    exceptions.UpstreamError: status.HTTP_502_BAD_GATEWAY,
    exceptions.Unavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
}


def _messages(errors, prefix=""):
    if isinstance(errors, dict):
        for field, value in errors.items():
            # An object's own errors belong to the object: "message: Expected a dictionary".
            own = field in ("non_field_errors", "detail")
            name = prefix.removesuffix(".") if own else f"{prefix}{field}"
            yield from _messages(value, f"{name}." if name else "")
    elif isinstance(errors, list):
        for value in errors:
            yield from _messages(value, prefix)
    else:
        field = prefix.removesuffix(".")
        yield f"{field}: {errors}" if field else str(errors)


def summarize(errors):
    """One line that names each invalid field and what is wrong with it."""
    return "; ".join(dict.fromkeys(_messages(errors))) or "Invalid request."


def body_too_large():
    return f"The request body is too large (at most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes)."


def status_code(error):
    """The status code of a project exception: that of its nearest kind in STATUS_CODES."""
    for kind in type(error).__mro__:
        if kind in STATUS_CODES:
            return STATUS_CODES[kind]
    return status.HTTP_500_INTERNAL_SERVER_ERROR


def exception_handler(exc, context):
    if isinstance(exc, exceptions.ScalperError):
        set_rollback()
        return Response({"detail": str(exc)}, status=status_code(exc))
    if isinstance(exc, RequestDataTooBig):
        return Response(
            {"detail": body_too_large()}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
        )
    if isinstance(exc, (OperationalError, InterfaceError)):
        logger.error("Database unavailable: %s", exc)
        return Response(
            {"detail": DATABASE_UNAVAILABLE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
            headers={"Retry-After": "5"},
        )
    if isinstance(exc, DataError):
        logger.warning("Rejected by the database: %s", exc)
        return Response(
            {"detail": "The database rejected a value in this request as invalid."},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, IntegrityError):
        logger.warning("Integrity error: %s", exc)
        return Response(
            {"detail": "This request conflicts with existing data."},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, DatabaseError):
        logger.exception("Database error")
        return Response(
            {"detail": DATABASE_UNAVAILABLE},
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, ValidationError):
        response.data = {"detail": summarize(exc.detail), "errors": exc.detail}
    elif isinstance(exc, MethodNotAllowed):
        response.data = {"detail": METHOD_NOT_ALLOWED}
    elif isinstance(exc, Http404):
        # No view gave a text of its own ("Bot not found"): the text of an unknown path.
        response.data = {"detail": NOT_FOUND}
    elif not (isinstance(response.data, dict) and isinstance(response.data.get("detail"), str)):
        response.data = {"detail": summarize(response.data)}
    return response
