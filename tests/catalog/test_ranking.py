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
    freshness_compute,
    freshness_value,
    job_infer,
    log_scaled_within_group,
    match_graph_compute,
    quality_compute,
    ranges_overlap,
    rank_compute,
    rank_is_provisional,
    rank_range_compute,
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


def _interval(value: float | None, widen: float) -> Estimate | float | None:
    """Some components as estimates with an interval around the value, as stored ones."""
    if value is None or widen == 0:
        return value
    return Estimate(value, max(0.0, value - widen), min(1.0, value + widen))


widths_st = st.fixed_dictionaries({c: st.sampled_from([0, 0.1, 0.5]) for c in COMPONENTS})


@given(components=components_st, raw_weights=weights_st, widths=widths_st)
def test_the_rank_alone_is_the_breakdowns_rank(components, raw_weights, widths):
    """What the incremental match-graph rebuild writes (rank_range_compute) is what every
    page draws (breakdown_build), intervals and provisional flag included."""
    weights = Weights(**raw_weights)
    estimated = {name: _interval(value, widths[name]) for name, value in components.items()}
    breakdown = breakdown_build(components=estimated, weights=weights)
    ranked = rank_range_compute(components=estimated, weights=weights)
    assert tuple(ranked) == (
        breakdown.rank,
        breakdown.rank_low,
        breakdown.rank_high,
        breakdown.provisional,
    )
    assert (ranked.rank, ranked.low, ranked.high) == (
        breakdown.rank,
        breakdown.rank_low,
        breakdown.rank_high,
    )


def test_the_rank_alone_refuses_what_the_breakdown_refuses():
    with pytest.raises(ValueError):
        rank_range_compute(components={"quality": 1.5}, weights=EVEN)


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


# --- what mutation testing found untested ----------------------------------------------------


def test_each_component_of_the_breakdown_carries_its_value_interval_and_shares():
    weights = Weights(adoption=2, quality=1, ecosystem=1)
    breakdown = breakdown_build(
        components={"adoption": 0.5, "quality": Estimate(0.6, 0.4, 0.8), "freshness": 1.0},
        weights=weights,
    )
    by_name = {c.name: c for c in breakdown}
    assert [c.name for c in breakdown] == list(COMPONENTS)
    adoption, quality = by_name["adoption"], by_name["quality"]
    ecosystem, freshness = by_name["ecosystem"], by_name["freshness"]
    assert (adoption.value, adoption.low, adoption.high) == (0.5, 0.5, 0.5)
    assert (quality.value, quality.low, quality.high) == (0.6, 0.4, 0.8)
    assert (ecosystem.value, ecosystem.low, ecosystem.high) == (None, None, None)
    assert (adoption.weight, adoption.total_weight, adoption.known_weight) == (2.0, 4.0, 3.0)
    assert adoption.label == "Adoption" and adoption.has_data and not ecosystem.has_data
    assert adoption.weight_share == 0.5 and adoption.effective_share == 2 / 3
    assert ecosystem.effective_share is None and ecosystem.weight_share == 0.25
    assert quality.has_interval and not adoption.has_interval and not ecosystem.has_interval
    # Freshness is known but weighs 0 here: shown, not an input.
    assert (freshness.value, freshness.counts, freshness.effective_share) == (1.0, False, 0.0)
    assert adoption.counts


def test_a_known_value_of_a_weight_zero_component_is_not_counted_as_an_input():
    weights = Weights(adoption=1, quality=0, ecosystem=1, match_graph=1, freshness=1)
    breakdown = breakdown_build(components={**ALL_ONE, "quality": 0.0}, weights=weights)
    assert breakdown.coverage_text == "from 4 of 4 inputs"
    assert (breakdown.rank, breakdown.known_share) == (100, 1.0)


def test_every_known_component_at_zero_is_rank_zero_not_one():
    breakdown = breakdown_build(components=dict.fromkeys(COMPONENTS, 0.0), weights=EVEN)
    assert (breakdown.rank, breakdown.rank_low, breakdown.rank_high) == (0, 0, 0)


def test_rank_is_provisional_exactly_at_the_tolerance():
    # Half the weight, summed in floating point, may fall a hair short of 0.5: still half.
    assert rank_is_provisional(known_share=0.5 - 1e-12) is False
    assert rank_is_provisional(known_share=0.5 - 2e-12) is True


def test_errors_name_the_component_and_the_value():
    with pytest.raises(ValueError, match=r"^Component quality must be in \[0, 1\] or None, got "):
        rank_compute(components={"quality": 1.5}, weights=EVEN)
    with pytest.raises(ValueError, match=r"^Component quality: interval Estimate\(value=0\.5, "):
        rank_compute(components={"quality": Estimate(0.5, 0.6, 0.7)}, weights=EVEN)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (dict(adoption=1, speed=1, popularity=2), "Unknown score components: popularity, speed."),
        (dict(adoption=-1, quality=2), "Weights must be non-negative finite numbers."),
        (dict(adoption=float("inf")), "Weights must be non-negative finite numbers."),
        (dict(adoption=float("nan"), quality=1), "Weights must be non-negative finite numbers."),
        (dict(adoption=0), "At least one weight must be positive."),
    ],
)
def test_invalid_weights_say_what_is_wrong(raw, message):
    with pytest.raises(ValueError) as excinfo:
        Weights(**raw)
    assert str(excinfo.value) == message


def test_weights_compare_hash_and_print_by_their_values():
    assert Weights(adoption=1) == Weights(adoption=1.0, quality=0)
    assert Weights(adoption=1) != Weights(quality=1)
    assert Weights(adoption=1) != {"adoption": 1.0}
    assert len({Weights(adoption=1), Weights(adoption=1.0), Weights(quality=1)}) == 2
    assert repr(Weights(adoption=1, freshness=0.5)) == (
        "Weights(adoption=1.0, quality=0.0, ecosystem=0.0, match_graph=0.0, freshness=0.5)"
    )
    with pytest.raises(AttributeError) as excinfo:
        Weights(adoption=1).speed  # noqa: B018
    assert str(excinfo.value) == "speed"


def test_default_weights_per_kind_come_from_the_registry():
    from catalog.ranking import default_weights_for

    model = {"adoption": 0.2, "quality": 0.5, "ecosystem": 0.05, "match_graph": 0.15,
             "freshness": 0.1}  # fmt: skip
    other = {"adoption": 0.3, "quality": 0.0, "ecosystem": 0.15, "match_graph": 0.3,
             "freshness": 0.25}  # fmt: skip
    assert default_weights_for("model").as_dict() == model
    assert default_weights_for("app").as_dict() == other
    # A kind the registry does not know yet gets the default weights, never None.
    assert weights_for_kind(kind="robot").as_dict() == other
    assert REGISTRY[0].weight_for("library") == 0.25 and REGISTRY[0].weight_for("app") == 0.3


def test_editor_weights_reach_the_catalog_ranks():
    rows = [_row(1, likes=1000, release_date=TODAY - timedelta(days=365))]
    only_freshness = {"model": Weights(freshness=1)}
    results = scores_compute(artifacts=rows, weights_by_kind=only_freshness, today=TODAY)
    assert results[1].rank == 50  # freshness 0.5 alone, not the default blend with adoption
    assert scores_compute(artifacts=rows, weights_by_kind=None, today=TODAY)[1].rank == 83


def test_a_small_group_maximum_still_scales_to_one():
    # A token share of 1% (log1p below 1) is the group's best: 1.0, not 0.
    assert log_scaled_within_group({1: 0.01, 2: 0.0, 3: None}) == {1: 1.0, 2: 0.0, 3: None}
    assert log_scaled_within_group({1: 1.0, 2: 0.0}) == {1: 1.0, 2: 0.0}
    assert log_scaled_within_group({1: None}) == {1: None}


def test_match_graph_component_is_the_stored_value():
    scores = match_graph_compute(
        inputs=[_row(1, match_graph=0.4), _row(2), _row(3, match_graph=0.0)], today=TODAY
    )
    assert scores == {1: Estimate.exact(0.4), 2: None, 3: Estimate.exact(0.0)}


def test_freshness_component_reads_the_review_date():
    reviewed = TODAY - timedelta(days=365)
    scores = freshness_compute(inputs=[_row(1, last_reviewed_at=reviewed), _row(2)], today=TODAY)
    assert scores == {1: Estimate.exact(0.5), 2: None}


def test_a_non_model_never_reads_a_model_board_even_with_a_job():
    boards = (BoardPosition("text", "full", 0.9, 0.85, 0.95),)
    scores = quality_compute(inputs=[_row(1, kind="app", job="text", boards=boards)], today=TODAY)
    assert scores == {1: None}


def test_data_coverage_lists_every_item_with_its_label():
    complete = CoverageInputs(
        summary="x" * 60, homepage="https://a", docs_url="https://b", license="MIT",
        price_known=True, release_date=TODAY, last_reviewed_at=TODAY,
        capability_count=3, capabilities_explained=3, capabilities_tagged=3,
    )  # fmt: skip
    items = coverage_checklist(inputs=complete, today=TODAY)
    assert [(i.key, i.label, i.passed) for i in items] == [
        ("summary", "A summary of at least 60 characters", True),
        ("capabilities", "At least 3 published capabilities", True),
        ("explained",
         'Every capability says what is unique and how it compares ("vs alternatives")', True),
        ("tagged", "Every capability is tagged", True),
        ("price", "A known starting price (or free / open source)", True),
        ("license", "A stated licence", True),
        ("homepage", "A homepage link", True),
        ("docs", "A documentation link", True),
        ("release", "A known release date", True),
        ("reviewed", "Reviewed by an editor in the last 365 days", True),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "failing"),
    [
        (dict(summary="x" * 59), {"summary"}),
        (dict(capability_count=2, capabilities_explained=2, capabilities_tagged=2),
         {"capabilities"}),
        # One capability, explained and tagged: those two items pass.
        (dict(capability_count=1, capabilities_explained=1, capabilities_tagged=1),
         {"capabilities"}),
        (dict(capabilities_explained=2), {"explained"}),
        (dict(capabilities_tagged=2), {"tagged"}),
    ],
)  # fmt: skip
def test_data_coverage_thresholds(changes, failing):
    base = dict(
        summary="x" * 60, homepage="https://a", docs_url="https://b", license="MIT",
        price_known=True, release_date=TODAY, last_reviewed_at=TODAY,
        capability_count=3, capabilities_explained=3, capabilities_tagged=3,
    )  # fmt: skip
    items = coverage_checklist(inputs=CoverageInputs(**{**base, **changes}), today=TODAY)
    assert {i.key for i in items if not i.passed} == failing
