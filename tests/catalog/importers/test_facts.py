"""Model facts the OpenRouter importer stores: parsed without a database, then as rows."""

import copy
import random
from decimal import Decimal

import pytest

from catalog.importers import openrouter
from catalog.importers.writer import records_import
from catalog.models import Artifact, ArtifactPrice, Capability
from catalog.pricing import price_plausible
from tests.catalog.importers.sources import fixture_load


def _payload(*models: dict) -> dict:
    return {"data": list(models)}


def _model(model_id: str = "acme/alpha", **extra) -> dict:
    item = {
        "id": model_id,
        "name": "Acme: Alpha",
        "created": 1770000000,
        "context_length": 1_050_000,
        "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
        "pricing": {"prompt": "0.0000025", "completion": "0.000015"},
        "top_provider": {"context_length": 1_050_000, "max_completion_tokens": 128_000},
        "supported_parameters": ["tools", "structured_outputs", "reasoning"],
    }
    item.update(extra)
    return item


def _record(*models: dict):
    parsed = openrouter.records_parse(payload=_payload(*models))
    return {record.external_id: record for record in parsed.records}


def test_a_model_record_holds_every_fact_the_source_states():
    gpt = _model(
        "acme/alpha",
        hugging_face_id="acme/Alpha-7B",
        knowledge_cutoff="2025-08-31",
        pricing={
            "prompt": "0.0000025",
            "completion": "0.000015",
            "web_search": "0.01",
            "input_cache_read": "0.00000025",
            "overrides": [
                {"min_prompt_tokens": 272000, "prompt": "0.000005", "completion": "0.0000225"}
            ],
        },
    )
    record = _record(gpt)["acme/alpha"]
    fields = record.fields
    assert fields["context_length"] == 1_050_000
    assert fields["max_output_tokens"] == 128_000
    assert fields["input_price"] == Decimal("0.0000025")
    assert fields["output_price"] == Decimal("0.000015")
    assert fields["cache_read_price"] == Decimal("0.00000025")
    assert fields["web_search_price"] == Decimal("0.01")
    assert fields["weights_url"] == "https://huggingface.co/acme/Alpha-7B"
    assert fields["open_weights"] is True
    assert str(fields["knowledge_cutoff"]) == "2025-08-31"
    assert (fields["supports_tools"], fields["supports_structured_output"]) == (True, True)
    assert (fields["supports_reasoning"], fields["supports_web_search"]) == (True, True)
    tiers = {(p.key, p.min_prompt_tokens): p.amount for p in record.prices}
    assert tiers == {
        ("prompt", 0): Decimal("0.0000025"),
        ("completion", 0): Decimal("0.000015"),
        ("web_search", 0): Decimal("0.01"),
        ("input_cache_read", 0): Decimal("0.00000025"),
        ("prompt", 272000): Decimal("0.000005"),
        ("completion", 272000): Decimal("0.0000225"),
    }


def test_what_the_source_does_not_say_is_no_data_not_no():
    bare = _model(supported_parameters=None, top_provider=None, knowledge_cutoff=None)
    del bare["supported_parameters"]
    fields = _record(bare)["acme/alpha"].fields
    assert fields["max_output_tokens"] is None
    assert fields["knowledge_cutoff"] is None
    assert fields["weights_url"] == ""
    for name in ("supports_tools", "supports_structured_output", "supports_reasoning"):
        assert fields[name] is None, name
    # A listed parameter set without "tools" says the model has no tools: False.
    listed = _record(_model(supported_parameters=["temperature"]))["acme/alpha"].fields
    assert (listed["supports_tools"], listed["supports_structured_output"]) == (False, False)
    # Features of text models do not apply to an image model.
    image = _model(
        architecture={"input_modalities": ["text"], "output_modalities": ["image"]},
        pricing={"prompt": "0", "completion": "0", "image_output": "0.00000958"},
    )
    assert _record(image)["acme/alpha"].fields["supports_tools"] is None


@pytest.mark.parametrize(
    ("tokens", "expected"), [(None, None), (0, None), (1, 1), (128_000, 128_000)]
)
def test_maximum_output_boundaries(tokens, expected):
    model = _model(top_provider={"max_completion_tokens": tokens})
    assert _record(model)["acme/alpha"].fields["max_output_tokens"] == expected


def test_a_negative_maximum_output_skips_the_record_with_its_reason():
    parsed = openrouter.records_parse(
        payload=_payload(_model(top_provider={"max_completion_tokens": -1}), _model("acme/b"))
    )
    assert parsed.skipped == [("acme/alpha", "max_completion_tokens -1 is not a token count")]


def test_capabilities_carry_their_number():
    record = _record(_model(pricing={"prompt": "0.0000025", "completion": "0.000015"}))
    caps = {c.title: c for c in record["acme/alpha"].capabilities}
    assert (caps["Long context"].quantity, caps["Long context"].quantity_unit) == (
        Decimal(1_050_000),
        "context_tokens",
    )
    assert "Reads up to 1,050,000 tokens" in caps["Long context"].description
    text = caps["Text generation"]
    assert (text.quantity, text.quantity_unit) == (Decimal(128_000), "output_tokens")
    assert text.description == (
        "Writes text in reply to a prompt: answers, drafts, summaries and code; returns up "
        "to 128,000 tokens per reply and costs $2.50 per 1M input tokens and $15 per 1M "
        "output tokens."
    )


# Prices in the unit they are charged in -------------------------------------------------


def test_an_image_output_price_is_per_output_image_token_never_per_image():
    recraft = _model(
        "recraft/recraft-v3",
        architecture={"input_modalities": ["text", "image"], "output_modalities": ["image"]},
        pricing={
            "prompt": "0",
            "completion": "0",
            "image_token": "0.00000958083832335329",
            "image_output": "0.00000958083832335329",
        },
    )
    fields = _record(recraft)["recraft/recraft-v3"].fields
    assert (fields["price_unit"], fields["pricing_model"]) == ("output_image_token", "paid")
    assert fields["starting_price"] == Decimal("0.000009580839")  # 12 places, rounded up
    rows = {p.key: p for p in _record(recraft)["recraft/recraft-v3"].prices}
    assert rows["image_output"].amount == Decimal("0.00000958083832335329")  # exact
    assert rows["image_output"].unit == "output_image_token"
    assert rows["image_token"].unit == "image_token"
    caps = {c.title: c for c in _record(recraft)["recraft/recraft-v3"].capabilities}
    assert "$9.58 per 1M output image tokens" in caps["Image generation"].description


def test_a_per_image_input_price_under_a_hundredth_of_a_cent_is_unit_unclear():
    def image_row(amount: str):
        model = _model(pricing={"prompt": "0.000001", "completion": "0.000002", "image": amount})
        record = _record(model)["acme/alpha"]
        return next(p for p in record.prices if p.key == "image"), record.fields

    for amount, clear in [("0.0000999", False), ("0.0001", True), ("0.003", True)]:
        row, fields = image_row(amount)
        assert (row.unit, row.unit_clear) == ("input_image", clear), amount
        assert fields["prices_unclear"] is (not clear), amount


def test_a_token_price_for_a_transcription_model_is_unit_unclear_and_never_a_headline():
    stt = _model(
        "x-ai/grok-stt-1.0",
        architecture={"input_modalities": ["audio"], "output_modalities": ["transcription"]},
        pricing={"prompt": "0.1", "completion": "0"},
    )
    record = _record(stt)["x-ai/grok-stt-1.0"]
    assert (record.fields["starting_price"], record.fields["price_unit"]) == (None, "")
    assert record.fields["input_price"] is None
    assert record.fields["pricing_model"] == "unknown"
    assert record.fields["prices_unclear"] is True
    [row] = record.prices
    assert (row.key, row.amount, row.unit_clear) == ("prompt", Decimal("0.1"), False)
    # Also at a plausible-looking token price ($50 per 1M): audio in, nothing billed out.
    voxtral = copy.deepcopy(stt)
    voxtral["pricing"]["prompt"] = "0.00005"
    assert _record(voxtral)["x-ai/grok-stt-1.0"].fields["prices_unclear"] is True
    # A transcription model that bills output tokens is priced per token.
    tokens = copy.deepcopy(stt)
    tokens["pricing"] = {"prompt": "0.0000025", "completion": "0.00001"}
    fields = _record(tokens)["x-ai/grok-stt-1.0"].fields
    assert (fields["prices_unclear"], fields["input_price"]) == (False, Decimal("0.0000025"))


@pytest.mark.parametrize(
    ("amount", "plausible"),
    [("0.000999", True), ("0.001", True), ("0.0010001", False), ("0", True)],
)
def test_a_token_price_above_a_thousand_dollars_per_million_is_implausible(amount, plausible):
    assert price_plausible(amount=Decimal(amount), unit="prompt_token") is plausible


def test_an_undeclared_unit_is_never_plausible():
    assert price_plausible(amount=Decimal("0.01"), unit="per_vibe") is False


def test_every_openrouter_pricing_key_maps_to_a_declared_unit():
    from catalog.pricing import PRICE_UNIT_DECLARATIONS

    assert set(openrouter.PRICE_UNITS.values()) <= set(PRICE_UNIT_DECLARATIONS)


# A :batch variant never prices its plain model -------------------------------------------


def test_a_batch_variant_listed_first_does_not_price_the_plain_model():
    plain = _model("acme/alpha")
    batch = _model("acme/alpha:batch", pricing={"prompt": "0.00000125", "completion": "0.0000075"})
    for order in ([plain, batch], [batch, plain]):
        fields = _record(*order)["acme/alpha"].fields
        assert fields["starting_price"] == Decimal("0.0000025"), order[0]["id"]
        assert fields["input_price"] == Decimal("0.0000025")


def test_without_a_plain_id_a_full_price_variant_wins_over_batch_in_any_order():
    thinking = _model("acme/alpha:thinking", pricing={"prompt": "0.000003", "completion": "0"})
    batch = _model("acme/alpha:batch", pricing={"prompt": "0.0000015", "completion": "0"})
    for order in ([thinking, batch], [batch, thinking]):
        assert _record(*order)["acme/alpha"].fields["input_price"] == Decimal("0.000003")


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_the_fixture_in_any_order_gives_the_same_records(seed):
    payload = fixture_load("openrouter-models.json")
    expected = openrouter.records_parse(payload=payload)
    shuffled = copy.deepcopy(payload)
    random.Random(seed).shuffle(shuffled["data"])
    got = openrouter.records_parse(payload=shuffled)
    assert sorted(got.records, key=lambda r: r.external_id) == sorted(
        expected.records, key=lambda r: r.external_id
    )

    # Records without an id are named by their position, which moves with the order.
    def reasons(skipped):
        return sorted(("#" if rid.startswith("#") else rid, why) for rid, why in skipped)

    assert reasons(got.skipped) == reasons(expected.skipped)
    assert got.seen_ids == expected.seen_ids


@pytest.mark.django_db
def test_price_rows_are_written_once_and_replaced_whole_when_the_source_changes():
    payload = _payload(_model(pricing={"prompt": "0.0000025", "completion": "0.000015"}))
    records_import(source="openrouter", parsed=openrouter.records_parse(payload=payload))
    alpha = Artifact.objects.get(external_id="acme/alpha")
    assert sorted(alpha.price_rows.values_list("key", "amount")) == [
        ("completion", Decimal("0.000015")),
        ("prompt", Decimal("0.0000025")),
    ]
    again = records_import(source="openrouter", parsed=openrouter.records_parse(payload=payload))
    assert (again.updated, again.unchanged) == (0, 1)
    payload["data"][0]["pricing"]["prompt"] = "0.000003"
    report = records_import(source="openrouter", parsed=openrouter.records_parse(payload=payload))
    changed = ("capabilities", "input_price", "price list", "prices", "starting_price")
    assert report.changes == [("update", "acme/alpha", changed)]
    assert ArtifactPrice.objects.get(artifact=alpha, key="prompt").amount == Decimal("0.000003")
    assert ArtifactPrice.objects.filter(artifact=alpha).count() == 2
    text = Capability.objects.get(artifact=alpha, title="Text generation")
    assert "$3 per 1M input tokens" in text.description
