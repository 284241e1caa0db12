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

import psycopg
from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self) -> bool:
        """Whether the open connection can be used: False when there is none, when psycopg
        knows it broken, or when the socket of an idle connection has something to read
        and `SELECT 1` then fails; True otherwise, with no query sent."""
        if self.connection is None:
            return False
        pgconn = self.connection.pgconn
        if pgconn.status != pq.ConnStatus.OK:
            return False
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
