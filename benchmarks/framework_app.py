"""A reference for benchmarks/api_throughput.py: what Django and DRF cost with nothing to do.

One DRF view that answers the statistics summary's JSON from a constant: no middleware, no
authentication, no database, the same renderer as the API. Served by gunicorn with the API's
settings, it shows the part of a request that no endpoint's code can win back.
"""

import django
import orjson
from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="framework-reference-not-a-secret",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=["django.contrib.contenttypes", "django.contrib.auth", "rest_framework"],
    REST_FRAMEWORK={
        "DEFAULT_AUTHENTICATION_CLASSES": [],
        "DEFAULT_PERMISSION_CLASSES": [],
        "UNAUTHENTICATED_USER": None,
        "DEFAULT_RENDERER_CLASSES": ["drf_orjson_renderer.renderers.ORJSONRenderer"],
        "ORJSON_RENDERER_OPTIONS": (orjson.OPT_UTC_Z,),
    },
)
django.setup()

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.urls import path  # noqa: E402
from rest_framework.decorators import api_view  # noqa: E402
from rest_framework.response import Response  # noqa: E402

STATISTICS = {
    "total_bots": 100,
    "active_bots": 34,
    "stopped_bots": 66,
    "total_pnl": 2312.5,
    "total_trades": 776,
}


@api_view(["GET"])
def statistics(request):
    return Response(STATISTICS)


urlpatterns = [path("api/v1/bots/statistics/summary", statistics)]

application = get_wsgi_application()
