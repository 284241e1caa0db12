"""Run a search: normalise, ask the backend, rank, filter, paginate, highlight one page."""

import dataclasses
import functools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import EllipsisType
from typing import NamedTuple

from django.conf import settings
from django.core.paginator import Page, Paginator

from catalog.journal import JournalChanges, JournalMark, catalog_changes_since, catalog_journal_mark
from catalog.models import Artifact
from comparisons.caching.derived import (
    derived_cache_get_many,
    derived_cache_set_many,
    derived_cache_versions,
)
from comparisons.paging import page_wanted
from comparisons.search import backends
from comparisons.search.backends import Highlight, SearchBackend, backend_get
from comparisons.search.facts import (
    FACTS_LIMIT,
    SUPPLEMENT_LIMIT,
    artifact_facts_get,
    artifacts_meeting,
    constraint_capabilities_get,
)
from comparisons.search.families import catalog_families_get
from comparisons.search.intent import (
    Constraint,
    ParsedIntent,
    constraint_holds,
    intent_parse,
    job_price,
)
from comparisons.search.normalise import (
    Term,
    intent_normalise,
    query_clean,
    query_terms,
    terms_split,
)
from comparisons.search.scoring import (
    ArtifactInfo,
    ArtifactScore,
    CapabilityCandidate,
    artifacts_score,
)
from comparisons.search.stats import CorpusStats, corpus_stats, derived_cache_key
from config.after_response import after_response
from config.timing import timing_note, timing_span

PER_PAGE = 10
# Matching capabilities shown under one result before "N more".
SHOWN_CAPABILITIES = 3
# A search is evidence for the capabilities matched in its top results only: the long
# tail of weak matches would drown the graph in noise (and in rows).
EVIDENCE_RESULTS = 5
EVIDENCE_CAPABILITIES_PER_RESULT = 3
# Capabilities kept per result in a ranking: the most that the page or the evidence reads.
KEPT_CAPABILITIES = max(SHOWN_CAPABILITIES, EVIDENCE_CAPABILITIES_PER_RESULT)
# How much the match graph's chosen-result rate of a result's best capability (smoothed,
# 0 to 1) adds to its text score (an exact phrase in a title scores about 1.5).
PRIOR_WEIGHT = 0.2
# At most this many constraints may be dropped through the chips at once.
MAX_DROPS = 12


class RankedArtifact(NamedTuple):
    """One result of a ranking, as the scorer ordered it, reduced to what the filters, the
    evidence and the shown page read."""

    artifact_id: int
    kind: str
    pricing_model: str
    score: float
    name_similarity: float
    # Best first, at most KEPT_CAPABILITIES of the capability_count that matched.
    capability_ids: tuple[int, ...]
    capability_count: int


_KIND, _PRICING = (
    RankedArtifact._fields.index("kind"),
    RankedArtifact._fields.index("pricing_model"),
)


@dataclass(frozen=True)
class Ranking:
    """An intent's results, best first, as cached and read back on every search of it.

    Rows are plain tuples in RankedArtifact's field order: a cached ranking is unpickled on
    every search, and 4,405 plain tuples take 3 ms where as many NamedTuples take 8 ms and
    the scorer's dataclasses 25 ms. Only the rows a search shows become RankedArtifacts.
    The counts per kind and pricing model are computed once, with it."""

    rows: list[tuple]
    kind_counts: dict[str, int]
    pricing_counts: dict[str, int]
    # False when no result met every constraint and they only ordered the results.
    constraints_filtered: bool = True
    # True when the word matches are the capabilities holding every term, False any term.
    all_terms: bool = False
    # The artifacts the constraints alone found (artifacts_meeting), in its order.
    met: tuple[int, ...] = ()
    # For those of them no word matched: (artifact id, the capabilities that answer the
    # constraints best, constraint_capabilities_get), kept for the next computation of the
    # ranking. Pairs, not a dict: a class-level default, so that a ranking pickled before
    # this field existed (a shared cache across a deploy) reads as keeping none.
    met_capabilities: tuple[tuple[int, tuple[int, ...]], ...] = ()

    @classmethod
    def of(
        cls,
        entries: list[RankedArtifact],
        *,
        constraints_filtered: bool = True,
        all_terms: bool = False,
        met: tuple[int, ...] = (),
        met_capabilities: dict[int, tuple[int, ...]] | None = None,
    ) -> "Ranking":
        return cls(
            rows=[tuple(entry) for entry in entries],
            kind_counts=dict(Counter(entry.kind for entry in entries)),
            pricing_counts=dict(Counter(entry.pricing_model for entry in entries)),
            constraints_filtered=constraints_filtered,
            all_terms=all_terms,
            met=met,
            met_capabilities=tuple((met_capabilities or {}).items()),
        )

    def filtered(self, *, kind: str, pricing: str) -> list[tuple]:
        if not kind and not pricing:
            return self.rows
        return [
            row
            for row in self.rows
            if (not kind or row[_KIND] == kind) and (not pricing or row[_PRICING] == pricing)
        ]


EMPTY_RANKING = Ranking(rows=[], kind_counts={}, pricing_counts={})


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
    # The constraints parsed from the intent and applied, and those the searcher dropped.
    constraints: list[Constraint] = field(default_factory=list)
    dropped: list[Constraint] = field(default_factory=list)
    # Whether the constraints filtered (True) or, met by no result, only ordered them.
    constraints_filtered: bool = True
    # The catalog version the results were computed under (None: computed fresh, not to be
    # reused; comparisons/caching/derived.py).
    version: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.total == 0


# Candidates read beyond the CANDIDATE_LIMIT that are scored, and kept: the places an
# edited artifact's documents free in a kept list are filled from these
# (`_candidates_patched`).
CANDIDATE_SPARE = 500


@dataclass(frozen=True)
class KeptCandidates:
    """The candidates a ranking was computed from, kept apart from it so that the next
    computation after an edit of some of their artifacts can patch them
    (`_candidates_patched`) instead of asking the engine to rank every match again.
    `candidates` are the first documents of the match in the engine's order, every one
    of them when not `cut`; `mark`: the journal position taken before they were read."""

    terms: tuple[Term, ...]
    match_terms: tuple[Term, ...]
    match_all: bool
    candidates: tuple[CapabilityCandidate, ...]
    cut: bool
    mark: JournalMark | None = None

    def __reduce__(self) -> tuple:
        # Pickled as plain tuples (the derived cache pickles, even in memory): 2,878
        # candidates took about 20 ms to pickle and read back as frozen dataclasses, 13 ms
        # as named tuples (8.6 + 4.4), about 9 ms as plain tuples named again on reading
        # (3 + 5.5; measured 2026-12-01).
        rows = tuple((*c[:2], tuple(c.artifact), *c[3:]) for c in self.candidates)
        return (
            _kept_candidates_unpickled,
            (self.terms, self.match_terms, self.match_all, rows, self.cut, self.mark),
        )


def _kept_candidates_unpickled(
    terms: tuple[Term, ...],
    match_terms: tuple[Term, ...],
    match_all: bool,
    rows: tuple[tuple, ...],
    cut: bool,
    mark: JournalMark | None,
) -> KeptCandidates:
    """KeptCandidates from its pickled form (`KeptCandidates.__reduce__`): one ArtifactInfo
    per artifact, shared by its candidates."""
    infos: dict[tuple, ArtifactInfo] = {}
    candidates = tuple(
        CapabilityCandidate(
            capability_id,
            artifact_id,
            infos.get(info) or infos.setdefault(info, ArtifactInfo._make(info)),
            native_rank,
            fields,
            order_rank,
            success_rate,
        )
        for capability_id, artifact_id, info, native_rank, fields, order_rank, success_rate in rows
    )
    return KeptCandidates(terms, match_terms, match_all, candidates, cut, mark)


@dataclass(frozen=True)
class CandidateReuse:
    """What `_candidates` may start from: the candidates kept at the last computation and
    the artifacts edited since their mark (the journal named only those, at most
    MAX_CARRIED_ARTIFACTS, and no ranks or tag names)."""

    kept: KeptCandidates
    edited: frozenset[int]


def _candidate_order(candidate: CapabilityCandidate) -> tuple[float, int]:
    return (-candidate.order_rank, candidate.capability_id)


def _candidates_patched(
    *,
    backend: SearchBackend,
    reuse: CandidateReuse | None,
    terms: list[Term],
    match_terms: list[Term],
    match_all: bool,
) -> KeptCandidates | None:
    """The engine's first documents for this match, from the kept ones: those of the edited
    artifacts asked again (one query over their documents only) and merged in the query's
    own order; None when that cannot give at least CANDIDATE_LIMIT exactly.

    Why exact: the engine ranks each document by itself alone (PostgreSQL's ts_rank; not
    SQLite's bm25, which weighs terms by corpus statistics), so only the edited artifacts'
    documents can have moved, entered or left (their names, kinds and prices too: ranks
    and tag names moving anywhere make the journal say so, and nothing is reused then).
    The kept documents of other artifacts are the first of theirs; any document past the
    kept list ranks after every one of them, so the merge is exact up to the last of them
    (the spare read past CANDIDATE_LIMIT pays for the places the edited ones free)."""
    if reuse is None or not backend.rank_is_per_document:
        return None
    kept = reuse.kept
    if (kept.terms, kept.match_terms, kept.match_all) != (
        tuple(terms),
        tuple(match_terms),
        match_all,
    ):
        return None
    edited = reuse.edited
    others = [c for c in kept.candidates if c.artifact_id not in edited]
    if kept.cut and len(others) < backends.CANDIDATE_LIMIT:
        return None
    fresh = backend.candidates(
        terms=terms,
        match_terms=match_terms,
        match_all=match_all,
        artifact_ids=edited,
        limit=backends.CANDIDATE_LIMIT + CANDIDATE_SPARE,
    )
    merged = sorted(others + fresh, key=_candidate_order)
    if kept.cut:
        # Exact up to the last kept document of another artifact, not past it.
        last = _candidate_order(others[-1])
        merged = [c for c in merged if _candidate_order(c) <= last]
    cut = kept.cut or len(merged) > backends.CANDIDATE_LIMIT + CANDIDATE_SPARE
    merged = merged[: backends.CANDIDATE_LIMIT + CANDIDATE_SPARE]
    return KeptCandidates(tuple(terms), tuple(match_terms), match_all, tuple(merged), cut)


def _candidates(
    *,
    backend: SearchBackend,
    terms: list[Term],
    frequencies: list[int],
    reuse: CandidateReuse | None = None,
) -> tuple[list[CapabilityCandidate], KeptCandidates | None]:
    """AND first: the capabilities containing every term the corpus holds at all (a term no
    published capability contains cannot match, so it does not empty the results). Only
    when those cover less than a page of artifacts, the capabilities containing any term.
    Returns the first CANDIDATE_LIMIT of them, and what to keep for the next computation
    (None: no term matches anything); `KeptCandidates.match_all` says whether they are
    those containing every term. `reuse`: the last computation's, patched where exact.

    Why: matching any term of "research current events" on a million capabilities meant
    ranking 215,164 of them (716 ms) for a top 10 that the 778 containing all three fill."""
    counted, _ = terms_split(terms)
    present = [t for t, df in zip(counted, frequencies, strict=True) if df > 0]
    if not present:
        return [], None

    def matching(match_all: bool) -> tuple[list[CapabilityCandidate], KeptCandidates]:
        kept = _candidates_patched(
            backend=backend, reuse=reuse, terms=terms, match_terms=present, match_all=match_all
        )
        mode = "every term" if match_all else "any term"
        if kept is not None:
            timing_note("candidates", description=f"{mode}: kept, edited artifacts read again")
        else:
            timing_note("candidates", description=f"{mode}: read whole")
            read = backends.CANDIDATE_LIMIT + CANDIDATE_SPARE
            found = backend.candidates(
                terms=terms, match_terms=present, match_all=match_all, limit=read
            )
            kept = KeptCandidates(
                tuple(terms), tuple(present), match_all, tuple(found), len(found) >= read
            )
        return list(kept.candidates[: backends.CANDIDATE_LIMIT]), kept

    # The capabilities containing every term are at most as many as those containing the
    # rarest one: below a page, they cannot fill it, so the AND query is skipped.
    if len(present) > 1 and min(df for df in frequencies if df > 0) >= PER_PAGE:
        found, kept = matching(True)
        if len({c.artifact_id for c in found}) >= PER_PAGE:
            return found, kept
    return matching(False)


def _stats(*, terms: list[Term], version: str | None) -> CorpusStats | None:
    """The corpus statistics of the counted terms (None: no term is counted)."""
    counted, _ = terms_split(terms)
    if not counted:
        return None
    return corpus_stats(backend=backend_get(), terms=counted, version=version)


def _artifacts_score(
    *, intent: str, terms: list[Term], stats: CorpusStats | None, reuse: CandidateReuse | None
) -> tuple[list[ArtifactScore], KeptCandidates | None]:
    """The scored artifacts, and the candidates they were scored from (`_candidates`)."""
    backend = backend_get()
    # A compound is one word to a name too: "no-code" is not a near miss of "Claude Code".
    name_matches = backend.name_matches(text=intent.replace("-", ""))
    candidates, kept = (
        _candidates(backend=backend, terms=terms, frequencies=stats.frequencies, reuse=reuse)
        if stats is not None
        else ([], None)
    )
    scored = artifacts_score(
        candidates=candidates,
        document_count=stats.document_count if stats is not None else 0,
        frequencies=stats.frequencies if stats is not None else [],
        name_matches=name_matches,
    )
    return scored, kept


def _ranked(
    *, intent: str, terms: list[Term], stats: CorpusStats | None, reuse: CandidateReuse | None
) -> tuple[list[RankedArtifact], KeptCandidates | None]:
    scored, kept = _artifacts_score(intent=intent, terms=terms, stats=stats, reuse=reuse)
    entries = [
        RankedArtifact(
            artifact_id=a.artifact_id,
            kind=a.artifact.kind,
            pricing_model=a.artifact.pricing_model,
            score=a.score,
            name_similarity=a.name_similarity,
            capability_ids=tuple(a.capability_ids[:KEPT_CAPABILITIES]),
            capability_count=len(a.capabilities),
        )
        for a in scored
    ]
    return entries, kept


def _with_prior(
    entries: list[RankedArtifact], *, rates: dict[int, float]
) -> list[tuple[RankedArtifact, float]]:
    """Each entry with its relevance: text score plus PRIOR_WEIGHT times the best chosen-
    result rate among its kept capabilities (0 without match-graph evidence). `rates`:
    capability id -> rate, for the capabilities that have one (`_rates`)."""
    return [
        (e, e.score + PRIOR_WEIGHT * max((rates.get(c, 0.0) for c in e.capability_ids), default=0))
        for e in entries
    ]


def _rates(kept: KeptCandidates | None) -> dict[int, float]:
    """The chosen-result rates the candidates were read with (capability id -> rate): every
    capability an entry keeps is one of them."""
    if kept is None:
        return {}
    return {c.capability_id: c.success_rate for c in kept.candidates if c.success_rate is not None}


def results_order(
    *,
    parsed: ParsedIntent,
    entries: list[RankedArtifact],
    facts: dict,
    relevance: dict[int, float],
) -> tuple[list[RankedArtifact], bool]:
    """The results in the order shown, and whether the constraints filtered them.

    Entries meeting every constraint are kept, in order of: the job's unit price (cheapest
    first, unknown last) when the intent asks for cheap, then relevance (text score plus
    the match-graph prior), then whether they give only the outputs asked for (when an
    output is asked for), then the given order (UnfragileRank, then name).
    An intent asking for free that nothing meets is ordered by price too: the next best
    thing to free is the cheapest.
    When none meets them all, every entry stays, ordered first by whether its output
    contradicts a parsed output, then by how many constraints it misses ("strongly
    boost"). Entries without facts miss every constraint. Pure: no database."""
    constraints = [c for c in parsed.constraints if not (c.field == "price" and c.value == "cheap")]
    outputs = [c for c in constraints if c.field == "output"]

    def misses(entry: RankedArtifact) -> tuple[int, int]:
        known = facts.get(entry.artifact_id)
        if known is None:
            return (1 if outputs else 0, len(constraints))
        wrong_output = any(not constraint_holds(c, known) for c in outputs)
        return (int(wrong_output), sum(not constraint_holds(c, known) for c in constraints))

    def price(entry: RankedArtifact) -> tuple[int, float]:
        if not by_price:
            return (0, 0.0)
        known = facts.get(entry.artifact_id)
        cost = job_price(parsed, known) if known is not None else None
        return (0, cost) if cost is not None else (1, 0.0)

    wanted_outputs = {c.value for c in outputs if not c.negated}

    def extra_outputs(entry: RankedArtifact) -> int:
        # "describe a photo": a model answering only in text before one that also paints.
        known = facts.get(entry.artifact_id)
        return int(bool(wanted_outputs) and (known is None or not known.outputs <= wanted_outputs))

    missed = {e.artifact_id: misses(e) for e in entries}
    meeting = [e for e in entries if missed[e.artifact_id][1] == 0]
    filtered = bool(meeting) or not constraints
    by_price = parsed.cheapest or (not filtered and _free_asked(parsed))
    chosen = meeting if meeting else entries
    ordered = sorted(
        chosen,
        key=lambda e: (
            *(() if filtered else missed[e.artifact_id]),
            *price(e),
            -relevance.get(e.artifact_id, e.score),
            extra_outputs(e),
        ),
    )
    return ordered, filtered


def _free_asked(parsed: ParsedIntent) -> bool:
    return any(c.value == "free" for c in parsed.of("price"))


def _ranking(
    *,
    intent: str,
    terms: list[Term],
    versions: tuple[str, str] | None,
    parsed: ParsedIntent,
    stats: CorpusStats | None,
    met: tuple[int, ...],
    reuse: CandidateReuse | None = None,
    known_capabilities: Mapping[int, tuple[int, ...]] | None = None,
) -> tuple[Ranking, KeptCandidates | None]:
    """The ranking, and the candidates it was computed from. met: the artifacts the
    constraints alone find (`_constraints_met`); reuse: see `_candidates`;
    known_capabilities: constraint capabilities of some of `met` that are still exact
    (`_met_capabilities_carried`), not read again."""
    facts_version = versions[1] if versions is not None else None
    entries, kept = _ranked(intent=intent, terms=terms, stats=stats, reuse=reuse)
    all_terms = kept is not None and kept.match_all
    if not parsed.constraints:
        with_prior = _with_prior(entries[:FACTS_LIMIT], rates=_rates(kept))
        relevance = {e.artifact_id: r for e, r in with_prior}
        head = sorted(entries[:FACTS_LIMIT], key=lambda e: -relevance[e.artifact_id])
        return Ranking.of(head + entries[FACTS_LIMIT:], all_terms=all_terms), kept
    considered = entries[:FACTS_LIMIT]
    known = {e.artifact_id for e in considered}
    extra = [artifact_id for artifact_id in met if artifact_id not in known]
    facts = artifact_facts_get(artifact_ids=[*known, *extra], facts_version=facts_version)
    known_capabilities = known_capabilities or {}
    unknown = [artifact_id for artifact_id in extra if artifact_id not in known_capabilities]
    read = constraint_capabilities_get(
        artifact_ids=unknown, constraints=parsed.constraints, per_artifact=KEPT_CAPABILITIES
    )
    # Every artifact asked about has an entry, () when none of its capabilities is published.
    capabilities = {
        artifact_id: known_capabilities[artifact_id]
        if artifact_id in known_capabilities
        else read.get(artifact_id, ())
        for artifact_id in extra
    }
    relevance = {e.artifact_id: r for e, r in _with_prior(considered, rates=_rates(kept))}
    # Artifacts no word matched, met by the constraints: after every word match of equal
    # standing, in UnfragileRank order (or price order, for cheap).
    supplement = [
        RankedArtifact(
            artifact_id=artifact_id,
            kind=facts[artifact_id].kind,
            pricing_model=facts[artifact_id].pricing_model,
            score=0.0,
            name_similarity=0.0,
            capability_ids=capabilities[artifact_id],
            capability_count=len(capabilities[artifact_id]),
        )
        for artifact_id in extra
        if artifact_id in facts
    ]
    ordered, filtered = results_order(
        parsed=parsed, entries=considered + supplement, facts=facts, relevance=relevance
    )
    if not filtered:
        ordered += entries[FACTS_LIMIT:]
    ranking = Ranking.of(
        ordered,
        constraints_filtered=filtered,
        all_terms=all_terms,
        met=met,
        met_capabilities=capabilities,
    )
    return ranking, kept


def _constraints_met(parsed: ParsedIntent) -> tuple[int, ...]:
    """The artifacts meeting the constraints whatever their words, best first (none
    without constraints): those meeting every one, or, when an intent asking for free
    finds none, the cheapest meeting the others."""
    if not parsed.constraints:
        return ()
    met = artifacts_meeting(constraints=parsed.constraints, cheapest=parsed.cheapest)
    if not met and _free_asked(parsed):
        # Nothing free does the job: the cheapest that do it come next.
        met = artifacts_meeting(
            constraints=[c for c in parsed.constraints if c.field != "price"], cheapest=True
        )
    return tuple(met)


def intent_parsed(*, intent: str, facts: str | None) -> ParsedIntent:
    """The constraints of an intent, with the catalog's name families under the facts
    version `facts` (None: read fresh)."""
    if not intent:
        return ParsedIntent()
    return intent_parse(intent, names=catalog_families_get(facts=facts))


@dataclass(frozen=True)
class KeptRanking:
    """An intent's ranking as kept between searches, with what tells whether later edits
    could have moved it: the change-journal mark taken before anything in it was read, and
    the corpus statistics it was scored with."""

    version: str  # the catalog version it is exact for (or later)
    mark: JournalMark
    stats: CorpusStats | None
    ranking: Ranking


# More artifacts changed than this since a kept ranking: it is computed again.
MAX_CARRIED_ARTIFACTS = 100


def _scored(
    *, intent: str, terms: list[Term], versions: tuple[str, str] | None, parsed: ParsedIntent
) -> Ranking:
    """Every result of the intent, best first. Kept per intent and applied constraints
    with the catalog version it is exact for, because it depends on nothing else: the
    filters and the page are applied to it afterwards, and the caller records evidence for
    every search, kept or not. At most backends.CANDIDATE_LIMIT capabilities' artifacts plus the
    name matches and the artifacts the constraints alone find.

    After an edit (a new catalog version), a kept ranking is carried forward when the edit
    provably cannot move it (`_moved_by`), and computed again otherwise."""
    if not intent:
        return EMPTY_RANKING
    if versions is None:
        stats = _stats(terms=terms, version=None)
        ranking, _ = _ranking(
            intent=intent,
            terms=terms,
            versions=None,
            parsed=parsed,
            stats=stats,
            met=_constraints_met(parsed),
        )
        return ranking
    applied = " ".join(c.key for c in parsed.constraints)
    key = derived_cache_key(kind="ranking", version="kept", text=f"{intent}\n{applied}")
    with timing_span("ranking") as timing:
        kept = derived_cache_get_many([key]).get(key)
        if kept is not None and kept.version == versions[0]:
            timing.description = "kept for this catalog version"
            return kept.ranking
        changes = (
            catalog_changes_since(mark=kept.mark, limit=MAX_CARRIED_ARTIFACTS)
            if kept is not None
            else None
        )
        # Taken before anything below is read: what changes from here on is seen next time.
        mark = changes.mark if changes is not None else catalog_journal_mark()
        stats = _stats(terms=terms, version=versions[0])
        met = _met_carried(kept=kept, changes=changes, parsed=parsed) if kept is not None else None
        if met is None:
            met = _constraints_met(parsed)
        moved_by = (
            "none kept in this process"
            if kept is None
            else _moved_by(
                kept=kept, changes=changes, stats=stats, met=met, intent=intent, terms=terms
            )
        )
        # The candidates are kept apart from the ranking (thousands of rows), with their
        # own journal mark: read only when the ranking must be computed again, and patched
        # when only some artifacts changed since they were read.
        # "kept2": pickled as plain tuples since 2026-12-01 (KeptCandidates.__reduce__),
        # which code from before cannot read, nor this code theirs (a shared Redis across
        # a rolling deploy): each reads only its own.
        candidates_key = derived_cache_key(kind="candidates", version="kept2", text=key)
        if kept is not None and moved_by is None:
            _kept_store(
                {
                    key: KeptRanking(
                        version=versions[0], mark=mark, stats=stats, ranking=kept.ranking
                    )
                }
            )
            timing.description = "carried past the edits"
            return kept.ranking
        reuse = None
        kept_candidates = derived_cache_get_many([candidates_key]).get(candidates_key)
        if kept_candidates is not None and kept_candidates.mark is not None:
            since = catalog_changes_since(mark=kept_candidates.mark, limit=MAX_CARRIED_ARTIFACTS)
            if since is not None and not (since.ranks or since.tags):
                reuse = CandidateReuse(kept=kept_candidates, edited=since.artifact_ids)
        timing.description = f"computed ({moved_by})"
        ranking, candidates = _ranking(
            intent=intent,
            terms=terms,
            versions=versions,
            parsed=parsed,
            stats=stats,
            met=met,
            reuse=reuse,
            known_capabilities=_met_capabilities_carried(kept=kept, changes=changes),
        )
    kept_values: dict[str, object] = {
        key: KeptRanking(version=versions[0], mark=mark, stats=stats, ranking=ranking)
    }
    if candidates is not None:
        kept_values[candidates_key] = dataclasses.replace(candidates, mark=mark)
    _kept_store(kept_values)
    return ranking


def _kept_store(values: dict[str, object]) -> None:
    """Keep rankings and candidates for the next search, once the page has been sent
    (config/after_response.py): the searcher already has them, and pickling a ranking of
    thousands of rows and its candidates took 20-25 ms of the first search after an edit
    at 100,000 artifacts. Lost, it only costs the next search the computation."""
    after_response(
        functools.partial(derived_cache_set_many, values, timeout=settings.PAGE_CACHE_SECONDS)
    )


def _met_carried(
    *, kept: KeptRanking, changes: JournalChanges | None, parsed: ParsedIntent
) -> tuple[int, ...] | None:
    """The artifacts the constraints alone find, as `kept` found them, when the edits since
    provably leave them so; None: read them again (`_constraints_met`).

    They stay when only some artifacts changed (no ranks: they order the finds), none of
    them was found, and none of them is found now ahead of the last one found (when the
    finds were cut at SUPPLEMENT_LIMIT; when they were not, none is found now at all): the
    database orders the edited artifacts and that last one in one small query, so its own
    collation and NULL placement decide. Why: the finds are read by a query over every
    published artifact (60-80 ms at 100,000 under load), on every ranking of a constraint
    intent after every edit. Intents asking for free are read again: when nothing free is
    found, the finds are of another query (`_constraints_met`)."""
    if not parsed.constraints:
        return ()
    if changes is None or changes.ranks or changes.tags or _free_asked(parsed):
        return None
    edited, found = changes.artifact_ids, kept.ranking.met
    if not edited.isdisjoint(found):
        return None
    cut = len(found) >= SUPPLEMENT_LIMIT
    ordered = artifacts_meeting(
        constraints=parsed.constraints,
        cheapest=parsed.cheapest,
        within=edited | {found[-1]} if cut else edited,
    )
    if not cut:
        return found if not ordered else None
    return found if ordered and ordered[0] == found[-1] else None


def _met_capabilities_carried(
    *, kept: KeptRanking | None, changes: JournalChanges | None
) -> dict[int, tuple[int, ...]]:
    """The constraint capabilities `kept` chose for artifacts the constraints alone found
    that are still exact: those of artifacts the edits since did not touch, unless tag names
    changed. They depend only on the artifact's published capabilities, their modalities
    and tag slugs, and the constraints (the same: they are part of the ranking's key),
    which the journal records under the artifact, or as "tags". Why: reading them again
    for up to SUPPLEMENT_LIMIT artifacts took 30-40 ms of the first search after an edit of
    an artifact it ranks (BENCHMARKS.md)."""
    if kept is None or changes is None or changes.tags:
        return {}
    return {
        artifact_id: capabilities
        for artifact_id, capabilities in kept.ranking.met_capabilities
        if artifact_id not in changes.artifact_ids
    }


def _moved_by(
    *,
    kept: KeptRanking,
    changes: JournalChanges | None,
    stats: CorpusStats | None,
    met: tuple[int, ...],
    intent: str,
    terms: list[Term],
) -> str | None:
    """None when the edits since `kept` leave its ranking exactly as a fresh computation
    would give it, given the corpus statistics and the artifacts the constraints alone
    find (`met`) now; else what may have moved it, in words (the Server-Timing header's).
    They leave it when they changed only some artifacts (no ranks, rates or tag names,
    which the journal records for any number of artifacts), none of them is ranked or
    found by the constraints, the statistics and the constraints' finds are the same, and
    none of them can enter: no published capability of theirs is a word match in the
    ranking's own mode (every term, or any), and no name of theirs is near the intent.
    Equal statistics mean the word-match mode and every other artifact's scores are as
    they were (only the edited artifacts' documents changed), and their facts, rates and
    ranks are untouched.

    Why: the editor's save of one artifact made every intent's next search compute its
    ranking again (0.1-0.7 s at 100,000 artifacts, BENCHMARKS.md); most edits touch an
    artifact most intents never rank."""
    if changes is None:
        return "the journal cannot say what changed"
    if changes.ranks or changes.tags:
        return "ranks or tag names changed"
    if stats != kept.stats:
        return "the term statistics changed"
    if met != kept.ranking.met:
        return "the constraints find other artifacts"
    edited = changes.artifact_ids
    if not edited:
        return None
    if any(row[0] in edited for row in kept.ranking.rows) or not edited.isdisjoint(met):
        return "an edited artifact is ranked"
    backend = backend_get()
    counted, _ = terms_split(terms)
    present = [t for t, df in zip(counted, stats.frequencies, strict=True) if df] if stats else []
    if present and backend.documents_match(
        match_terms=present, match_all=kept.ranking.all_terms, artifact_ids=edited
    ):
        return "an edited artifact's words match"
    if backend.name_matches(text=intent.replace("-", ""), artifact_ids=edited):
        return "an edited artifact's name is near the intent"
    return None


def search_run(
    *,
    query: str,
    kind: str = "",
    pricing: str = "",
    page_number: int | str = 1,
    with_page: bool = True,
    drop: Sequence[str] = (),
    versions: tuple[str, str] | EllipsisType | None = ...,
) -> SearchOutcome:
    """Search published artifacts by intent. Never raises on odd text: every query is
    normalised to letters and digits before it reaches a backend. with_page=False skips
    loading the shown page (for callers that only need the ranking and the evidence).
    drop: keys of parsed constraints not to apply (the chips' links); others are ignored.
    versions: the (catalog, facts) versions to reuse derived data under, as
    `derived_cache_versions()` returns them, for a caller that has read them already;
    None computes everything fresh; left out, they are read here."""
    cleaned = query_clean(query)
    intent = intent_normalise(cleaned)
    terms = query_terms(intent)
    # The catalog version keys the reused ranking and page, the facts version the name
    # families: both in one read of the version store.
    if not intent:
        versions = None
    elif versions is ...:
        versions = derived_cache_versions()
    version, facts = versions if versions is not None else (None, None)
    parsed_all = intent_parsed(intent=intent, facts=facts)
    dropped_keys = set(list(drop)[:MAX_DROPS])
    parsed = parsed_all.without(dropped_keys)
    ranking = _scored(intent=intent, terms=terms, versions=versions, parsed=parsed)
    top = [RankedArtifact._make(row) for row in ranking.rows[:EVIDENCE_RESULTS]]
    evidence = [
        capability_id
        for entry in top
        for capability_id in entry.capability_ids[:EVIDENCE_CAPABILITIES_PER_RESULT]
    ]
    filtered = ranking.filtered(kind=kind, pricing=pricing)
    page = Paginator(filtered, PER_PAGE).get_page(page_wanted(page_number))
    shown = [RankedArtifact._make(row) for row in page.object_list]
    results = (
        _page_results_reused(entries=shown, terms=terms, intent=intent, version=version)
        if with_page
        else []
    )
    return SearchOutcome(
        query=cleaned,
        intent=intent,
        terms=terms,
        kind=kind,
        pricing=pricing,
        total=len(filtered),
        unfiltered_total=len(ranking.rows),
        page=page,
        results=results,
        kind_counts=ranking.kind_counts,
        pricing_counts=ranking.pricing_counts,
        evidence_artifact_ids=[entry.artifact_id for entry in top],
        evidence_capability_ids=evidence,
        constraints=list(parsed.constraints),
        dropped=[c for c in parsed_all.constraints if c.key in dropped_keys],
        constraints_filtered=ranking.constraints_filtered,
        version=version,
    )


def _page_results_reused(
    *, entries: list[RankedArtifact], terms: list[Term], intent: str, version: str | None
) -> list[SearchResult]:
    """The shown page, reused per catalog version like the ranking: its artifacts and
    headlines (two queries and the database's ts_headline work) were about 40% of a warm
    search. Keyed by the intent (which fixes the terms) and the results shown, so any kind,
    pricing or page selection showing the same results shares it."""
    if version is None or not entries:
        return _page_results(entries=entries, terms=terms)
    shown = " ".join(str(entry.artifact_id) for entry in entries)
    key = derived_cache_key(kind="page", version=version, text=f"{intent}\n{shown}")
    results = derived_cache_get_many([key]).get(key)
    if results is None:
        results = _page_results(entries=entries, terms=terms)
        derived_cache_set_many({key: results}, timeout=settings.PAGE_CACHE_SECONDS)
    return results


def _page_results(*, entries: list[RankedArtifact], terms: list[Term]) -> list[SearchResult]:
    """Artifacts and headlines for the shown page only: two queries whatever the total."""
    if not entries:
        return []
    artifacts = Artifact.objects.select_related("vendor").in_bulk([e.artifact_id for e in entries])
    shown = {e.artifact_id: e.capability_ids[:SHOWN_CAPABILITIES] for e in entries}
    # Capabilities shown because they meet the constraints, without the words, come back
    # unmarked.
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
                more_capabilities=max(0, entry.capability_count - len(hits)),
            )
        )
    return results
