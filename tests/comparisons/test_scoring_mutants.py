"""Laws of the search scoring rules (comparisons/search/scoring.py), as Hypothesis properties.

Each one states something a visitor relies on without seeing it: the order of results does
not depend on the order the database returned candidates in, a name is as similar to a query
as the query is to the name, and a better field match never scores lower.
"""

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
