"""OpenRouter records, parsed without a database, on a hand-written fixture that holds
every quirk of the real endpoint (see ../shared/data/SOURCES.md)."""

from datetime import date
from decimal import Decimal

import pytest

from catalog.importers import openrouter
from catalog.importers.common import ImportSourceError
from catalog.models import PRICE_VARIES
from tests.catalog.importers.sources import fixture_load


# Function scope: a fixture computed once per module runs inside the first test only, so a
# mutation run would credit the parse to that test alone and skip the others.
@pytest.fixture
def parsed():
    return openrouter.records_parse(payload=fixture_load("openrouter-models.json"))


@pytest.fixture
def by_id(parsed):
    return {record.external_id: record for record in parsed.records}


def test_one_record_per_base_model(parsed, by_id):
    assert sorted(by_id) == [
        "acme/lumen-flash",
        "lab9/tiny-chat",
        "oddball/new-timer",
        "oddball/old-timer",
        "openrouter/auto",
        "pixelworks/canvas-2-klein",
        "pixelworks/canvas-2-pro",
        "quietlab/ear-1",
        "quietlab/echo-tts",
        "quietlab/parrot",
        "reelhouse/motion-3",
        "vectorco/embed-small",
        "vectorco/rerank-lite",
    ]
    assert {"acme/lumen-flash", "lab9/tiny-chat"} <= parsed.seen_ids
    assert not any(":" in model_id for model_id in parsed.seen_ids)


def test_invalid_records_are_skipped_with_their_id_and_reason(parsed):
    assert dict(parsed.skipped) == {
        "~acme/lumen-latest": "alias of acme/lumen-flash, not a separate model",
        "broken/bad-price": "prompt price 'cheap' is not a number",
        "broken/bad-context": "context_length 'lots' is not a whole number",
        "#18": "not an object",
        "#19": "no usable id",
    }
    # Skipped but still listed: their artifacts must not be sent to review.
    assert {"broken/bad-price", "broken/bad-context"} <= parsed.seen_ids


def test_the_vendor_prefix_is_split_from_the_name(by_id):
    lumen = by_id["acme/lumen-flash"]
    assert (lumen.fields["name"], lumen.vendor, lumen.slug) == (
        "Lumen Flash",
        "Acme",
        "lumen-flash",
    )
    # Without a prefix, the vendor other models of the same id namespace name.
    assert by_id["oddball/old-timer"].vendor == "Oddball"
    assert by_id["oddball/old-timer"].fields["name"] == "Old Timer 13B"
    # Without any prefix in the namespace, the namespace itself.
    assert by_id["openrouter/auto"].vendor == "Openrouter"


def test_a_paid_model_with_its_free_variant_folded_in(by_id):
    fields = by_id["acme/lumen-flash"].fields
    assert fields["starting_price"] == Decimal("0.000000065")
    assert fields["price_unit"] == "prompt_token"
    assert fields["pricing_model"] == "paid"
    assert fields["has_free_tier"] is True
    assert fields["prices"] == {
        "prompt_token": "0.000000065",
        "completion_token": "0.00000026",
        "cached_input_token": "0.00000001",
        "web_search": "0.01",
    }
    assert fields["context_length"] == 1_000_000
    assert fields["input_modalities"] == ["image", "text", "video"]
    assert fields["output_modalities"] == ["text"]
    assert fields["release_date"] == date(2026, 2, 25)
    assert fields["kind"] == "model"


def test_a_model_listed_only_as_free_is_free(by_id):
    tiny = by_id["lab9/tiny-chat"]
    assert tiny.fields["name"] == "Tiny Chat"
    assert tiny.vendor == "Lab Nine"
    assert tiny.fields["pricing_model"] == "free"
    assert (tiny.fields["starting_price"], tiny.fields["has_free_tier"]) == (Decimal(0), True)


def test_minus_one_means_varies_not_free(by_id):
    router = by_id["openrouter/auto"]
    assert router.fields["starting_price"] is None
    assert router.fields["price_unit"] == ""
    assert router.fields["pricing_model"] == "paid"
    assert set(router.fields["prices"].values()) == {PRICE_VARIES}
    assert router.fields["kind"] == "api"


def test_zero_per_prompt_token_but_charged_per_image_token_is_paid_per_image_token(by_id):
    for model_id in ("pixelworks/canvas-2-pro", "pixelworks/canvas-2-klein"):
        fields = by_id[model_id].fields
        assert fields["price_unit"] == "output_image_token"
        assert fields["starting_price"] > 0
        assert fields["pricing_model"] == "paid"
        assert "prompt_token" not in fields["prices"]
    assert by_id["pixelworks/canvas-2-pro"].fields["prices"] == {
        "output_image_token": "0.00000732421875"
    }
    assert by_id["pixelworks/canvas-2-klein"].fields["open_weights"] is True
    assert by_id["pixelworks/canvas-2-pro"].fields["open_weights"] is False


def test_a_model_charging_only_per_audio_token_is_paid_with_no_starting_price(by_id):
    fields = by_id["quietlab/parrot"].fields
    assert fields["prices"] == {"audio_input_token": "0.000032"}
    assert (fields["starting_price"], fields["price_unit"]) == (None, "")
    assert fields["pricing_model"] == "paid"
    assert _titles(by_id["quietlab/parrot"]) == [
        "Text generation",
        "Audio understanding",
        "Audio generation",
    ]


def test_every_price_zero_without_a_free_variant_is_unknown_not_free(by_id):
    fields = by_id["reelhouse/motion-3"].fields
    assert (fields["starting_price"], fields["price_unit"], fields["prices"]) == (None, "", {})
    # Neither free nor paid: the pricing model itself is unknown.
    assert fields["pricing_model"] == "unknown"


def test_missing_or_zero_context_length_is_unknown(by_id):
    assert by_id["reelhouse/motion-3"].fields["context_length"] is None  # 0
    assert by_id["pixelworks/canvas-2-klein"].fields["context_length"] is None  # missing


def test_a_description_cut_by_the_source_keeps_whole_sentences(by_id):
    summary = by_id["acme/lumen-flash"].fields["summary"]
    assert summary == "Lumen Flash is a small, quick model from a made-up lab."


def test_source_modalities_map_to_the_catalogs(by_id):
    assert by_id["quietlab/echo-tts"].fields["output_modalities"] == ["audio"]
    assert by_id["quietlab/ear-1"].fields["output_modalities"] == ["text"]
    assert by_id["vectorco/embed-small"].fields["output_modalities"] == ["embedding"]
    assert by_id["vectorco/rerank-lite"].fields["output_modalities"] == []


def _titles(record):
    return [c.title for c in record.capabilities]


def test_capabilities_come_from_structured_fields(by_id):
    assert _titles(by_id["acme/lumen-flash"]) == [
        "Text generation",
        "Reasoning",
        "Function calling",
        "Structured output",
        "Long context",
        "Image understanding",
        "Video understanding",
        "Web search",
    ]
    assert _titles(by_id["pixelworks/canvas-2-pro"]) == ["Image understanding", "Image generation"]
    assert _titles(by_id["quietlab/echo-tts"]) == ["Text to speech"]
    assert _titles(by_id["quietlab/ear-1"]) == ["Speech to text"]
    assert _titles(by_id["vectorco/embed-small"]) == ["Embeddings"]
    assert _titles(by_id["vectorco/rerank-lite"]) == ["Reranking"]
    assert _titles(by_id["reelhouse/motion-3"]) == ["Image understanding", "Video generation"]


def test_every_capability_is_tagged_and_typed(parsed):
    for record in parsed.records:
        for capability in record.capabilities:
            assert capability.tags, (record.external_id, capability.title)
            assert capability.description.endswith(".")
    long_context = next(c for c in parsed.records[0].capabilities if c.title == "Long context")
    assert "1,000,000 tokens" in long_context.description
    generation = next(
        c for c in parsed.records if c.external_id == "pixelworks/canvas-2-pro"
    ).capabilities[1]
    assert [t.slug for t in generation.tags] == ["image-generation", "image-editing"]
    assert generation.output_types == ("image",)


@pytest.mark.parametrize(
    ("context_length", "long"),
    [(openrouter.LONG_CONTEXT_MIN_TOKENS - 1, False), (openrouter.LONG_CONTEXT_MIN_TOKENS, True)],
)
def test_long_context_starts_at_the_documented_threshold(context_length, long):
    capabilities = openrouter.capabilities_derive(
        inputs={"text"},
        outputs={"text"},
        raw_outputs={"text"},
        parameters=set(),
        context_length=context_length,
        prices={},
        reasons=False,
    )
    assert ("Long context" in [c.title for c in capabilities]) is long


def test_the_older_bare_list_shape_is_accepted():
    parsed = openrouter.records_parse(payload=fixture_load("openrouter-models-legacy.json"))
    (record,) = parsed.records
    assert record.fields["input_modalities"] == ["image", "text"]
    assert record.fields["output_modalities"] == ["text"]
    assert record.fields["starting_price"] == Decimal("0.000000065")


def test_the_parse_notes_each_quirk_it_met(parsed):
    notes = "\n".join(parsed.notes)
    for fragment in (
        "1 :free variant(s) folded",
        "1 model(s) listed only as a :free variant",
        "1 other variant(s)",
        "1 description(s) cut off",
        '1 model(s) priced "-1"',
        "every price as 0",
        "charge in another unit",
        "without a context length",
        "rerank",
        "cannot be a starting price",
    ):
        assert fragment in notes


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"models": []}, "expected"),
        ({"data": {"id": "x"}}, "expected"),
        ("models", "expected"),
        (42, "expected"),
        ({"data": []}, "lists no models"),
        ([], "lists no models"),
        ([1, 2, "three"], "holds no objects"),
    ],
)
def test_a_payload_of_the_wrong_shape_is_refused(payload, message):
    with pytest.raises(ImportSourceError, match=message):
        openrouter.records_parse(payload=payload)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"pricing": {"prompt": "-2", "completion": "0"}}, "negative prompt price"),
        ({"pricing": "free"}, "pricing is not an object"),
        ({"created": "yesterday"}, "not a Unix timestamp"),
        ({"created": 10**20}, "not a Unix timestamp"),
        ({"context_length": -5}, "out of range"),
        ({"architecture": {"input_modalities": ["smell"], "output_modalities": ["text"]}},
         "unknown modality smell"),
        ({"architecture": {"input_modalities": "text", "output_modalities": ["text"]}},
         "not a list of names"),
        ({"name": ""}, "no name"),
        ({"name": "Acme: " + "x" * 201}, "longer than 200"),
        ({"description": ["not", "text"]}, "description is list"),
        ({"supported_parameters": "tools"}, "supported_parameters is not a list"),
    ],
)  # fmt: skip
def test_hostile_fields_skip_only_their_record(change, reason):
    good = {"id": "ok/fine", "name": "Ok: Fine", "pricing": {"prompt": "0.000001"}}
    bad = {"id": "bad/one", "name": "Bad: One", "pricing": {"prompt": "0.000001"}, **change}
    parsed = openrouter.records_parse(payload=[good, bad])
    assert [r.external_id for r in parsed.records] == ["ok/fine"]
    ((record_id, message),) = parsed.skipped
    assert record_id == "bad/one"
    assert reason in message
