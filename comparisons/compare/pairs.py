"""Reads for comparison pages: a pair, its override and evidence, and lists of pairs.

Every function runs a fixed number of queries whatever the size of the catalog or
the number of capabilities: one query per artifact set, one per prefetch, one per
list. Pairs are always in canonical order, the lower slug first.
"""

import functools
import hashlib
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from itertools import zip_longest

from django.conf import settings
from django.db import connection
from django.db.models import Case, Count, Exists, F, Max, Q, Sum, When
from django.db.models.functions import Collate
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from catalog.models import (
    Artifact,
    Capability,
    Status,
    listed_q,
)
from catalog.ranking import Weights
from catalog.selectors import artifact_breakdown_get
from comparisons.caching.derived import (
    derived_cache_get_many,
    derived_cache_set_many,
    derived_cache_version,
    parts_cache_get_many,
    parts_cache_set_many,
)
from comparisons.compare.parts import artifact_parts_get, side_facts_linked
from comparisons.compare.verdict import Evidence, SharedIntent, SideFacts
from comparisons.models import (
    ComparisonOverride,
    Intent,
    MatchGraphState,
    PairEvidence,
    SearchEvent,
)
from config.paths import path_reverse
from config.prepared import prepared_cursor

PAIR_SEPARATOR = "-vs-"
# The artifact slug column is 120 characters; anything longer can't name an artifact.
SLUG_MAX = 120
_SLUG = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
EVIDENCE_TOP = 5
# The sitemap never lists more pairs found by shared tags than this.
SHARED_TAG_PAIRS_CAP = 5000
# The highest-ranked artifacts among which pairs sharing tags are sought (shared_tag_pairs_get).
SHARED_TAG_POOL = 300

Pair = tuple[str, str]


def pair_parse(*, pair: str) -> Pair | None:
    """ "a-vs-b" -> ("a", "b") as written, or None when it can't name two artifacts."""
    if len(pair) > 2 * SLUG_MAX + len(PAIR_SEPARATOR):
        return None
    parts = pair.split(PAIR_SEPARATOR)
    if len(parts) != 2:
        return None
    first, second = parts
    for slug in parts:
        if not slug or len(slug) > SLUG_MAX or not _SLUG.fullmatch(slug):
            return None
    return first, second


def pair_canonical(*, first: str, second: str) -> Pair:
    return (first, second) if first <= second else (second, first)


def compare_path(*, first: str, second: str) -> str:
    a, b = pair_canonical(first=first, second=second)
    return path_reverse("compare", pair=f"{a}{PAIR_SEPARATOR}{b}")


@dataclass(frozen=True)
class PairLink:
    a_name: str
    a_slug: str
    b_name: str
    b_slug: str
    basis: str
    lastmod: datetime | None = None

    @property
    def url(self) -> str:
        return compare_path(first=self.a_slug, second=self.b_slug)

    @property
    def key(self) -> Pair:
        return (self.a_slug, self.b_slug)


def _link(*, first: tuple[str, str], second: tuple[str, str], basis: str, lastmod=None):
    """first/second are (slug, name); the link comes out in canonical order."""
    (a_slug, a_name), (b_slug, b_name) = sorted([first, second])
    return PairLink(a_name, a_slug, b_name, b_slug, basis, lastmod)


# --- one pair ---------------------------------------------------------------------------


def pair_exists(*, first: str, second: str) -> bool:
    return Artifact.objects.published().filter(slug__in=[first, second]).count() == 2


@dataclass
class LoadedPair:
    a: Artifact
    b: Artifact
    weights_by_kind: dict[str, Weights]
    override: ComparisonOverride | None
    evidence: Evidence
    # Editors' "same job" links between the two sides' capabilities: id -> linked ids.
    same_job: dict[int, frozenset[int]] = field(default_factory=dict)
    # Each side's facts for the verdict rules, without the pair's same-job links.
    unlinked_facts: dict[str, SideFacts] = field(default_factory=dict)
    # The catalog version both were read at (derived_cache_version), for what else the
    # page reuses; None: nothing is reused.
    version: str | None = None

    @property
    def path(self) -> str:
        return compare_path(first=self.a.slug, second=self.b.slug)

    def side(self, key: str) -> Artifact:
        return self.a if key == "a" else self.b

    def facts(self, key: str) -> SideFacts:
        """Side `key`'s facts for the verdict rules, with the pair's same-job links."""
        return side_facts_linked(facts=self.unlinked_facts[key], same_job=self.same_job)

    def breakdown(self, key: str):
        return artifact_breakdown_get(artifact=self.side(key), weights_by_kind=self.weights_by_kind)

    @property
    def shared_tags(self) -> list[tuple[str, str]]:
        tags_a, tags_b = self.unlinked_facts["a"].tag_names, self.unlinked_facts["b"].tag_names
        return sorted((slug, name) for slug, name in tags_a.items() if slug in tags_b)

    @property
    def indexable(self) -> bool:
        """Pages worth a search engine's time: an editor approved the pair, or the two
        share a tag, or searchers matched both. The other N^2 pairs still render. A pair
        with an artifact its source stopped listing (and no editor kept) is not indexed:
        it has left the sitemap too."""
        if not (self.a.is_listed and self.b.is_listed):
            return False
        if self.override is not None:
            return self.override.approved and not self.override.noindex
        return bool(self.shared_tags) or self.evidence.exists


@functools.cache
def _evidence_sql() -> str:
    # Written out rather than built by the ORM: the page runs it on every request, and
    # compiling the equivalent queryset (window aggregates over two EXISTS) cost three
    # times the query itself (2.2 ms against 0.6 ms in-process on the 100k catalog).
    # Portable: window aggregates and EXISTS run alike on SQLite and PostgreSQL.
    evidence, intent = PairEvidence._meta.db_table, Intent._meta.db_table
    event = SearchEvent._meta.db_table

    def intents_with(simulated: str) -> str:
        return (
            f"SUM(CASE WHEN EXISTS (SELECT 1 FROM {event} e WHERE e.intent_id = pe.intent_id"
            f" AND {simulated}e.is_simulated) THEN 1 ELSE 0 END) OVER ()"
        )

    return (
        f"SELECT i.text, pe.times_both_matched, SUM(pe.times_both_matched) OVER (),"
        f" COUNT(*) OVER (), {intents_with('NOT ')}, {intents_with('')}"
        f" FROM {evidence} pe JOIN {intent} i ON i.id = pe.intent_id"
        " WHERE pe.artifact_a_id = %s AND pe.artifact_b_id = %s"
        " AND pe.times_both_matched > 0 AND NOT i.is_spam"
        " ORDER BY pe.times_both_matched DESC, i.text LIMIT %s"
    )


def pair_evidence_get(*, a: Artifact, b: Artifact, top: int = EVIDENCE_TOP) -> Evidence:
    """The intents in which both were matched, the `top` most searched with the totals over
    all of them (1 query: the totals are window aggregates riding on the top rows). The
    evidence is `simulated` when replayed (simulated) search events stand behind those
    intents and no real one does. Spam intents never count."""
    low, high = sorted([a.id, b.id])
    with prepared_cursor() as cursor:
        cursor.execute(_evidence_sql(), [low, high, top])
        best = cursor.fetchall()
    if not best:
        return Evidence(top=(), total_searches=0, intent_count=0, simulated=False)
    _, _, searches, intents, real_intents, simulated_intents = best[0]
    return Evidence(
        top=tuple(SharedIntent(text, times) for text, times, *_ in best),
        total_searches=int(searches),
        intent_count=int(intents),
        simulated=bool(simulated_intents) and not real_intents,
    )


def pair_load(*, first: str, second: str) -> LoadedPair | None:
    """Both published artifacts in canonical order, or None: each side's part from the
    per-version store (comparisons/compare/parts.py, with its overrides and same-job
    links; 7 queries for those missing), then the pair's evidence (1 query)."""
    a_slug, b_slug = pair_canonical(first=first, second=second)
    if a_slug == b_slug:
        return None
    version = derived_cache_version()
    parts, weights = artifact_parts_get(slugs=[a_slug, b_slug], version=version)
    if len(parts) != 2:
        return None
    a, b = parts[a_slug].artifact, parts[b_slug].artifact
    return LoadedPair(
        a=a,
        b=b,
        weights_by_kind=weights,
        override=parts[a_slug].overrides.get(b.id),
        evidence=pair_evidence_get(a=a, b=b),
        same_job=parts[a_slug].same_job_with(parts[b_slug]),
        unlinked_facts={"a": parts[a_slug].facts, "b": parts[b_slug].facts},
        version=version,
    )


# --- lists of pairs ---------------------------------------------------------------------


def artifact_tag_ids(*, artifact: Artifact) -> set[int]:
    """Tag ids of an artifact's published capabilities (already prefetched: no query)."""
    return {t.id for c in artifact.published_capabilities for t in c.tags.all()}


def artifacts_sharing_tags(*, exclude_ids: list[int], tag_ids: set[int], limit: int) -> list:
    """Published artifacts whose published capabilities share tags with `tag_ids`, most
    shared first (1 query). Each carries `shared_total`: distinct tags in common."""
    if not tag_ids:
        return []
    return list(
        Artifact.objects.published()
        .listed()
        .exclude(id__in=exclude_ids)
        .filter(capabilities__status=Status.PUBLISHED, capabilities__tags__in=tag_ids)
        .annotate(shared_total=Count("capabilities__tags", distinct=True))
        .select_related("vendor")
        .order_by("-shared_total", "-rank", "name")[:limit]
    )


def _any_real_search() -> Exists:
    """Whether any real (not replayed) search was ever recorded, as an expression to ride
    along an evidence query: while none was, every evidence count is simulated and says so
    (one probe of the partial index `event_real`)."""
    return Exists(SearchEvent.objects.filter(is_simulated=False))


def artifacts_matched_together(*, artifact: Artifact, limit: int) -> list[Artifact]:
    """Published artifacts matched in the same searches as `artifact`, strongest evidence
    first (at most 2 queries). Each carries `together`: searches in which both matched, and
    `together_simulated`: whether no real search was ever recorded (so all are simulated)."""
    other = Case(When(artifact_a=artifact.id, then=F("artifact_b")), default=F("artifact_a"))
    rows = list(
        PairEvidence.objects.filter(Q(artifact_a=artifact.id) | Q(artifact_b=artifact.id))
        .annotate(other=other)
        .values("other")
        .annotate(
            together=Sum("times_both_matched"),
            any_real=_any_real_search(),
        )
        .order_by("-together", "other")[: limit * 2]
    )
    if not rows:
        return []
    found = (
        Artifact.objects.published()
        .listed()
        .select_related("vendor")
        .in_bulk([row["other"] for row in rows])
    )
    alternatives = []
    for row in rows:
        if row["other"] in found:
            alternative = found[row["other"]]
            alternative.together = row["together"]
            alternative.together_simulated = not row["any_real"]
            alternatives.append(alternative)
    return alternatives[:limit]


def _sides_listed(*, exempt: tuple[int, ...] = ()) -> Q:
    """Pairs (PairEvidence, ComparisonOverride) whose two artifacts are listed (ArtifactQuerySet
    .listed); an artifact in `exempt` counts as listed (the page's own artifacts: a delisted
    artifact's page still links to its listed alternatives)."""
    a, b = listed_q("artifact_a__"), listed_q("artifact_b__")
    if exempt:
        a, b = a | Q(artifact_a__in=exempt), b | Q(artifact_b__in=exempt)
    return a & b


def _evidence_rows(queryset, *, limit: int, exempt: tuple[int, ...] = ()) -> list[dict]:
    """The pairs of `queryset` (PairEvidence rows) that searches matched together, most
    searches first, as dicts for `_evidence_link` (1 query)."""
    return list(
        queryset.filter(_sides_listed(exempt=exempt))
        .filter(
            artifact_a__status=Status.PUBLISHED,
            artifact_b__status=Status.PUBLISHED,
            times_both_matched__gt=0,
            intent__is_spam=False,
        )
        .values("artifact_a__slug", "artifact_a__name", "artifact_b__slug", "artifact_b__name")
        .annotate(
            searches=Sum("times_both_matched"),
            updated_a=Max("artifact_a__updated_at"),
            updated_b=Max("artifact_b__updated_at"),
            any_real=_any_real_search(),
        )
        .order_by(
            F("searches").desc(),
            _codepoint_order("artifact_a__slug"),
            _codepoint_order("artifact_b__slug"),
        )[:limit]
    )


def _codepoint_order(field: str) -> Collate:
    """`field` compared as Python compares str (by code point), whatever the column's
    collation: pairs are also ordered in Python (`_evidence_order`, the pool, the merge with
    pairs sharing tags, whose own query compares slugs the same way), and a linguistic
    collation (ICU, glibc's en_US) orders "a_b" before "a1", which Python puts after."""
    return Collate(F(field), "C" if connection.vendor == "postgresql" else "BINARY")


def _evidence_order(row: dict) -> tuple:
    """The order of `_evidence_rows` as a sort key of its rows."""
    return (-row["searches"], row["artifact_a__slug"], row["artifact_b__slug"])


def _evidence_link(row: dict) -> PairLink:
    return _link(
        first=(row["artifact_a__slug"], row["artifact_a__name"]),
        second=(row["artifact_b__slug"], row["artifact_b__name"]),
        basis=(
            f"matched together in {row['searches']:,} "
            f"{'searches' if row['any_real'] else 'simulated searches'}"
        ),
        lastmod=max(row["updated_a"], row["updated_b"]),
    )


def _evidence_pairs(queryset, *, limit: int, exempt: tuple[int, ...] = ()) -> list[PairLink]:
    return [_evidence_link(r) for r in _evidence_rows(queryset, limit=limit, exempt=exempt)]


# How many of the most evidenced pairs of the whole catalog are kept between match-graph
# rebuilds (`_evidence_pool`); lists asking for more read every pair.
EVIDENCE_POOL = 1000
EVIDENCE_POOL_SECONDS = 24 * 3600
EVIDENCE_POOL_TIED = 4 * EVIDENCE_POOL


def _evidence_pool_compute() -> list[tuple[int, int, int]] | None:
    """(artifact_a id, artifact_b id, searches) of the EVIDENCE_POOL pairs with the most
    searches over intents not marked as spam, every artifact counted whatever its status,
    plus every pair tied with the last of them; most searches first (1 or 2 queries).
    None when more than EVIDENCE_POOL_TIED pairs tie with the last (a young history, where
    most pairs count one search): a pool that large saves nothing."""
    totals = (
        PairEvidence.objects.filter(times_both_matched__gt=0, intent__is_spam=False)
        .values("artifact_a_id", "artifact_b_id")
        .annotate(searches=Sum("times_both_matched"))
        .order_by("-searches")
    )
    columns = ("artifact_a_id", "artifact_b_id", "searches")
    rows = list(totals.values_list(*columns)[:EVIDENCE_POOL])
    if len(rows) == EVIDENCE_POOL:
        cut = rows[-1][2]
        tied = totals.filter(searches__gte=cut).values_list(*columns)
        rows = list(tied[: EVIDENCE_POOL_TIED + 1])
        if len(rows) > EVIDENCE_POOL_TIED:
            return None
    return rows


def _evidence_pool() -> list[tuple[int, int, int]] | None:
    """`_evidence_pool_compute`, reused until the match graph is rebuilt or an intent is
    marked or unmarked as spam (the key holds the rebuild's state and the spam marks);
    computed fresh when reuse is off (2 queries for the key, then 1-2 on a miss). Kept a
    day: a rebuild changes the key, so the day only bounds what unreachable keys hold.
    Intents cannot be deleted in the admin (comparisons/admin.py): a deletion would remove
    evidence without a rebuild.

    Why: summing every pair's evidence took 0.9 s on the 100k catalog (532,000 rows), on
    the home page and the comparison index after every edit, though only a rebuild writes
    pair evidence (BENCHMARKS.md)."""
    version = derived_cache_version()
    if version is None:
        return _evidence_pool_compute()
    state = MatchGraphState.objects.filter(pk=1).values_list("rebuilt_at", flat=True).first()
    spam = ",".join(
        str(i)
        for i in Intent.objects.filter(is_spam=True).values_list("id", flat=True).order_by("id")
    )
    key = f"evidence-pool:{hashlib.sha256(f'{state}\n{spam}'.encode()).hexdigest()}"
    found = derived_cache_get_many([key]).get(key)
    if found is None:
        # Boxed: a pool of None (too many ties) is kept too.
        found = {"pool": _evidence_pool_compute()}
        derived_cache_set_many({key: found}, timeout=EVIDENCE_POOL_SECONDS)
    return found["pool"]


def _most_evidenced_pairs(*, limit: int) -> list[PairLink]:
    """The `limit` most evidenced pairs of published, listed artifacts, as
    `_evidence_pairs(PairEvidence.objects.all(), limit=limit)` gives them: from the pool
    when it holds every evidenced pair or that many such pairs (then they are exactly the
    first: every pair left out of the pool has fewer searches than each pair in it), else
    from every pair (1-4 queries from the pool: `_evidence_pool`, then the artifacts with
    whether any search was real)."""
    pool = _evidence_pool() if limit <= EVIDENCE_POOL else None
    if pool is None:
        return _evidence_pairs(PairEvidence.objects.all(), limit=limit)
    ids = {artifact_id for a_id, b_id, _ in pool for artifact_id in (a_id, b_id)}
    artifacts = (
        {
            row["id"]: row
            for row in Artifact.objects.published()
            .listed()
            .filter(id__in=ids)
            .annotate(any_real=_any_real_search())
            .values("id", "slug", "name", "updated_at", "any_real")
        }
        if ids
        else {}
    )
    rows = [
        {
            "artifact_a__slug": artifacts[a_id]["slug"],
            "artifact_a__name": artifacts[a_id]["name"],
            "artifact_b__slug": artifacts[b_id]["slug"],
            "artifact_b__name": artifacts[b_id]["name"],
            "searches": searches,
            "updated_a": artifacts[a_id]["updated_at"],
            "updated_b": artifacts[b_id]["updated_at"],
            "any_real": artifacts[a_id]["any_real"],
        }
        for a_id, b_id, searches in pool
        if a_id in artifacts and b_id in artifacts
    ]
    if len(rows) < limit and len(pool) >= EVIDENCE_POOL:
        # The pool was cut, and too few of its pairs can be shown.
        return _evidence_pairs(PairEvidence.objects.all(), limit=limit)
    rows.sort(key=_evidence_order)
    return [_evidence_link(row) for row in rows[:limit]]


def _override_pairs(queryset, *, limit: int, exempt: tuple[int, ...] = ()) -> list[PairLink]:
    rows = queryset.filter(
        _sides_listed(exempt=exempt),
        approved=True,
        artifact_a__status=Status.PUBLISHED,
        artifact_b__status=Status.PUBLISHED,
    ).select_related("artifact_a", "artifact_b")
    return [
        _link(
            first=(o.artifact_a.slug, o.artifact_a.name),
            second=(o.artifact_b.slug, o.artifact_b.name),
            basis="picked by an editor" if o.featured else "reviewed by an editor",
            lastmod=max(o.updated_at, o.artifact_a.updated_at, o.artifact_b.updated_at),
        )
        for o in rows.order_by("-featured", "-updated_at")[:limit]
    ]


def _merged(*groups: list[PairLink], limit: int, skip: set[Pair] = frozenset()) -> list[PairLink]:  # type: ignore[assignment]
    seen, result = set(skip), []
    for group in groups:
        for link in group:
            if link.key not in seen:
                seen.add(link.key)
                result.append(link)
    return result[:limit]


def _tags_basis(count: int) -> str:
    return f"{count} shared tag{'s' if count != 1 else ''}"


@dataclass
class _SideRelated:
    """What one artifact contributes to the related comparisons of every pair it is in:
    its most evidenced pairs (`_evidence_rows`, at most RELATED_SHOWN + 1, the artifact
    itself exempt from being listed) and, only once a pair needed them, the artifacts
    sharing the most tags with it (slug, name, tags shared; at most RELATED_SHOWN + 1)."""

    evidence: list[dict]
    by_tags: list[tuple[str, str, int]] | None = None


RELATED_SHOWN = 6


def _related_key(*, version: str, artifact_id: int) -> str:
    return f"related:{version}:{artifact_id}"


def _sides_related(
    *, artifacts: list[Artifact], version: str | None
) -> tuple[dict[int, _SideRelated], set[int]]:
    """Each artifact's share (id -> _SideRelated), and the ids of those built here."""
    keys = {}
    if version:
        keys = {a.id: _related_key(version=version, artifact_id=a.id) for a in artifacts}
    found = derived_cache_get_many(list(keys.values())) if keys else {}
    sides = {pk: found[key] for pk, key in keys.items() if key in found}
    built = set()
    for artifact in artifacts:
        if artifact.id not in sides:
            built.add(artifact.id)
            sides[artifact.id] = _SideRelated(
                evidence=_evidence_rows(
                    PairEvidence.objects.filter(
                        Q(artifact_a=artifact.id) | Q(artifact_b=artifact.id)
                    ),
                    limit=RELATED_SHOWN + 1,
                    exempt=(artifact.id,),
                )
            )
    return sides, built


def related_pairs_get(*, pair: LoadedPair, limit: int = RELATED_SHOWN) -> list[PairLink]:
    """Other comparisons for either side: match-graph evidence first, then, taking turns
    between the two sides, the artifacts sharing the most tags with each.

    Each side's share is an artifact's, whatever the pair (`_SideRelated`): kept per
    catalog version in the `derived` cache and reused by every pair the artifact is in
    (0 queries then; 1 per side otherwise, plus 1 per side for the tag overlap when the
    evidence falls short). Merging the two sides' lists gives what one query over both
    would: a pair among the first `limit + 1` of both is among the first of its side."""
    a, b = pair.a, pair.b
    if limit > RELATED_SHOWN:
        raise ValueError(f"At most {RELATED_SHOWN} related comparisons are kept per artifact.")
    version = pair.version
    sides, changed = _sides_related(artifacts=[a, b], version=version)
    rows = {
        (row["artifact_a__slug"], row["artifact_b__slug"]): row
        for side in sides.values()
        for row in side.evidence
    }
    evidence = [
        _evidence_link(row) for row in sorted(rows.values(), key=_evidence_order)[: limit + 1]
    ]
    if len([link for link in evidence if link.key != (a.slug, b.slug)]) < limit:
        # The tag overlap scans every artifact sharing a tag (seconds at 100,000 artifacts;
        # see BENCHMARKS.md): asked only when the evidence falls short, once per artifact.
        for side in (a, b):
            if sides[side.id].by_tags is None:
                changed.add(side.id)
                sides[side.id].by_tags = [
                    (other.slug, other.name, other.shared_total)
                    for other in artifacts_sharing_tags(
                        exclude_ids=[side.id],
                        tag_ids=artifact_tag_ids(artifact=side),
                        limit=limit + 1,
                    )
                ]
        per_side = [
            [
                _link(first=(side.slug, side.name), second=(slug, name), basis=_tags_basis(n))
                for slug, name, n in sides[side.id].by_tags or ()
                if slug not in (a.slug, b.slug)
            ][:limit]
            for side in (a, b)
        ]
        # Alternate a, b, a, b... so that a tag-rich side can't crowd out the other one.
        by_tags = [link for turn in zip_longest(*per_side) for link in turn if link is not None]
        evidence = _merged(evidence, by_tags, limit=limit, skip={(a.slug, b.slug)})
    else:
        evidence = _merged(evidence, limit=limit, skip={(a.slug, b.slug)})
    if version and changed:
        derived_cache_set_many(
            {_related_key(version=version, artifact_id=pk): sides[pk] for pk in changed},
            timeout=settings.PAGE_CACHE_SECONDS,
        )
    return evidence


def artifact_comparisons_get(
    *, artifact: Artifact, alternatives: list[Artifact], limit: int = 10
) -> list[PairLink]:
    """Comparisons an artifact page links to: editor-reviewed, then evidenced, then with
    its closest alternatives by tag (2 queries; alternatives come loaded)."""
    overrides = _override_pairs(
        ComparisonOverride.objects.filter(noindex=False).filter(
            Q(artifact_a=artifact) | Q(artifact_b=artifact)
        ),
        limit=limit,
        exempt=(artifact.id,),
    )
    evidence = _evidence_pairs(
        PairEvidence.objects.filter(Q(artifact_a=artifact) | Q(artifact_b=artifact)),
        limit=limit,
        exempt=(artifact.id,),
    )
    by_tags = [
        _link(
            first=(artifact.slug, artifact.name),
            second=(other.slug, other.name),
            basis=_tags_basis(other.shared_total),
        )
        for other in alternatives
        # Alternatives from the match graph are already linked through `evidence`.
        if hasattr(other, "shared_total")
    ]
    return _merged(overrides, evidence, by_tags, limit=limit)


ALTERNATIVES_SHOWN = 8
LINKS_TEMPLATE = "components/artifact_links.html"
# Raised whenever ArtifactLinks gains or loses a field (artifact_links_get's key).
LINKS_LAYOUT = 2


@dataclass
class ArtifactLinks:
    """What an artifact page links to: its alternatives (published, listed artifacts with
    `together` and `together_simulated` from the match graph, or `shared_total` tags in
    common; at most ALTERNATIVES_SHOWN) and the comparisons `artifact_comparisons_get`
    picks from them, each list also rendered once (`alternatives_html`, `comparisons_html`:
    the cards and links of components/artifact_links.html, about half of the artifact
    page's template time when rendered per request)."""

    alternatives: list[Artifact]
    comparisons: list[PairLink]
    alternatives_html: SafeString
    comparisons_html: SafeString


def artifact_links_get(*, artifact: Artifact, version: str | None) -> ArtifactLinks:
    """An artifact page's links, which depend only on the artifact and the catalog: kept in
    the `parts` cache per catalog `version` (derived_cache_version; None builds them
    fresh), as the artifact's part is (comparisons/compare/parts.py). Built: 3 to 5
    queries (the match graph first, what searchers found together, then shared tags)."""
    # The layout of ArtifactLinks in the key: with Redis, entries pickled by the code before
    # a deploy stay readable under the same catalog version, and must not be read.
    key = f"artifact-links:{LINKS_LAYOUT}:{version}:{artifact.id}"
    if version:
        kept = parts_cache_get_many([key]).get(key)
        if kept is not None:
            return kept
    alternatives = artifacts_matched_together(artifact=artifact, limit=ALTERNATIVES_SHOWN)
    if len(alternatives) < ALTERNATIVES_SHOWN:
        alternatives += artifacts_sharing_tags(
            exclude_ids=[artifact.id, *(other.id for other in alternatives)],
            tag_ids=artifact_tag_ids(artifact=artifact),
            limit=ALTERNATIVES_SHOWN - len(alternatives),
        )
    comparisons = artifact_comparisons_get(artifact=artifact, alternatives=alternatives)
    links = ArtifactLinks(
        alternatives=alternatives,
        comparisons=comparisons,
        # Safe: produced by the template engine, which escaped every value.
        alternatives_html=mark_safe(
            render_to_string(f"{LINKS_TEMPLATE}#alternatives", {"alternatives": alternatives})
        ),
        comparisons_html=mark_safe(
            render_to_string(f"{LINKS_TEMPLATE}#comparisons", {"comparisons": comparisons})
        ),
    )
    if version:
        parts_cache_set_many({key: links})
    return links


def shared_tag_pairs_get(*, limit: int = SHARED_TAG_PAIRS_CAP) -> list[PairLink]:
    """Pairs of the SHARED_TAG_POOL highest-ranked published, listed artifacts whose
    published capabilities share at least one tag, most shared first (then by slug),
    capped at `limit`; reused within a catalog version.

    One query: the distinct (artifact, tag) rows of the pool's published capabilities,
    joined with themselves on the tag and counted per pair. Joining capability rows instead
    (as before) multiplied every pair by its capabilities under each tag: 1.9 s on the home
    page of a 465-model OpenRouter import with no search history, where these pairs are
    all it has to show. Why a pool: the pairs grow with the square of the artifacts under a
    tag, so over a whole catalog of 100,000 (16,000 artifacts a tag) the home page, the
    comparison index and the sitemap never answered (killed after 30 s); over the 300
    highest-ranked it takes about 60 ms there (BENCHMARKS.md), and those are the pairs
    these lists are for (docs/decisions.md). The names and slugs are read for the pool's
    artifacts only: joined with the whole artifact table, reading them cost twice the
    pairs' own count."""
    version = derived_cache_version()
    key = f"shared-tag-pairs:{version}:{limit}"
    if version is not None:
        cached = parts_cache_get_many([key]).get(key)
        if cached is not None:
            return cached
    pool = (
        Artifact.objects.published().listed().order_by("-rank", "id").values("id")[:SHARED_TAG_POOL]
    )
    artifact_tags = (
        Capability.tags.through.objects.filter(  # type: ignore[misc]
            capability__status=Status.PUBLISHED,
            capability__artifact_id__in=pool,
        )
        .annotate(aid=F("capability__artifact_id"), tid=F("tag_id"))
        .values("aid", "tid")
        .distinct()
        .order_by()
    )
    inner, params = artifact_tags.query.sql_with_params()
    # Slugs compared and ordered by code point, as Python sorts them (`_codepoint_order`).
    codepoint = '"C"' if connection.vendor == "postgresql" else "BINARY"
    sql = f"""
        WITH artifact_tags AS ({inner}),
             pooled AS (SELECT id, slug COLLATE {codepoint} AS slug, name, updated_at
                          FROM catalog_artifact WHERE id IN (SELECT aid FROM artifact_tags))
        SELECT a.slug, a.name, a.updated_at, b.slug, b.name, b.updated_at, p.shared
          FROM (SELECT x.aid AS a_id, y.aid AS b_id, COUNT(*) AS shared
                  FROM artifact_tags x JOIN artifact_tags y ON y.tid = x.tid AND x.aid < y.aid
                 GROUP BY x.aid, y.aid) p
          JOIN pooled a ON a.id = p.a_id
          JOIN pooled b ON b.id = p.b_id
         ORDER BY p.shared DESC,
                  CASE WHEN a.slug < b.slug THEN a.slug ELSE b.slug END,
                  CASE WHEN a.slug < b.slug THEN b.slug ELSE a.slug END
         LIMIT %s
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        rows = cursor.fetchall()
    links = [
        _link(
            first=(a_slug, a_name),
            second=(b_slug, b_name),
            basis=_tags_basis(shared),
            lastmod=max(_as_datetime(a_updated), _as_datetime(b_updated)),
        )
        for a_slug, a_name, a_updated, b_slug, b_name, b_updated, shared in rows
    ]
    if version is not None:
        parts_cache_set_many({key: links})
    return links


def _as_datetime(value: datetime | str) -> datetime:
    """A timestamp from raw SQL, aware: PostgreSQL gives an aware datetime; SQLite gives a
    naive one (or ISO text) in UTC, as Django stores it there."""
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _excluded_pairs() -> set[Pair]:
    """Pairs an editor kept out of listings: noindex, or not approved."""
    rows = ComparisonOverride.objects.filter(Q(noindex=True) | Q(approved=False)).values_list(
        "artifact_a__slug", "artifact_b__slug"
    )
    return {pair_canonical(first=a, second=b) for a, b in rows}


# How many of the most evidenced pairs the home page chooses its varied few from.
FEATURED_POOL = 60


def pairs_by_job_diversified(
    *, first: list[PairLink], candidates: list[tuple[PairLink, str]], limit: int
) -> list[PairLink]:
    """The home page's choice: every pair of `first` (editors' picks, in order), then
    `candidates` (in order of evidence, each with its job) taking turns across jobs. Pure.

    Rounds over the candidates: a pair whose job is not shown yet and whose artifacts are
    not shown yet; then a pair of a job not shown yet; then the rest in order. So six
    speech-to-text pairs with the most searches give way to one per job while other jobs
    have evidence, and the list still fills up when they don't. A job is any label ("" =
    unknown: such pairs count as a job each)."""
    chosen = list(first[:limit])
    shown_keys = {link.key for link in chosen}
    jobs_shown = {job for link, job in candidates if link.key in shown_keys and job}
    artifacts_shown = {slug for link in chosen for slug in link.key}
    rest = [(link, job) for link, job in candidates if link.key not in shown_keys]

    def take(accept) -> None:
        for link, job in rest:
            if len(chosen) >= limit:
                return
            if link.key in shown_keys or not accept(link, job):
                continue
            chosen.append(link)
            shown_keys.add(link.key)
            artifacts_shown.update(link.key)
            if job:
                jobs_shown.add(job)

    take(lambda link, job: job not in jobs_shown and not set(link.key) & artifacts_shown)
    take(lambda link, job: job not in jobs_shown)
    take(lambda link, job: True)
    return chosen


def _pair_jobs(*, keys: list[Pair]) -> dict[Pair, str]:
    """Each pair's job: the capability tag both artifacts share that the most of their
    published capabilities carry (ties: the tag's slug); "" when they share none (1 query)."""
    slugs = {slug for key in keys for slug in key}
    if not slugs:
        return {}
    through = Capability.tags.through
    rows = (
        through.objects.filter(
            capability__status=Status.PUBLISHED, capability__artifact__slug__in=slugs
        )
        .values_list("capability__artifact__slug", "tag__slug")
        .annotate(count=Count("capability"))
    )
    tags: dict[str, dict[str, int]] = {}
    for artifact, tag, count in rows:
        tags.setdefault(artifact, {})[tag] = count
    jobs = {}
    for a, b in keys:
        tags_a, tags_b = tags.get(a, {}), tags.get(b, {})
        shared = sorted(set(tags_a) & set(tags_b))
        jobs[(a, b)] = max(shared, key=lambda t: tags_a[t] + tags_b[t]) if shared else ""
    return jobs


def featured_pairs_get(*, limit: int = 6) -> list[PairLink]:
    """For the home page: editor-featured pairs, then the most evidenced, then those
    sharing the most tags, varied across jobs (pairs_by_job_diversified; 6-8 queries)."""
    excluded = _excluded_pairs()
    featured = _merged(
        _override_pairs(
            ComparisonOverride.objects.filter(featured=True, noindex=False), limit=limit
        ),
        limit=limit,
        skip=excluded,
    )
    evidence = _merged(
        _most_evidenced_pairs(limit=FEATURED_POOL + len(excluded)),
        limit=FEATURED_POOL,
        skip=excluded,
    )
    by_tags = _merged(
        shared_tag_pairs_get(limit=FEATURED_POOL + len(excluded)),
        limit=FEATURED_POOL,
        skip=excluded,
    )
    pool = featured + evidence + by_tags
    jobs = _pair_jobs(keys=[link.key for link in pool])
    return pairs_by_job_diversified(
        first=featured,
        candidates=[(link, jobs.get(link.key, "")) for link in _merged(pool, limit=len(pool))],
        limit=limit,
    )


@dataclass(frozen=True)
class CompareIndex:
    featured: list[PairLink]
    evidenced: list[PairLink]
    by_tags: list[PairLink]


def compare_index_get(*, limit: int = 24) -> CompareIndex:
    """The /compare/ page: editor picks, most evidenced, closest by tag (5-7 queries)."""
    excluded = _excluded_pairs()
    featured = _merged(
        _override_pairs(ComparisonOverride.objects.filter(noindex=False), limit=limit),
        limit=limit,
        skip=excluded,
    )
    shown = {link.key for link in featured} | excluded
    evidenced = _merged(
        _most_evidenced_pairs(limit=limit + len(shown)),
        limit=limit,
        skip=shown,
    )
    shown |= {link.key for link in evidenced}
    by_tags = _merged(shared_tag_pairs_get(limit=limit + len(shown)), limit=limit, skip=shown)
    return CompareIndex(featured=featured, evidenced=evidenced, by_tags=by_tags)


def sitemap_pairs_get() -> list[PairLink]:
    """The pairs worth indexing: approved by an editor, evidenced, or sharing a tag among
    the highest-ranked (`shared_tag_pairs_get`); never a pair an editor marked noindex or
    did not approve (4 queries)."""
    excluded = _excluded_pairs()
    return _merged(
        _override_pairs(ComparisonOverride.objects.filter(noindex=False), limit=50_000),
        _evidence_pairs(PairEvidence.objects.all(), limit=50_000),
        shared_tag_pairs_get(),
        limit=50_000,
        skip=excluded,
    )
