"""Cursors whose statements PostgreSQL plans once per connection."""

from typing import Any

from django.db import connection
from django.db.backends.utils import CursorWrapper


def prepared_cursor() -> CursorWrapper:
    """A cursor of the default connection whose statements are prepared on PostgreSQL:
    parsed and planned at their first execution on a connection, then executed from that
    plan (psycopg's prepared statements, with the connection's `prepare_threshold` of 0
    set in config/settings.py; placeholders as for any cursor, %s). On other databases,
    the ordinary cursor. Use it as the ordinary one (`with prepared_cursor() as cursor:`);
    its queries are counted and logged alike. Raises what `connection.cursor()` raises.

    Why: planning the comparison page's evidence query cost 0.23 ms of PostgreSQL's time
    on every request, as much as running it (BENCHMARKS.md). Every other cursor binds its
    parameters in the client and is never prepared (Django's default), so only the queries
    written for this cursor hold prepared statements, and psycopg keeps at most 100 a
    connection (its `prepared_max`)."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    from django.db.backends.postgresql.base import ServerBindingCursor

    # What connection.cursor() does first: the health check at the start of a request,
    # then a connection.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    # Typed as Any: django-stubs know neither the cursor class's psycopg arguments nor that
    # make_cursor() takes a database cursor, as it does at run time.
    cursor_class: Any = ServerBindingCursor
    with connection.wrap_database_errors:
        raw = cursor_class(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)
