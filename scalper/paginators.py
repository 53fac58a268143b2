"""Admin lists of tables that grow to millions of rows (activity logs, trades, orders)."""

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


class EstimatedCountPaginator(Paginator):
    """Numbers the pages of an unfiltered list from PostgreSQL's statistics, not `COUNT(*)`.

    `COUNT(*)` reads the whole table: seconds on every page load of a table with millions of rows.
    `pg_class.reltuples` (kept by ANALYZE and autovacuum) is close enough to number pages. Filtered
    lists are counted exactly, and so are tables estimated below `EXACT_COUNT_BELOW` rows, where
    counting is cheap and the statistics of a young table may still be missing or stale.
    """

    EXACT_COUNT_BELOW = 20_000

    @cached_property
    def count(self):
        estimate = self.estimated_count()
        if estimate is not None and estimate >= self.EXACT_COUNT_BELOW:
            return estimate
        return super().count

    def estimated_count(self):
        """The planner's row estimate for an unfiltered queryset on PostgreSQL, else None."""
        queryset = self.object_list
        query = getattr(queryset, "query", None)
        if query is None or query.where or query.distinct:
            return None
        connection = connections[queryset.db]
        if connection.vendor != "postgresql":
            return None
        table = connection.ops.quote_name(queryset.model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)", [table]
            )
            row = cursor.fetchone()
        return row[0] if row else None


class LargeTableAdmin(admin.ModelAdmin):
    """A changelist that runs no `COUNT(*)` over the whole table: estimated page numbers, no
    total count next to a filtered count, no counts beside the filters."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
