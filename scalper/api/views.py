"""The service endpoints (`/`, `/health`), the token endpoint, and JSON error pages."""

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponseRedirect, JsonResponse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from scalper.api.exceptions import NOT_FOUND
from scalper.api.throttling import LoginRateThrottle


@extend_schema(
    responses=inline_serializer(
        "Root",
        {
            "message": serializers.CharField(),
            "version": serializers.CharField(),
            "docs": serializers.CharField(),
            "status": serializers.CharField(),
        },
    )
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def root(request):
    return Response(
        {
            "message": "Scalper Bot API",
            "version": settings.API_VERSION,
            "docs": "/docs",
            "status": "running",
        }
    )


@extend_schema(
    responses={
        200: inline_serializer(
            "Health",
            {
                "status": serializers.CharField(),
                "version": serializers.CharField(),
                "database": serializers.CharField(),
            },
        ),
        503: inline_serializer(
            "Unhealthy",
            {
                "status": serializers.CharField(),
                "version": serializers.CharField(),
                "database": serializers.CharField(),
                "detail": serializers.CharField(),
            },
        ),
    }
)
@api_view(["GET"])
@authentication_classes([])
@permission_classes([AllowAny])
def health(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return Response(
            {
                "status": "unhealthy",
                "version": settings.API_VERSION,
                "database": "unavailable",
                "detail": "The database is unavailable.",
            },
            status=status.HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "healthy", "version": settings.API_VERSION, "database": "ok"})


def without_trailing_slash(request):
    """`/docs/`, `/redoc/`: redirected (307, query kept) to the path without the slash, as FastAPI
    did for its documentation pages."""
    query = request.META.get("QUERY_STRING")
    location = request.path.removesuffix("/") + (f"?{query}" if query else "")
    return HttpResponseRedirect(location, preserve_request=True)


class ThrottledObtainAuthToken(ObtainAuthToken):
    """`POST /api/v1/auth/token`: username and password for a token, a few tries per address."""

    throttle_classes = [LoginRateThrottle]


# Django's error pages, for requests no DRF view answered (an unknown path, a bad Host header, an
# unhandled exception): JSON with a `detail`, like every other error of the API. An unknown path
# says what FastAPI said.


def bad_request(request, exception):
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request, exception):
    return JsonResponse({"detail": "You do not have permission to do this."}, status=403)


def not_found(request, exception):
    return JsonResponse({"detail": NOT_FOUND}, status=404)


def server_error(request):
    return JsonResponse({"detail": "Internal server error."}, status=500)
