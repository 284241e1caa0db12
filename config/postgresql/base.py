"""Django's PostgreSQL backend (psycopg 3) with a health check that costs no round trip.

Django checks a persistent connection at the start of each request (CONN_HEALTH_CHECKS) by
sending it `SELECT 1`: a round trip to the server before every page, about 7% of a worker's
time on the comparison page (BENCHMARKS.md). A server that ends a connection (a restart, an
administrator's pg_terminate_backend, an idle timeout) tells the client so: it sends an
error message and closes the socket, which then has something to read while no query is
in flight. So the socket is looked at first, without waiting; `SELECT 1` is sent only when
it has something to read, and the connection is unusable when that fails.

What this cannot see, as `SELECT 1` could: a server that vanished without a word (its host
lost, a cable cut). The first query then fails instead, the request answers 503
(config/middleware.py) and Django closes the connection at the request's end, as it does
after any error."""

import select
from typing import Any

import psycopg
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper
from django.utils.asyncio import async_unsafe
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether the open connection can be used: False when there is none, when psycopg
        knows it broken, or when `SELECT 1` fails, which is sent only when the connection is
        not idle or its socket has something to read; True otherwise, with no query sent."""
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
        if pgconn.transaction_status != pq.TransactionStatus.IDLE:
            # A query in flight or a failed transaction: only a real query can tell.
            return super().is_usable()
        try:
            socket = pgconn.socket
        except psycopg.OperationalError:
            return False
        poll = select.poll()
        poll.register(socket, select.POLLIN)
        if not poll.poll(0):
            return True
        # Something to read on an idle connection: most likely the server's farewell, or
        # the end of the stream; let a real query decide.
        return super().is_usable()

    @async_unsafe
    def prepared_cursor(self) -> CursorWrapper:
        """A cursor whose statements are prepared (config/prepared.py): psycopg's
        server-side binding cursor, made as Django makes its own (`cursor()`: the health
        check, the connection, the session's time zone for timestamps), wrapped alike."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        # Django's own helpers, which django-stubs do not declare.
        backend: Any = base
        with self.wrap_database_errors:
            cursor = backend.ServerBindingCursor(self.connection)
            tzloader = self.connection.adapters.get_loader(backend.TIMESTAMPTZ_OID, pq.Format.TEXT)
            if self.timezone != tzloader.timezone:
                backend.register_tzloader(self.timezone, cursor)
        return self._prepare_cursor(cursor)  # type: ignore[attr-defined]
