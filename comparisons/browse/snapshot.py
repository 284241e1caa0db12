"""The browse snapshot: every published artifact's filterable facts as numpy columns.

Why: at 100,000 artifacts, answering /artifacts/ in SQL meant a semi-join over a million
capability tags and four aggregates over the whole catalog on every request (2.9 s,
BENCHMARKS.md). The snapshot reads the catalog once (three queries), then any combination
of filters, its facet counts and any page in any sort order are array operations costing
about a millisecond, whatever the catalog's size.

Exactness: the snapshot is brought up to date whenever the catalog version changes
(catalog/versioning.py bumps it after every committed catalog write), so it is never older
than the last committed edit, exactly like a cached page. With
settings.CATALOG_DERIVED_CACHE off (tests) or the version store unreadable, every request
builds a fresh one. Up to date means patched, not rebuilt, when the change journal
(catalog/journal.py) can say which artifacts changed since the snapshot was read: only
those are read again, and the rows sharing their ranks are reordered by the database
(`browse_snapshot_patch`, a few milliseconds instead of 4-8 s at 100,000 artifacts); when
ranks moved anywhere (score recomputes, match-graph rebuilds) it also re-reads every row's
rank and place in one query. A randomized test holds every patch to a fresh build.

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

from catalog.journal import (
    JournalChanges,
    JournalMark,
    catalog_changes_since,
    catalog_journal_mark,
)
from catalog.models import Artifact, Capability, Status, Tag
from comparisons.browse.declarations import CATALOG_FILTERS, UNKNOWN, AnyOf
from comparisons.browse.sorting import DEFAULT_ORDERING, DEFAULT_SORT, SORT_ORDERINGS
from comparisons.caching.derived import derived_cache_versions
from config.timing import Metric, timing_span

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
    # Where in the change journal the data was read (catalog/journal.py); None: not kept.
    mark: JournalMark | None = None
    tag_ids: tuple[int, ...] = ()  # Tag pks, aligned with tag_choices

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

    def value_counts(self, name: str, positions: np.ndarray) -> np.ndarray:
        """For an AnyOf filter: how many of the artifacts at `positions` (indices into the
        columns, as `np.flatnonzero` of a mask gives them) have each value, aligned with
        `labels[name]`."""
        values = self.columns[name][positions]
        return np.bincount(values[values >= 0], minlength=len(self.labels[name]))

    def ordered_ids(self, mask: np.ndarray, sort: str) -> np.ndarray:
        """The ids of `mask`'s artifacts in the order `sort` names."""
        # Indexing by positions, not by the mask itself: numpy's boolean indexing of a
        # hundred thousand rows costs three times `flatnonzero` and a gather together.
        if sort == DEFAULT_SORT:  # the snapshot's own order
            return self.ids[np.flatnonzero(mask)]
        order = self._order(sort)
        return self.ids[order[np.flatnonzero(mask[order])]]

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


def _rows(queryset, fields: list[str], *, stream: bool = True) -> list[list]:
    """The query's rows as one list per field, streamed (no list of row tuples in memory)
    unless `stream` is off: for a few rows, where a server-side cursor's three round trips
    cost more than the rows (7 ms against 1 for one artifact on PostgreSQL)."""
    columns: list[list] = [[] for _ in fields]
    appends = [column.append for column in columns]
    rows = queryset.values_list(*fields)
    for row in rows.iterator(chunk_size=CHUNK) if stream else rows:
        for append, value in zip(appends, row, strict=True):
            append(value)
    return columns


def browse_snapshot_build(
    *, version: str | None = None, facts: str | None = None
) -> BrowseSnapshot:
    """Read the published catalog's filterable facts: two queries whatever its size (the
    artifacts' declared fields, the published capabilities' tags) plus the tag names.
    With a version (a snapshot to be kept), first its place in the change journal (one
    query more), so that later edits can be patched in (`browse_snapshot_patch`)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The tag pairs' DISTINCT hashes about a million rows: in memory, not on disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        # Before the data: a write landing in between is in both, and re-reading it is exact.
        mark = catalog_journal_mark() if version is not None else None
        return dataclasses.replace(_build(version=version), facts=facts, mark=mark)


# Every Artifact field the declared filters read, with the primary key first.
FIELDS = list(dict.fromkeys(["pk", *(f for d in CATALOG_FILTERS for f in d.snapshot_fields)]))


def _build(*, version: str | None) -> BrowseSnapshot:
    fields = FIELDS
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
        tag_ids=tuple(pk for pk, _, _ in tag_rows),
    )


# More changed artifacts than this since the snapshot's mark: a full build. Patching costs
# queries with this many ids and array work over the whole snapshot, a few ms per 1,000.
MAX_PATCHED = 1000

# The default order's first key is the rank: a changed artifact only moves within the rows
# of its own rank, which the patch asks the database to order (collation included).
RANK_FIELD = "rank"
if DEFAULT_ORDERING[0] != f"-{RANK_FIELD}":  # checked at import, not on a page
    raise ImportError("browse_snapshot_patch needs the default order to start with -rank")


def browse_snapshot_patch(
    snapshot: BrowseSnapshot, *, version: str | None, facts: str | None
) -> BrowseSnapshot:
    """`snapshot` brought up to date with the writes the change journal recorded since it
    was read (catalog/journal.py), exactly as a fresh build would read the catalog now.

    Queries: the journal (one), then only for what it names: the changed artifacts' declared
    fields (one), their published capabilities' tags (one), the order of the rows sharing
    their ranks (one; every published row's rank and place when ranks changed anywhere),
    and tag names when tags changed or new ones appear (one). The cached sort orders other
    than the default are dropped (asked again on first use). A full build instead when the
    journal cannot say (a write recorded without artifacts, more than MAX_PATCHED artifacts,
    a mark older than its retention) or the database disagrees with the patch (a writer
    that did not record its write).
    """
    with timing_span("snapshot", description="patched from the journal") as timing:
        if snapshot.mark is not None:
            changes = catalog_changes_since(mark=snapshot.mark, limit=MAX_PATCHED)
            patched = _patched(snapshot, changes, timing) if changes is not None else None
            if patched is not None and changes is not None:
                return dataclasses.replace(patched, version=version, facts=facts, mark=changes.mark)
        timing.description = "not patchable: built whole"
        return browse_snapshot_build(version=version, facts=facts)


def _rank_declarations() -> list:
    return [d for d in CATALOG_FILTERS if RANK_FIELD in d.snapshot_fields]


def _patched(
    snapshot: BrowseSnapshot, changes: JournalChanges, timing: Metric
) -> BrowseSnapshot | None:
    """The patch itself; None when only a full build can be exact. `timing`'s description
    says which patch it was (the Server-Timing header)."""
    ranked = _rank_declarations()
    if len(ranked) != 1 or ranked[0].snapshot_fields != (RANK_FIELD,):
        return None  # the rank must be a column of its own, read back below
    rank_name = ranked[0].name
    published = Artifact.objects.published()
    changed = sorted(changes.artifact_ids)
    if not changed and not (changes.ranks or changes.tags):
        # A write naming no artifact, rank or tag (a vendor made with no artifacts yet):
        # nothing the snapshot holds moved.
        timing.description = "nothing to patch"
        return snapshot
    values = dict(
        zip(
            FIELDS,
            _rows(published.filter(pk__in=changed).order_by("pk"), FIELDS, stream=False),
            strict=True,
        )
    )
    fresh = np.array(values["pk"], dtype=np.int64)
    if not changes.ranks and not changes.tags and len(fresh) == len(changed):
        in_place = _patched_in_place(snapshot, values, fresh, rank_column=rank_name)
        if in_place is not None:
            timing.description = "rows patched in place"
            return in_place
    kept = ~np.isin(snapshot.ids, np.array(changed, dtype=np.int64))
    old_ranks = snapshot.columns[rank_name]

    # The new default order, as ids, and every row's rank.
    if changes.ranks:  # ranks moved anywhere: every published row's place, one query
        order = _rows(published.order_by(*DEFAULT_ORDERING), ["pk", RANK_FIELD])
        ids = np.array(order[0], dtype=np.int64)
        ranks = np.array(order[1], dtype=np.int64)
        expected = np.concatenate([snapshot.ids[kept], fresh])
        if len(ids) != len(expected) or not np.array_equal(np.sort(ids), np.sort(expected)):
            return None
    else:
        reordered = _reordered(snapshot, kept, fresh, values, old_ranks)
        if reordered is None:
            return None
        ids, ranks = reordered
    # Where each new row comes from: a kept row of the snapshot, or a freshly read one.
    at_old, found = _find(snapshot.ids, ids)
    from_old = np.zeros(len(ids), dtype=bool)
    from_old[found] = kept[at_old[found]]
    at_fresh, _ = _find(fresh, ids)
    from_fresh = ~from_old

    columns, labels = _patched_columns(snapshot, values, at_old, from_old, at_fresh, from_fresh)
    for declared in ranked if changes.ranks else []:
        columns.update(declared.columns({RANK_FIELD: ranks.tolist()}))
    tag_ids, tag_choices, bits = _patched_tags(snapshot, changes, fresh, ids, at_old, from_old)
    return dataclasses.replace(
        snapshot,
        ids=ids,
        columns=columns,
        labels=labels,
        tags=bits,
        orders={},
        tag_choices=tag_choices,
        tag_ids=tag_ids,
    )


def _patched_in_place(
    snapshot: BrowseSnapshot, values: dict[str, list], fresh: np.ndarray, *, rank_column: str
) -> BrowseSnapshot | None:
    """The patch of an editor's usual save: every changed artifact (`fresh`, read into
    `values`) was and still is published, and keeps its rank (column `rank_column`), its
    place in the default order, and its vendor's label and tags the snapshot holds
    already. Then the rows stay where they are and only the changed ones are overwritten:
    no re-sort, no permutation of every column (50-80 ms at 100,000 artifacts, against
    10-20 here). None when any of that does not hold: the general patch then decides.

    The place is checked by the database, whose collation orders names: it orders each
    changed row with its two neighbours in the snapshot (one query). When every such trio
    is in the snapshot's order, every pair of adjacent rows still is (pairs of unchanged
    rows kept their sort keys), so the whole order still is."""
    size = snapshot.size
    at = np.flatnonzero(np.isin(snapshot.ids, fresh))
    if len(at) != len(fresh):
        return None  # an artifact published since the snapshot was read
    position = dict(zip(snapshot.ids[at].tolist(), at.tolist(), strict=True))
    rows = np.array([position[pk] for pk in fresh.tolist()], dtype=np.int64)
    (ranked,) = _rank_declarations()
    ranks = ranked.columns({RANK_FIELD: values[RANK_FIELD]})[rank_column]
    if not np.array_equal(snapshot.columns[rank_column][rows], ranks):
        return None  # a new rank: its row moves to another block
    around = np.unique(np.concatenate([rows - 1, rows, rows + 1]))
    around = around[(around >= 0) & (around < size)]
    expected = snapshot.ids[around]
    ordered = np.fromiter(
        Artifact.objects.published()
        .filter(pk__in=expected.tolist())
        .order_by(*DEFAULT_ORDERING)
        .values_list("pk", flat=True),
        dtype=np.int64,
    )
    if not np.array_equal(ordered, expected):
        return None  # a row moved, or a neighbour left (a write the journal did not name)

    columns = dict(snapshot.columns)
    for declared in CATALOG_FILTERS:
        if isinstance(declared, AnyOf) and declared.choices is None:
            labels = snapshot.labels[declared.name]
            if not set(declared.labels(values)) <= set(labels):
                return None  # a label the snapshot lacks takes a place in the label order
            made = {declared.name: declared.coded(values, labels)}
            old_codes = snapshot.columns[declared.name]
            for code in set(old_codes[rows].tolist()) - set(made[declared.name].tolist()):
                if code >= 0 and np.count_nonzero(old_codes == code) <= np.count_nonzero(
                    old_codes[rows] == code
                ):
                    return None  # a label no row uses any more leaves the label list
        else:
            made = declared.columns(values)
        for name, column in made.items():
            merged = snapshot.columns[name].astype(column.dtype, copy=True)
            merged[rows] = column
            columns[name] = merged
    tagged = _tags_in_place(snapshot, fresh, rows)
    if tagged is None:
        return None
    tag_ids, tag_choices, bits = tagged
    return dataclasses.replace(
        snapshot, columns=columns, tags=bits, orders={}, tag_choices=tag_choices, tag_ids=tag_ids
    )


def _tag_pairs(fresh: np.ndarray):
    """(artifact id, tag id) of the artifacts `fresh`'s published capabilities, each pair
    once, as a queryset (one query when read)."""
    return (
        Capability.tags.through.objects.filter(
            capability__status=Status.PUBLISHED, capability__artifact_id__in=fresh.tolist()
        )
        .values_list("capability__artifact_id", "tag_id")
        .distinct()
        .order_by()
    )


def _tags_in_place(
    snapshot: BrowseSnapshot, fresh: np.ndarray, rows: np.ndarray
) -> tuple[tuple[int, ...], list[tuple[str, str]], np.ndarray] | None:
    """The tag bit rows with the changed artifacts' bits (at `rows`, aligned with `fresh`)
    read again (one query) and tags left on no published capability dropped; None when a
    tag appears that the snapshot lacks (its name takes a place in the tag order)."""
    row_of_tag = {pk: row for row, pk in enumerate(snapshot.tag_ids)}
    position = dict(zip(fresh.tolist(), rows.tolist(), strict=True))
    pairs = _tag_pairs(fresh)
    bits = snapshot.tags.copy()
    # Bit p of a row is bit 7 - p % 8 of its byte p // 8 (np.packbits' big-endian order).
    # One row at a time: two changed rows may share a byte.
    for at in rows.tolist():
        bits[:, at >> 3] &= np.uint8(0xFF ^ (0x80 >> (at & 7)))
    for artifact_id, tag_id in pairs:
        if tag_id not in row_of_tag:
            return None
        at = position[artifact_id]
        bits[row_of_tag[tag_id], at >> 3] |= 0x80 >> (at & 7)
    used = bits.any(axis=1)
    if used.all():
        return snapshot.tag_ids, snapshot.tag_choices, bits
    keep = np.flatnonzero(used).tolist()
    return (
        tuple(snapshot.tag_ids[i] for i in keep),
        [snapshot.tag_choices[i] for i in keep],
        bits[used],
    )


def _find(haystack: np.ndarray, needles: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each needle, a position in `haystack` and whether the id there is the needle."""
    if not len(haystack):
        return np.zeros(len(needles), dtype=np.int64), np.zeros(len(needles), dtype=bool)
    order = np.argsort(haystack)
    found = np.searchsorted(haystack[order], needles)
    positions = order[np.minimum(found, len(haystack) - 1)]
    return positions, haystack[positions] == needles


def _reordered(
    snapshot: BrowseSnapshot,
    kept: np.ndarray,
    fresh: np.ndarray,
    values: dict[str, list],
    old_ranks: np.ndarray,
) -> tuple[np.ndarray, np.ndarray] | None:
    """The default order after the patch when no rank moved but the changed rows': rows of
    other ranks keep their places; the rows of each rank a changed row now has are ordered
    by the database (one query). None when the database holds other rows there
    than the snapshot and the journal say (a write the journal did not name)."""
    positions = np.flatnonzero(kept)
    kept_ranks = old_ranks[kept]
    fresh_ranks = np.array(values[RANK_FIELD], dtype=np.int64)
    touched = np.unique(fresh_ranks)
    outside = ~np.isin(kept_ranks, touched)
    block: np.ndarray = np.zeros(0, dtype=np.int64)
    if len(touched):
        block = np.fromiter(
            Artifact.objects.published()
            .filter(**{f"{RANK_FIELD}__in": touched.tolist()})
            .order_by(*DEFAULT_ORDERING)
            .values_list("pk", flat=True)
            .iterator(chunk_size=CHUNK),
            dtype=np.int64,
        )
    inside_ids = np.concatenate([snapshot.ids[positions[~outside]], fresh])
    inside_ranks = np.concatenate([kept_ranks[~outside], fresh_ranks])
    if len(block) != len(inside_ids) or not np.array_equal(np.sort(block), np.sort(inside_ids)):
        return None
    by_id = np.argsort(inside_ids)
    block_ranks = inside_ranks[by_id[np.searchsorted(inside_ids[by_id], block)]]
    ids = np.concatenate([snapshot.ids[positions[outside]], block])
    ranks = np.concatenate([kept_ranks[outside], block_ranks])
    # Within a rank, all rows come from one side: the old order or the database's block.
    within = np.concatenate([positions[outside], np.arange(len(block))])
    order = np.lexsort((within, -ranks))
    return ids[order], ranks[order]


def _patched_columns(
    snapshot: BrowseSnapshot,
    values: dict[str, list],
    at_old: np.ndarray,
    from_old: np.ndarray,
    at_fresh: np.ndarray,
    from_fresh: np.ndarray,
) -> tuple[dict[str, np.ndarray], dict[str, list[tuple[str, str]]]]:
    """Every column in the new order: kept rows' values moved, changed rows' computed as a
    build computes them. A column coded by labels seen in the catalog (the vendor) is
    recoded: labels no longer used go, new ones take their place in label order."""
    columns: dict[str, np.ndarray] = {}
    labels = dict(snapshot.labels)
    for declared in CATALOG_FILTERS:
        if isinstance(declared, AnyOf) and declared.choices is None:
            old = snapshot.labels[declared.name]
            codes = snapshot.columns[declared.name][at_old[from_old]]
            seen = dict(old[code] for code in np.unique(codes[codes >= 0]))
            seen.update(declared.labels(values))
            new = sorted(seen.items(), key=lambda pair: (pair[1], pair[0]))
            labels[declared.name] = new
            index = {value: i for i, (value, _) in enumerate(new)}
            # Codes of labels no longer used are not among the kept rows; -1 stays unknown.
            recode = np.array([index.get(v, UNKNOWN) for v, _ in old] + [UNKNOWN], np.int32)
            made = {declared.name: declared.coded(values, new)}
            old_columns = {declared.name: recode[codes]}
        else:
            made = declared.columns(values)
            old_columns = {name: snapshot.columns[name][at_old[from_old]] for name in made}
        for name, column in made.items():
            old_column = old_columns[name]
            dtype = column.dtype if len(column) else old_column.dtype
            merged = np.zeros(len(from_old), dtype=dtype)
            merged[from_old] = old_column
            merged[from_fresh] = column[at_fresh[from_fresh]]
            columns[name] = merged
    return columns, labels


def _patched_tags(
    snapshot: BrowseSnapshot,
    changes: JournalChanges,
    fresh: np.ndarray,
    ids: np.ndarray,
    at_old: np.ndarray,
    from_old: np.ndarray,
) -> tuple[tuple[int, ...], list[tuple[str, str]], np.ndarray]:
    """The tag bit rows in the new order: kept rows' bits moved, changed rows' read (one
    query); tags left on no published capability dropped; names and their order read again
    (one query) only when tag names changed or a tag appears that the snapshot lacked."""
    pairs = _tag_pairs(fresh)
    # The changed artifacts' new positions: one search of the few among every row.
    _, found = _find(fresh, ids)
    position = dict(zip(ids[found].tolist(), np.flatnonzero(found).tolist(), strict=True))
    members: dict[int, list[int]] = {}
    for artifact_id, tag_id in pairs.iterator(chunk_size=CHUNK):
        members.setdefault(tag_id, []).append(position[artifact_id])
    old = dict(zip(snapshot.tag_ids, snapshot.tag_choices, strict=True))
    if changes.tags or not set(members) <= set(old):
        wanted = set(old) | set(members)
        rows = Tag.objects.filter(pk__in=wanted).order_by("name").values_list("pk", "slug", "name")
        named = [(pk, (slug, name)) for pk, slug, name in rows]
    else:
        named = list(old.items())
    old_bits = np.unpackbits(snapshot.tags, axis=1, count=snapshot.size).astype(bool)
    old_row = {pk: row for row, pk in enumerate(snapshot.tag_ids)}
    sources = at_old[from_old]
    tag_ids, choices, rows_out = [], [], []
    for pk, choice in named:
        bits = np.zeros(len(ids), dtype=bool)
        if pk in old_row:
            bits[from_old] = old_bits[old_row[pk]][sources]
        if pk in members:
            bits[members[pk]] = True
        if bits.any():
            tag_ids.append(pk)
            choices.append(choice)
            rows_out.append(np.packbits(bits))
    packed = (
        np.array(rows_out, dtype=np.uint8)
        if rows_out
        else np.zeros((0, (len(ids) + 7) // 8), dtype=np.uint8)
    )
    return tuple(tag_ids), choices, packed


_lock = threading.Lock()
_current: BrowseSnapshot | None = None


def browse_snapshot_forget() -> None:
    """Drop this process's snapshot: the next request builds one. For a database replaced
    under a running process (tests roll theirs back; a restored backup), where the journal
    no longer continues from the snapshot's mark."""
    global _current
    with _lock:
        _current = None


def browse_snapshot_get() -> BrowseSnapshot:
    """The snapshot of the current catalog version, built at most once per process and
    brought up to date from the change journal after that (threads of one process wait
    for a single build or patch)."""
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
        if snapshot is not None:
            _current = browse_snapshot_patch(snapshot, version=version, facts=facts)
        else:
            with timing_span("snapshot", description="built whole"):
                _current = browse_snapshot_build(version=version, facts=facts)
        return _current
