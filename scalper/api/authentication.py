"""Token authentication: DRF's rules, with the token lookup as one query written once; session
authentication with the project's cross-origin write protection instead of the token check."""

import functools

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from scalper.csrf import CrossOriginProtection


@functools.cache
def _token_user_query():
    """DRF's lookup, `Token.objects.select_related("user").get(key=key)`, user side.

    (SQL, the user's field names in column order, (column index, field, converters) of the
    columns the database returns in another form than the field's, as on SQLite).
    """
    quote = connection.ops.quote_name
    user, token = get_user_model()._meta, Token._meta
    fields = user.concrete_fields
    columns = ", ".join(f"{quote(user.db_table)}.{quote(field.column)}" for field in fields)
    sql = (
        f"SELECT {columns} FROM {quote(token.db_table)} INNER JOIN {quote(user.db_table)} "
        f"ON {quote(token.db_table)}.{quote(token.get_field('user').column)} = "
        f"{quote(user.db_table)}.{quote(user.pk.column)} "
        f"WHERE {quote(token.db_table)}.{quote(token.pk.column)} = %s"
    )
    converted = []
    for index, field in enumerate(fields):
        converters = [
            *connection.ops.get_db_converters(field.cached_col),
            *field.get_db_converters(connection),
        ]
        if converters:
            converted.append((index, field, converters))
    return sql, [field.attname for field in fields], converted


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's TokenAuthentication, looking the token's user up with SQL written once per process.

    Every API request looks its token up. Compiling that query with the ORM, and building the
    user through a RawQuerySet, costs several times what PostgreSQL spends running it (a
    prepared statement here). The lookup is still made on every request, so a deleted token or
    a deactivated user is refused at once, with DRF's messages. `request.auth` is the Token, as
    with DRF's class (its `created` is loaded if read).
    """

    def authenticate_credentials(self, key):
        sql, field_names, converted = _token_user_query()
        with connection.cursor() as cursor:
            cursor.execute(sql, [key])
            row = cursor.fetchone()
        if row is None:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        values = list(row)
        for index, field, converters in converted:
            for convert in converters:
                values[index] = convert(values[index], field.cached_col, connection)
        user = get_user_model().from_db(connection.alias, field_names, values)
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token = Token.from_db(connection.alias, ["key", "user_id"], [key, user.pk])
        token.user = user
        return (user, token)


class CrossOriginProtectionCheck(CrossOriginProtection):
    """The check, returning the reason of a refusal instead of a page (as DRF's CSRFCheck does
    for Django's)."""

    def _reject(self, request, reason):
        return reason


class SessionAuthentication(authentication.SessionAuthentication):
    """DRF's session authentication; a signed-in browser's writes are checked by Fetch Metadata
    and Origin (`scalper.csrf`), so the dashboard needs no CSRF token. Token clients never
    reach this check."""

    def enforce_csrf(self, request):
        check = CrossOriginProtectionCheck(lambda request: None)
        # Reads the CSRF cookie into request.META, for the token fallback.
        check.process_request(request)
        reason = check.process_view(request, None, (), {})
        if reason:
            raise exceptions.PermissionDenied(f"CSRF Failed: {reason}")
