"""Laws of the search scoring rules (comparisons/search/scoring.py), as Hypothesis properties.

Each one states something a visitor relies on without seeing it: the order of results does
not depend on the order the database returned candidates in, a name is as similar to a query
as the query is to the name, and a better field match never scores lower.
"""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comparisons.search.scoring import (
    FIELD_WEIGHTS,
    ArtifactInfo,
    CapabilityCandidate,
    NameMatch,
    artifacts_score,
    capability_score,
    idf_compute,
    trigram_similarity,
)

FIELD = st.sampled_from(sorted(FIELD_WEIGHTS))
WORDS = st.text(alphabet="abcdefgh 1.-", max_size=30)


def _info(artifact_id: int) -> ArtifactInfo:
    return ArtifactInfo(kind="model", pricing_model="paid", rank=artifact_id % 3, name="A")


@st.composite
def _candidates(draw) -> tuple[list[CapabilityCandidate], list[int]]:
    terms = draw(st.integers(min_value=1, max_value=3))
    frequencies = draw(st.lists(st.integers(0, 50), min_size=terms, max_size=terms))
    rows = draw(
        st.lists(
            st.tuples(
                st.integers(1, 4),  # artifact
                st.floats(0, 1, allow_nan=False),  # native rank
                st.lists(FIELD, min_size=terms, max_size=terms + 1),  # (+ phrase field)
            ),
            max_size=8,
        )
    )
    candidates = [
        CapabilityCandidate(n, artifact, _info(artifact), native, tuple(fields))
        for n, (artifact, native, fields) in enumerate(rows, 1)
    ]
    return candidates, frequencies


def _order(scored) -> list[tuple[int, float, list[int], float]]:
    return [(a.artifact_id, a.score, a.capability_ids, a.name_similarity) for a in scored]


@given(_candidates(), st.randoms(use_true_random=False), st.floats(0, 1, allow_nan=False))
def test_result_order_does_not_depend_on_candidate_order(data, random, similarity):
    candidates, frequencies = data
    names = [NameMatch(artifact_id=2, artifact=_info(2), similarity=similarity)]
    shuffled = list(candidates)
    random.shuffle(shuffled)
    first = artifacts_score(
        candidates=candidates, document_count=100, frequencies=frequencies, name_matches=names
    )
    second = artifacts_score(
        candidates=shuffled, document_count=100, frequencies=frequencies, name_matches=names
    )
    assert _order(first) == _order(second)


@given(WORDS, WORDS)
def test_name_similarity_is_symmetric_and_a_share(a, b):
    similarity = trigram_similarity(a, b)
    assert similarity == trigram_similarity(b, a)
    assert 0.0 <= similarity <= 1.0


@given(st.text(alphabet="abcdefgh", min_size=1, max_size=20))
def test_a_name_is_fully_similar_to_itself_whatever_its_case(word):
    assert trigram_similarity(word, word.upper()) == 1.0


@given(
    st.lists(st.tuples(FIELD, st.floats(0.01, 10, allow_nan=False)), min_size=1, max_size=4),
    st.data(),
)
def test_a_better_field_never_lowers_a_capability_score(terms, data):
    fields = [f for f, _ in terms]
    idfs = [idf for _, idf in terms]
    which = data.draw(st.integers(0, len(fields) - 1))
    better = data.draw(st.sampled_from([f for f in FIELD_WEIGHTS if f >= fields[which]]))
    raised = [*fields[:which], better, *fields[which + 1 :]]
    assert capability_score(fields=raised, idfs=idfs) >= capability_score(fields=fields, idfs=idfs)


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_a_rarer_term_weighs_more(documents, frequency, more):
    rare = idf_compute(document_count=documents, document_frequency=frequency)
    common = idf_compute(document_count=documents, document_frequency=frequency + more)
    assert rare > 0
    assert (rare > common) if more else (rare == common)


# ---- exact values the example tests left open (each kills a mutant mutmut reported) ----


def _artifact_scores(candidates=(), frequencies=(), names=()):
    return artifacts_score(
        candidates=list(candidates),
        document_count=9,
        frequencies=list(frequencies),
        name_matches=list(names),
    )


def test_one_term_found_in_every_document_still_scores():
    # The lightest possible idf, log 2 < 1, on its own: a title match is still a full match.
    lightest = idf_compute(document_count=9, document_frequency=9)
    assert lightest == pytest.approx(math.log(2))
    assert capability_score(fields=(3,), idfs=(lightest,)) == 1.0


def test_fields_and_idfs_must_pair_up():
    with pytest.raises(ValueError):
        capability_score(fields=(3,), idfs=(1.0, 1.0))


def test_the_phrase_column_after_the_counted_terms_adds_its_bonus():
    scored = _artifact_scores(
        candidates=[CapabilityCandidate(1, 10, _info(10), 0.5, (3, 3, 2))], frequencies=[4, 4]
    )
    assert scored[0].score == 1.3  # both terms in the title, the phrase in the description


def test_scores_are_kept_to_fixed_digits():
    # One of three equally rare terms in the title: 1/3, stored to 9 digits, shown to 6.
    scored = _artifact_scores(
        candidates=[CapabilityCandidate(1, 10, _info(10), 0.5, (3, 0, 0))], frequencies=[1, 1, 1]
    )
    assert scored[0].capabilities == [(0.333333333, 0.5, 1)]
    assert scored[0].score == 0.333333
    by_name = _artifact_scores(
        names=[NameMatch(artifact_id=3, artifact=_info(3), similarity=1 / 3)]
    )
    assert (by_name[0].name_similarity, by_name[0].score) == (0.3333, 0.3333)


def test_a_weak_name_match_does_not_hide_the_next_one():
    scored = _artifact_scores(
        names=[
            NameMatch(artifact_id=1, artifact=_info(1), similarity=0.1),
            NameMatch(artifact_id=2, artifact=_info(2), similarity=0.5),
        ]
    )
    assert [(a.artifact_id, a.score) for a in scored] == [(2, 0.5)]


def test_a_name_match_joins_the_artifact_found_by_its_capabilities():
    scored = _artifact_scores(
        candidates=[CapabilityCandidate(1, 10, _info(10), 0.5, (3,))],
        frequencies=[4],
        names=[NameMatch(artifact_id=10, artifact=_info(10), similarity=0.5)],
    )
    assert [(a.artifact_id, a.score, a.capability_ids) for a in scored] == [(10, 1.5, [1])]


@pytest.mark.parametrize(
    ("rows", "order"),
    [
        # Higher score first, whatever the backend's own rank says.
        ([(1, 0.9, (2,)), (2, 0.1, (3,))], [2, 1]),
        # Equal scores: the backend's rank decides, higher first...
        ([(1, 0.2, (3,)), (2, 0.8, (3,))], [2, 1]),
        ([(2, 0.2, (3,)), (1, 0.8, (3,))], [1, 2]),
        # ...and equal both: the lower capability id first.
        ([(2, 0.5, (3,)), (1, 0.5, (3,))], [1, 2]),
    ],
)
def test_capabilities_under_a_result_best_first(rows, order):
    candidates = [CapabilityCandidate(cid, 10, _info(10), native, f) for cid, native, f in rows]
    scored = _artifact_scores(candidates=candidates, frequencies=[4])
    assert scored[0].capability_ids == order
