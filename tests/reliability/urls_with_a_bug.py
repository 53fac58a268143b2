"""The project's URLs and error handlers, plus a view with a bug (tests of the 500 page)."""

from django.urls import path

from scalper.urls import handler500, urlpatterns

__all__ = ["handler500", "urlpatterns"]


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [*urlpatterns, path("broken", broken)]
