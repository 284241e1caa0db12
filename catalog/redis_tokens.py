"""The catalog version's tokens in Redis, read through a copy in each process that Redis
itself keeps exact (server-assisted client-side caching).

Why: every cacheable request reads the catalog version, so with the version in Redis each
cached page cost a Redis round trip before anything else (BENCHMARKS.md: a cached
comparison page at 0.45x the floor with pages and version in Redis, 0.69x with both in the
worker's memory). Here a read costs a non-blocking poll of a socket.

How: each process keeps one RESP3 connection on which it turned CLIENT TRACKING on
(Redis 6 and newer). Redis then remembers which keys that connection read and, as part of
executing any later write to one of them by any client, queues an invalidation message on
that connection. A read first drains whatever has arrived on the socket without waiting;
an invalidation among it (or a lost connection, or a fork) drops the copy, and the tokens
are then read again with one MGET on the same connection, which also re-arms tracking.

Exactness: Redis queues the invalidation while it executes the write and sends it in the
same pass as the writer's reply (possibly a few microseconds after it). A bump therefore
makes a second round trip (PING) before it returns: Redis answers it only in a later pass,
so when a bump has returned, its invalidation has been written to every tracking reader's
socket, and a reader that starts after that sees it in its poll (on one host; across hosts,
a reader can serve the old token only while the message crosses the network, which is the
guarantee Redis documents for client-side caching). Any error on the connection drops the
copy before it is raised.

redis-py's own client-side cache (`cache_config`) would do the same but requires Redis
7.4; this needs only CLIENT TRACKING, so it runs on the Redis 7.0 that Debian ships. It
hooks redis-py's RESP3 parser the way that cache does (`_parser.set_invalidation_push_handler`).

Connection settings come from a cache alias's configuration (LOCATION, KEY_PREFIX, and the
socket timeouts in OPTIONS): catalog/versioning.py passes its `catalog_version` alias, so
one setting says where the version lives.
"""

import os
import threading
from collections import OrderedDict
from typing import Any

import redis
from django.conf import settings
from redis.connection import ConnectionPool

# Distinct (location, prefix) pairs a process keeps a tracked connection for (one in
# production; tests use a prefix per test).
_MAX_TRACKERS = 4


class _Tracker:
    """One tracked connection and the token copy it keeps exact."""

    def __init__(self, *, location: str, prefix: str, options: dict) -> None:
        self.keys_prefix = prefix
        timeouts = {
            name: options[name]
            for name in ("socket_connect_timeout", "socket_timeout")
            if name in options
        }
        self._pool = ConnectionPool.from_url(location, protocol=3, **timeouts)
        self._writer = redis.Redis(connection_pool=ConnectionPool.from_url(location, **timeouts))
        self._connection: Any = None  # a redis.connection.Connection once connected
        self._copy: dict[str, str | None] | None = None
        self._pid = os.getpid()
        self._lock = threading.Lock()
        # Reads that went to Redis (tests and the benchmark check a hit makes none).
        self.server_reads = 0

    def key(self, name: str) -> str:
        return f"{self.keys_prefix}:{name}" if self.keys_prefix else name

    def _invalidated(self, message: list) -> None:
        # ["invalidate", [keys]] or ["invalidate", None] after FLUSHALL/FLUSHDB: this
        # connection tracks only the tokens, so either way the copy goes.
        self._copy = None

    def _drop(self) -> None:
        self._copy = None
        if self._connection is not None:
            self._connection.disconnect()
            self._connection = None

    def _connect(self) -> Any:
        connection: Any = self._pool.make_connection()
        connection.connect()
        connection._parser.set_invalidation_push_handler(self._invalidated)
        connection.send_command("CLIENT", "TRACKING", "ON")
        if connection.read_response() not in (b"OK", "OK"):
            connection.disconnect()
            raise redis.ResponseError("CLIENT TRACKING ON was refused.")
        return connection

    def get(self, names: tuple[str, ...]) -> dict[str, str | None]:
        with self._lock:
            if os.getpid() != self._pid:  # a forked child must not share the parent's socket
                self._connection, self._copy, self._pid = None, None, os.getpid()
            try:
                return self._get(names)
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                # A connection that broke since the last read (Redis restarted, an idle
                # timeout) may have lost invalidations: start again from Redis, once.
                self._drop()
            try:
                return self._get(names)
            except Exception:
                self._drop()
                raise

    def _get(self, names: tuple[str, ...]) -> dict[str, str | None]:
        if self._connection is None:
            self._copy = None
            self._connection = self._connect()
        while self._connection.can_read(timeout=0):
            self._connection.read_response(push_request=True)
        copy = self._copy
        if copy is None or not set(names) <= copy.keys():
            wanted = sorted(set(names) | (copy or {}).keys())
            self._connection.send_command("MGET", *(self.key(n) for n in wanted))
            values = self._connection.read_response()
            self.server_reads += 1
            copy = {
                name: None if value is None else _text(value)
                for name, value in zip(wanted, values, strict=True)
            }
            self._copy = copy
        return {name: copy[name] for name in names}

    def set(self, values: dict[str, str]) -> None:
        self._writer.mset({self.key(name): value for name, value in values.items()})
        # Redis writes a write's invalidation messages out in the same pass as the writer's
        # reply, possibly just after it. A second round trip returns only once that pass is
        # over, so when a bump returns, every tracking reader has its invalidation.
        self._writer.ping()

    def add(self, name: str, value: str) -> None:
        self._writer.set(self.key(name), value, nx=True)
        # As for set(): the reader that found no token reads again right after this (first
        # use, or Redis lost it), and must not find its tracked copy still saying "none";
        # that read came back empty now and then, and the page was served uncached.
        self._writer.ping()


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


_trackers: "OrderedDict[tuple[str, str], _Tracker]" = OrderedDict()
_trackers_lock = threading.Lock()


def _tracker(alias: str) -> _Tracker:
    config: dict[str, Any] = settings.CACHES[alias]
    location: str = config["LOCATION"]
    prefix: str = config.get("KEY_PREFIX", "")
    with _trackers_lock:
        tracker = _trackers.get((location, prefix))
        if tracker is None:
            tracker = _Tracker(location=location, prefix=prefix, options=config.get("OPTIONS", {}))
            _trackers[(location, prefix)] = tracker
            while len(_trackers) > _MAX_TRACKERS:
                _trackers.popitem(last=False)[1]._drop()
        _trackers.move_to_end((location, prefix))
        return tracker


def redis_tokens_get(*, alias: str, names: tuple[str, ...]) -> dict[str, str | None]:
    """The tokens `names` (None for a token not set) stored where the cache alias `alias`
    points, from this process's tracked copy when
    Redis has not invalidated it, else with one MGET. Raises redis.RedisError (and OSError)
    when Redis cannot be reached; the copy is dropped first."""
    return _tracker(alias).get(names)


def redis_tokens_set(*, alias: str, values: dict[str, str]) -> None:
    """Write tokens in one MSET (atomic: a reader sees all of them or none). Raises
    redis.RedisError when Redis cannot be reached."""
    _tracker(alias).set(values)


def redis_tokens_add(*, alias: str, name: str, value: str) -> None:
    """Write a token only if it is not set (SET NX). Raises redis.RedisError."""
    _tracker(alias).add(name, value)


def redis_tokens_server_reads(*, alias: str) -> int:
    """How many reads of this process's current tracker went to Redis (for tests and the
    benchmark: a read served from the copy does not count)."""
    return _tracker(alias).server_reads
