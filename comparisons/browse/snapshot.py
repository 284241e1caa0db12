"""The browse snapshot: every published artifact's filterable facts as numpy columns.

Why: at 100,000 artifacts, answering /artifacts/ in SQL meant a semi-join over a million
capability tags and four aggregates over the whole catalog on every request (2.9 s,
BENCHMARKS.md). The snapshot reads the catalog once (three queries), then any combination
of filters, its facet counts and any page in any sort order are array operations costing
about a millisecond, whatever the catalog's size.

Exactness: the snapshot is rebuilt whenever the catalog version changes (catalog/
versioning.py bumps it after every committed catalog write), so it is never older than the
last committed edit, exactly like a cached page. With settings.CATALOG_DERIVED_CACHE off
(tests) or the version store unreadable, every request builds a fresh one. When only
ranks and match counters changed (the facts version did not move: the incremental
match-graph rebuild), the snapshot re-reads its rank column and the default order in one
query and reorders itself (`browse_snapshot_rerank`) instead of reading everything again.

Which facts it holds comes from the filter declarations (comparisons/browse/declarations.py):
each declared filter names the fields it reads and turns them into its columns. What stays
in SQL: the free-text filter (`q`, substring matches on names and summaries) and the price
ceiling (exact decimal comparison); both run as one extra query returning ids.
The sort orders are computed by the database (window functions over the same orderings the
FilterSet uses), so collation and NULL placement are the database's own.

Memory: about 40 bytes per artifact plus one bit per artifact and tag, so 100,000
artifacts and 40 tags take about 5 MB per worker process.
"""

import dataclasses
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from catalog.models import Artifact, Capability, Status, Tag
from comparisons.browse.declarations import CATALOG_FILTERS, AnyOf
from comparisons.browse.sorting import DEFAULT_ORDERING, DEFAULT_SORT, SORT_ORDERINGS
from comparisons.caching.derived import derived_cache_versions

# Rows fetched per round trip while streaming.
CHUNK = 5000


@dataclass(frozen=True)
class BrowseSnapshot:
    ids: np.ndarray  # artifact ids, in the default order; every column is aligned with it
    # One column per declared filter that has one (comparisons/browse/declarations.py).
    columns: dict[str, np.ndarray]
    # For each AnyOf filter: the (value, label) pairs behind its codes, in the order offered.
    labels: dict[str, list[tuple[str, str]]]
    tags: np.ndarray  # one packed bit row per tag: the artifact has a published capability
    # Sort name -> positions in that order, filled on first use (see _order).
    orders: dict[str, np.ndarray]
    tag_choices: list[tuple[str, str]]  # (slug, name) of tags on published capabilities
    version: str | None
    facts: str | None = None  # the facts version read with `version` (catalog/versioning.py)

    @property
    def size(self) -> int:
        return len(self.ids)

    @property
    def vendors(self) -> list[tuple[str, str]]:
        """(slug, name) of the vendors with published artifacts, by name."""
        return self.labels["vendor"]

    def everything(self) -> np.ndarray:
        return np.ones(self.size, dtype=bool)

    def tagged(self, slug: str) -> np.ndarray:
        row = [tag for tag, _ in self.tag_choices].index(slug)
        return np.unpackbits(self.tags[row], count=self.size).astype(bool)

    def with_ids(self, ids: Iterable[int]) -> np.ndarray:
        """A mask of the artifacts among `ids` (ids unknown to the snapshot are ignored)."""
        wanted = np.fromiter(ids, dtype=np.int64)
        return np.isin(self.ids, wanted)

    def tag_counts(self, mask: np.ndarray) -> dict[str, int]:
        """For each tag, how many artifacts of `mask` carry it."""
        if not self.tag_choices:
            return {}
        packed = np.packbits(mask)
        counts = np.bitwise_count(self.tags & packed).sum(axis=1)
        return {slug: int(n) for (slug, _), n in zip(self.tag_choices, counts, strict=True)}

    def value_counts(self, name: str, mask: np.ndarray) -> np.ndarray:
        """For an AnyOf filter: how many artifacts of `mask` have each value, aligned with
        `labels[name]`."""
        values = self.columns[name][mask]
        return np.bincount(values[values >= 0], minlength=len(self.labels[name]))

    def ordered_ids(self, mask: np.ndarray, sort: str) -> np.ndarray:
        """The ids of `mask`'s artifacts in the order `sort` names."""
        if sort == DEFAULT_SORT:  # the snapshot's own order
            return self.ids[mask]
        order = self._order(sort)
        return self.ids[order[mask[order]]]

    def _order(self, sort: str) -> np.ndarray:
        """Positions in `sort` order (not the default, the snapshot's own), asked of the
        database the first time they are used: one query each."""
        order = self.orders.get(sort)
        if order is None:
            ids = np.fromiter(
                Artifact.objects.published()
                .order_by(*SORT_ORDERINGS[sort])
                .values_list("pk", flat=True)
                .iterator(chunk_size=CHUNK),
                dtype=np.int64,
            )
            # Artifacts published since the snapshot was read are left out; those withdrawn
            # since keep a place at the end, so no result ever disappears from the pages.
            by_id = np.argsort(self.ids)
            sorted_ids = self.ids[by_id]
            found = np.searchsorted(sorted_ids, ids)
            known = found < self.size
            known[known] = sorted_ids[found[known]] == ids[known]
            order = by_id[found[known]]
            missing = np.setdiff1d(np.arange(self.size), order, assume_unique=True)
            order = np.concatenate([order, missing])
            self.orders[sort] = order
        return order


def _rows(queryset, fields: list[str]) -> list[list]:
    """The query's rows as one list per field, streamed (no list of row tuples in memory)."""
    columns: list[list] = [[] for _ in fields]
    appends = [column.append for column in columns]
    for row in queryset.values_list(*fields).iterator(chunk_size=CHUNK):
        for append, value in zip(appends, row, strict=True):
            append(value)
    return columns


def browse_snapshot_build(
    *, version: str | None = None, facts: str | None = None
) -> BrowseSnapshot:
    """Read the published catalog's filterable facts: two queries whatever its size (the
    artifacts' declared fields, the published capabilities' tags) plus the tag names."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The tag pairs' DISTINCT hashes about a million rows: in memory, not on disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        return dataclasses.replace(_build(version=version), facts=facts)


# What a ranks-only write may change among the snapshot's fields (catalog/versioning.py).
RANK_FIELDS = frozenset({"rank"})


def browse_snapshot_rerank(
    snapshot: BrowseSnapshot, *, version: str | None, facts: str | None
) -> BrowseSnapshot:
    """The snapshot with fresh ranks, reordered in the default order (which sorts by rank):
    one query. For when only ranks and match counters changed since `snapshot` was read;
    when the published artifacts are not the same ones after all, or a declared filter
    reads ranks together with other fields, a full build."""
    reranked = [d for d in CATALOG_FILTERS if RANK_FIELDS & set(d.snapshot_fields)]
    if any(not set(d.snapshot_fields) <= RANK_FIELDS for d in reranked):
        return browse_snapshot_build(version=version, facts=facts)
    fields = ["pk", *sorted(RANK_FIELDS)]
    artifacts = Artifact.objects.published().order_by(*DEFAULT_ORDERING)
    values = dict(zip(fields, _rows(artifacts, fields), strict=True))
    ids = np.array(values["pk"], dtype=np.int64)
    by_id = np.argsort(snapshot.ids)
    found = np.searchsorted(snapshot.ids[by_id], ids)
    if len(ids) != snapshot.size or not (found < snapshot.size).all():
        return browse_snapshot_build(version=version, facts=facts)
    moved = by_id[found]  # new position -> old position
    if not (snapshot.ids[moved] == ids).all():
        return browse_snapshot_build(version=version, facts=facts)
    columns = {name: column[moved] for name, column in snapshot.columns.items()}
    for declared in reranked:
        columns.update(declared.columns(values))
    bits = np.unpackbits(snapshot.tags, axis=1, count=snapshot.size)
    return dataclasses.replace(
        snapshot,
        ids=ids,
        columns=columns,
        tags=np.packbits(bits[:, moved], axis=1),
        orders={},
        version=version,
        facts=facts,
    )


def _build(*, version: str | None) -> BrowseSnapshot:
    fields = list(dict.fromkeys(["pk", *(f for d in CATALOG_FILTERS for f in d.snapshot_fields)]))
    artifacts = Artifact.objects.published().order_by(*DEFAULT_ORDERING)
    values = dict(zip(fields, _rows(artifacts, fields), strict=True))
    ids = np.array(values["pk"], dtype=np.int64)
    size = len(ids)
    columns: dict[str, np.ndarray] = {}
    labels: dict[str, list[tuple[str, str]]] = {}
    for declared in CATALOG_FILTERS:
        columns.update(declared.columns(values))
        if isinstance(declared, AnyOf):
            labels[declared.name] = declared.labels(values)

    position = {pk: i for i, pk in enumerate(values["pk"])}
    pairs = (
        Capability.tags.through.objects.filter(capability__status=Status.PUBLISHED)
        .values_list("capability__artifact_id", "tag_id")
        .distinct()
        .order_by()
    )
    tagged: dict[int, list[int]] = {}
    for artifact_id, tag_id in pairs.iterator(chunk_size=CHUNK):
        if artifact_id in position:  # capabilities of unpublished artifacts do not count
            tagged.setdefault(tag_id, []).append(position[artifact_id])
    tag_rows = list(
        Tag.objects.filter(pk__in=tagged).order_by("name").values_list("pk", "slug", "name")
    )
    tags = np.zeros((len(tag_rows), (size + 7) // 8), dtype=np.uint8)
    for row, (pk, _, _) in enumerate(tag_rows):
        members = np.zeros(size, dtype=bool)
        members[tagged[pk]] = True
        tags[row] = np.packbits(members)

    return BrowseSnapshot(
        ids=ids,
        columns=columns,
        labels=labels,
        tags=tags,
        orders={},
        tag_choices=[(slug, name) for _, slug, name in tag_rows],
        version=version,
    )


_lock = threading.Lock()
_current: BrowseSnapshot | None = None


def browse_snapshot_get() -> BrowseSnapshot:
    """The snapshot of the current catalog version, built at most once per version and
    process (threads of one process wait for a single build), and only reranked when the
    facts version did not move since the last one."""
    global _current
    versions = derived_cache_versions()
    if versions is None:
        return browse_snapshot_build()
    version, facts = versions
    snapshot = _current
    if snapshot is not None and (snapshot.version, snapshot.facts) == versions:
        return snapshot
    with _lock:
        snapshot = _current
        if snapshot is not None and (snapshot.version, snapshot.facts) == versions:
            return snapshot
        if snapshot is not None and snapshot.facts == facts:
            _current = browse_snapshot_rerank(snapshot, version=version, facts=facts)
        else:
            _current = browse_snapshot_build(version=version, facts=facts)
        return _current
