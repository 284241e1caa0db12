"""Cursors whose statements PostgreSQL plans once per connection."""

from django.db import connection
from django.db.backends.utils import CursorWrapper


def prepared_cursor() -> CursorWrapper:
    """A cursor of the default connection whose statements are prepared on PostgreSQL:
    parsed and planned at their first execution on a connection, then executed from that
    plan (psycopg's prepared statements, with the connection's `prepare_threshold` of 0
    set in config/settings.py; placeholders as for any cursor, %s). Made by the project's
    backend (config/postgresql/base.py); with any other backend, the ordinary cursor.
    Use it as the ordinary one (`with prepared_cursor() as cursor:`); its queries are
    counted and logged alike. Raises what `connection.cursor()` raises.

    Why: planning the comparison page's evidence query cost 0.23 ms of PostgreSQL's time
    on every request, as much as running it (BENCHMARKS.md). Every other cursor binds its
    parameters in the client and is never prepared (Django's default), so only the queries
    written for this cursor hold prepared statements, and psycopg keeps at most 100 a
    connection (its `prepared_max`)."""
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
