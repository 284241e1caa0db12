"""The score as pure functions: no database."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import ArtifactKind
from catalog.ranking import (
    COMPONENTS,
    DEFAULT_WEIGHTS_BY_KIND,
    REGISTRY,
    BoardPosition,
    CoverageInputs,
    Estimate,
    ScoreInputs,
    Weights,
    adoption_compute,
    breakdown_build,
    coverage_checklist,
    ecosystem_compute,
    freshness_value,
    job_infer,
    quality_compute,
    ranges_overlap,
    rank_compute,
    rank_is_provisional,
    reviewed_recently,
    scores_compute,
    weights_for_kind,
)

ALL_ONE = dict.fromkeys(COMPONENTS, 1.0)
TODAY = date(2026, 11, 26)
EVEN = Weights(**dict.fromkeys(COMPONENTS, 1.0))


# --- the registry ---------------------------------------------------------------------------


def test_registry_declares_each_component_once_with_everything_pages_need():
    names = [c.name for c in REGISTRY]
    assert len(names) == len(set(names)) == len(COMPONENTS)
    for component in REGISTRY:
        assert component.label and component.methodology and component.source
        assert callable(component.compute)


@pytest.mark.parametrize("kind", ArtifactKind.values)
def test_every_kind_has_default_weights_that_sum_to_one(kind):
    weights = weights_for_kind(kind=kind)
    assert weights == DEFAULT_WEIGHTS_BY_KIND[kind]
    assert weights.total == pytest.approx(1.0)
    assert rank_compute(components=ALL_ONE, weights=weights) == 100


def test_quality_weighs_most_for_models_and_nothing_where_no_board_exists():
    model = weights_for_kind(kind="model")
    assert model.quality == 0.5
    assert max(model.as_dict().values()) == model.quality
    assert weights_for_kind(kind="app").quality == 0.0
    assert weights_for_kind(kind="library").ecosystem > weights_for_kind(kind="model").ecosystem


def test_editor_weights_override_defaults_for_their_kind_only():
    custom = Weights(adoption=1)
    assert weights_for_kind(kind="model", overrides={"model": custom}) is custom
    assert (
        weights_for_kind(kind="app", overrides={"model": custom}) == DEFAULT_WEIGHTS_BY_KIND["app"]
    )


@pytest.mark.parametrize(
    "weights", [dict(adoption=-1), dict.fromkeys(COMPONENTS, 0), dict(popularity=1)]
)
def test_invalid_weights_are_rejected(weights):
    with pytest.raises(ValueError):
        Weights(**weights)


# --- the rank: renormalised over what is known -------------------------------------------


def test_all_components_full_gives_100_and_a_point_range():
    breakdown = breakdown_build(components=ALL_ONE, weights=EVEN)
    assert (breakdown.rank, breakdown.rank_low, breakdown.rank_high) == (100, 100, 100)
    assert breakdown.coverage_text == "from 5 of 5 inputs"
    assert not breakdown.provisional


def test_unknown_is_left_out_not_counted_as_zero():
    missing = breakdown_build(components={**ALL_ONE, "ecosystem": None}, weights=EVEN)
    zero = breakdown_build(components={**ALL_ONE, "ecosystem": 0.0}, weights=EVEN)
    assert missing.rank == 100  # renormalised over the four known inputs
    assert zero.rank == 80
    assert missing.coverage_text == "from 4 of 5 inputs"
    # The range: ecosystem at 0 gives 80, at 1 gives 100.
    assert (missing.rank_low, missing.rank_high) == (80, 100)
    assert (zero.rank_low, zero.rank_high) == (80, 80)


def test_weighted_average_over_known_components_matches_the_published_formula():
    weights = Weights(adoption=0.2, quality=0.5, ecosystem=0.05, match_graph=0.15, freshness=0.1)
    components = {"adoption": 0.4, "quality": 0.8, "ecosystem": None, "match_graph": 0.1}
    # known weight 0.85; sum = 0.08 + 0.40 + 0.015 = 0.495 -> 58.235... -> 58
    breakdown = breakdown_build(components=components, weights=weights)
    assert breakdown.rank == 58
    # low: 0.495 / 1 = 49.5 -> 50 (half up); high: (0.495 + 0.15) = 64.5 -> 65
    assert (breakdown.rank_low, breakdown.rank_high) == (50, 65)
    assert breakdown.known_share == pytest.approx(0.85)


def test_half_rounds_up_not_to_even():
    assert rank_compute(components={"adoption": 0.125}, weights=EVEN) == 13


def test_nothing_known_is_rank_0_provisional_with_the_full_range():
    breakdown = breakdown_build(components={}, weights=EVEN)
    assert (breakdown.rank, breakdown.rank_low, breakdown.rank_high) == (0, 0, 100)
    assert breakdown.provisional
    assert breakdown.coverage_text == "from 0 of 5 inputs"


def test_a_weight_zero_component_is_not_an_input():
    weights = Weights(adoption=1, quality=0, ecosystem=1, match_graph=1, freshness=1)
    breakdown = breakdown_build(components={**ALL_ONE, "quality": None}, weights=weights)
    assert breakdown.coverage_text == "from 4 of 4 inputs"
    assert breakdown.rank_high == breakdown.rank_low == 100


def test_quality_interval_widens_the_range():
    components = {**ALL_ONE, "quality": Estimate(0.5, 0.4, 0.6)}
    breakdown = breakdown_build(components=components, weights=EVEN)
    assert breakdown.rank == 90
    assert (breakdown.rank_low, breakdown.rank_high) == (88, 92)


@pytest.mark.parametrize(
    ("known_share", "provisional"),
    [(0.49, True), (0.4999, True), (0.5, False), (0.5001, False), (0.51, False)],
)
def test_provisional_below_half_the_weight_known(known_share, provisional):
    assert rank_is_provisional(known_share=known_share) is provisional


def test_provisional_boundary_through_the_breakdown():
    weights = Weights(adoption=1, quality=1, ecosystem=1, match_graph=1)
    assert not breakdown_build(
        components={"adoption": 1, "quality": 1}, weights=weights
    ).provisional
    assert breakdown_build(components={"adoption": 1}, weights=weights).provisional


@pytest.mark.parametrize("bad", [-0.1, 1.5, float("nan")])
def test_components_outside_unit_interval_are_rejected(bad):
    with pytest.raises(ValueError):
        rank_compute(components={"quality": bad}, weights=EVEN)


def test_an_interval_that_does_not_hold_its_value_is_rejected():
    with pytest.raises(ValueError):
        rank_compute(components={"quality": Estimate(0.5, 0.6, 0.7)}, weights=EVEN)


@pytest.mark.parametrize(
    ("a", "b", "overlap"),
    [((10, 20), (20, 30), True), ((10, 19), (20, 30), False), ((10, 21), (20, 30), True),
     ((25, 26), (20, 30), True), ((31, 40), (20, 30), False)],
)  # fmt: skip
def test_ranges_overlap_at_the_boundary(a, b, overlap):
    assert ranges_overlap(a=a, b=b) is overlap
    assert ranges_overlap(a=b, b=a) is overlap


# --- properties (Hypothesis) -----------------------------------------------------------------

unit = st.floats(min_value=0, max_value=1, allow_nan=False)
maybe = st.one_of(st.none(), unit)
weights_st = st.fixed_dictionaries(
    {c: st.floats(min_value=0, max_value=5, allow_nan=False) for c in COMPONENTS}
).filter(lambda w: sum(w.values()) > 0.01)
components_st = st.fixed_dictionaries({c: maybe for c in COMPONENTS})


@given(components=components_st, raw_weights=weights_st, name=st.sampled_from(COMPONENTS),
       delta=unit)  # fmt: skip
def test_rank_is_monotone_in_each_known_component(components, raw_weights, name, delta):
    weights = Weights(**raw_weights)
    base = components[name] if components[name] is not None else 0.0
    lower = {**components, name: base * (1 - delta)}
    higher = {**components, name: base + (1 - base) * delta}
    assert rank_compute(components=lower, weights=weights) <= rank_compute(
        components=higher, weights=weights
    )


@given(components=components_st, raw_weights=weights_st, name=st.sampled_from(COMPONENTS))
def test_learning_an_unknown_never_moves_the_rank_the_wrong_way(components, raw_weights, name):
    weights = Weights(**raw_weights)
    unknown = {**components, name: None}
    before = breakdown_build(components=unknown, weights=weights)
    best = breakdown_build(components={**unknown, name: 1.0}, weights=weights)
    worst = breakdown_build(components={**unknown, name: 0.0}, weights=weights)
    if before.known_share > 0:
        assert best.rank >= before.rank
        assert worst.rank <= before.rank
    # The range only ever narrows, and the rank stays inside it.
    for after in (best, worst):
        assert before.rank_low <= after.rank_low <= after.rank <= after.rank_high
        assert after.rank_high <= before.rank_high


# --- components from raw inputs ----------------------------------------------------------


def _row(id: int, kind: str = "model", job: str = "text", **kw) -> ScoreInputs:
    return ScoreInputs(id=id, kind=kind, job=job, **kw)


def test_adoption_is_log_scaled_within_kind_and_job():
    scores = adoption_compute(
        inputs=[
            _row(1, likes=10_000),
            _row(2, likes=100),
            _row(3, kind="library", job="", stars=50),
            _row(4),
            _row(5, job="image", likes=10),
        ],
        today=TODAY,
    )
    assert scores[1].value == 1.0
    assert scores[2].value == pytest.approx(0.5011, abs=1e-3)  # log1p(100)/log1p(10,000)
    assert scores[3].value == 1.0  # the best of its own kind
    assert scores[4] is None
    assert scores[5].value == 1.0  # the best image model, not compared with text models


def test_editor_usage_facts_are_adoption_signals():
    scores = adoption_compute(
        inputs=[
            _row(1, kind="app", job="", usage={"weekly_users": 800e6}),
            _row(2, kind="app", job="", usage={"weekly_users": 8e6}, stars=10),
            _row(3, kind="app", job="", stars=1000),
        ],
        today=TODAY,
    )
    assert scores[1].value == 1.0
    # weekly users log1p(8e6)/log1p(8e8) = 0.77536, stars log1p(10)/log1p(1000) = 0.34708
    assert scores[2].value == pytest.approx((0.77536 + 0.34708) / 2, abs=1e-5)
    assert scores[3].value == 1.0


def test_ecosystem_without_data_is_none_and_zero_group_is_zero():
    scores = ecosystem_compute(
        inputs=[_row(1, kind="app", job=""), _row(2, kind="app", job="", integrations=0),
                _row(3, kind="api", job="", integrations=0)],
        today=TODAY,
    )  # fmt: skip
    assert scores == {1: None, 2: Estimate.exact(0.0), 3: Estimate.exact(0.0)}


def test_quality_reads_the_board_that_fits_the_job():
    boards = (
        BoardPosition("text", "full", 0.9, 0.85, 0.95),
        BoardPosition("text", "coding", 0.6, 0.5, 0.7),
        BoardPosition("image", "full", 0.3, 0.2, 0.4),
    )
    scores = quality_compute(
        inputs=[
            _row(1, boards=boards),
            _row(2, job="code", boards=boards),
            _row(3, job="image", boards=boards),
            _row(4, job="speech", boards=boards),
            _row(5, kind="app", job="", boards=boards),
            _row(6, job="vision", boards=boards),
        ],
        today=TODAY,
    )
    assert scores[1] == Estimate(0.9, 0.85, 0.95)
    assert scores[2] == Estimate(0.6, 0.5, 0.7)
    assert scores[3] == Estimate(0.3, 0.2, 0.4)
    assert scores[4] is None  # no speech board
    assert scores[5] is None  # apps are not on model boards
    assert scores[6] is None  # no vision entry for this model


def test_freshness_decays_by_half_each_year():
    assert freshness_value(release_date=TODAY, last_reviewed_at=None, today=TODAY) == 1.0
    year_ago = TODAY - timedelta(days=365)
    assert freshness_value(release_date=year_ago, last_reviewed_at=None, today=TODAY) == 0.5
    assert freshness_value(release_date=None, last_reviewed_at=None, today=TODAY) is None
    future = TODAY + timedelta(days=3)
    assert freshness_value(release_date=future, last_reviewed_at=None, today=TODAY) == 1.0


@pytest.mark.parametrize("order", ["release_newer", "review_newer"])
def test_freshness_uses_the_latest_of_release_and_review(order):
    old, recent = TODAY - timedelta(days=3 * 365), TODAY - timedelta(days=7)
    release, review = (recent, old) if order == "release_newer" else (old, recent)
    value = freshness_value(release_date=release, last_reviewed_at=review, today=TODAY)
    assert value == pytest.approx(0.5 ** (7 / 365))  # not 0.125, the oldest date's value


def test_freshness_with_only_a_review_date():
    reviewed = TODAY - timedelta(days=365)
    assert freshness_value(release_date=None, last_reviewed_at=reviewed, today=TODAY) == 0.5


@pytest.mark.parametrize(
    ("kind", "ins", "outs", "job"),
    [
        ("model", ["text"], ["text"], "text"),
        ("model", ["text", "image"], ["text"], "text"),
        ("model", ["text"], ["image"], "image"),
        ("model", ["text"], ["video"], "video"),
        ("model", ["audio"], ["text"], "speech"),
        ("model", ["audio", "text", "image"], ["text"], "text"),
        ("model", ["text"], ["audio"], "speech"),
        ("model", ["text"], ["embedding"], "embeddings"),
        ("model", ["text"], ["code"], "code"),
        ("model", ["text"], ["code", "text"], "text"),
        ("model", ["image"], ["text"], "vision"),
        ("app", ["text"], ["image"], ""),
    ],
)
def test_job_of_a_model_from_its_modalities(kind, ins, outs, job):
    assert job_infer(kind=kind, input_modalities=ins, output_modalities=outs) == job


# --- Data coverage (not a component) --------------------------------------------------------


def test_data_coverage_is_not_a_score_component():
    assert "coverage" not in COMPONENTS
    complete = CoverageInputs(
        summary="x" * 80, homepage="https://a", docs_url="https://b", license="MIT",
        price_known=True, release_date=TODAY, last_reviewed_at=TODAY,
        capability_count=4, capabilities_explained=4, capabilities_tagged=4,
    )  # fmt: skip
    assert all(item.passed for item in coverage_checklist(inputs=complete, today=TODAY))
    assert not any(item.passed for item in coverage_checklist(inputs=CoverageInputs(), today=TODAY))


@pytest.mark.parametrize(("days", "recent"), [(364, True), (365, True), (366, False), (0, True)])
def test_recent_review_cut_off(days, recent):
    reviewed = TODAY - timedelta(days=days)
    assert reviewed_recently(last_reviewed_at=reviewed, today=TODAY) is recent
    items = coverage_checklist(inputs=CoverageInputs(last_reviewed_at=reviewed), today=TODAY)
    assert next(i for i in items if i.key == "reviewed").passed is recent


def test_never_reviewed_is_not_recent():
    assert reviewed_recently(last_reviewed_at=None, today=TODAY) is False


# --- a whole catalog ---------------------------------------------------------------------


def test_scores_compute_for_a_catalog():
    rows = [
        _row(1, likes=1000, release_date=TODAY),
        _row(2),
        _row(3, boards=(BoardPosition("text", "full", 0.8, 0.7, 0.9),)),
    ]
    results = scores_compute(artifacts=rows, weights_by_kind=None, today=TODAY)
    # adoption 1.0 (w 0.2) and freshness 1.0 (w 0.1) known: 30% of the weight.
    assert results[1].value("adoption") == 1.0
    assert results[1].rank == 100
    assert (results[1].rank_low, results[1].rank_high) == (30, 100)
    assert results[1].provisional
    assert results[2].value("adoption") is None
    assert (results[2].rank, results[2].rank_low, results[2].rank_high) == (0, 0, 100)
    # quality alone: 50% of a model's weight is known, so it is not provisional.
    assert results[3].rank == 80
    assert (results[3].rank_low, results[3].rank_high) == (35, 95)
    assert not results[3].provisional
