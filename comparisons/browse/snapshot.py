"""The browse snapshot: every published artifact's filterable facts as numpy columns.

Why: at 100,000 artifacts, answering /artifacts/ in SQL meant a semi-join over a million
capability tags and four aggregates over the whole catalog on every request (2.9 s,
BENCHMARKS.md). The snapshot reads the catalog once (four queries), then any combination
of filters, its facet counts and any page in any sort order are array operations costing
about a millisecond, whatever the catalog's size.

Exactness: the snapshot is rebuilt whenever the catalog version changes (catalog/
versioning.py bumps it after every committed catalog write), so it is never older than the
last committed edit, exactly like a cached page. With settings.CATALOG_DERIVED_CACHE off
(tests) or the version store unreadable, every request builds a fresh one. When only
ranks and match counters changed (the facts version did not move: the incremental
match-graph rebuild), the snapshot re-reads its rank column and the default order in one
query and reorders itself (`browse_snapshot_rerank`, ~0.1 s at 100,000 artifacts) instead
of reading everything again (~4 s).

What stays in SQL: the free-text filter (`q`, substring matches on names and summaries)
and the price ceiling (exact decimal comparison); both run as one extra query returning ids.
The sort orders are computed by the database (window functions over the same orderings the
FilterSet uses), so collation and NULL placement are the database's own.

Memory: about 40 bytes per artifact plus one bit per artifact and tag, so 100,000
artifacts and 40 tags take about 5 MB per worker process.
"""

import dataclasses
import functools
import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction

from catalog.fields import Modality
from catalog.models import (
    Artifact,
    ArtifactKind,
    Capability,
    PriceUnit,
    PricingModel,
    Status,
    Tag,
    Vendor,
)
from comparisons.browse.sorting import DEFAULT_ORDERING, DEFAULT_SORT, SORT_ORDERINGS
from comparisons.caching.derived import derived_cache_versions

KINDS = list(ArtifactKind.values)
PRICING_MODELS = list(PricingModel.values)
PRICE_UNITS = list(PriceUnit.values)
MODALITIES = list(Modality.values)
# Facts a stale or unexpected value maps to: matched by no filter value.
UNKNOWN = -1
# Rows fetched per round trip while streaming.
CHUNK = 5000


def _modality_bits(modalities: Iterable[str]) -> int:
    bits = 0
    for modality in modalities:
        if modality in MODALITIES:
            bits |= 1 << MODALITIES.index(modality)
    return bits


@dataclass(frozen=True)
class BrowseSnapshot:
    ids: np.ndarray  # artifact ids; every other column is aligned with it
    kind: np.ndarray  # index into KINDS
    pricing_model: np.ndarray  # index into PRICING_MODELS
    vendor: np.ndarray  # index into vendors
    has_free_tier: np.ndarray
    open_weights: np.ndarray
    inputs: np.ndarray  # bit i set: accepts MODALITIES[i]
    outputs: np.ndarray
    rank: np.ndarray
    context_length: np.ndarray  # UNKNOWN where not known
    price_unit: np.ndarray  # index into PRICE_UNITS, UNKNOWN when there is no price
    tags: np.ndarray  # one packed bit row per tag: the artifact has a published capability
    # Sort name -> positions in that order, filled on first use (see _order).
    orders: dict[str, np.ndarray]
    vendors: list[tuple[str, str]]  # (slug, name) of vendors with published artifacts
    tag_choices: list[tuple[str, str]]  # (slug, name) of tags on published capabilities
    version: str | None
    facts: str | None = None  # the facts version read with `version` (catalog/versioning.py)

    @property
    def size(self) -> int:
        return len(self.ids)

    def everything(self) -> np.ndarray:
        return np.ones(self.size, dtype=bool)

    @functools.cached_property
    def labels(self) -> dict[str, list[str]]:
        """The values behind the codes of each coded column."""
        return {
            "kind": KINDS,
            "pricing_model": PRICING_MODELS,
            "vendor": [slug for slug, _ in self.vendors],
        }

    def any_of(self, column: str, values: Iterable[str]) -> np.ndarray:
        """Artifacts whose `column` (kind, pricing_model or vendor) is any of `values`."""
        index = {label: i for i, label in enumerate(self.labels[column])}
        codes = getattr(self, column)
        found = np.zeros(self.size, dtype=bool)
        for code in {index[v] for v in values if v in index}:
            found |= codes == code  # a few comparisons beat np.isin's sort
        return found

    def priced_in(self, unit: str) -> np.ndarray:
        return self.price_unit == (PRICE_UNITS.index(unit) if unit in PRICE_UNITS else UNKNOWN)

    def having_modalities(self, column: str, values: Iterable[str]) -> np.ndarray:
        wanted = _modality_bits(values)
        return (getattr(self, column) & wanted) == wanted

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

    def value_counts(self, column: str, mask: np.ndarray) -> np.ndarray:
        """For kind, pricing_model or vendor: how many artifacts of `mask` have each value,
        aligned with `labels[column]`."""
        values = getattr(self, column)[mask]
        return np.bincount(values[values >= 0], minlength=len(self.labels[column]))

    def modality_counts(self, column: str, mask: np.ndarray) -> dict[str, int]:
        values = getattr(self, column)[mask]
        return {m: int(np.count_nonzero(values & (1 << i))) for i, m in enumerate(MODALITIES)}

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


def _codes(values: list[str], labels: list[str]) -> np.ndarray:
    lookup = {label: i for i, label in enumerate(labels)}
    return np.array([lookup.get(v, UNKNOWN) for v in values], dtype=np.int8)


def browse_snapshot_build(
    *, version: str | None = None, facts: str | None = None
) -> BrowseSnapshot:
    """Read the published catalog's filterable facts: four queries whatever its size."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The tag pairs' DISTINCT hashes about a million rows: in memory, not on disk.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL work_mem = '64MB'")
        return dataclasses.replace(_build(version=version), facts=facts)


def browse_snapshot_rerank(
    snapshot: BrowseSnapshot, *, version: str | None, facts: str | None
) -> BrowseSnapshot:
    """The snapshot with fresh ranks, reordered in the default order (which sorts by rank):
    one query. For when only ranks and match counters changed since `snapshot` was read;
    when the published artifacts are not the same ones after all, a full build."""
    rows = _rows(Artifact.objects.published().order_by(*DEFAULT_ORDERING), ["pk", "rank"])
    ids = np.array(rows[0], dtype=np.int64)
    by_id = np.argsort(snapshot.ids)
    found = np.searchsorted(snapshot.ids[by_id], ids)
    if len(ids) != snapshot.size or not (
        (found < snapshot.size).all() and (snapshot.ids[by_id[found]] == ids).all()
    ):
        return browse_snapshot_build(version=version, facts=facts)
    moved = by_id[found]  # new position -> old position
    columns = {}
    for item in dataclasses.fields(snapshot):
        value = getattr(snapshot, item.name)
        if item.name == "tags":
            bits = np.unpackbits(value, axis=1, count=snapshot.size)
            columns["tags"] = np.packbits(bits[:, moved], axis=1)
        elif isinstance(value, np.ndarray) and value.shape[:1] == (snapshot.size,):
            columns[item.name] = value[moved]
    columns["rank"] = np.array(rows[1], dtype=snapshot.rank.dtype)
    return dataclasses.replace(snapshot, **columns, orders={}, version=version, facts=facts)


def _build(*, version: str | None) -> BrowseSnapshot:
    fields = [
        "pk",
        "kind",
        "pricing_model",
        "vendor_id",
        "has_free_tier",
        "open_weights",
        "input_modalities",
        "output_modalities",
        "rank",
        "context_length",
        "price_unit",
    ]
    artifacts = Artifact.objects.published().order_by(*DEFAULT_ORDERING)
    column = dict(zip(fields, _rows(artifacts, fields), strict=True))
    ids = np.array(column["pk"], dtype=np.int64)
    size = len(ids)

    vendors = Vendor.objects.filter(pk__in=set(column["vendor_id"])).order_by("name")
    vendor_rows = list(vendors.values_list("pk", "slug", "name"))
    vendor_index = {pk: i for i, (pk, _, _) in enumerate(vendor_rows)}

    position = {pk: i for i, pk in enumerate(column["pk"])}
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
        kind=_codes(column["kind"], KINDS),
        pricing_model=_codes(column["pricing_model"], PRICING_MODELS),
        vendor=np.array([vendor_index[v] for v in column["vendor_id"]], dtype=np.int32),
        has_free_tier=np.array(column["has_free_tier"], dtype=bool),
        open_weights=np.array(column["open_weights"], dtype=bool),
        inputs=np.array([_modality_bits(v) for v in column["input_modalities"]], dtype=np.int16),
        outputs=np.array([_modality_bits(v) for v in column["output_modalities"]], dtype=np.int16),
        rank=np.array(column["rank"], dtype=np.int16),
        context_length=np.array(
            [UNKNOWN if v is None else v for v in column["context_length"]], dtype=np.int64
        ),
        price_unit=_codes(column["price_unit"], PRICE_UNITS),
        tags=tags,
        orders={},
        vendors=[(slug, name) for _, slug, name in vendor_rows],
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
