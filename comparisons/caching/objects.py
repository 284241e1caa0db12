"""An in-process cache that keeps the values themselves, not pickles of them.

Django's LocMemCache pickles every value on the way in and unpickles it on every read. For
the per-artifact parts of the comparison and artifact pages (comparisons/compare/parts.py:
an artifact with about seventy model instances) the unpickling was the largest single cost
of an uncached comparison page after the template: about 2 ms of the 7.5 ms a request took
on the 100k benchmark catalog. The parts are keyed by catalog version and never change
under a key, so one worker can share the objects across its requests, provided nobody
mutates them: the pages only read them, and tests/comparisons/test_compare_parts.py holds
that (a part pickles to the same bytes before and after pages are rendered from it).

Bounded and evicted like LocMemCache (MAX_ENTRIES, least recently used first); one per
process, never shared across processes or hosts (Redis, when configured, stays the shared
store, with this one in front: settings.PARTS_CACHE_LOCAL_ALIAS).
"""

from collections import OrderedDict
from threading import Lock
from typing import TYPE_CHECKING, Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache


class ObjectCache(LocMemCache):
    """LocMemCache whose values are stored and returned as they are (no copy): callers
    must treat what they read as read-only."""

    if TYPE_CHECKING:  # LocMemCache's own internals, which its type stubs leave out
        _cache: OrderedDict[str, Any]
        _lock: Lock

        def _has_expired(self, key: str) -> bool: ...
        def _delete(self, key: str) -> bool: ...
        def _set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None: ...

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._set(key, value, timeout)
                return True
            return False

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                return default
            value = self._cache[key]
            self._cache.move_to_end(key, last=False)
        return value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._set(key, value, timeout)

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            value = self._cache[key] + delta
            self._cache[key] = value
            self._cache.move_to_end(key, last=False)
        return value
