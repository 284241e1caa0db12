"""The search backends' candidates (comparisons/search/backends.py), asked for the whole
catalog or for some artifacts only, as a ranking patched after an edit asks them. Runs on
SQLite and on PostgreSQL."""

import pytest

from comparisons.search import backends
from comparisons.search.backends import backend_get
from comparisons.search.normalise import Term
from tests.factories import ArtifactFactory, CapabilityFactory

ZORBLAT = Term(word="zorblat", alternatives=())
HELPER = Term(word="helper", alternatives=())


def _ids(candidates) -> list[tuple[int, int]]:
    return [(c.artifact_id, c.capability_id) for c in candidates]


@pytest.fixture
def artifacts() -> list:
    """Five artifacts with "zorblat" in one or two capabilities, one without it."""
    found = []
    for i in range(5):
        artifact = ArtifactFactory()
        CapabilityFactory(artifact=artifact, title=f"Zorblat helper {i}")
        if i % 2:
            CapabilityFactory(artifact=artifact, title="Zorblat twice over")
        found.append(artifact)
    CapabilityFactory(title="Quixotic widget")
    return found


@pytest.mark.django_db
@pytest.mark.parametrize("match_all", [True, False])
def test_the_candidates_of_some_artifacts_are_theirs_among_every_candidate(
    artifacts, match_all, django_assert_num_queries
):
    backend = backend_get()
    ask = {"terms": [ZORBLAT, HELPER], "match_terms": [ZORBLAT, HELPER], "match_all": match_all}
    every = _ids(backend.candidates(**ask))
    assert {artifact_id for artifact_id, _ in every} == {a.pk for a in artifacts}
    # One set of artifacts, then another: a statement reused with other ids asks for those.
    for chosen in ({artifacts[1].pk, artifacts[4].pk}, {artifacts[0].pk}):
        some = _ids(backend.candidates(**ask, artifact_ids=chosen))
        assert some == [(a, c) for a, c in every if a in chosen]
    # No artifact named (the version moved with none: a vendor without artifacts saved).
    with django_assert_num_queries(0):
        assert backend.candidates(**ask, artifact_ids=set()) == []


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_builds_the_candidates_statement_once_per_match(artifacts):
    backend = backend_get()
    backends._candidates_statement.cache_clear()
    for chosen in ({artifacts[1].pk}, {artifacts[2].pk, artifacts[3].pk}):
        backend.candidates(
            terms=[ZORBLAT], match_terms=[ZORBLAT], match_all=True, artifact_ids=chosen
        )
    backend.candidates(terms=[ZORBLAT], match_terms=[ZORBLAT], match_all=True)
    info = backends._candidates_statement.cache_info()
    # One statement for the match, whichever artifacts are asked about.
    assert (info.misses, info.hits) == (1, 2)


@pytest.mark.django_db
def test_whole_counts_of_a_term_no_document_holds_are_empty(artifacts):
    """Counted over every document: eight capabilities, "zorblat" in seven, "nowhere" in
    none, which has no bucket at all."""
    nowhere = Term(word="nowhere", alternatives=(), prefix=True)
    counts = backend_get().document_counts(
        terms=[None, ZORBLAT, nowhere], buckets=backends.Buckets(width=1_000_000)
    )
    assert [sum(c.values()) for c in counts] == [8, 7, 0]
    assert counts[2] == {}
