"""Data derived from the catalog and reused within one catalog version.

Rendered cards (comparisons/browse/cards.py), search statistics, rankings and result pages
(comparisons/search/) live in the `derived` cache, and the browse snapshot
(comparisons/browse/snapshot.py) in each process, all under the catalog version, which every
committed catalog write replaces (catalog/versioning.py): nothing computed before an edit
is read after it commits. Nothing is reused when settings.CATALOG_DERIVED_CACHE is off
(tests, whose writes never move the version) or the version store cannot be read, and a
failing cache (Redis down) only costs the reuse, never the page.
"""

import logging
from typing import Any

from django.conf import settings
from django.core.cache import caches

from catalog.versioning import catalog_version_get, catalog_versions_get

logger = logging.getLogger(__name__)


def derived_cache_version() -> str | None:
    """The catalog version to key reused data by, or None: compute fresh, store nothing."""
    if not settings.CATALOG_DERIVED_CACHE:
        return None
    return catalog_version_get()


def derived_cache_versions() -> tuple[str, str] | None:
    """(catalog version, facts version) to key reused data by, or None: compute fresh.
    The facts version survives ranks-only bumps (catalog/versioning.py)."""
    if not settings.CATALOG_DERIVED_CACHE:
        return None
    return catalog_versions_get()


def derived_cache_get_many(keys: list[str], *, alias: str | None = None) -> dict[str, Any]:
    """The values found under `keys` (key -> value) in the `alias` cache (default: the
    derived cache); {} when the cache cannot be read."""
    try:
        return caches[alias or settings.DERIVED_CACHE_ALIAS].get_many(keys)
    except Exception:
        logger.warning("derived cache unreadable; computing fresh", exc_info=True)
        return {}


def derived_cache_set_many(
    values: dict[str, Any], *, timeout: int, alias: str | None = None
) -> None:
    """Store `values` (key -> value) for `timeout` seconds in the `alias` cache (default:
    the derived cache); a cache that cannot be written only costs the reuse."""
    try:
        caches[alias or settings.DERIVED_CACHE_ALIAS].set_many(values, timeout=timeout)
    except Exception:
        logger.warning("derived cache unwritable", exc_info=True)


def parts_cache_get_many(keys: list[str]) -> dict[str, Any]:
    """The values found under `keys` in the parts cache (settings.PARTS_CACHE_ALIAS), looked
    up first in this worker's own copy (settings.PARTS_CACHE_LOCAL_ALIAS, when the shared
    store is Redis) and copied there when found only in the shared store. A key holds the
    catalog version, so a local copy is exactly as fresh as the shared one. The values are
    shared with later requests of this worker: read-only. {} when nothing can be read."""
    local_alias = settings.PARTS_CACHE_LOCAL_ALIAS
    found = derived_cache_get_many(keys, alias=local_alias) if local_alias else {}
    missing = [key for key in keys if key not in found]
    if missing:
        shared = derived_cache_get_many(missing, alias=settings.PARTS_CACHE_ALIAS)
        if local_alias and shared:
            derived_cache_set_many(shared, timeout=settings.PAGE_CACHE_SECONDS, alias=local_alias)
        found.update(shared)
    return found


def parts_cache_set_many(values: dict[str, Any]) -> None:
    """Store `values` (key -> value) in the parts cache and in this worker's own copy, for
    settings.PAGE_CACHE_SECONDS; a cache that cannot be written only costs the reuse."""
    for alias in (settings.PARTS_CACHE_ALIAS, settings.PARTS_CACHE_LOCAL_ALIAS):
        if alias:
            derived_cache_set_many(values, timeout=settings.PAGE_CACHE_SECONDS, alias=alias)
