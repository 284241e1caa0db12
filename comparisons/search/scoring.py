"""How search results are ranked: pure functions shared by both backends.

A backend finds candidate capabilities and reports, for each query term, the strongest
field group the term (or one of its alternatives) occurs in. The score is computed here,
identically for PostgreSQL and SQLite, so both backends order results the same way:

    capability score = sum over terms of idf(term) * field weight  /  sum of idf(terms)
                       + PHRASE_BONUS * field weight of the whole query as a phrase
    artifact text score = best capability score + SECOND_CAPABILITY_SHARE * second best
    artifact score = text score + NAME_WEIGHT * name similarity (trigram, when >= threshold)

Ties go to the higher UnfragileRank, then the name. The backend's own relevance
(SearchRank or bm25) orders the matching capabilities shown under one result.
"""

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

# Field groups as reported by backends: 3 = title or tags, 2 = description,
# 1 = "unique" or "best for" text, 0 = not present.
FIELD_WEIGHTS: Mapping[int, float] = {3: 1.0, 2: 0.6, 1: 0.35, 0: 0.0}
SECOND_CAPABILITY_SHARE = 0.15
# Added (times the field weight) when a capability contains the whole query as a phrase.
PHRASE_BONUS = 0.5
NAME_WEIGHT = 1.0
# pg_trgm's default threshold for the % operator.
NAME_SIMILARITY_THRESHOLD = 0.3


class ArtifactInfo(NamedTuple):
    """What ordering and filtering need to know about a result, read with the candidates."""

    kind: str
    pricing_model: str
    rank: int
    name: str


class CapabilityCandidate(NamedTuple):
    """One matching capability as a backend read it. A named tuple, not a dataclass: the
    candidates of a ranking are kept in the derived cache, which pickles them (as plain
    tuples: service.KeptCandidates.__reduce__), and rebuilding 2,878 frozen dataclasses
    from those took twice as long as named tuples."""

    capability_id: int
    artifact_id: int
    artifact: ArtifactInfo
    native_rank: float
    # One field group (0-3) per query term, in term order.
    fields: tuple[int, ...]
    # The engine's relevance as its query ordered by (unrounded, higher first; the order
    # is this, then capability_id): what merging a kept candidate list with fresh rows
    # must sort by to give the query's own order (service._candidates_patched).
    order_rank: float = 0.0
    # The match graph's smoothed chosen-result rate of the capability (None: none yet),
    # read with it so that the prior costs no query of its own (service._with_prior).
    success_rate: float | None = None


@dataclass(frozen=True)
class NameMatch:
    artifact_id: int
    artifact: ArtifactInfo
    similarity: float


@dataclass
class ArtifactScore:
    artifact_id: int
    artifact: ArtifactInfo
    score: float = 0.0
    name_similarity: float = 0.0
    # (capability score, native rank, capability id), best first.
    capabilities: list[tuple[float, float, int]] = field(default_factory=list)

    @property
    def capability_ids(self) -> list[int]:
        return [c[2] for c in self.capabilities]


def idf_compute(*, document_count: int, document_frequency: int) -> float:
    """Smoothed inverse document frequency: rare terms weigh more, never below 0."""
    return math.log(1 + (document_count + 1) / (document_frequency + 1))


def capability_score(
    *, fields: Sequence[int], idfs: Sequence[float], phrase_field: int = 0
) -> float:
    total = sum(idfs)
    if total <= 0:
        return 0.0
    coverage = sum(idf * FIELD_WEIGHTS[f] for f, idf in zip(fields, idfs, strict=True)) / total
    return coverage + PHRASE_BONUS * FIELD_WEIGHTS[phrase_field]


def artifacts_score(
    *,
    candidates: Iterable[CapabilityCandidate],
    document_count: int,
    frequencies: Sequence[int],
    name_matches: Iterable[NameMatch],
) -> list[ArtifactScore]:
    """Artifacts from capability candidates and name matches, best first.

    frequencies: per counted term, how many published capabilities contain it (for idf).
    A candidate's fields may hold one more entry than frequencies: the phrase bonus term.
    Name matches below the threshold are ignored.
    """
    idfs = [idf_compute(document_count=document_count, document_frequency=df) for df in frequencies]
    counted = len(idfs)
    by_artifact: dict[int, ArtifactScore] = {}
    # A capability's score depends on its field groups alone, and thousands of candidates
    # share a few dozen of them: each is computed once.
    scores: dict[tuple[int, ...], float] = {}
    for row in candidates:
        score = scores.get(row.fields)
        if score is None:
            phrase_field = row.fields[counted] if len(row.fields) > counted else 0
            score = scores[row.fields] = round(
                capability_score(fields=row.fields[:counted], idfs=idfs, phrase_field=phrase_field),
                9,
            )
        if score <= 0:
            continue
        entry = by_artifact.get(row.artifact_id)
        if entry is None:
            entry = by_artifact[row.artifact_id] = ArtifactScore(
                artifact_id=row.artifact_id, artifact=row.artifact
            )
        entry.capabilities.append((score, row.native_rank, row.capability_id))
    for match in name_matches:
        if match.similarity < NAME_SIMILARITY_THRESHOLD:
            continue
        entry = by_artifact.setdefault(
            match.artifact_id, ArtifactScore(artifact_id=match.artifact_id, artifact=match.artifact)
        )
        entry.name_similarity = round(match.similarity, 4)
    for entry in by_artifact.values():
        entry.capabilities.sort(key=lambda c: (-c[0], -c[1], c[2]))
        best = [c[0] for c in entry.capabilities[:2]] + [0.0, 0.0]
        text = best[0] + SECOND_CAPABILITY_SHARE * best[1]
        entry.score = round(text + NAME_WEIGHT * entry.name_similarity, 6)
    return sorted(
        by_artifact.values(),
        key=lambda a: (-a.score, -a.artifact.rank, a.artifact.name.casefold(), a.artifact_id),
    )


# ---- trigram similarity, as PostgreSQL's pg_trgm computes it --------------------------

_TRIGRAM_WORD = re.compile(r"[^\W_]+")


def trigrams(text: str) -> set[str]:
    """pg_trgm's trigrams: each lower-cased word padded with two spaces before, one after."""
    result: set[str] = set()
    for word in _TRIGRAM_WORD.findall(text.lower()):
        padded = f"  {word} "
        result.update(padded[i : i + 3] for i in range(len(padded) - 2))
    return result


def trigram_similarity(a: str, b: str) -> float:
    """Shared trigrams over all distinct trigrams of both, like pg_trgm's similarity()."""
    ta, tb = trigrams(a), trigrams(b)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)
