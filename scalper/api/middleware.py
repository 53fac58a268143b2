"""JSON errors for what happens outside DRF's views: oversized bodies and a database that is down.

A body over DATA_UPLOAD_MAX_MEMORY_SIZE is refused on its Content-Length, before anything reads
it, whichever view the request is for (the admin's forms included). Views that are not DRF's (the
admin) reach the database too; when it is down they answer 503 like the API does, not a 500 page.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import JsonResponse

from scalper.api.exceptions import DATABASE_UNAVAILABLE, body_too_large

logger = logging.getLogger(__name__)


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return JsonResponse(
                {"detail": "The Content-Length header is not a number."}, status=400
            )
        if limit is not None and length > limit:
            return JsonResponse({"detail": body_too_large()}, status=413)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, RequestDataTooBig):
            return JsonResponse({"detail": body_too_large()}, status=413)
        return None


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, (OperationalError, InterfaceError)):
            logger.error("Database unavailable: %s", exception)
            response = JsonResponse({"detail": DATABASE_UNAVAILABLE}, status=503)
            response["Retry-After"] = "5"
            return response
        return None
