"""The catalog version: a token that changes after every committed write to the catalog.

Cached pages are keyed by it (see comparisons/caching/pages.py), so a page cached before an edit
can never be served after the edit's transaction commits. Who bumps it:

- signals, for every ORM save, delete and tag change of a catalog model (admin edits,
  importers that save rows one by one);
- `catalog_version_bump()`, called explicitly by code that writes without signals
  (QuerySet.update, bulk_create, bulk_update, raw SQL: score recomputes, match-graph
  rebuilds, bulk loads).

The bump runs in `transaction.on_commit`: a rolled-back write bumps nothing, and a page
rendered from data read before the commit is stored under the old token, which nobody
reads again.

Every bump writes a fresh random token rather than incrementing a counter: two bumps that
race can never leave the store holding a value some request already read (a lost update
on a counter could), and any store's plain `set` is enough.

Where the token lives, so that every worker process sees the same one
(settings.CATALOG_VERSION_STORE):

- "database" (the default without Redis): the cache alias `catalog_version`, a Django
  DatabaseCache table. Exact across any number of workers and hosts; costs one query per
  cacheable request (two round trips with connection health checks on).
- "redis" (the default when REDIS_URL is set): plain keys in the Redis the same alias
  points at, read through a per-process copy that Redis invalidates as part of every
  write (catalog/redis_tokens.py: server-assisted client-side caching). Exact across
  workers and hosts up to the time an invalidation message is in flight; a read served
  from the copy costs a non-blocking socket poll, no round trip.
- "file": a small file under DJANGO_VAR_DIR, replaced atomically on every bump. Exact for
  every worker and management command on one host sharing that directory, and almost free
  to read (no round trip); NOT exact across hosts, so only for single-host deployments
  (several hosts need Redis anyway, for the pages themselves to be shared).

Local-memory page caches cannot see each other; the token is what keeps them exact.

A second token, the *facts version*, moves with every bump except those of writers that
change only data derived from search events, scores and ranks
(`catalog_version_bump(ranks_only=True)`: the incremental match-graph rebuild, every few
minutes). Data that does not depend on ranks
(search statistics) is keyed by it, and the browse snapshot only re-reads its rank column
when the facts version did not move (comparisons/browse/snapshot.py). Exactness: a bump
writes the facts token before the version, and readers read the version before the facts
token (or both in one round trip), so a reader that sees an unchanged facts token with a
new version can only be looking at a ranks-only bump.
"""

import functools
import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from catalog.redis_tokens import redis_tokens_add, redis_tokens_get, redis_tokens_set

logger = logging.getLogger(__name__)

VERSION_CACHE = "catalog_version"
VERSION_KEY = "catalog-version"
FACTS_KEY = "catalog-facts-version"


def _version_file(key: str = VERSION_KEY) -> Path:
    return Path(settings.VAR_DIR) / key


def _file_write(token: str, key: str = VERSION_KEY) -> None:
    # Write aside, then rename: a reader sees the old token or the new one, never a torn one.
    path = _version_file(key)
    scratch = path.with_name(f".{path.name}.{token}")
    scratch.write_text(token)
    os.replace(scratch, path)


def _file_read(key: str) -> str | None:
    try:
        return _version_file(key).read_text() or None
    except FileNotFoundError:
        return None


def _read() -> str | None:
    if settings.CATALOG_VERSION_STORE == "file":
        return _file_read(VERSION_KEY)
    if settings.CATALOG_VERSION_STORE == "redis":
        return redis_tokens_get(alias=VERSION_CACHE, names=(VERSION_KEY,))[VERSION_KEY]
    return caches[VERSION_CACHE].get(VERSION_KEY)


def _read_both() -> tuple[str | None, str | None]:
    """The version, then the facts token (in this order, or in one round trip)."""
    if settings.CATALOG_VERSION_STORE == "file":
        version = _file_read(VERSION_KEY)
        return version, _file_read(FACTS_KEY)
    if settings.CATALOG_VERSION_STORE == "redis":
        found = redis_tokens_get(alias=VERSION_CACHE, names=(VERSION_KEY, FACTS_KEY))
    else:
        found = caches[VERSION_CACHE].get_many([VERSION_KEY, FACTS_KEY])
    return found.get(VERSION_KEY), found.get(FACTS_KEY)


def _initialise(key: str) -> None:
    # First use, or the store lost it: any fresh token invalidates everything keyed by it.
    if settings.CATALOG_VERSION_STORE == "file":
        _file_write(uuid.uuid4().hex, key)
    elif settings.CATALOG_VERSION_STORE == "redis":
        redis_tokens_add(alias=VERSION_CACHE, name=key, value=uuid.uuid4().hex)
    else:
        caches[VERSION_CACHE].add(key, uuid.uuid4().hex, timeout=None)


def catalog_version_get() -> str | None:
    """The current token, or None when its store cannot be read (callers must not cache)."""
    try:
        version = _read()
        if version is None:
            _initialise(VERSION_KEY)
            version = _read()
    except Exception:
        # Any failure of the store (a missing cache table, Redis down, an unwritable
        # directory) must only cost the cache, never the page.
        logger.warning("catalog version store unreadable; serving uncached", exc_info=True)
        return None
    return version


def catalog_versions_get() -> tuple[str, str] | None:
    """(catalog version, facts version), or None when the store cannot be read (callers
    must not reuse anything then). The facts version stays put across ranks-only bumps."""
    try:
        version, facts = _read_both()
        if version is None or facts is None:
            for key, token in ((VERSION_KEY, version), (FACTS_KEY, facts)):
                if token is None:
                    _initialise(key)
            version, facts = _read_both()
        if version is None or facts is None:
            return None
    except Exception:
        logger.warning("catalog version store unreadable; reusing nothing", exc_info=True)
        return None
    return version, facts


def _bump_now(*, ranks_only: bool = False) -> None:
    token = uuid.uuid4().hex
    # The facts token first: see the module docstring.
    keys = (VERSION_KEY,) if ranks_only else (FACTS_KEY, VERSION_KEY)
    if settings.CATALOG_VERSION_STORE == "redis":
        # One MSET: readers see both tokens move together.
        redis_tokens_set(alias=VERSION_CACHE, values=dict.fromkeys(keys, token))
        return
    for key in keys:
        if settings.CATALOG_VERSION_STORE == "file":
            _file_write(token, key)
        else:
            caches[VERSION_CACHE].set(key, token, timeout=None)


def catalog_version_bump(*, using: str | None = None, ranks_only: bool = False) -> None:
    """Invalidate every cached page once the current transaction commits (now, outside one).

    ranks_only=True promises that the transaction changed nothing but data derived from
    search events (match counters, pair evidence) and artifacts' score components and
    ranks: data keyed by the facts version (search statistics, the browse snapshot's
    columns other than rank) stays valid; cached pages do not.
    """
    transaction.on_commit(
        functools.partial(_bump_now, ranks_only=ranks_only), using=using, robust=True
    )


def _on_change(sender, *, using: str | None = None, **kwargs) -> None:
    catalog_version_bump(using=using)


def catalog_version_watch(*models) -> None:
    """Bump the version on every save, delete and many-to-many change of these models."""
    for model in models:
        uid = f"catalog-version:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_m2m_change,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}:{field.name}:m2m",
                weak=False,
            )


def _on_m2m_change(sender, *, action: str, using: str | None = None, **kwargs) -> None:
    if action.startswith("post_"):
        catalog_version_bump(using=using)
