"""Mixins of the apps' viewsets."""

from django.http import Http404
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from scalper.api.rows import filter_values


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


class RowListMixin:
    # list() reads one page of `list_rows` (a PreparedRows): the rows equal to the filters of
    # `filterset_class` given in the query, windowed by the paginator. The view's
    # filter_backends are not consulted; `filterset_class` still documents the parameters.
    def row_page(self, equal_to=()):
        query = self.request.query_params
        filters = filter_values(self.filterset_class, query) if self.filterset_class else {}
        skip, limit = self.paginator.window(self.request)
        rows = self.list_rows.page({**dict(equal_to), **filters}, skip=skip, limit=limit)
        return self.get_serializer(rows, many=True).data

    def list(self, request, *args, **kwargs):
        return Response(self.row_page())
