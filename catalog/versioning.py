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
- "redis" (the default when REDIS_URL is set): the same alias on Redis. Exact everywhere;
  one Redis round trip per cacheable request.
- "file": a small file under DJANGO_VAR_DIR, replaced atomically on every bump. Exact for
  every worker and management command on one host sharing that directory, and almost free
  to read (no round trip); NOT exact across hosts, so only for single-host deployments
  (several hosts need Redis anyway, for the pages themselves to be shared).

Local-memory page caches cannot see each other; the token is what keeps them exact.
"""

import logging
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

logger = logging.getLogger(__name__)

VERSION_CACHE = "catalog_version"
VERSION_KEY = "catalog-version"


def _version_file() -> Path:
    return Path(settings.VAR_DIR) / "catalog-version"


def _file_write(token: str) -> None:
    # Write aside, then rename: a reader sees the old token or the new one, never a torn one.
    path = _version_file()
    scratch = path.with_name(f".{path.name}.{token}")
    scratch.write_text(token)
    os.replace(scratch, path)


def _read() -> str | None:
    if settings.CATALOG_VERSION_STORE == "file":
        try:
            return _version_file().read_text() or None
        except FileNotFoundError:
            return None
    return caches[VERSION_CACHE].get(VERSION_KEY)


def catalog_version_get() -> str | None:
    """The current token, or None when its store cannot be read (callers must not cache)."""
    try:
        version = _read()
        if version is None:
            # First use, or the store lost it: any fresh token invalidates every page.
            if settings.CATALOG_VERSION_STORE == "file":
                _file_write(uuid.uuid4().hex)
            else:
                caches[VERSION_CACHE].add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
            version = _read()
    except Exception:
        # Any failure of the store (a missing cache table, Redis down, an unwritable
        # directory) must only cost the cache, never the page.
        logger.warning("catalog version store unreadable; serving uncached", exc_info=True)
        return None
    return version


def _bump_now() -> None:
    token = uuid.uuid4().hex
    if settings.CATALOG_VERSION_STORE == "file":
        _file_write(token)
    else:
        caches[VERSION_CACHE].set(VERSION_KEY, token, timeout=None)


def catalog_version_bump(*, using: str | None = None) -> None:
    """Invalidate every cached page once the current transaction commits (now, outside one)."""
    transaction.on_commit(_bump_now, using=using, robust=True)


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
