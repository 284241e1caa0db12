"""The in-process object cache behind the per-artifact parts (comparisons/caching/objects.py):
values kept as they are, bounded and expired as Django's local-memory cache is."""

import time
import uuid

import pytest
from django.core.cache.backends.locmem import LocMemCache

from comparisons.caching.objects import ObjectCache


def _cache(max_entries: int = 300) -> ObjectCache:
    # A location of its own: local-memory stores are shared per name within a process.
    return ObjectCache(f"test-{uuid.uuid4().hex}", {"OPTIONS": {"MAX_ENTRIES": max_entries}})


def test_a_value_comes_back_as_the_same_object_not_a_copy():
    cache, value = _cache(), {"rows": [1, 2, 3]}
    cache.set("part", value)
    assert cache.get("part") is value
    assert cache.get_many(["part", "absent"]) == {"part": value}
    # Django's own local-memory cache hands out a fresh unpickled copy on every read.
    pickling = LocMemCache(f"test-{uuid.uuid4().hex}", {})
    pickling.set("part", value)
    assert pickling.get("part") == value and pickling.get("part") is not value


def test_add_keeps_what_is_there_and_fills_what_is_not():
    cache, first, second = _cache(), object(), object()
    assert cache.add("key", first) is True
    assert cache.add("key", second) is False
    assert cache.get("key") is first


def test_an_expired_value_is_gone(monkeypatch):
    cache = _cache()
    cache.set("key", "value", timeout=10)
    now = time.time()
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: now + 11)
    assert cache.get("key", default="gone") == "gone"
    assert cache.add("key", "again") is True


def test_incr_counts_and_refuses_a_missing_key():
    cache = _cache()
    cache.set("count", 1)
    assert cache.incr("count", 2) == 3 and cache.get("count") == 3
    with pytest.raises(ValueError, match="not found"):
        cache.incr("absent")


def test_it_holds_at_most_its_entries_dropping_the_least_recently_read():
    cache = _cache(max_entries=3)
    for key in ("a", "b", "c"):
        cache.set(key, key)
    cache.get("a")  # read last: kept
    cache.set("d", "d")  # full: a third of the entries (one) is dropped, the oldest read
    assert cache.get_many(["a", "b", "c", "d"]) == {"a": "a", "c": "c", "d": "d"}
