"""URL spelling of the legacy API.

Collection roots end with a slash (`/api/v1/bots/`), every other path has none
(`/api/v1/bots/{id}`, `/api/v1/bots/stop-all`). The other spelling is served too, by the same
view and without a redirect, and is left out of the OpenAPI document.
"""

import functools

from django.urls import re_path
from rest_framework.routers import SimpleRouter


def _alternate_spelling(view):
    @functools.wraps(view)
    def alternate(request, *args, **kwargs):
        return view(request, *args, **kwargs)

    alternate.alternate_spelling = True
    return alternate


def both_spellings(regex, view, name=None):
    """URL patterns for `regex` (anchored, without its final `$`) and its other slash spelling."""
    canonical = re_path(f"{regex}$", view, name=name)
    other = regex[:-1] if regex.endswith("/") else f"{regex}/"
    return [canonical, re_path(f"{other}$", _alternate_spelling(view))]


class LegacyRouter(SimpleRouter):
    # The legacy API deletes a whole collection (`DELETE /api/v1/logs/`): a viewset that defines
    # `destroy_all` answers DELETE on its collection root.
    routes = [
        SimpleRouter.routes[0]._replace(
            mapping={**SimpleRouter.routes[0].mapping, "delete": "destroy_all"}
        ),
        *SimpleRouter.routes[1:],
    ]

    def __init__(self):
        super().__init__(trailing_slash=False)

    def get_urls(self):
        urls = []
        for pattern in super().get_urls():
            regex = pattern.pattern.regex.pattern.removesuffix("$")
            if pattern.name.endswith("-list"):
                regex += "/"
            urls += both_spellings(regex, pattern.callback, name=pattern.name)
        return urls


def exclude_alternate_spellings(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document each path once, in its legacy spelling."""
    return [
        (path, path_regex, method, callback)
        for path, path_regex, method, callback in endpoints
        if not getattr(callback, "alternate_spelling", False)
    ]
