from django.contrib import admin
from django.urls import include, path
from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiJsonRenderer2
from drf_spectacular.views import SpectacularJSONAPIView

from scalper.api import docs, views
from scalper.api.routers import both_spellings

admin.site.site_header = "Scalper administration"
admin.site.site_title = "Scalper admin"
admin.site.index_title = "Bots, orders and exchange accounts"

urlpatterns = [
    path("", include("scalper.dashboard.urls")),
    *both_spellings(r"^health", views.health, name="health"),
    # Served as application/json, as FastAPI served it (drf-spectacular's default is
    # application/vnd.oai.openapi+json, still given to a client that asks for it).
    path(
        "api/v1/openapi.json",
        SpectacularJSONAPIView.as_view(
            renderer_classes=[OpenApiJsonRenderer2, OpenApiJsonRenderer]
        ),
        name="openapi",
    ),
    path("docs", docs.swagger_ui, name="docs"),
    path("redoc", docs.redoc, name="redoc"),
    path("docs/", views.without_trailing_slash),
    path("redoc/", views.without_trailing_slash),
    path("admin/", admin.site.urls),
    path("api/v1/", include("scalper.api.urls")),
]

handler400 = "scalper.api.views.bad_request"
handler403 = "scalper.api.views.permission_denied"
handler404 = "scalper.api.views.not_found"
handler500 = "scalper.api.views.server_error"
