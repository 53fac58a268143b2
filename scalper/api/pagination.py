"""`skip`/`limit` paging as the legacy API did it: a bare JSON array, no envelope."""

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from scalper.api import lax
from scalper.api.fields import lax_integer_schema

# The largest OFFSET and LIMIT PostgreSQL takes (bigint); the legacy API answered 500 beyond it.
BIGINT_MAX = 2**63 - 1


def bounded_int(request, name, default, minimum, maximum):
    """Query parameter `name` as an int in [minimum, maximum], else a 400 naming it.

    The integer is read as the legacy API read it (`10`, `10.0`, `1_000`; no spaces)."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    try:
        value = lax.to_int(raw)
    except ValueError:
        raise ValidationError({name: [f"Must be an integer, got {raw!r}."]}) from None
    if not minimum <= value <= maximum:
        raise ValidationError({name: [f"Must be between {minimum} and {maximum}, got {value}."]})
    return value


class SkipLimitPagination(BasePagination):
    """The legacy bots list's paging: any `skip` and `limit` from 0 to PostgreSQL's bigint
    maximum. Subclasses lower `max_limit` where a page must stay small."""

    default_limit = 100
    max_limit = BIGINT_MAX
    max_skip = BIGINT_MAX

    def window(self, request):
        """(skip, limit) of the request, or a 400 naming the parameter that is out of range."""
        skip = bounded_int(request, "skip", 0, 0, self.max_skip)
        limit = bounded_int(request, "limit", self.default_limit, 0, self.max_limit)
        return skip, limit

    def paginate_queryset(self, queryset, request, view=None):
        skip, limit = self.window(request)
        return list(queryset[skip : skip + limit])

    def get_paginated_response(self, data):
        return Response(data)

    def get_paginated_response_schema(self, schema):
        return schema

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "skip",
                "required": False,
                "in": "query",
                "schema": lax_integer_schema(0, self.max_skip, default=0),
            },
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "schema": lax_integer_schema(0, self.max_limit, default=self.default_limit),
            },
        ]
