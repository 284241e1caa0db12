"""catalog.selectors read in batches where a backend limits a statement's parameters."""

import pytest

from catalog import selectors
from catalog.ranking import breakdown_build
from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db


def test_ranks_of_more_artifacts_than_one_batch_holds_are_all_computed(monkeypatch):
    """The ranks with a given match_graph value, every artifact asked for, however the ids
    are batched (SQLite binds at most 32,766 values per statement)."""
    artifacts = [ArtifactFactory(quality=0.2 * n, adoption=0.5) for n in range(5)]
    monkeypatch.setattr(selectors, "_SQLITE_IDS_PER_QUERY", 2)
    ranks = selectors.artifact_ranks_get(match_graph={a.pk: 0.9 for a in artifacts})
    assert sorted(ranks) == sorted(a.pk for a in artifacts)
    for artifact in artifacts:
        artifact.match_graph = 0.9
        expected = breakdown_build(
            components=selectors.artifact_components_get(artifact=artifact),
            weights=selectors.artifact_weights_get(artifact=artifact),
        )
        assert ranks[artifact.pk].rank == expected.rank
    assert selectors.artifact_ranks_get(match_graph={}) == {}
