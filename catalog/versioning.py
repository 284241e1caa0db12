"""The catalog version: a token that changes after every committed write to the catalog.

Cached pages are keyed by it (see comparisons/caching/pages.py), so a page cached before an edit
can never be served after the edit's transaction commits. Who bumps it:

- signals, for every ORM save, delete and tag change of a catalog model (admin edits,
  importers that save rows one by one);
- `catalog_version_bump()`, called explicitly by code that writes without signals
  (QuerySet.update, bulk_create, bulk_update, raw SQL: score recomputes, match-graph
  rebuilds, bulk loads).

Every bump also records, inside the writing transaction, what the write touched in the
change journal (catalog/journal.py): the artifacts a save or delete of a watched model
touched (`_TOUCHED`), the ids a bulk writer passes as `artifact_ids`, or a wider scope;
readers use it to patch what they derived instead of recomputing it.

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
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connections, transaction
from django.db.models import Model
from django.db.models.signals import m2m_changed, post_delete, post_init, post_save, pre_save

from catalog.journal import ALL, ARTIFACT, RANKS, ROW, TAGS, catalog_changes_record
from catalog.models import Artifact, Capability, Tag, Vendor
from catalog.redis_tokens import redis_tokens_add, redis_tokens_get, redis_tokens_set

logger = logging.getLogger(__name__)

VERSION_CACHE = "catalog_version"
VERSION_KEY = "catalog-version"
FACTS_KEY = "catalog-facts-version"
# More than a token (uuid4().hex: 32 ASCII characters) ever holds.
_TOKEN_BYTES = 64


def _version_file(key: str = VERSION_KEY) -> Path:
    return Path(settings.VAR_DIR) / key


def _file_write(token: str, key: str = VERSION_KEY) -> None:
    # Write aside, then rename: a reader sees the old token or the new one, never a torn one.
    path = _version_file(key)
    scratch = path.with_name(f".{path.name}.{token}")
    scratch.write_text(token)
    os.replace(scratch, path)


def _file_read(key: str) -> str | None:
    # os.read rather than Path.read_text: a token is 32 ASCII bytes, and the text layer
    # (an encoding looked up, a buffered reader) cost 19 µs against 3.4 µs, several times a
    # page (BENCHMARKS.md).
    try:
        descriptor = os.open(_version_file(key), os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        return os.read(descriptor, _TOKEN_BYTES).decode("ascii") or None
    finally:
        os.close(descriptor)


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


def catalog_version_bump(
    *,
    using: str | None = None,
    ranks_only: bool = False,
    artifact_ids: Iterable[int] | None = None,
    scope: str | None = None,
) -> None:
    """Invalidate every cached page once the current transaction commits (now, outside one),
    and record the write in the change journal (catalog/journal.py) inside it.

    ranks_only=True promises that the transaction changed nothing but data derived from
    search events (match counters, pair evidence) and artifacts' score components and
    ranks: data keyed by the facts version (search statistics, the browse snapshot's
    columns other than rank) stays valid; cached pages do not.

    What the journal records: `scope` when given (journal.RANKS for a score recompute,
    journal.TAGS for tag names), else journal.RANKS for ranks_only, the artifacts named by
    `artifact_ids` (every artifact whose own fields, capabilities, their tags or vendor the
    transaction wrote), or, with neither, journal.ALL: anything may have changed.
    """
    if scope is None:
        scope = RANKS if ranks_only else ALL if artifact_ids is None else ARTIFACT
    catalog_changes_record(scope=scope, artifact_ids=artifact_ids or (), using=using)
    transaction.on_commit(
        functools.partial(_bump_now, ranks_only=ranks_only), using=using, robust=True
    )


# What a save (`created` or not) or a delete (`deleted`) of one instance touched.
Touched = Callable[..., tuple[str, Iterable[int]]]


def _artifact_touched(
    instance: Model, *, created: bool = False, deleted: bool = False
) -> tuple[str, Iterable[int]]:
    # Its status decides whether its capabilities' search documents count; the documents
    # themselves hold only capability text and tag names (comparisons/search/index.py).
    stored = instance.__dict__.pop("_journal_stored_status", None)
    kept = not (created or deleted) and stored is not None and stored == instance.status  # type: ignore[attr-defined]
    return ROW if kept else ARTIFACT, [instance.pk]


def _capability_touched(instance: Model, **event: bool) -> tuple[str, Iterable[int]]:
    # Its artifact, and the one it was loaded with when an editor moved it.
    loaded = getattr(instance, "_journal_artifact_id", None)
    return ARTIFACT, [pk for pk in {instance.artifact_id, loaded} if pk is not None]  # type: ignore[attr-defined]


def _vendor_touched(instance: Model, **event: bool) -> tuple[str, Iterable[int]]:
    # Every artifact shows its vendor's name (no search document holds it); a new vendor has
    # none yet, and a vendor with artifacts cannot be deleted (PROTECT).
    artifacts = Artifact.objects.filter(vendor_id=instance.pk)
    return ROW, list(artifacts.values_list("pk", flat=True))


def _tag_touched(instance: Model, **event: bool) -> tuple[str, Iterable[int]]:
    # A tag's name or slug; which capabilities carry it is an m2m change of its own. A
    # deleted tag's links go with it, and readers drop tags that no longer exist.
    return TAGS, []


# What a save or delete of each watched model touched; models without an entry: anything.
_TOUCHED: dict[type[Model], Touched] = {
    Artifact: _artifact_touched,
    Capability: _capability_touched,
    Vendor: _vendor_touched,
    Tag: _tag_touched,
}


def _on_change(sender, *, instance: Model, using: str | None = None, **kwargs) -> None:
    touched = _TOUCHED.get(sender)
    if touched is None:
        catalog_version_bump(using=using)
        return
    scope, ids = touched(
        instance, created=bool(kwargs.get("created")), deleted=kwargs.get("signal") is post_delete
    )
    catalog_version_bump(using=using, scope=scope, artifact_ids=ids)


def _remember_artifact(sender, *, instance: Model, **kwargs) -> None:
    # The artifact a capability was loaded with (deferred: unknown), for when it moves.
    instance._journal_artifact_id = instance.__dict__.get("artifact_id")  # type: ignore[attr-defined]


def _read_stored_status(sender, *, instance: Model, raw: bool = False, using=None, **kwargs):
    """Before an artifact is saved, the status its row holds, to tell a save that leaves it
    as it is (scope ROW) from one that changes which search documents count. Read from the
    row, not from what the instance was loaded with: an instance may have been saved since,
    built in code (a history revert), or loaded before another writer changed the row; in
    a transaction the row is locked (PostgreSQL), so nobody changes it before this save."""
    if raw or instance.pk is None or instance._state.adding:
        return
    rows = type(instance)._base_manager.using(using).filter(pk=instance.pk)
    if connections[using or "default"].in_atomic_block:
        rows = rows.select_for_update()
    instance._journal_stored_status = rows.values_list("status", flat=True).first()  # type: ignore[attr-defined]


def catalog_version_watch(*models: type[Model], touched: Touched | None = None) -> None:
    """Bump the version on every save, delete and many-to-many change of these models.
    `touched` says what a save or delete of one of them wrote, for the journal (scope and
    artifact ids); without it, and without an entry of its own, anything."""
    for model in models:
        if touched is not None:
            _TOUCHED[model] = touched
        uid = f"catalog-version:{model._meta.label}"
        post_save.connect(_on_change, sender=model, dispatch_uid=f"{uid}:save", weak=False)
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"{uid}:delete", weak=False)
        if model is Capability:
            post_init.connect(_remember_artifact, sender=model, dispatch_uid=f"{uid}:init")
        if model is Artifact:
            pre_save.connect(_read_stored_status, sender=model, dispatch_uid=f"{uid}:status")
        for field in model._meta.local_many_to_many:
            m2m_changed.connect(
                _on_m2m_change,
                sender=field.remote_field.through,
                dispatch_uid=f"{uid}:{field.name}:m2m",
                weak=False,
            )


def _m2m_artifacts(model: type[Model], pks: Iterable[int]) -> list[int] | None:
    """The artifacts whose catalog data a link to these rows changes; None: cannot say."""
    if model is Tag:
        return []  # the link's capability side names the artifact
    if model is Capability:
        capabilities = Capability.objects.filter(pk__in=list(pks))
        return list(capabilities.values_list("artifact_id", flat=True))
    if model is Artifact:
        return list(pks)
    return None


def _on_m2m_change(
    sender,
    *,
    instance: Model,
    action: str,
    model: type[Model],
    pk_set: set[int] | None,
    using: str | None = None,
    **kwargs,
) -> None:
    if not action.startswith("post_"):
        return
    # The instance's side, then the other side's rows (none known after a clear: those
    # links' own side is the instance's when it is a capability).
    mine = [instance.artifact_id] if isinstance(instance, Capability) else None
    if mine is None:
        mine = _m2m_artifacts(type(instance), [instance.pk])
    theirs: list[int] | None
    if pk_set is None:
        theirs = [] if isinstance(instance, Capability) else None
    else:
        theirs = _m2m_artifacts(model, pk_set)
    if mine is None or theirs is None:
        catalog_version_bump(using=using)
    else:
        catalog_version_bump(using=using, artifact_ids=[*mine, *theirs])
