"""The home page's featured comparisons: editors' picks, then evidence varied across jobs."""

import pytest

from comparisons.compare.pairs import PairLink, featured_pairs_get, pairs_by_job_diversified
from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    PairEvidenceFactory,
    TagFactory,
)


def link(a: str, b: str) -> PairLink:
    return PairLink(a.upper(), a, b.upper(), b, basis="")


def keys(links: list[PairLink]) -> list[tuple[str, str]]:
    return [item.key for item in links]


def test_one_pair_per_job_before_a_second_of_any_job():
    candidates = [
        (link("a", "b"), "speech"),
        (link("c", "d"), "speech"),
        (link("e", "f"), "speech"),
        (link("g", "h"), "images"),
        (link("i", "j"), "chat"),
    ]
    chosen = pairs_by_job_diversified(first=[], candidates=candidates, limit=4)
    assert keys(chosen) == [("a", "b"), ("g", "h"), ("i", "j"), ("c", "d")]


def test_editors_picks_come_first_and_their_job_counts_as_shown():
    pick = link("p", "q")
    candidates = [(pick, "images"), (link("a", "b"), "images"), (link("c", "d"), "chat")]
    chosen = pairs_by_job_diversified(first=[pick], candidates=candidates, limit=3)
    assert keys(chosen) == [("p", "q"), ("c", "d"), ("a", "b")]


def test_a_new_job_without_repeating_an_artifact_wins_over_a_new_job_alone():
    candidates = [
        (link("a", "b"), "speech"),
        (link("a", "c"), "images"),  # new job, but "a" is already shown
        (link("d", "e"), "chat"),
    ]
    chosen = pairs_by_job_diversified(first=[], candidates=candidates, limit=3)
    assert keys(chosen) == [("a", "b"), ("d", "e"), ("a", "c")]


def test_unknown_jobs_never_block_each_other_and_the_limit_holds():
    candidates = [(link("a", "b"), ""), (link("c", "d"), ""), (link("e", "f"), "")]
    assert keys(pairs_by_job_diversified(first=[], candidates=candidates, limit=2)) == [
        ("a", "b"),
        ("c", "d"),
    ]
    assert pairs_by_job_diversified(first=[], candidates=candidates, limit=0) == []
    assert pairs_by_job_diversified(first=[link("x", "y")], candidates=[], limit=1) == [
        link("x", "y")
    ]


@pytest.mark.django_db
def test_home_pairs_vary_across_jobs_by_shared_tags(django_assert_max_num_queries):
    speech, images = TagFactory(slug="speech-to-text"), TagFactory(slug="image-generation")
    ears = [ArtifactFactory(slug=f"ear-{n}") for n in range(4)]
    eyes = [ArtifactFactory(slug=f"eye-{n}") for n in range(2)]
    for artifact in ears:
        CapabilityFactory(artifact=artifact, tags=[speech])
    for artifact in eyes:
        CapabilityFactory(artifact=artifact, tags=[images])
    PairEvidenceFactory(artifact_a=ears[0], artifact_b=ears[1], times_both_matched=90)
    PairEvidenceFactory(artifact_a=ears[2], artifact_b=ears[3], times_both_matched=80)
    PairEvidenceFactory(artifact_a=eyes[0], artifact_b=eyes[1], times_both_matched=10)
    pick_a, pick_b = ArtifactFactory(slug="pick-a"), ArtifactFactory(slug="pick-b")
    ComparisonOverrideFactory(artifact_a=pick_a, artifact_b=pick_b, featured=True)

    # Overrides, exclusions, the evidence pool and its artifacts, tags, jobs.
    with django_assert_max_num_queries(6):
        chosen = featured_pairs_get(limit=3)
    assert keys(chosen) == [("pick-a", "pick-b"), ("ear-0", "ear-1"), ("eye-0", "eye-1")]
