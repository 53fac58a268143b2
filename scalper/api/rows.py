"""Row lists read with SQL that is compiled once per process.

Django compiles a queryset into SQL every time it runs: 0.13 ms for the bots page's 15 columns,
0.32 ms for the order history's 29, as much as PostgreSQL spends answering them. A row list runs
one statement per combination of filters, with other values each time, so `PreparedRows`
compiles each combination once (the filter values and the page window as parameters), runs it
on a cursor and passes the rows through the converters Django would have applied.

Its filters are the view's FilterSet, validated field by field (`filter_values`): building a
FilterSet and its form per request costs as much again (0.17 ms), and a row list's filters are
exact comparisons, which need nothing else of it. A 400 names the parameter as django-filter's
does. docs/benchmarks.md has the figures that keep this departure.
"""

import functools

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import Expression
from django.forms import ValidationError as FormValidationError
from django.forms.utils import ErrorDict, ErrorList
from django_filters import filters
from django_filters.constants import EMPTY_VALUES
from django_filters.utils import translate_validation

from scalper.api.serializers import select_rows


class Parameter(Expression):
    """A value given when the compiled SQL runs: one placeholder, bound by name."""

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


class PreparedRows:
    """The rows `select_rows(queryset, serializer_class)` selects, filtered by equality on
    model fields, one page at a time, with SQL compiled once per set of filters."""

    def __init__(self, queryset, serializer_class):
        self.queryset = select_rows(queryset, serializer_class)
        self._statements = {}

    def all(self):
        """The rows as a queryset, for the lists that filter otherwise."""
        return self.queryset.all()

    def page(self, equal_to, *, skip=0, limit):
        """The rows whose fields equal `equal_to` ({field name: value}, no value None: `= NULL`
        matches nothing), `skip` rows skipped, at most `limit`."""
        connection = connections[self.queryset.db]
        names = tuple(sorted(equal_to))
        key = (connection.alias, names)
        statement = self._statements.get(key)
        if statement is None:
            statement = self._statements[key] = self._compile(connection, names)
        sql, params, fields, converters = statement
        values = {
            name: field.get_db_prep_value(equal_to[name], connection)
            for name, field in fields.items()
        }
        bound = [values[p.name] if isinstance(p, Parameter) else p for p in params]
        with connection.cursor() as cursor:
            cursor.execute(sql, [*bound, limit, skip])
            rows = cursor.fetchall()
        if converters:
            # A compiler of this thread's connection, which the converters are given.
            compiler = self.queryset.query.get_compiler(connection=connection)
            rows = [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows

    def _compile(self, connection, names):
        model = self.queryset.model._meta
        fields = {}
        for name in names:
            field = model.get_field(name)
            fields[name] = field.target_field if field.is_relation else field
        queryset = self.queryset.filter(
            **{name: Parameter(name, field) for name, field in fields.items()}
        )
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        selected = [column[0] for column in compiler.select[: compiler.col_count]]
        converters = compiler.get_converters(selected)
        # PostgreSQL and SQLite both take the window as parameters.
        return f"{sql} LIMIT %s OFFSET %s", list(params), fields, converters


def filter_values(filterset_class, query_params):
    """{field name: value} of the filters of `filterset_class` given in `query_params`, each
    cleaned by its own form field; a 400 like django-filter's for a bad value.

    Only exact comparisons on one field are read this way (the row lists' filters); a FilterSet
    with any other filter must go through its backend.
    """
    values, errors = {}, ErrorDict()
    for name, filter_ in _exact_filters(filterset_class):
        field = filter_.field
        try:
            value = field.clean(field.widget.value_from_datadict(query_params, {}, name))
        except FormValidationError as error:
            errors[name] = ErrorList(error.error_list)
            continue
        if value not in EMPTY_VALUES:
            values[filter_.field_name] = value
    if errors:
        raise translate_validation(errors)
    return values


@functools.cache
def _exact_filters(filterset_class):
    """(name, filter) of each filter of `filterset_class`, checked once to be exact."""
    for name, filter_ in filterset_class.base_filters.items():
        exact = (
            type(filter_).filter in (filters.Filter.filter, filters.ChoiceFilter.filter)
            and filter_.lookup_expr == "exact"
            and not (filter_.method or filter_.exclude or filter_.distinct)
            and filter_.extra.get("null_label") is None
        )
        if not exact:
            raise ImproperlyConfigured(
                f"{filterset_class.__name__}.{name} is not an exact comparison of one field: "
                "filter with the FilterSet itself (filter_queryset)."
            )
    return list(filterset_class.base_filters.items())
