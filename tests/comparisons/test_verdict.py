"""The verdict rules and the facts table, on plain dataclasses: no database."""

from dataclasses import replace
from decimal import Decimal

import pytest

from comparisons.compare.verdict import (
    AlignedRow,
    CapabilityFacts,
    Evidence,
    SharedIntent,
    SideFacts,
    aligned_filter,
    breadth_compare,
    capabilities_align,
    data_gaps_describe,
    evidence_describe,
    facts_build,
    jobs_compare,
    lead_build,
    pricing_compare,
    rank_compare,
    verdict_build,
)

FULL = {"adoption": 0.5, "quality": 0.7, "ecosystem": 0.2, "match_graph": 0.1, "freshness": 0.9}


def cap(n: int, *tags: str) -> CapabilityFacts:
    return CapabilityFacts(
        n, f"Capability {n}", tuple((t, t.replace("-", " ").title()) for t in tags)
    )


QWEN = SideFacts(
    name="Qwen3.5-Flash",
    rank=23,
    components={**FULL, "adoption": None},
    pricing_model="paid",
    pricing_label="Paid",
    starting_price=Decimal("0.000000065"),
    price_unit="prompt_token",
    output_modalities=("text",),
    capabilities=(cap(1, "long-context", "low-cost"), cap(2, "workflow-automation")),
)
FLUX = SideFacts(
    name="FLUX.1 [pro]",
    rank=58,
    components=FULL,
    pricing_model="paid",
    pricing_label="Paid",
    starting_price=Decimal("0.05"),
    price_unit="image",
    output_modalities=("image",),
    capabilities=(cap(3, "image-generation"), cap(4, "image-generation", "workflow-automation")),
)
NO_EVIDENCE = Evidence()


def sentences(reasons) -> str:
    return " ".join(r.sentence for r in reasons if r is not None)


# --- rank ---------------------------------------------------------------------------------


def test_rank_names_the_higher_side_with_both_ranks():
    reason = rank_compare(a=QWEN, b=FLUX)
    assert reason.sentence == "FLUX.1 [pro] scores higher at 58/100 vs Qwen3.5-Flash at 23/100."
    assert reason.favours == "b"


def test_a_tie_says_so_and_favours_nobody():
    reason = rank_compare(a=QWEN, b=replace(FLUX, rank=23))
    assert "tied at 23/100" in reason.sentence
    assert reason.favours is None


def test_a_small_gap_is_called_close():
    reason = rank_compare(a=replace(QWEN, rank=56), b=FLUX)
    assert "only just ahead" in reason.sentence
    assert reason.favours == "b"


def test_lead_sentence_from_data_and_honest_about_missing_evidence():
    lead = lead_build(a=QWEN, b=FLUX, evidence=NO_EVIDENCE)
    assert lead.startswith("FLUX.1 [pro] ranks higher at 58/100 vs Qwen3.5-Flash at 23/100.")
    assert "no search has matched both yet" in lead
    tied = lead_build(a=QWEN, b=replace(FLUX, rank=23), evidence=Evidence((), 3, 1))
    assert tied.startswith("Qwen3.5-Flash and FLUX.1 [pro] rank the same at 23/100.")
    assert "3 real searches" in tied


# --- missing data --------------------------------------------------------------------------


def test_missing_components_are_named_for_one_side_or_both():
    a = replace(QWEN, components={**FULL, "adoption": None, "ecosystem": None})
    b = replace(FLUX, components={**FULL, "adoption": None})
    reason = data_gaps_describe(a=a, b=b)
    assert reason.sentence == (
        "There is no data on adoption for either; no data on ecosystem for Qwen3.5-Flash: "
        "missing data counts as 0."
    )


def test_no_gap_sentence_when_everything_is_known():
    assert data_gaps_describe(a=replace(QWEN, components=FULL), b=FLUX) is None


# --- pricing -------------------------------------------------------------------------------


def test_different_units_are_never_compared_and_nobody_is_called_free():
    text = sentences(pricing_compare(a=QWEN, b=FLUX))
    assert "different units (prompt token vs image)" in text
    assert "cheaper" in text and "neither can be called cheaper" in text
    assert "free" not in text.lower()


def test_cheaper_only_on_the_same_unit():
    dear = replace(FLUX, name="Dear", starting_price=Decimal("0.08"))
    reasons = pricing_compare(a=dear, b=FLUX)
    price = reasons[-1]
    assert price.sentence == "FLUX.1 [pro] is cheaper: $0.05 / image vs $0.08 / image for Dear."
    assert price.favours == "b"
    same = pricing_compare(a=FLUX, b=replace(FLUX, name="Twin"))[-1]
    assert same.sentence == "Both start at the same price: $0.05 / image."


@pytest.mark.parametrize(
    ("changes", "how"),
    [
        ({"has_free_tier": True}, "a free tier"),
        ({"pricing_model": "freemium"}, "a free tier"),
        ({"pricing_model": "open_source"}, "open source"),
        ({"pricing_model": "free"}, "free"),
    ],
)
def test_free_access_is_named_only_for_the_side_that_has_it(changes, how):
    reasons = pricing_compare(a=QWEN, b=replace(FLUX, **changes))
    free = next(r for r in reasons if r.key == "free_access")
    assert free.sentence == (
        f"Only FLUX.1 [pro] can be used without paying ({how}); Qwen3.5-Flash cannot."
    )
    assert free.favours == "b"


def test_no_free_access_sentence_when_both_or_neither_are_free():
    both = pricing_compare(a=replace(QWEN, has_free_tier=True), b=replace(FLUX, has_free_tier=True))
    neither = pricing_compare(a=QWEN, b=FLUX)
    assert not [r for r in both + neither if r.key == "free_access"]


def test_open_weights_on_one_side():
    reasons = pricing_compare(a=replace(QWEN, open_weights=True), b=FLUX)
    weights = next(r for r in reasons if r.key == "open_weights")
    assert weights.favours == "a" and "Qwen3.5-Flash publishes open weights" in weights.sentence


def test_unknown_prices_are_said_to_be_unknown():
    unknown = replace(FLUX, starting_price=None, price_unit="")
    assert pricing_compare(a=QWEN, b=unknown)[-1].sentence == (
        "There is no starting price on record for FLUX.1 [pro], so the prices are not compared."
    )
    both = pricing_compare(a=replace(QWEN, starting_price=None, price_unit=""), b=unknown)
    assert both[-1].sentence == "There is no starting price on record for either."


# --- breadth and tags ----------------------------------------------------------------------


def test_breadth_and_what_only_one_side_covers():
    reasons = breadth_compare(a=QWEN, b=replace(FLUX, capabilities=(*FLUX.capabilities, cap(5))))
    text = sentences(reasons)
    assert "FLUX.1 [pro] lists 3 capabilities to 2 for Qwen3.5-Flash." in text
    assert "Only Qwen3.5-Flash covers long context and low cost." in text
    assert "Only FLUX.1 [pro] covers image generation." in text
    assert "workflow automation" not in text.split("Only")[1]


def test_equal_breadth_and_long_tag_lists_are_shortened():
    many = replace(QWEN, capabilities=(cap(1, "a-1", "b-2", "c-3", "d-4", "e-5"),))
    reasons = breadth_compare(a=many, b=replace(FLUX, capabilities=(cap(9, "z-9"),)))
    assert reasons[0].sentence == "Both list 1 capabilities."
    assert "covers a 1, b 2, c 3 and 2 more." in sentences(reasons)


# --- evidence ------------------------------------------------------------------------------


def test_evidence_sentence_only_when_there_is_evidence():
    assert evidence_describe(a=QWEN, b=FLUX, evidence=NO_EVIDENCE) is None
    evidence = Evidence((SharedIntent("transcribe interviews", 14),), 20, 3)
    reason = evidence_describe(a=QWEN, b=FLUX, evidence=evidence)
    assert reason.sentence == (
        "Searchers found both in 20 searches, "
        "most often for \u201ctranscribe interviews\u201d (14)."
    )


# --- different jobs ------------------------------------------------------------------------


def test_a_text_model_and_an_image_model_do_different_jobs():
    reason = jobs_compare(a=QWEN, b=FLUX)
    assert reason.key == "different_jobs"
    assert reason.sentence.startswith(
        "These do different jobs: Qwen3.5-Flash produces text, FLUX.1 [pro] produces images."
    )


def test_partly_different_outputs_get_a_milder_warning():
    reason = jobs_compare(a=QWEN, b=replace(FLUX, output_modalities=("image", "text")))
    assert reason.sentence == (
        "These only partly do the same job: both produce text, "
        "but only FLUX.1 [pro] also produces images."
    )


def test_same_or_unknown_outputs_get_no_warning():
    assert jobs_compare(a=QWEN, b=replace(FLUX, output_modalities=("text",))) is None
    assert jobs_compare(a=QWEN, b=replace(FLUX, output_modalities=())) is None


# --- the whole verdict ---------------------------------------------------------------------


def test_verdict_orders_rules_by_strength_and_keeps_the_warning_apart():
    verdict = verdict_build(a=QWEN, b=FLUX, evidence=Evidence((SharedIntent("x", 2),), 2, 1))
    keys = [r.key for r in verdict.reasons]
    assert keys[0] == "rank"
    assert keys.index("price") < keys.index("breadth") < keys.index("evidence")
    assert keys[-1] == "different_jobs"
    assert [w.key for w in verdict.warnings] == ["different_jobs"]
    assert verdict.text.startswith("FLUX.1 [pro] scores higher at 58/100")
    assert "different jobs" not in verdict.text
    assert not verdict.by_editor


def test_an_editor_verdict_replaces_the_generated_text():
    verdict = verdict_build(a=QWEN, b=FLUX, evidence=NO_EVIDENCE, editor_text="  Pick FLUX.  ")
    assert verdict.by_editor
    assert verdict.text == "Pick FLUX."
    assert verdict.warnings  # the facts-based warning still shows


# --- facts table ---------------------------------------------------------------------------


def rows_by_label(a, b):
    return {row.label: row for row in facts_build(a=a, b=b)}


def test_facts_rows_and_the_better_side():
    rows = rows_by_label(QWEN, FLUX)
    assert list(rows)[:2] == ["Type", "UnfragileRank"]
    assert {"Adoption", "Quality", "Ecosystem", "Match Graph", "Pricing", "Starting Price",
            "Capabilities", "Times Matched"} <= set(rows)  # fmt: skip
    assert rows["UnfragileRank"].a.text == "23/100" and rows["UnfragileRank"].better == "b"
    assert rows["Adoption"].a.text == "no data" and rows["Adoption"].better is None
    assert rows["Quality"].a.text == "0.70" and rows["Quality"].a.meter == 0.7
    assert rows["Quality"].better is None  # equal
    assert rows["Capabilities"].a.text == "2 decomposed"
    assert rows["Type"].better is None


def test_sub_scores_never_round_to_zero_or_one():
    low = replace(QWEN, components={**FULL, "quality": 0.004})
    high = replace(FLUX, components={**FULL, "quality": 0.996})
    rows = rows_by_label(low, high)
    assert (rows["Quality"].a.text, rows["Quality"].b.text) == ("0.00", "1.00")


def test_starting_price_row_readable_first_exact_beside_and_units():
    rows = rows_by_label(QWEN, FLUX)
    price = rows["Starting Price"]
    assert price.a.text == "$0.065 / 1M input tokens"
    assert price.a.exact == "$6.50e-8 per prompt token"
    assert (price.b.text, price.b.exact) == ("$0.05 / image", "")
    assert price.better is None and "not compared" in price.note
    unknown = rows_by_label(QWEN, replace(FLUX, starting_price=None, price_unit=""))
    assert unknown["Starting Price"].b.text == "Price unknown"
    free = rows_by_label(QWEN, replace(FLUX, starting_price=Decimal(0), price_unit="image"))
    assert free["Starting Price"].b.text == "Free"
    cheaper = rows_by_label(replace(FLUX, starting_price=Decimal("0.01")), FLUX)
    assert cheaper["Starting Price"].better == "a"


def test_pricing_row_marks_the_more_accessible_model():
    rows = rows_by_label(
        QWEN, replace(FLUX, pricing_model="open_source", pricing_label="Open source")
    )
    assert rows["Pricing"].b.text == "Open source" and rows["Pricing"].better == "b"
    tier = rows_by_label(replace(QWEN, has_free_tier=True), FLUX)
    assert tier["Pricing"].better == "a" and tier["Pricing"].a.note == "with a free tier"


def test_times_matched_zero_is_not_a_bare_zero():
    rows = rows_by_label(QWEN, replace(FLUX, times_matched=1234))
    assert rows["Times Matched"].a.text == "not matched yet"
    assert rows["Times Matched"].b.text == "1,234" and rows["Times Matched"].better == "b"


# --- alignment -----------------------------------------------------------------------------


def test_capabilities_align_both_first_then_only_a_then_only_b():
    untagged = replace(FLUX, capabilities=(*FLUX.capabilities, cap(7)))
    rows = capabilities_align(a=QWEN, b=untagged)
    assert [(r.tag_slug, r.presence) for r in rows] == [
        ("workflow-automation", "both"),
        ("long-context", "a"),
        ("low-cost", "a"),
        ("image-generation", "b"),
        ("", "b"),
    ]
    image = rows[3]
    assert [c.id for c in image.b] == [3, 4]


@pytest.mark.parametrize(
    ("show", "tag", "expected"),
    [
        ("all", "", ["w", "x", "y"]),
        ("both", "", ["w"]),
        ("a", "", ["x"]),
        ("b", "", ["y"]),
        ("diff", "", ["x", "y"]),
        ("all", "x", ["x"]),
        ("both", "x", []),
    ],
)
def test_aligned_filter(show, tag, expected):
    c = cap(1)
    rows = [
        AlignedRow("w", "W", (c,), (c,)),
        AlignedRow("x", "X", (c,), ()),
        AlignedRow("y", "Y", (), (c,)),
    ]
    assert [r.tag_slug for r in aligned_filter(rows=rows, show=show, tag=tag)] == expected


def test_a_price_that_varies_by_request_is_neither_unknown_nor_compared():
    router = replace(FLUX, name="Router", starting_price=None, price_unit="", price_varies=True)
    assert pricing_compare(a=QWEN, b=router)[-1].sentence == (
        "The price of Router varies by request, so the prices are not compared."
    )
    assert rows_by_label(QWEN, router)["Starting Price"].b.text == "Varies by request"
