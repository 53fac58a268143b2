"""The API's filter backend: django-filter's, without its cost when a request sets no filter."""

from django_filters.rest_framework import DjangoFilterBackend


class FilterBackend(DjangoFilterBackend):
    """DjangoFilterBackend that leaves the queryset alone when no filter parameter is sent.

    Building and validating a FilterSet's form costs about half a millisecond, as much as the
    rest of a list request's Python work, and with no filter parameter it filters nothing (empty
    values are skipped). A parameter counts if its name starts with a filter's name (range
    widgets add suffixes such as `_min`); a FilterSet with a required filter always runs.
    """

    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is not None and not self._applies(filterset_class, request):
            return queryset
        return super().filter_queryset(request, queryset, view)

    @staticmethod
    def _applies(filterset_class, request):
        filters = filterset_class.base_filters
        if any(f.extra.get("required") for f in filters.values()):
            return True
        return any(
            parameter.startswith(name) for parameter in request.query_params for name in filters
        )
