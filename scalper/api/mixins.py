"""Mixins of the apps' viewsets."""

from django.http import Http404
from rest_framework.exceptions import NotFound


# No docstring: drf-spectacular would take it as the description of every operation of a viewset
# that has none of its own.
class NamedNotFoundMixin:
    # An unknown or malformed id answers 404 with the view's own `not_found_detail` ("Bot not
    # found"), as the legacy API did, rather than DRF's generic text.
    not_found_detail = "Not found"

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(self.not_found_detail) from None
