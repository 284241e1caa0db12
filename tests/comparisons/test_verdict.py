"""The verdict rules and the facts table, on plain dataclasses: no database."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comparisons.compare.alignment import (
    AlignedRow,
    CapabilityFacts,
    aligned_filter,
    capabilities_align,
)
from comparisons.compare.verdict import (
    Evidence,
    ModelFacts,
    SharedIntent,
    SideFacts,
    breadth_compare,
    data_gaps_describe,
    evidence_describe,
    facts_build,
    jobs_compare,
    lead_build,
    model_facts_rows,
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
    lead = lead_build(a=QWEN, b=replace(FLUX, output_modalities=("text",)), evidence=NO_EVIDENCE)
    assert lead.startswith("FLUX.1 [pro] ranks higher at 58/100 vs Qwen3.5-Flash at 23/100.")
    assert "no search has matched both yet" in lead
    tied = lead_build(a=QWEN, b=replace(FLUX, rank=23), evidence=Evidence((), 3, 1))
    # Different jobs: the job decides, so the lead compares no ranks.
    assert tied.startswith(
        "FLUX.1 [pro] for images, Qwen3.5-Flash for text: they do different jobs. "
        "Compared capability by capability"
    )
    assert "with evidence from 3 searches that matched both" in tied
    assert "real" not in tied


def test_simulated_evidence_is_called_simulated():
    simulated = Evidence((SharedIntent("x", 12),), 12, 1, simulated=True)
    lead = lead_build(a=QWEN, b=FLUX, evidence=simulated)
    assert "with evidence from 12 simulated searches that matched both" in lead
    reason = evidence_describe(a=QWEN, b=FLUX, evidence=simulated)
    assert (
        reason.sentence
        == "Both were found in 12 simulated searches, most often for \u201cx\u201d (12)."
    )
    one = Evidence((), 1, 1)
    assert one.searches_text == "1 search"


# --- missing data --------------------------------------------------------------------------


def test_missing_components_are_named_for_one_side_or_both():
    a = replace(QWEN, components={**FULL, "adoption": None, "ecosystem": None})
    b = replace(FLUX, components={**FULL, "adoption": None})
    reason = data_gaps_describe(a=a, b=b)
    assert reason.sentence == (
        "There is no data on adoption for either; no data on ecosystem for Qwen3.5-Flash: "
        "missing data is left out of the rank, not counted as 0."
    )


def test_no_gap_sentence_when_everything_is_known():
    assert data_gaps_describe(a=replace(QWEN, components=FULL), b=FLUX) is None


# --- pricing -------------------------------------------------------------------------------


def test_different_units_are_never_compared_and_nobody_is_called_free():
    text = sentences(pricing_compare(a=QWEN, b=FLUX))
    assert "different units ($0.05 / image vs $0.065 / 1M input tokens)" in text
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
    closed = replace(FLUX, open_weights=False)
    reasons = pricing_compare(a=replace(QWEN, open_weights=True), b=closed)
    weights = next(r for r in reasons if r.key == "open_weights")
    assert weights.favours == "a" and "Qwen3.5-Flash publishes open weights" in weights.sentence
    assert "FLUX.1 [pro] does not" in weights.sentence


def test_no_claim_that_a_model_lacks_open_weights_when_nobody_says():
    unknown = replace(FLUX, open_weights=None)
    reasons = pricing_compare(a=replace(QWEN, open_weights=True), b=unknown)
    assert not [r for r in reasons if r.key == "open_weights"]


def test_unknown_prices_are_said_to_be_unknown():
    unknown = replace(FLUX, starting_price=None, price_unit="")
    assert pricing_compare(a=QWEN, b=unknown)[-1].sentence == (
        "There is no starting price on record for FLUX.1 [pro], so the prices are not compared."
    )
    both = pricing_compare(a=replace(QWEN, starting_price=None, price_unit=""), b=unknown)
    assert both[-1].sentence == "There is no starting price on record for either."


# --- breadth and tags ----------------------------------------------------------------------


def test_breadth_and_what_is_listed_for_one_side_only():
    reasons = breadth_compare(a=QWEN, b=replace(FLUX, capabilities=(*FLUX.capabilities, cap(5))))
    text = sentences(reasons)
    assert "FLUX.1 [pro] lists 3 capabilities to 2 for Qwen3.5-Flash." in text
    # A tag missing on one side is "not listed", never "only A can".
    assert "Qwen3.5-Flash lists long context and low cost; not listed for FLUX.1 [pro]." in text
    assert "FLUX.1 [pro] lists image generation; not listed for Qwen3.5-Flash." in text
    assert "workflow automation" not in text
    assert "Only" not in text


def test_equal_breadth_and_long_tag_lists_are_shortened():
    many = replace(QWEN, capabilities=(cap(1, "a-1", "b-2", "c-3", "d-4", "e-5"),))
    reasons = breadth_compare(a=many, b=replace(FLUX, capabilities=(cap(9, "z-9"),)))
    assert reasons[-1].sentence == "Both list 1 capability."
    assert "lists a 1, b 2, c 3 and 2 more; not listed for" in sentences(reasons)


def test_a_tag_a_fact_already_decides_is_not_restated():
    # "AssemblyAI is cheaper" must not be followed by "only Deepgram covers low cost".
    deepgram = replace(
        QWEN, name="Deepgram", starting_price=Decimal("0.0002"), price_unit="second",
        capabilities=(cap(1, "low-cost", "speech-to-text"),),
    )  # fmt: skip
    assembly = replace(
        FLUX, name="AssemblyAI", starting_price=Decimal("0.0001"), price_unit="second",
        output_modalities=("text",), capabilities=(cap(2, "speech-to-text"),),
    )  # fmt: skip
    verdict = verdict_build(a=assembly, b=deepgram, evidence=NO_EVIDENCE)
    every = " ".join(r.sentence for r in verdict.reasons)
    assert "AssemblyAI is cheaper" in every
    assert "low cost" not in every
    # In different units the price decides nothing, so the tag may be named.
    per_month = replace(assembly, price_unit="month")
    every = " ".join(
        r.sentence for r in verdict_build(a=per_month, b=deepgram, evidence=NO_EVIDENCE).reasons
    )
    assert "Deepgram lists low cost; not listed for AssemblyAI." in every


# --- evidence ------------------------------------------------------------------------------


def test_evidence_sentence_only_when_there_is_evidence():
    assert evidence_describe(a=QWEN, b=FLUX, evidence=NO_EVIDENCE) is None
    evidence = Evidence((SharedIntent("transcribe interviews", 14),), 20, 3)
    reason = evidence_describe(a=QWEN, b=FLUX, evidence=evidence)
    assert reason.sentence == (
        "Both were found in 20 searches, most often for \u201ctranscribe interviews\u201d (14)."
    )


# --- different jobs ------------------------------------------------------------------------


def test_a_text_model_and_an_image_model_do_different_jobs():
    reason = jobs_compare(a=QWEN, b=FLUX)
    assert reason.key == "different_jobs"
    assert reason.sentence.startswith(
        "These do different jobs: FLUX.1 [pro] produces images, Qwen3.5-Flash produces text."
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


def test_verdict_leads_with_the_split_and_keeps_the_warning_apart():
    verdict = verdict_build(a=QWEN, b=FLUX, evidence=Evidence((SharedIntent("x", 2),), 2, 1))
    keys = [r.key for r in verdict.reasons]
    assert keys[:2] == ["split", "rank"]
    assert keys.index("price") < keys.index("breadth") < keys.index("evidence")
    assert keys[-1] == "different_jobs"
    assert [w.key for w in verdict.warnings] == ["different_jobs"]
    assert verdict.text.startswith(
        "FLUX.1 [pro] for images, Qwen3.5-Flash for text. FLUX.1 [pro] scores higher at 58/100"
    )
    assert "different jobs" not in verdict.text
    assert not verdict.by_editor


def test_the_default_verdict_is_four_sentences_and_the_rest_is_why():
    verdict = verdict_build(a=QWEN, b=FLUX, evidence=Evidence((SharedIntent("x", 2),), 2, 1))
    spoken = [r for r in verdict.reasons if r.key != "different_jobs"]
    assert len(spoken) > 4
    assert list(verdict.summary) == spoken[:4]
    assert list(verdict.why) == spoken[4:]
    assert verdict.text == " ".join(r.sentence for r in spoken[:4])
    short = verdict_build(a=QWEN, b=replace(QWEN, name="Twin"), evidence=NO_EVIDENCE)
    assert (
        len(short.summary) <= 4
        and short.why == tuple(r for r in short.reasons if r.key != "different_jobs")[4:]
    )


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


def titled(n: int, title: str, *tags: str, linked: tuple[int, ...] = ()) -> CapabilityFacts:
    return CapabilityFacts(
        n, title, tuple((t, t.replace("-", " ").title()) for t in tags), same_job=frozenset(linked)
    )


FLUX_CAPS = (
    titled(1, "Generate images from text prompts", "image-generation"),
    titled(2, "Faster successor variants in the same family", "image-generation", "low-latency"),
    titled(3, "Simple REST API with async results", "image-generation", "workflow-automation"),
)
QWEN_CAPS = (
    titled(11, "Very low cost per token", "low-cost", "low-latency", "text-generation"),
    titled(12, "Tool calling for agents and workflows", "function-calling", "workflow-automation"),
    titled(13, "Image generation from prompts", "image-generation"),
)


def test_both_only_when_the_two_answer_the_same_job():
    rows = capabilities_align(a=FLUX_CAPS, b=QWEN_CAPS)
    both = [r for r in rows if r.presence == "both"]
    # Same tag and overlapping meaning: one row.
    assert [(r.tag_slug, r.a[0].id, r.b[0].id) for r in both] == [("image-generation", 1, 13)]
    # Sharing "Low latency" alone pairs nothing: the two stay on their own rows.
    assert not any(r.presence == "both" and r.tag_slug == "low-latency" for r in rows)
    row_of = {c.id: r for r in rows for c in (*r.a, *r.b)}
    assert row_of[2].presence != "both" and row_of[11].presence != "both"
    assert (row_of[2].tag_slug, row_of[2].presence) == ("image-generation", "a")
    assert [c.id for c in row_of[2].a] == [2, 3]
    assert (row_of[11].tag_slug, row_of[11].presence) == ("low-latency", "b")
    # Left over under a tag both still carry, it is "related": same tag, other jobs.
    rows = capabilities_align(a=FLUX_CAPS[1:2], b=QWEN_CAPS[:1])
    assert [(r.tag_slug, r.presence) for r in rows] == [("low-latency", "related")]


def test_an_editor_link_makes_a_pair_without_shared_words():
    linked = (*FLUX_CAPS[:2], titled(3, "Simple REST API", "workflow-automation", linked=(12,)))
    rows = capabilities_align(a=linked, b=QWEN_CAPS)
    assert ("workflow-automation", 3, 12) in [
        (r.tag_slug, r.a[0].id, r.b[0].id) for r in rows if r.presence == "both"
    ]


def test_each_capability_appears_in_one_row_unless_a_tag_is_asked_for():
    rows = capabilities_align(a=FLUX_CAPS, b=QWEN_CAPS)
    ids = [c.id for r in rows for c in (*r.a, *r.b)]
    assert sorted(ids) == [1, 2, 3, 11, 12, 13]
    assert [r.presence for r in rows] == sorted(
        (r.presence for r in rows), key=["both", "related", "a", "b"].index
    )
    image = capabilities_align(a=FLUX_CAPS, b=QWEN_CAPS, tag="image-generation")
    assert sorted(c.id for r in image for c in r.a) == [1, 2, 3]
    assert {r.tag_slug for r in image} == {"image-generation"}


def test_rows_both_have_show_the_difference_not_the_same_sentence_twice():
    a = (titled(1, "Reads up to 1,050,000 tokens", "long-context"),)
    b = (titled(2, "Reads up to 1,000,000 tokens", "long-context"),)
    (row,) = capabilities_align(a=a, b=b)
    assert (row.presence, row.difference, row.same_text) == ("both", "1.05M vs 1M tokens", False)
    same = capabilities_align(a=a, b=(titled(3, "Reads up to 1,050,000 tokens", "long-context"),))
    assert (same[0].difference, same[0].same_text) == ("", True)


def test_untagged_capabilities_close_their_group():
    rows = capabilities_align(a=(titled(1, "Alpha thing"),), b=(titled(2, "Beta", "x-y"),))
    assert [(r.tag_slug, r.presence) for r in rows] == [("", "a"), ("x-y", "b")]


@pytest.mark.parametrize(
    ("show", "expected"),
    [
        ("all", ["w", "v", "x", "y"]),
        ("both", ["w"]),
        ("a", ["x"]),
        ("b", ["y"]),
        ("diff", ["v", "x", "y"]),
    ],
)
def test_aligned_filter(show, expected):
    c = cap(1)
    rows = [
        AlignedRow("w", "W", (c,), (c,)),
        AlignedRow("v", "V", (c,), (c,), "related"),
        AlignedRow("x", "X", (c,), ()),
        AlignedRow("y", "Y", (), (c,)),
    ]
    assert [r.tag_slug for r in aligned_filter(rows=rows, show=show)] == expected


def test_a_price_that_varies_by_request_is_neither_unknown_nor_compared():
    router = replace(FLUX, name="Router", starting_price=None, price_unit="", price_varies=True)
    assert pricing_compare(a=QWEN, b=router)[-1].sentence == (
        "The price of Router varies by request, so the prices are not compared."
    )
    assert rows_by_label(QWEN, router)["Starting Price"].b.text == "Varies by request"


# --- laws (Hypothesis) -------------------------------------------------------------------


_SWAP = {"a": "b", "b": "a", None: None}
_component = st.one_of(st.none(), st.floats(min_value=0, max_value=1))
_price = st.one_of(st.none(), st.decimals(min_value=0, max_value=100, places=8, allow_nan=False))
_model = st.builds(
    ModelFacts,
    context_length=st.one_of(st.none(), st.integers(1, 2_000_000)),
    max_output=st.one_of(st.none(), st.integers(1, 200_000)),
    prices=st.dictionaries(
        st.sampled_from(["prompt_token", "completion_token", "image"]),
        st.decimals(min_value=0, max_value=1, places=9, allow_nan=False),
        max_size=3,
    ),
    input_modalities=st.lists(st.sampled_from(["text", "image", "audio"]), unique=True).map(tuple),
    output_modalities=st.lists(st.sampled_from(["text", "image"]), unique=True).map(tuple),
    features=st.fixed_dictionaries(
        {
            f: st.sampled_from([True, False, None])
            for f in ("tools", "structured_output", "reasoning", "web_search")
        }
    ),
    open_weights=st.booleans(),
)


@st.composite
def sides(draw, name):
    price = draw(_price)
    kind = draw(st.sampled_from(["model", "library"]))
    pricing_model, pricing_label = draw(
        st.sampled_from(
            [
                ("paid", "Paid"),
                ("free", "Free"),
                ("freemium", "Freemium"),
                ("open_source", "Open source"),
            ]
        )
    )
    tags = ["chat", "low-cost", "long-context", "image-generation", "summarization"]
    return SideFacts(
        name=name,
        kind=kind,
        rank=draw(st.integers(0, 100)),
        components={c: draw(_component) for c in FULL},
        pricing_model=pricing_model,
        pricing_label=pricing_label,
        has_free_tier=draw(st.booleans()),
        open_weights=draw(st.booleans()),
        starting_price=price,
        price_unit="" if price is None else draw(st.sampled_from(["prompt_token", "image"])),
        price_varies=draw(st.booleans()) if price is None else False,
        output_modalities=tuple(draw(st.lists(st.sampled_from(["text", "image"]), unique=True))),
        capabilities=tuple(
            titled(i + (0 if name < "N" else 100), draw(st.sampled_from(["Chat", "Draw"])), t)
            for i, t in enumerate(draw(st.lists(st.sampled_from(tags), unique=True, max_size=4)))
        ),
        times_matched=draw(st.integers(0, 5)),
        model=draw(_model) if kind == "model" else None,
    )


@settings(max_examples=150, deadline=None)
@given(a=sides("Alpha"), b=sides("Zeta"), searches=st.integers(0, 3))
def test_the_verdict_and_lead_do_not_depend_on_which_side_is_first(a, b, searches):
    evidence = Evidence((SharedIntent("x", searches),), searches, 1) if searches else NO_EVIDENCE
    one, other = (
        verdict_build(a=a, b=b, evidence=evidence),
        verdict_build(a=b, b=a, evidence=evidence),
    )
    assert [r.sentence for r in one.reasons] == [r.sentence for r in other.reasons]
    assert [r.favours for r in one.reasons] == [_SWAP[r.favours] for r in other.reasons]
    assert lead_build(a=a, b=b, evidence=evidence) == lead_build(a=b, b=a, evidence=evidence)
    rows, swapped = facts_build(a=a, b=b), facts_build(a=b, b=a)
    assert [(r.label, r.a, r.b, r.better) for r in rows] == [
        (r.label, r.b, r.a, _SWAP[r.better]) for r in swapped
    ]


@settings(max_examples=150, deadline=None)
@given(a=sides("Alpha"), b=sides("Zeta"))
def test_better_is_never_marked_on_two_values_that_read_the_same(a, b):
    for row in facts_build(a=a, b=b):
        if row.a.text == row.b.text and row.a.note == row.b.note:
            assert row.better is None, row.label


def test_equal_displayed_values_are_never_marked_at_the_boundary():
    just_below = replace(QWEN, components={**FULL, "quality": 0.504})
    just_above = replace(FLUX, components={**FULL, "quality": 0.496})
    assert rows_by_label(just_below, just_above)["Quality"].better is None
    apart = replace(FLUX, components={**FULL, "quality": 0.494})
    assert rows_by_label(just_below, apart)["Quality"].better == "a"


# --- model facts and the lead for two models of the same job ------------------------------

OPUS = replace(
    QWEN,
    name="Claude Opus 4.6",
    rank=30,
    starting_price=Decimal("0.000005"),
    model=ModelFacts(
        context_length=1_000_000,
        max_output=128_000,
        prices={"prompt_token": Decimal("0.000005"), "completion_token": Decimal("0.000025")},
        input_modalities=("image", "text"),
        output_modalities=("text",),
        features={
            "reasoning": True,
            "tools": True,
            "structured_output": False,
            "web_search": False,
        },
    ),
)
GPT = replace(
    QWEN,
    name="GPT-5.4",
    rank=30,
    starting_price=Decimal("0.0000025"),
    model=ModelFacts(
        context_length=1_050_000,
        max_output=128_000,
        prices={"prompt_token": Decimal("0.0000025"), "completion_token": Decimal("0.000015")},
        price_tiers=((272_000, "prompt_token", Decimal("0.000005")),),
        input_modalities=("file", "image", "text"),
        output_modalities=("text",),
        features={"reasoning": True, "tools": True, "structured_output": True, "web_search": True},
    ),
)


def test_model_rows_show_context_prices_tiers_modalities_and_features():
    rows = {r.label: r for r in model_facts_rows(a=OPUS.model, b=GPT.model)}
    assert (rows["Context window"].a.text, rows["Context window"].b.text) == (
        "1,000,000 tokens",
        "1,050,000 tokens",
    )
    assert rows["Context window"].better == "b"
    assert rows["Maximum output"].better is None  # 128,000 both
    assert rows["Input price"].b.text == "$2.50 / 1M input tokens"
    assert rows["Input price"].b.note == "$5 above 272K"
    assert rows["Input price"].better == "b" and rows["Output price"].better == "b"
    assert rows["Input"].b.text == "file, image, text" and rows["Input"].better == "b"
    assert rows["Supports"].b.text == "tool calling, structured output, reasoning, web search"
    assert rows["Supports"].better == "b"
    assert rows["Knowledge cutoff"].a.text == "no data"


def test_the_lead_names_the_decisive_differences_of_two_models():
    lead = lead_build(a=OPUS, b=GPT, evidence=NO_EVIDENCE)
    assert "GPT-5.4 costs less: $2.50 vs $5 per 1M input tokens (2\u00d7)" in lead
    assert "$15 vs $25 per 1M output tokens (1.67\u00d7)" in lead
    # 3:1 blend: (3 x 2.50 + 15) / 4 = 5.625 vs (3 x 5 + 25) / 4 = 10.
    assert "$5.63 vs $10 blended at 3:1 input:output (1.78\u00d7)" in lead
    # 1.05M against 1M tokens is no decisive difference; the facts table still shows both.
    assert "reads up to" not in lead
    assert "Only GPT-5.4 accepts files." in lead


@pytest.mark.parametrize(
    ("longer", "named"),
    [(1_190_000, False), (1_200_000, True), (2_000_000, True)],
)
def test_a_context_window_is_decisive_from_a_fifth_longer(longer, named):
    wide = replace(GPT, model=replace(GPT.model, context_length=longer))
    lead = lead_build(a=OPUS, b=wide, evidence=NO_EVIDENCE)
    sentence = f"GPT-5.4 reads up to {longer / 1_000_000:g}M tokens at once"
    assert (sentence in lead) is named


def test_only_one_supports_a_feature_when_the_other_is_known_to_lack_it():
    text = " ".join(r.sentence for r in verdict_build(a=OPUS, b=GPT, evidence=NO_EVIDENCE).reasons)
    assert (
        "Only GPT-5.4 lists support for structured output and web search; "
        "the source for Claude Opus 4.6 does not." in text
    )
    unknown = replace(OPUS, model=replace(OPUS.model, features={"reasoning": True}))
    text = " ".join(
        r.sentence for r in verdict_build(a=unknown, b=GPT, evidence=NO_EVIDENCE).reasons
    )
    assert "supports" not in text


@pytest.mark.parametrize(
    ("high", "low", "text"),
    [
        (2, 1, "2\u00d7"),
        (5, 3, "1.67\u00d7"),
        (21, 20, "1.05\u00d7"),
        (5, 2, "2.5\u00d7"),
        (9.96, 1, "10\u00d7"),
        # From 10 a whole number: 10.4 is "10", not "10.4" (at, and just above 10).
        (10, 1, "10\u00d7"),
        (10.4, 1, "10\u00d7"),
        # From 2 one decimal: 2.46 is "2.5", not "2.46"; just below 2, two decimals.
        (2.46, 1, "2.5\u00d7"),
        (1.994, 1, "1.99\u00d7"),
        (25, 1.2, "21\u00d7"),
        (25, 1, "25\u00d7"),
    ],
)
def test_ratios_read_as_precise_as_their_size(high, low, text):
    from comparisons.compare.verdict import _ratio

    assert _ratio(high, low) == text


def test_an_open_source_side_without_a_price_is_not_called_unpriced():
    """ "Only X can be used without paying" must not be followed by "no price on record"."""
    open_model = replace(QWEN, pricing_model="open_source", starting_price=None, price_unit="")
    sentence = pricing_compare(a=open_model, b=FLUX)[-1].sentence
    assert sentence == (
        "Qwen3.5-Flash is open source: running it costs what your own hosting costs, "
        "so the prices are not compared."
    )


def test_equal_ranks_with_open_ranges_are_too_close_to_call_not_tied():
    uncertain = replace(QWEN, rank=40, rank_low=8, rank_high=98)
    other = replace(FLUX, rank=40, rank_low=10, rank_high=95, output_modalities=("text",))
    sentence = rank_compare(a=uncertain, b=other).sentence
    assert "too close to call" in sentence and "tied" not in sentence
    exact = rank_compare(
        a=replace(uncertain, rank_low=40, rank_high=40), b=replace(other, rank_low=40, rank_high=40)
    ).sentence
    assert exact == "FLUX.1 [pro] and Qwen3.5-Flash are tied at 40/100."


# --- what mutation testing found untested ----------------------------------------------------


def _two_models(a_model: ModelFacts | None, b_model: ModelFacts | None, *tags: str):
    alpha = SideFacts(name="Alpha", capabilities=(cap(1, *tags),), model=a_model)
    beta = SideFacts(name="Beta", capabilities=(cap(2),), model=b_model)
    return alpha, beta


def test_tags_a_fact_decides_are_silent_only_when_the_fact_is_known_for_both():
    from comparisons.compare.verdict import listed_compare

    tags = ("long-context", "open-weights", "function-calling")
    a, b = _two_models(ModelFacts(context_length=1_000_000), ModelFacts(context_length=200_000),
                       *tags)  # fmt: skip
    # Context known for both, both models (weights): only the unknown features remain.
    assert [r.sentence for r in listed_compare(a=a, b=b)] == [
        "Alpha lists function calling; not listed for Beta."
    ]
    # Beta's context unknown: the tag is the only word on it, so it stays.
    a, b = _two_models(ModelFacts(context_length=1_000_000), ModelFacts(), *tags)
    assert [r.sentence for r in listed_compare(a=a, b=b)] == [
        "Alpha lists function calling and long context; not listed for Beta."
    ]
    # Two models without model facts: open weights is still a fact the verdict decides.
    a, b = _two_models(None, None, "open-weights")
    assert listed_compare(a=a, b=b) == []
    # A library has no weights to compare: the tag is listed.
    lib_a, lib_b = replace(a, kind="library"), replace(b, kind="library")
    assert [r.sentence for r in listed_compare(a=lib_a, b=lib_b)] == [
        "Alpha lists open weights; not listed for Beta."
    ]


def test_blended_price_is_three_input_tokens_to_one_output_per_million():
    from comparisons.compare.verdict import _blended

    model = ModelFacts(prices={"prompt_token": Decimal("0.000001"),
                               "completion_token": Decimal("0.000002")})  # fmt: skip
    assert _blended(model) == Decimal("1.25")
    assert _blended(ModelFacts(prices={"prompt_token": Decimal("0.000001")})) is None


def test_the_price_ratio_sentence_exactly():
    from comparisons.compare.verdict import price_ratio_describe

    assert price_ratio_describe(a=OPUS, b=GPT) == (
        "GPT-5.4 costs less: $2.50 vs $5 per 1M input tokens (2\u00d7), "
        "$15 vs $25 per 1M output tokens (1.67\u00d7), "
        "$5.63 vs $10 blended at 3:1 input:output (1.78\u00d7)."
    )


def test_the_price_ratio_needs_both_model_facts_and_one_cheaper_side():
    from comparisons.compare.verdict import price_ratio_describe

    assert price_ratio_describe(a=QWEN, b=GPT) == ""  # Qwen has no model facts here
    assert price_ratio_describe(a=GPT, b=QWEN) == ""
    # Cheaper on input but dearer on output: the rows say which, the lead says nothing.
    mixed = replace(GPT, model=replace(GPT.model, prices={
        "prompt_token": Decimal("0.0000025"), "completion_token": Decimal("0.00003")}))  # fmt: skip
    assert price_ratio_describe(a=OPUS, b=mixed) == ""


def test_the_price_ratio_skips_a_unit_one_side_lacks_or_prices_the_same():
    from comparisons.compare.verdict import price_ratio_describe

    no_input = replace(GPT, model=replace(GPT.model, prices={
        "completion_token": Decimal("0.000015")}))  # fmt: skip
    assert price_ratio_describe(a=OPUS, b=no_input) == (
        "GPT-5.4 costs less: $15 vs $25 per 1M output tokens (1.67\u00d7)."
    )
    same_input = replace(GPT, model=replace(GPT.model, prices={
        "prompt_token": Decimal("0.000005"), "completion_token": Decimal("0.000015")}))  # fmt: skip
    assert price_ratio_describe(a=OPUS, b=same_input) == (
        "GPT-5.4 costs less: $15 vs $25 per 1M output tokens (1.67\u00d7), "
        "$7.50 vs $10 blended at 3:1 input:output (1.33\u00d7)."
    )


def test_a_free_token_price_is_not_given_a_ratio():
    from comparisons.compare.verdict import price_ratio_describe

    free = replace(GPT, model=replace(GPT.model, prices={"prompt_token": Decimal(0)}))
    assert price_ratio_describe(a=OPUS, b=free) == (
        "GPT-5.4 costs less: Free vs $5 per 1M input tokens (free vs paid)."
    )


def test_the_lead_of_two_models_for_different_jobs_has_no_price_or_context_sentences():
    painter = replace(
        GPT,
        name="Painter",
        output_modalities=("image",),
        model=replace(GPT.model, output_modalities=("image",)),
    )
    assert lead_build(a=OPUS, b=painter, evidence=NO_EVIDENCE) == (
        "Claude Opus 4.6 for text, Painter for images: they do different jobs. "
        "Compared capability by capability; no search has matched both yet, "
        "so there is no match graph evidence for this pair."
    )


def test_one_models_facts_on_its_own_page():
    from comparisons.compare.verdict import model_facts_single

    facts = model_facts_single(model=GPT.model)
    assert [label for label, _ in facts] == [
        "Context window", "Maximum output", "Input price", "Output price", "Input", "Output",
        "Supports", "Open weights", "Knowledge cutoff", "Released",
    ]  # fmt: skip
    cells = dict(facts)
    assert cells["Input price"].text == "$2.50 / 1M input tokens"
    assert cells["Input price"].note == "$5 above 272K"
    assert cells["Context window"].text == "1,050,000 tokens"


def _reasons(a, b, evidence=NO_EVIDENCE):
    return [
        (r.key, r.sentence, r.favours) for r in verdict_build(a=a, b=b, evidence=evidence).reasons
    ]


def test_every_reason_of_two_models_with_its_key_and_side():
    assert _reasons(OPUS, GPT) == [
        ("rank", "Claude Opus 4.6 and GPT-5.4 are tied at 30/100.", None),
        ("price", "GPT-5.4 is cheaper: $2.50 / 1M input tokens vs $5 / 1M input tokens for "
                  "Claude Opus 4.6.", "b"),
        # 1.05M against 1M tokens: no context sentence (below CONTEXT_RATIO_DECISIVE).
        ("modalities", "Only GPT-5.4 accepts files.", "b"),
        ("features", "Only GPT-5.4 lists support for structured output and web search; "
                     "the source for Claude Opus 4.6 does not.", "b"),
        ("breadth", "Both list 2 capabilities.", None),
        ("data_gaps", "There is no data on adoption for either: missing data is left out of the "
                      "rank, not counted as 0.", None),
    ]  # fmt: skip


def test_every_reason_of_a_text_and_an_image_model_with_evidence():
    evidence = Evidence((SharedIntent("transcribe calls", 7),), 12, 3)
    assert _reasons(QWEN, FLUX, evidence) == [
        ("split", "FLUX.1 [pro] for images, Qwen3.5-Flash for text.", None),
        ("rank", "FLUX.1 [pro] scores higher at 58/100 vs Qwen3.5-Flash at 23/100.", "b"),
        ("price", "Their prices are set per different units ($0.05 / image vs $0.065 / 1M "
                  "input tokens), so neither can be called cheaper.", None),
        ("listed", "FLUX.1 [pro] lists image generation; not listed for Qwen3.5-Flash.", "b"),
        ("listed", "Qwen3.5-Flash lists long context and low cost; not listed for "
                   "FLUX.1 [pro].", "a"),
        ("breadth", "Both list 2 capabilities.", None),
        ("data_gaps", "No data on adoption for Qwen3.5-Flash: missing data is left out of the "
                      "rank, not counted as 0.", None),
        ("evidence", "Both were found in 12 searches, most often for \u201ctranscribe calls\u201d "
                     "(7).", None),
        ("different_jobs", "These do different jobs: FLUX.1 [pro] produces images, Qwen3.5-Flash "
                           "produces text. Compare them only if either kind of output would do.",
         None),
    ]  # fmt: skip


ALPHA = SideFacts(
    name="Alpha",
    rank=70,
    components=FULL,
    starting_price=Decimal("0.000001"),
    price_unit="prompt_token",
    output_modalities=("text", "image"),
    capabilities=(cap(1, "chat"), cap(2, "chat"), cap(3, "chat")),
    model=ModelFacts(
        context_length=128_000,
        input_modalities=("text", "audio"),
        output_modalities=("text", "image"),
        features={
            "tools": True,
            "structured_output": True,
            "reasoning": True,
            "web_search": False,
        },
    ),
)
BETA = SideFacts(
    name="Beta",
    rank=40,
    components={},
    starting_price=Decimal("0.000001"),
    price_unit="prompt_token",
    output_modalities=("text", "audio"),
    capabilities=(cap(4, "chat"),),
    model=ModelFacts(
        context_length=512_000,
        input_modalities=("text", "image"),
        output_modalities=("text", "audio"),
        features={
            "tools": False,
            "structured_output": False,
            "reasoning": False,
            "web_search": True,
        },
    ),
)


def test_every_reason_of_two_models_that_partly_share_a_job():
    assert _reasons(ALPHA, BETA) == [
        ("rank", "Alpha scores higher at 70/100 vs Beta at 40/100.", "a"),
        ("price", "Both start at the same price: $1 / 1M input tokens.", None),
        ("context", "Beta reads up to 512K tokens at once, 4\u00d7 the 128K of Alpha.", "b"),
        ("modalities", "Only Alpha accepts audio.", "a"),
        ("modalities", "Only Beta accepts images.", "b"),
        ("modalities", "Only Alpha returns images.", "a"),
        ("modalities", "Only Beta returns audio.", "b"),
        ("features", "Only Alpha lists support for tool calling, structured output and "
                     "reasoning; the source for Beta does not.", "a"),
        ("features", "Only Beta lists support for web search; the source for Alpha does not.",
         "b"),
        ("breadth", "Alpha lists 3 capabilities to 1 for Beta.", "a"),
        ("data_gaps", "No data on adoption, quality, ecosystem, match graph and freshness for "
                      "Beta: missing data is left out of the rank, not counted as 0.", None),
        ("different_jobs", "These only partly do the same job: both produce text, but only Alpha "
                           "also produces images and only Beta also produces audio.", None),
    ]  # fmt: skip


def test_no_component_known_on_either_side_names_all_five():
    reason = data_gaps_describe(a=replace(ALPHA, components={}), b=BETA)
    assert reason.sentence == (
        "There is no data on adoption, quality, ecosystem, match graph and freshness for "
        "either: missing data is left out of the rank, not counted as 0."
    )


def test_modalities_one_side_does_not_state_are_not_compared():
    from comparisons.compare.verdict import model_differences

    silent = replace(BETA, model=replace(BETA.model, input_modalities=()))
    sentences = [r.sentence for r in model_differences(a=ALPHA, b=silent)]
    assert sentences == [
        "Beta reads up to 512K tokens at once, 4\u00d7 the 128K of Alpha.",
        "Only Alpha returns images.",
        "Only Beta returns audio.",
        "Only Alpha lists support for tool calling, structured output and reasoning; "
        "the source for Beta does not.",
        "Only Beta lists support for web search; the source for Alpha does not.",
    ]


def test_disjoint_inputs_are_named_and_disjoint_outputs_left_to_the_split():
    from comparisons.compare.verdict import model_differences

    a = replace(ALPHA, model=ModelFacts(input_modalities=("audio",), output_modalities=("text",)))
    b = replace(BETA, model=ModelFacts(input_modalities=("image",), output_modalities=("video",)))
    assert [r.sentence for r in model_differences(a=a, b=b)] == [
        "Only Alpha accepts audio.",
        "Only Beta accepts images.",
    ]


def test_names_lists_and_token_counts_read_as_prose():
    from comparisons.compare.verdict import _modalities_text, _names_list, _tokens_short

    assert _names_list(["a"]) == "a"
    assert _names_list(["a", "b"]) == "a and b"
    assert _names_list(["a", "b", "c"]) == "a, b and c"
    assert _names_list(["a", "b", "c", "d"]) == "a, b, c and 1 more"
    assert _names_list(["a", "b", "c", "d", "e"]) == "a, b, c and 2 more"
    # Modalities are listed in full up to five, and unknown ones by their own name.
    assert _modalities_text(["video", "text", "image", "audio"]) == "audio, images, text and video"
    assert _modalities_text(["3d", "text"]) == "3d and text"
    six = ["text", "image", "audio", "video", "file", "code"]
    assert _modalities_text(six) == "audio, code, files, images, text and 1 more"
    assert [_tokens_short(n) for n in (512, 999, 1000, 272_000, 1_000_000, 1_500_000)] == [
        "512", "999", "1K", "272K", "1M", "1.5M"
    ]  # fmt: skip


def test_a_rank_gap_of_exactly_five_is_no_longer_close():
    close = rank_compare(a=replace(QWEN, rank=54), b=FLUX)
    assert close.sentence == (
        "FLUX.1 [pro] is only just ahead at 58/100 vs Qwen3.5-Flash at 54/100, "
        "so their capabilities matter more than the score."
    )
    assert (close.key, close.favours) == ("rank", "b")
    apart = rank_compare(a=replace(QWEN, rank=53), b=FLUX)
    assert apart.sentence == "FLUX.1 [pro] scores higher at 58/100 vs Qwen3.5-Flash at 53/100."


def test_a_feature_tag_is_silent_only_when_both_sources_state_every_feature():
    from comparisons.compare.verdict import listed_compare

    known = {"tools": True, "structured_output": False, "reasoning": False, "web_search": False}
    a, b = _two_models(ModelFacts(features=known), ModelFacts(features={"tools": True}),
                       "function-calling")  # fmt: skip
    assert [r.sentence for r in listed_compare(a=a, b=b)] == [
        "Alpha lists function calling; not listed for Beta."
    ]
    b_known = replace(b, model=ModelFacts(features=known))
    assert listed_compare(a=a, b=b_known) == []


def test_ranks_too_close_to_call_are_still_the_rank_reason_favouring_nobody():
    a = replace(QWEN, rank=56, rank_low=50, rank_high=60)
    reason = rank_compare(a=a, b=replace(FLUX, rank_low=55, rank_high=62))
    assert (reason.key, reason.favours) == ("rank", None)
    assert reason.sentence == (
        "FLUX.1 [pro] (58/100, could be 55\u201362) and Qwen3.5-Flash (56/100, could be "
        "50\u201360) are too close to call: their ranges overlap."
    )


@pytest.mark.parametrize(
    ("a_price", "b_price", "sentence"),
    [
        (None, None, "There is no starting price on record for either."),
        ("varies", "varies", "The price of Alpha and Zeta vary by request, so the prices are "
                             "not compared."),
        ("varies", None, "The price of Alpha varies by request, so the prices are not compared."),
        (None, "0.01", "There is no starting price on record for Alpha, so the prices are not "
                       "compared."),
        ("0.01", "0.02", "Alpha is cheaper: $0.01 / image vs $0.02 / image for Zeta."),
        ("0.02", "0.02", "Both start at the same price: $0.02 / image."),
    ],
)  # fmt: skip
def test_the_price_reason_for_each_state_of_the_two_prices(a_price, b_price, sentence):
    def side(name, price):
        if price == "varies":
            return SideFacts(name=name, price_varies=True)
        if price is None:
            return SideFacts(name=name)
        return SideFacts(name=name, starting_price=Decimal(price), price_unit="image")

    reason = pricing_compare(a=side("Alpha", a_price), b=side("Zeta", b_price))[-1]
    favours = "a" if sentence.startswith("Alpha is cheaper") else None
    assert (reason.key, reason.sentence, reason.favours) == ("price", sentence, favours)


def test_open_weights_are_compared_only_between_two_models():
    model = SideFacts(name="Alpha", open_weights=True)
    library = SideFacts(name="Zeta", kind="library", kind_label="Library")
    assert [r.key for r in pricing_compare(a=model, b=library)] == ["price"]
    # A model whose weights nobody mentions: no claim either way.
    assert [r.key for r in pricing_compare(a=model, b=replace(library, kind="model"))] == ["price"]
    closed = replace(library, kind="model", open_weights=False)
    assert [r.key for r in pricing_compare(a=model, b=closed)] == ["open_weights", "price"]


def test_a_price_one_model_does_not_list_is_no_data():
    rows = {r.label: r for r in model_facts_rows(a=ModelFacts(), b=GPT.model)}
    assert (rows["Input price"].a.text, rows["Input price"].better) == ("no data", None)


def test_free_open_source_and_free_at_zero_read_the_same_whichever_side_is_first():
    # Found by the symmetry property: the sentence used to quote whichever side was "a".
    open_source = SideFacts(
        name="Alpha", kind="library", pricing_model="open_source", pricing_label="Open source",
        starting_price=Decimal(0), price_unit="prompt_token",
    )  # fmt: skip
    paid = SideFacts(name="Zeta", starting_price=Decimal(0), price_unit="prompt_token")
    sentence = "Both start at the same price: Free."
    assert pricing_compare(a=open_source, b=paid)[-1].sentence == sentence
    assert pricing_compare(a=paid, b=open_source)[-1].sentence == sentence
    both = replace(paid, pricing_model="open_source")
    assert pricing_compare(a=open_source, b=both)[-1].sentence == (
        "Both start at the same price: Free (open source)."
    )


# --- the model facts table, cell by cell ---------------------------------------------------

ALPHA_MODEL = ModelFacts(
    context_length=200_000,
    max_output=64_000,
    prices={
        "prompt_token": Decimal("0.000003"),
        "completion_token": Decimal("0.000015"),
        "image": Decimal("0.04"),
        "request": Decimal("0.01"),
    },
    price_tiers=(
        (200_000, "prompt_token", Decimal("0.000006")),
        (1_000_000, "prompt_token", Decimal("0.000009")),
        (200_000, "completion_token", Decimal("0.0000225")),
    ),
    cache_read=Decimal("0.0000003"),
    input_modalities=("text", "image"),
    output_modalities=("text",),
    features={"tools": True, "structured_output": False, "reasoning": True, "web_search": False},
    open_weights=True,
    weights_url="https://huggingface.co/acme/alpha",
    knowledge_cutoff=date(2025, 3, 1),
    release_date=date(2025, 6, 9),
)
BETA_MODEL = ModelFacts(
    max_output=128_000,
    prices={"prompt_token": Decimal("0.000001"), "image": Decimal("0.02")},
    output_modalities=("image", "text"),
    features={"tools": False, "structured_output": False, "reasoning": False, "web_search": False},
    open_weights=False,
    release_date=date(2024, 12, 1),
)


def _cells(rows) -> list[tuple]:
    return [
        (r.label, (r.a.text, r.a.note, r.a.href), (r.b.text, r.b.note, r.b.href), r.better)
        for r in rows
    ]


def test_the_model_facts_table_of_two_models_cell_by_cell():
    nd = ("no data", "", "")
    assert _cells(model_facts_rows(a=ALPHA_MODEL, b=BETA_MODEL)) == [
        ("Context window", ("200,000 tokens", "", ""), nd, None),
        ("Maximum output", ("64,000 tokens", "", ""), ("128,000 tokens", "", ""), "b"),
        ("Input price", ("$3 / 1M input tokens", "$6 above 200K, $9 above 1M", ""),
         ("$1 / 1M input tokens", "", ""), "b"),
        ("Output price", ("$15 / 1M output tokens", "$22.50 above 200K", ""), nd, None),
        # A unit either model is priced in has its row; one neither is (per second) has none.
        ("Price per image", ("$0.04 / image", "", ""), ("$0.02 / image", "", ""), "b"),
        ("Price per request", ("$0.01 / request", "", ""), nd, None),
        ("Cached input price", ("$0.30 / 1M input tokens", "", ""), nd, None),
        ("Input", ("image, text", "", ""), nd, None),
        ("Output", ("text", "", ""), ("image, text", "", ""), "b"),
        # Every feature known false reads "none", not "no data".
        ("Supports", ("tool calling, reasoning", "", ""), ("none", "", ""), "a"),
        ("Open weights", ("Yes", "", "https://huggingface.co/acme/alpha"), ("No", "", ""), "a"),
        ("Knowledge cutoff", ("1 Mar 2025", "", ""), nd, None),
        ("Released", ("9 Jun 2025", "", ""), ("1 Dec 2024", "", ""), None),
    ]  # fmt: skip


def test_a_model_with_no_facts_reads_no_data_in_every_row_it_always_has():
    from comparisons.compare.verdict import model_facts_single

    assert [(label, cell.text) for label, cell in model_facts_single(model=ModelFacts())] == [
        ("Context window", "no data"),
        ("Maximum output", "no data"),
        ("Input price", "no data"),
        ("Output price", "no data"),
        ("Input", "no data"),
        ("Output", "no data"),
        ("Supports", "no data"),
        ("Open weights", "no data"),
        ("Knowledge cutoff", "no data"),
        ("Released", "no data"),
    ]
    rows = {r.label: r for r in model_facts_rows(a=ALPHA_MODEL, b=ModelFacts())}
    assert (rows["Supports"].b.text, rows["Supports"].better) == ("no data", None)
    assert (rows["Open weights"].b.text, rows["Open weights"].better) == ("no data", None)


def test_the_cached_input_price_of_both_models_is_compared():
    cheaper = replace(BETA_MODEL, cache_read=Decimal("0.0000001"))
    rows = {r.label: r for r in model_facts_rows(a=ALPHA_MODEL, b=cheaper)}
    cache = rows["Cached input price"]
    assert (cache.a.text, cache.b.text, cache.better) == (
        "$0.30 / 1M input tokens",
        "$0.10 / 1M input tokens",
        "b",
    )
    same = {r.label: r for r in model_facts_rows(a=ALPHA_MODEL, b=ALPHA_MODEL)}
    assert same["Cached input price"].better is None


def test_a_library_known_to_publish_no_weights_is_not_compared_with_a_model_on_weights():
    model = SideFacts(name="Alpha", open_weights=True)
    library = SideFacts(name="Zeta", kind="library", kind_label="Library", open_weights=False)
    assert [r.key for r in pricing_compare(a=model, b=library)] == ["price"]
    assert [r.key for r in pricing_compare(a=library, b=model)] == ["price"]


def test_a_free_side_without_a_starting_price_says_it_is_free():
    free = SideFacts(name="Alpha", kind="tool", kind_label="Tool", pricing_model="free")
    paid = SideFacts(name="Zeta", starting_price=Decimal("0.000001"), price_unit="prompt_token")
    for a, b in ((free, paid), (paid, free)):
        assert pricing_compare(a=a, b=b)[-1].sentence == (
            "Alpha is free to use, so the prices are not compared."
        )


def test_a_later_knowledge_cutoff_is_better_and_features_need_both_sources_in_full():
    later = replace(
        BETA_MODEL,
        knowledge_cutoff=date(2025, 8, 31),
        features={"tools": True, "reasoning": True, "structured_output": True},
    )
    rows = {r.label: r for r in model_facts_rows(a=ALPHA_MODEL, b=later)}
    cutoff = rows["Knowledge cutoff"]
    assert (cutoff.a.text, cutoff.b.text, cutoff.better) == ("1 Mar 2025", "31 Aug 2025", "b")
    # Beta's source says nothing of web search: no side is marked, though Beta lists more.
    supports = rows["Supports"]
    assert (supports.b.text, supports.better) == (
        "tool calling, structured output, reasoning",
        None,
    )
    released = rows["Released"]
    assert (released.a.text, released.b.text, released.better) == (
        "9 Jun 2025",
        "1 Dec 2024",
        None,
    )


def _pricing_rows(a, b) -> list[tuple]:
    rows = {r.label: r for r in facts_build(a=a, b=b)}
    return [
        (r.a.text, r.a.note, r.b.text, r.b.note, r.better, r.note)
        for r in (rows["Pricing"], rows["Starting Price"])
    ]


def test_the_pricing_rows_mark_access_and_price_and_say_why_prices_are_not_compared():
    per_token = dict(starting_price=Decimal("0.000001"), price_unit="prompt_token")
    tiered = SideFacts(name="Alpha", has_free_tier=True, **per_token)
    paid = SideFacts(name="Zeta", starting_price=Decimal("0.000002"), price_unit="prompt_token")
    unknown = SideFacts(name="Zeta", pricing_model="unknown", pricing_label="Unknown")
    per_image = replace(paid, starting_price=Decimal("0.04"), price_unit="image")
    # A paid side with a free tier is noted, and more open than plain paid.
    assert _pricing_rows(tiered, paid) == [
        ("Paid", "with a free tier", "Paid", "", "a", ""),
        ("$1 / 1M input tokens", "", "$2 / 1M input tokens", "", "a", ""),
    ]
    # An unknown pricing model is no more and no less open than a paid one, and an unknown
    # price is not a different unit.
    assert _pricing_rows(replace(tiered, has_free_tier=False), unknown) == [
        ("Paid", "", "Unknown", "", None, ""),
        ("$1 / 1M input tokens", "", "Price unknown", "", None, ""),
    ]
    assert _pricing_rows(unknown, replace(tiered, has_free_tier=False))[1][5] == ""
    assert _pricing_rows(replace(tiered, has_free_tier=False), per_image)[1] == (
        "$1 / 1M input tokens", "", "$0.04 / image", "", None, "Different units: not compared."
    )  # fmt: skip


def test_an_unknown_pricing_model_is_less_open_than_a_free_tier():
    unknown = SideFacts(name="Alpha", pricing_model="unknown", pricing_label="Unknown")
    freemium = SideFacts(name="Zeta", pricing_model="freemium", pricing_label="Freemium")
    assert _pricing_rows(unknown, freemium)[0][4] == "b"
    assert _pricing_rows(freemium, unknown)[0][4] == "a"
    # A free tier on a model whose pricing is unknown counts as a free tier.
    assert _pricing_rows(replace(unknown, has_free_tier=True), freemium)[0][4] is None


def test_two_models_keep_every_general_row_around_their_model_facts():
    labels = [row.label for row in facts_build(a=OPUS, b=GPT)]
    model_rows = [row.label for row in model_facts_rows(a=OPUS.model, b=GPT.model)]
    assert labels[:2] == ["Type", "UnfragileRank"]
    assert labels[-2:] == ["Capabilities", "Times Matched"]
    start = labels.index("Starting Price") + 1
    assert labels[start : start + len(model_rows)] == model_rows


def test_the_cheaper_cached_input_is_marked_on_either_side():
    cheaper = replace(BETA_MODEL, cache_read=Decimal("0.0000001"))
    rows = {r.label: r for r in model_facts_rows(a=cheaper, b=ALPHA_MODEL)}
    assert rows["Cached input price"].better == "a"
