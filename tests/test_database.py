"""The PostgreSQL backend's health check and the prepared cursor (config/postgresql,
config/prepared.py), on the database the suite runs on."""

import os
import tempfile

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from config.prepared import prepared_cursor
from tests.factories import ArtifactFactory

postgresql_only = pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").split(":")[0] not in {"postgres", "postgresql"},
    reason="PostgreSQL only",
)


@pytest.mark.django_db
def test_prepared_cursor_reads_what_the_ordinary_one_reads_and_is_counted():
    artifact = ArtifactFactory(slug="seen")
    sql = "SELECT slug FROM catalog_artifact WHERE id = %s"
    with CaptureQueriesContext(connection) as queries:
        for _ in range(3):
            with prepared_cursor() as cursor:
                cursor.execute(sql, [artifact.id])
                assert cursor.fetchall() == [("seen",)]
    assert len(queries.captured_queries) == 3


@postgresql_only
@pytest.mark.django_db
def test_prepared_cursor_prepares_its_statements_on_postgresql():
    with prepared_cursor() as cursor:
        cursor.execute("SELECT %s::int + 1", [41])
        assert cursor.fetchone() == (42,)
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%+ 1%"]
        )
        assert cursor.fetchone() == (1,)
    with connection.cursor() as cursor:  # the ordinary cursor binds in the client
        cursor.execute("SELECT %s::int + 2", [40])
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%+ 2%"]
        )
        assert cursor.fetchone() == (0,)


def _other_connection() -> psycopg.Connection:
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    return psycopg.connect(**params, autocommit=True)


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_health_check_sends_nothing_to_a_healthy_connection():
    connection.ensure_connection()
    with tempfile.TemporaryFile() as trace:
        connection.connection.pgconn.trace(trace.fileno())
        try:
            assert connection.is_usable()
        finally:
            connection.connection.pgconn.untrace()
        trace.seek(0)
        assert trace.read() == b""
        # The trace itself works: a query shows in it.
        connection.connection.pgconn.trace(trace.fileno())
        try:
            connection.connection.execute("SELECT 1")
        finally:
            connection.connection.pgconn.untrace()
        trace.seek(0)
        assert b"SELECT 1" in trace.read()


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_health_check_sees_a_connection_the_server_ended_and_the_next_query_reconnects():
    connection.ensure_connection()
    ended = connection.connection.info.backend_pid
    with _other_connection() as other:
        # With a timeout, it waits for the server process to end (and close the socket).
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [ended])
    assert not connection.is_usable()
    # What a request does first: the health check closes it, the next query reconnects.
    connection.health_check_done = False
    connection.close_if_health_check_failed()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != ended


@postgresql_only
@pytest.mark.django_db
def test_prepared_cursor_reads_timestamps_as_the_ordinary_one_does():
    ArtifactFactory(slug="dated")
    sql = "SELECT created_at FROM catalog_artifact WHERE slug = %s"
    with connection.cursor() as cursor:
        cursor.execute(sql, ["dated"])
        ordinary = cursor.fetchone()[0]
    with prepared_cursor() as cursor:
        cursor.execute(sql, ["dated"])
        prepared = cursor.fetchone()[0]
    assert prepared == ordinary and prepared.tzinfo == ordinary.tzinfo
