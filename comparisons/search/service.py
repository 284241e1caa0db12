"""Run a search: normalise, ask the backend, rank, filter, paginate, highlight one page."""

from collections import Counter
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator

from catalog.models import Artifact
from comparisons.search.backends import Highlight, backend_get
from comparisons.search.normalise import Term, intent_normalise, query_clean, query_terms
from comparisons.search.scoring import ArtifactScore, artifacts_score

PER_PAGE = 10
# Matching capabilities shown under one result before "N more".
SHOWN_CAPABILITIES = 3
# A search is evidence for the capabilities matched in its top results only: the long
# tail of weak matches would drown the graph in noise (and in rows).
EVIDENCE_RESULTS = 5
EVIDENCE_CAPABILITIES_PER_RESULT = 3


@dataclass(frozen=True)
class CapabilityHit:
    capability_id: int
    highlight: Highlight


@dataclass(frozen=True)
class SearchResult:
    artifact: Artifact
    score: float
    name_similarity: float
    capabilities: list[CapabilityHit]
    more_capabilities: int


@dataclass
class SearchOutcome:
    query: str
    intent: str
    terms: list[Term]
    kind: str
    pricing: str
    total: int
    # Results before the kind and pricing filters: what a recorded search found.
    unfiltered_total: int
    page: Page
    results: list[SearchResult]
    # Counts over every result before the kind/pricing filters, for the filter controls.
    kind_counts: dict[str, int] = field(default_factory=dict)
    pricing_counts: dict[str, int] = field(default_factory=dict)
    # What a recorded search counts as matched: the top results and their capabilities.
    evidence_artifact_ids: list[int] = field(default_factory=list)
    evidence_capability_ids: list[int] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return self.total == 0


def _scored(*, intent: str, terms: list[Term]) -> list[ArtifactScore]:
    if not intent:
        return []
    backend = backend_get()
    name_matches = backend.name_matches(text=intent)
    if terms:
        found = backend.candidates(terms=terms)
        return artifacts_score(
            candidates=found.candidates,
            document_count=found.document_count,
            frequencies=found.frequencies,
            name_matches=name_matches,
        )
    return artifacts_score(
        candidates=[], document_count=0, frequencies=[], name_matches=name_matches
    )


def search_run(
    *,
    query: str,
    kind: str = "",
    pricing: str = "",
    page_number: int | str = 1,
    with_page: bool = True,
) -> SearchOutcome:
    """Search published artifacts by intent. Never raises on odd text: every query is
    normalised to letters and digits before it reaches a backend. with_page=False skips
    loading the shown page (for callers that only need the ranking and the evidence)."""
    cleaned = query_clean(query)
    intent = intent_normalise(cleaned)
    terms = query_terms(intent)
    scored = _scored(intent=intent, terms=terms)

    kind_counts = Counter(a.artifact.kind for a in scored)
    pricing_counts = Counter(a.artifact.pricing_model for a in scored)
    evidence = [
        capability_id
        for entry in scored[:EVIDENCE_RESULTS]
        for capability_id in entry.capability_ids[:EVIDENCE_CAPABILITIES_PER_RESULT]
    ]
    filtered = [
        a
        for a in scored
        if (not kind or a.artifact.kind == kind)
        and (not pricing or a.artifact.pricing_model == pricing)
    ]
    page = Paginator(filtered, PER_PAGE).get_page(page_number)
    results = _page_results(entries=list(page.object_list), terms=terms) if with_page else []
    return SearchOutcome(
        query=cleaned,
        intent=intent,
        terms=terms,
        kind=kind,
        pricing=pricing,
        total=len(filtered),
        unfiltered_total=len(scored),
        page=page,
        results=results,
        kind_counts=dict(kind_counts),
        pricing_counts=dict(pricing_counts),
        evidence_artifact_ids=[a.artifact_id for a in scored[:EVIDENCE_RESULTS]],
        evidence_capability_ids=evidence,
    )


def _page_results(*, entries: list[ArtifactScore], terms: list[Term]) -> list[SearchResult]:
    """Artifacts and headlines for the shown page only: two queries whatever the total."""
    if not entries:
        return []
    artifacts = Artifact.objects.select_related("vendor").in_bulk([e.artifact_id for e in entries])
    shown = {e.artifact_id: e.capability_ids[:SHOWN_CAPABILITIES] for e in entries}
    highlights = backend_get().highlights(
        terms=terms, capability_ids=[c for ids in shown.values() for c in ids]
    )
    results = []
    for entry in entries:
        artifact = artifacts.get(entry.artifact_id)
        if artifact is None:  # deleted between the two reads
            continue
        hits = [
            CapabilityHit(capability_id=c, highlight=highlights[c])
            for c in shown[entry.artifact_id]
            if c in highlights
        ]
        results.append(
            SearchResult(
                artifact=artifact,
                score=entry.score,
                name_similarity=entry.name_similarity,
                capabilities=hits,
                more_capabilities=max(0, len(entry.capabilities) - len(hits)),
            )
        )
    return results
