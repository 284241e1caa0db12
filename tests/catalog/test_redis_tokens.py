"""The catalog version in Redis, read through a copy Redis keeps exact (catalog/redis_tokens.py):
a write by anyone is seen by the next read, a read from the copy goes nowhere, and a broken
connection is never trusted. Real Redis on 127.0.0.1:6379; skipped without it."""

import uuid

import pytest
import redis

from catalog.redis_tokens import redis_tokens_get, redis_tokens_server_reads, redis_tokens_set
from catalog.versioning import (
    FACTS_KEY,
    VERSION_CACHE,
    VERSION_KEY,
    catalog_version_bump,
    catalog_versions_get,
)

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis() -> redis.Redis | None:
    try:
        client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3)
        client.ping()
        return client
    except redis.RedisError:
        return None


pytestmark = pytest.mark.skipif(_redis() is None, reason="no Redis on 127.0.0.1:6379")

NAMES = (VERSION_KEY, FACTS_KEY)


@pytest.fixture
def store(settings):
    """The version in Redis under a prefix of this test's own; returns a client standing for
    another worker or host (its writes do not go through this process's tracker)."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        **settings.CACHES,
        VERSION_CACHE: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        },
    }
    settings.CATALOG_VERSION_STORE = "redis"
    other = _redis()
    yield other, prefix
    other.delete(*(f"{prefix}:{name}" for name in NAMES))


def _read() -> dict:
    return redis_tokens_get(alias=VERSION_CACHE, names=NAMES)


def test_a_write_from_another_client_is_seen_by_the_very_next_read(store):
    other, prefix = store
    for n in range(300):
        other.mset({f"{prefix}:{VERSION_KEY}": f"v{n}", f"{prefix}:{FACTS_KEY}": f"f{n}"})
        assert _read() == {VERSION_KEY: f"v{n}", FACTS_KEY: f"f{n}"}


def test_a_read_from_the_copy_goes_nowhere_until_redis_invalidates_it(store):
    other, prefix = store
    redis_tokens_set(alias=VERSION_CACHE, values={VERSION_KEY: "a", FACTS_KEY: "b"})
    assert _read() == {VERSION_KEY: "a", FACTS_KEY: "b"}
    reads = redis_tokens_server_reads(alias=VERSION_CACHE)
    for _ in range(50):
        assert _read() == {VERSION_KEY: "a", FACTS_KEY: "b"}
    assert redis_tokens_server_reads(alias=VERSION_CACHE) == reads

    other.set(f"{prefix}:{FACTS_KEY}", "c")  # one token moved: both are read again, once
    assert _read() == {VERSION_KEY: "a", FACTS_KEY: "c"}
    assert _read() == {VERSION_KEY: "a", FACTS_KEY: "c"}
    assert redis_tokens_server_reads(alias=VERSION_CACHE) == reads + 1


def test_an_unset_token_reads_as_none_and_its_first_write_is_seen(store):
    other, prefix = store
    assert _read() == {VERSION_KEY: None, FACTS_KEY: None}
    other.set(f"{prefix}:{VERSION_KEY}", "first")
    assert _read() == {VERSION_KEY: "first", FACTS_KEY: None}


def test_a_killed_connection_is_never_trusted(store):
    """Invalidations sent while the tracked connection was down are lost; the copy must go
    with the connection, and the read after it comes from Redis."""
    other, prefix = store
    other.mset({f"{prefix}:{VERSION_KEY}": "before", f"{prefix}:{FACTS_KEY}": "f"})
    assert _read()[VERSION_KEY] == "before"
    tracking = [c["id"] for c in other.client_list() if "t" in c["flags"]]
    assert tracking  # the tracked connection is there, with the tracking flag
    for client_id in tracking:
        other.client_kill_filter(_id=client_id)
    other.set(f"{prefix}:{VERSION_KEY}", "after")
    assert _read()[VERSION_KEY] == "after"


def test_the_site_reads_its_versions_through_the_copy(
    db, store, django_capture_on_commit_callbacks
):
    versions = catalog_versions_get()
    assert versions is not None and None not in versions
    reads = redis_tokens_server_reads(alias=VERSION_CACHE)
    assert catalog_versions_get() == versions
    assert redis_tokens_server_reads(alias=VERSION_CACHE) == reads
    with django_capture_on_commit_callbacks(execute=True):
        catalog_version_bump(ranks_only=True)
    version, facts = catalog_versions_get()
    assert version != versions[0] and facts == versions[1]


def test_an_unreachable_redis_reads_as_no_version(settings):
    settings.CACHES = {
        **settings.CACHES,
        VERSION_CACHE: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        },
    }
    settings.CATALOG_VERSION_STORE = "redis"
    assert catalog_versions_get() is None
    with pytest.raises(redis.ConnectionError):
        _read()
