"""Reads of catalog data. Views and other apps read through these functions."""

import itertools
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection
from django.db.models import BooleanField, Count, F, Q, Window
from django.db.models.expressions import RawSQL
from django.db.models.functions import RowNumber

from catalog.journal import JournalMark, catalog_changes_since, catalog_journal_mark
from catalog.models import SCORE_INTERVALS, Artifact, ArtifactKind, RankWeights, Status
from catalog.ranking import (
    COMPONENTS,
    JOB_LABELS,
    JOBS,
    Breakdown,
    ChecklistItem,
    CoverageInputs,
    Estimate,
    RankRange,
    Weights,
    breakdown_build,
    component_get,
    coverage_checklist,
    rank_range_compute,
    weights_for_kind,
)


def weights_by_kind_get() -> dict[str, Weights]:
    """Editor-set weights per kind; kinds without a row use the registry's defaults."""
    return {
        row["kind"]: Weights(**{c: row[c] for c in COMPONENTS})
        for row in RankWeights.objects.values("kind", *COMPONENTS)
    }


def artifact_weights_get(
    *, artifact: Artifact, weights_by_kind: dict[str, Weights] | None = None
) -> Weights:
    if weights_by_kind is None:
        weights_by_kind = weights_by_kind_get()
    return weights_for_kind(kind=artifact.kind, overrides=weights_by_kind)


def artifact_components_get(*, artifact: Artifact) -> dict[str, Estimate | None]:
    """The stored components of one artifact: None for no data, an Estimate (with its
    interval where the component carries one) otherwise."""
    result: dict[str, Estimate | None] = {}
    for name in COMPONENTS:
        value = getattr(artifact, name)
        if value is None:
            result[name] = None
        elif component_get(name).interval:
            low, high = getattr(artifact, f"{name}_low"), getattr(artifact, f"{name}_high")
            result[name] = Estimate(
                value,
                value if low is None else min(low, value),
                value if high is None else max(high, value),
            )
        else:
            result[name] = Estimate.exact(value)
    return result


def artifact_ranks_get(
    *, match_graph: Mapping[int, float | None], moved_only: bool = False
) -> dict[int, RankRange]:
    """(rank, rank_low, rank_high, provisional) of each artifact in `match_graph` (artifact
    id -> the match_graph component it is to have, in [0, 1], or None for no data), every
    other component as stored. With moved_only, artifacts whose stored match_graph already
    is the given value are left out (their stored rank stands).

    For the incremental match-graph rebuild: no other component depends on search events
    and match_graph is not relative to other artifacts, so these are exactly the ranks a
    full recompute would give them (catalog.services.artifact_scores_recompute, which
    recomputes whole kinds because adoption and ecosystem are relative). Ids of deleted
    artifacts are left out. Raises ValueError for a value outside [0, 1].
    """
    weights = weights_by_kind_get()
    kind_weights = {}
    ranks = {}
    fields = ("id", "kind", *COMPONENTS, *SCORE_INTERVALS)
    for stored in _artifact_rows(ids=list(match_graph), fields=fields):
        value = match_graph[stored.id]
        if moved_only and stored.match_graph == value:
            continue
        stored = stored._replace(match_graph=value)
        if stored.kind not in kind_weights:
            kind_weights[stored.kind] = weights_for_kind(kind=stored.kind, overrides=weights)
        ranks[stored.id] = rank_range_compute(
            components=artifact_components_get(artifact=stored),
            weights=kind_weights[stored.kind],
        )
    return ranks


# Ids per query on SQLite, below its limit of 32,766 bound variables.
_SQLITE_IDS_PER_QUERY = 10_000


def _artifact_rows(*, ids: list[int], fields: tuple[str, ...]) -> Iterator[Any]:
    """The `fields` of the artifacts with these ids, as named tuples, in no order. On
    PostgreSQL the ids travel as one array: an IN list of 15,000 placeholders (the
    incremental rebuild's reranked artifacts) took 200 ms to send and plan against 90 ms
    for `= ANY(array)`, plus 60 ms for Django to compile it. On SQLite, in batches (a
    rebuild whose scale steps reranks every artifact)."""
    if connection.vendor == "postgresql":
        within = RawSQL('"catalog_artifact"."id" = ANY(%s)', (ids,), output_field=BooleanField())
        yield from Artifact.objects.filter(within).order_by().values_list(*fields, named=True)
        return
    for batch in itertools.batched(ids, _SQLITE_IDS_PER_QUERY):
        rows = Artifact.objects.filter(id__in=batch).order_by()
        yield from rows.values_list(*fields, named=True)


def artifact_breakdown_get(
    *, artifact: Artifact, weights_by_kind: dict[str, Weights] | None = None
) -> Breakdown:
    """The stored components drawn as a breakdown with the weights now in force."""
    return breakdown_build(
        components=artifact_components_get(artifact=artifact),
        weights=artifact_weights_get(artifact=artifact, weights_by_kind=weights_by_kind),
    )


def artifact_coverage_get(
    *, artifact: Artifact, today: date, capabilities: list | None = None
) -> list[ChecklistItem]:
    """Data coverage (the curation checklist) of one artifact. Not a score component.
    With `capabilities` (its published capabilities, tags prefetched) no query is made;
    without, one query counts them."""
    if capabilities is not None:
        counts = {
            "n": len(capabilities),
            "explained": sum(1 for c in capabilities if c.unique and c.vs_alternatives),
            "tagged": sum(1 for c in capabilities if c.tags.all()),
        }
    else:
        published = Q(status=Status.PUBLISHED)
        counts = artifact.capabilities.aggregate(
            n=Count("id", filter=published, distinct=True),
            explained=Count(
                "id", filter=published & ~Q(unique="") & ~Q(vs_alternatives=""), distinct=True
            ),
            tagged=Count("id", filter=published & Q(tags__isnull=False), distinct=True),
        )
    return coverage_checklist(
        inputs=CoverageInputs(
            summary=artifact.summary,
            homepage=artifact.homepage,
            docs_url=artifact.docs_url,
            license=artifact.license,
            price_known=artifact.starting_price is not None
            or artifact.pricing_model in {"free", "open_source"},
            release_date=artifact.release_date,
            last_reviewed_at=artifact.last_reviewed_at,
            capability_count=counts["n"],
            capabilities_explained=counts["explained"],
            capabilities_tagged=counts["tagged"],
        ),
        today=today,
    )


def artifact_published_get(*, slug: str) -> Artifact | None:
    return Artifact.objects.published().select_related("vendor").filter(slug=slug).first()


_GROUP_NAMES = {
    "model": "models", "api": "APIs", "app": "apps", "agent": "agents",
    "mcp_server": "MCP servers", "library": "libraries", "extension": "extensions",
    "dataset": "datasets",
}  # fmt: skip


def rank_group_label(*, kind: str, job: str) -> str:
    """The group an artifact's rank is compared within, as words in a sentence:
    "models: text", "models: image generation", "apps", "APIs"."""
    plural = _GROUP_NAMES.get(kind, kind)
    return (
        f"{plural}: {JOB_LABELS[job].lower()}" if kind == "model" and job in JOB_LABELS else plural
    )


def _group_position() -> Window:
    # A rank resting on most of its inputs before a provisional one, whatever their numbers.
    return Window(
        RowNumber(),
        partition_by=[F("kind"), F("job")],
        order_by=[F("rank_provisional").asc(), F("rank").desc(), F("name").asc()],
    )


def artifacts_top_by_group(
    *, per_group: int = 4, among: Iterable[int] | None = None
) -> list[tuple[str, list[Artifact]]]:
    """The best published, listed artifacts of each rank group ("models: text", "apps"), in the
    order of ArtifactKind then job, in ONE query (a window function keeps the top
    `per_group` of each group). A rank resting on most of its inputs comes before a
    provisional one, whatever their numbers: a "top" list of models known only by their
    release dates would say nothing. `among`: only these artifact ids are considered
    (`artifacts_top_by_group_carried`); None: every artifact, a window over the whole
    catalog (0.3 s at 100,000 artifacts)."""
    rows = Artifact.objects.published().listed()
    if among is not None:
        rows = rows.filter(id__in=list(among))
    rows = (
        rows.for_cards()
        .annotate(group_position=_group_position())
        .filter(group_position__lte=per_group)
        .order_by("kind", "job", "group_position")
    )
    groups: dict[tuple[str, str], list[Artifact]] = {}
    for artifact in rows:
        groups.setdefault((artifact.kind, artifact.job), []).append(artifact)
    kinds = list(ArtifactKind.values)
    jobs = [job for job, _ in JOBS]
    ordered = sorted(
        groups,
        key=lambda k: (
            kinds.index(k[0]) if k[0] in kinds else len(kinds),
            jobs.index(k[1]) if k[1] in jobs else len(jobs),
        ),
    )
    return [(rank_group_label(kind=k[0], job=k[1]), groups[k]) for k in ordered]


# How deep each group is kept between edits (`artifacts_top_by_group_carried`), and how many
# edited artifacts a carry takes before the groups are read again from every artifact.
TOP_GROUPS_DEPTH = 12
TOP_GROUPS_CARRY_LIMIT = 500


@dataclass(frozen=True)
class TopGroupsKept:
    """The best TOP_GROUPS_DEPTH artifact ids of every rank group (kind, job), best first,
    as they stood at `mark` (fewer when the group had fewer)."""

    mark: JournalMark
    groups: dict[tuple[str, str], tuple[int, ...]]


def artifacts_top_by_group_carried(
    *, per_group: int = 4, kept: TopGroupsKept | None
) -> tuple[list[tuple[str, list[Artifact]]], TopGroupsKept]:
    """`artifacts_top_by_group(per_group=...)` exactly, and what to keep for the next call:
    from `kept` when the edits since it can be carried (2-3 queries), else from every
    artifact (4 queries, `kept` replaced).

    They can when the change journal names the edited artifacts (no rank recompute since)
    and every group keeps at least `per_group` best artifacts that were not edited, or was
    kept whole. Then the best of each group now are among the kept ones and the edited
    ones: every artifact left out of a group's kept list is unchanged and was behind each
    unedited kept one, and still is. The database orders that handful (its own collation
    for the names). Raises ValueError when per_group > TOP_GROUPS_DEPTH.

    Why: the home page's groups are a window over every published artifact (0.3 s at
    100,000), read again after every edit (BENCHMARKS.md)."""
    if per_group > TOP_GROUPS_DEPTH:
        raise ValueError(f"per_group is at most {TOP_GROUPS_DEPTH}, got {per_group}.")
    if kept is not None:
        changes = catalog_changes_since(mark=kept.mark, limit=TOP_GROUPS_CARRY_LIMIT)
        if changes is not None and not changes.ranks:
            edited = changes.artifact_ids
            if all(
                len(ids) < TOP_GROUPS_DEPTH or sum(i not in edited for i in ids) >= per_group
                for ids in kept.groups.values()
            ):
                among = {i for ids in kept.groups.values() for i in ids} | edited
                return artifacts_top_by_group(per_group=per_group, among=among), kept
    mark = catalog_journal_mark()
    rows = (
        Artifact.objects.published()
        .listed()
        .annotate(group_position=_group_position())
        .filter(group_position__lte=TOP_GROUPS_DEPTH)
        .order_by("kind", "job", "group_position")
        .values_list("kind", "job", "id")
    )
    groups: dict[tuple[str, str], list[int]] = {}
    for kind, job, artifact_id in rows:
        groups.setdefault((kind, job), []).append(artifact_id)
    kept = TopGroupsKept(mark=mark, groups={k: tuple(v) for k, v in groups.items()})
    among = {i for ids in kept.groups.values() for i in ids}
    return artifacts_top_by_group(per_group=per_group, among=among), kept
