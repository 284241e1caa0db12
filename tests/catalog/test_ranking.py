"""The score as pure functions: no database."""

from datetime import date, timedelta

import pytest

from catalog.models import ArtifactKind
from catalog.ranking import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    DEFAULT_WEIGHTS_BY_KIND,
    PopularityInputs,
    QualityInputs,
    Weights,
    adoption_compute,
    breakdown_build,
    ecosystem_compute,
    freshness_compute,
    quality_checklist,
    quality_compute,
    rank_compute,
    scores_compute,
    weights_for_kind,
)

ALL_ONE = dict.fromkeys(COMPONENTS, 1.0)
TODAY = date(2026, 11, 26)


def test_all_components_full_gives_100():
    assert rank_compute(components=ALL_ONE, weights=DEFAULT_WEIGHTS) == 100


def test_all_components_missing_gives_0_and_stay_missing():
    breakdown = breakdown_build(components={}, weights=DEFAULT_WEIGHTS)
    assert breakdown.rank == 0
    assert breakdown.missing == list(COMPONENTS)
    assert all(not c.has_data for c in breakdown)


def test_missing_component_counts_as_zero_but_is_not_zero():
    with_zero = breakdown_build(components={**ALL_ONE, "ecosystem": 0.0}, weights=DEFAULT_WEIGHTS)
    missing = breakdown_build(components={**ALL_ONE, "ecosystem": None}, weights=DEFAULT_WEIGHTS)
    assert with_zero.rank == missing.rank == 90
    assert with_zero.get("ecosystem").has_data
    assert with_zero.get("ecosystem").value == 0.0
    assert not missing.get("ecosystem").has_data
    assert missing.missing == ["ecosystem"]


def test_weighted_average_matches_the_published_formula():
    components = {
        "adoption": 0.4,
        "quality": 0.8,
        "ecosystem": 0.5,
        "match_graph": 0.1,
        "freshness": 1,
    }
    # 100 * (0.25*0.4 + 0.25*0.8 + 0.10*0.5 + 0.25*0.1 + 0.15*1) = 52.5, rounded half up
    assert rank_compute(components=components, weights=DEFAULT_WEIGHTS) == 53


def test_weights_that_do_not_sum_to_one_are_normalised():
    doubled = Weights(adoption=0.5, quality=0.5, ecosystem=0.2, match_graph=0.5, freshness=0.3)
    components = {
        "adoption": 0.3,
        "quality": 0.9,
        "ecosystem": 0.2,
        "match_graph": 0.6,
        "freshness": 0.5,
    }
    assert rank_compute(components=components, weights=doubled) == rank_compute(
        components=components, weights=DEFAULT_WEIGHTS
    )
    lopsided = Weights(adoption=3, quality=1, ecosystem=0, match_graph=0, freshness=0)
    assert rank_compute(components={"adoption": 1.0, "quality": 0.0}, weights=lopsided) == 75


def test_ties_give_equal_ranks_and_half_rounds_up():
    a = rank_compute(components={"quality": 0.5}, weights=DEFAULT_WEIGHTS)
    b = rank_compute(components={"adoption": 0.5}, weights=DEFAULT_WEIGHTS)
    assert a == b == 13  # 12.5 rounds up, not to even


def test_breakdown_contributions_add_up_to_the_rank():
    components = {
        "adoption": 0.3,
        "quality": 0.9,
        "ecosystem": None,
        "match_graph": 0.6,
        "freshness": 0.5,
    }
    breakdown = breakdown_build(components=components, weights=DEFAULT_WEIGHTS)
    assert sum(c.contribution for c in breakdown) == pytest.approx(52.5)
    assert breakdown.rank == 53
    assert sum(c.max_contribution for c in breakdown) == pytest.approx(100)


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_components_outside_unit_interval_are_rejected(bad):
    with pytest.raises(ValueError):
        rank_compute(components={"quality": bad}, weights=DEFAULT_WEIGHTS)


@pytest.mark.parametrize(
    "weights",
    [dict(adoption=-1), dict(adoption=0, quality=0, ecosystem=0, match_graph=0, freshness=0)],
)
def test_invalid_weights_are_rejected(weights):
    with pytest.raises(ValueError):
        Weights(**weights)


@pytest.mark.parametrize("kind", ArtifactKind.values)
def test_every_kind_has_valid_default_weights(kind):
    weights = weights_for_kind(kind=kind)
    assert weights is DEFAULT_WEIGHTS_BY_KIND[kind]
    assert weights.total == pytest.approx(1.0)
    assert rank_compute(components=ALL_ONE, weights=weights) == 100


def test_kind_defaults_follow_the_design():
    model = weights_for_kind(kind="model")
    assert (model.adoption, model.quality, model.ecosystem) == (0.25, 0.25, 0.10)
    assert (model.match_graph, model.freshness) == (0.25, 0.15)
    assert weights_for_kind(kind="library").ecosystem > weights_for_kind(kind="model").ecosystem


def test_editor_weights_override_defaults():
    custom = Weights(adoption=1, quality=0, ecosystem=0, match_graph=0, freshness=0)
    assert weights_for_kind(kind="model", overrides={"model": custom}) is custom
    assert weights_for_kind(kind="app", overrides={"model": custom}) is DEFAULT_WEIGHTS


def test_adoption_is_log_scaled_within_kind():
    scores = adoption_compute(
        inputs={
            1: PopularityInputs(kind="model", likes=10_000),
            2: PopularityInputs(kind="model", likes=100),
            3: PopularityInputs(kind="library", stars=50),
            4: PopularityInputs(kind="model"),
        }
    )
    assert scores[1] == 1.0
    assert 0.4 < scores[2] < 0.6  # log scale: 100 is half of 10,000
    assert scores[3] == 1.0  # the best of its own kind
    assert scores[4] is None


def test_ecosystem_without_data_is_none_and_zero_group_is_zero():
    scores = ecosystem_compute(integrations={1: ("app", None), 2: ("app", 0), 3: ("api", 0)})
    assert scores == {1: None, 2: 0.0, 3: 0.0}


def test_freshness_decays_by_half_each_year():
    assert freshness_compute(last_activity=TODAY, today=TODAY) == 1.0
    assert freshness_compute(last_activity=TODAY - timedelta(days=365), today=TODAY) == 0.5
    assert freshness_compute(last_activity=None, today=TODAY) is None
    assert freshness_compute(last_activity=TODAY + timedelta(days=3), today=TODAY) == 1.0


def test_quality_checklist():
    empty = QualityInputs()
    assert quality_compute(inputs=empty, today=TODAY) == 0.0
    complete = QualityInputs(
        summary="x" * 80, homepage="https://a", docs_url="https://b", license="MIT",
        price_known=True, release_date=TODAY, last_reviewed_at=TODAY,
        capability_count=4, capabilities_explained=4, capabilities_tagged=4,
    )  # fmt: skip
    assert quality_compute(inputs=complete, today=TODAY) == 1.0
    stale = QualityInputs(**{**complete.__dict__, "last_reviewed_at": TODAY - timedelta(days=400)})
    failed = [i.key for i in quality_checklist(inputs=stale, today=TODAY) if not i.passed]
    assert failed == ["reviewed"]


def test_scores_compute_for_a_catalog():
    base = dict(
        stars=None, downloads=None, likes=None, integrations=None, match_graph=None,
        release_date=None, last_reviewed_at=None, quality=QualityInputs(),
    )  # fmt: skip
    rows = [
        {**base, "id": 1, "kind": "model", "likes": 1000, "release_date": TODAY},
        {**base, "id": 2, "kind": "model"},
    ]
    results = scores_compute(artifacts=rows, weights_by_kind=None, today=TODAY)
    assert results[1].components["adoption"] == 1.0
    assert results[1].rank == 40  # 0.25 adoption + 0.15 freshness
    assert results[2].components["adoption"] is None
    assert results[2].rank == 0
