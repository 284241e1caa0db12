"""The whole shared OpenRouter snapshot, imported with --publish: every stored price held
to its source value and unit, the model facts of two known models, and three computed
claims recomputed by hand from the file."""

import io
import json
from decimal import Decimal
from statistics import median

import pytest
from django.core.management import call_command

from catalog.claims import per_million, tokens_short
from catalog.importers.openrouter import DISCOUNTED_VARIANTS, PRICE_UNITS
from catalog.models import Artifact, ArtifactPrice
from catalog.pricing import PRICE_UNIT_DECLARATIONS, price_plausible
from tests.catalog.importers.sources import REAL_OPENROUTER, real_data_required

pytestmark = pytest.mark.django_db


@pytest.fixture
def snapshot():
    real_data_required(REAL_OPENROUTER)
    call_command("import_openrouter", str(REAL_OPENROUTER), "--publish", stdout=io.StringIO())
    return json.loads(REAL_OPENROUTER.read_text())["data"]


def _primaries(models: list[dict]) -> dict[str, dict]:
    """Base id -> the listing that describes it: the plain id, else a full-price variant,
    else :batch, else :free (as docs/importers.md says)."""
    groups: dict[str, list[tuple[str, dict]]] = {}
    for item in models:
        if item["id"].startswith("~") or item.get("alias_target"):
            continue
        base, _, variant = item["id"].partition(":")
        groups.setdefault(base, []).append((variant, item))
    return {
        base: sorted(
            members,
            key=lambda m: (m[0] != "", m[0] == "free", m[0] in DISCOUNTED_VARIANTS, m[0]),
        )[0][1]
        for base, members in groups.items()
    }


def test_every_stored_price_is_the_source_value_in_its_declared_unit(snapshot):
    primaries = _primaries(snapshot)
    rows = {
        (artifact_id, key, tier): (unit, amount, clear)
        for artifact_id, key, tier, unit, amount, clear in ArtifactPrice.objects.values_list(
            "artifact__external_id", "key", "min_prompt_tokens", "unit", "amount", "unit_clear"
        )
    }
    artifacts = {a.external_id: a for a in Artifact.objects.filter(external_source="openrouter")}
    checked = 0
    for base, item in primaries.items():
        artifact = artifacts[base]
        pricing = item["pricing"]
        free_only = item["id"].endswith(":free")
        for key, value in pricing.items():
            if key in ("discount", "overrides") or free_only:
                continue
            amount = Decimal(value)
            stored = rows.get((base, key, 0))
            if amount <= 0 and amount != -1:
                assert stored is None, (base, key)
                continue
            unit, stored_amount, clear = stored
            assert unit == PRICE_UNITS[key] and unit in PRICE_UNIT_DECLARATIONS, (base, key)
            assert stored_amount == (None if amount == -1 else amount), (base, key)
            if amount != -1 and not clear:
                assert artifact.prices_unclear, base
            checked += 1
        for override in pricing.get("overrides") or []:
            if "min_prompt_tokens" not in override:
                continue
            for key, value in override.items():
                if key in PRICE_UNITS:
                    tier = rows[(base, key, override["min_prompt_tokens"])]
                    assert (tier[0], tier[1]) == (PRICE_UNITS[key], Decimal(value)), (base, key)
                    checked += 1
        # The model-fact prices are the source's, exactly, when their unit is clear.
        for key, field in (("prompt", "input_price"), ("completion", "output_price")):
            value = getattr(artifact, field)
            if value is not None and value != 0:
                assert value == Decimal(pricing[key]), (base, field)
    assert checked > 1000
    # Nothing shown as a headline is implausible for its unit.
    for artifact in artifacts.values():
        if artifact.starting_price:
            assert price_plausible(amount=artifact.starting_price, unit=artifact.price_unit), (
                artifact.external_id
            )


def test_the_reported_units_are_right_on_the_snapshot(snapshot):
    recraft = Artifact.objects.get(external_id="recraft/recraft-v3")
    assert recraft.price_unit == "output_image_token"
    assert recraft.price_rows.get(key="image_output").amount == Decimal("0.00000958083832335329")
    seedream = Artifact.objects.get(external_id="bytedance-seed/seedream-5-0-pro")
    assert seedream.price_rows.get(key="image").unit == "input_image"
    assert seedream.price_rows.get(key="image").unit_clear is True  # $0.003 per image
    for stt in ("x-ai/grok-stt-1.0", "mistralai/voxtral-small-24b-2507-stt"):
        artifact = Artifact.objects.get(external_id=stt)
        assert artifact.prices_unclear, stt
        assert (artifact.starting_price, artifact.input_price) == (None, None), stt
        assert artifact.price_rows.get(key="prompt").unit_clear is False


def test_gpt_5_4_and_claude_opus_4_6_facts(snapshot):
    gpt = Artifact.objects.get(external_id="openai/gpt-5.4")
    assert (gpt.context_length, gpt.max_output_tokens) == (1_050_000, 128_000)
    assert (gpt.input_price, gpt.output_price) == (Decimal("0.0000025"), Decimal("0.000015"))
    assert gpt.cache_read_price == Decimal("0.00000025")
    assert gpt.web_search_price == Decimal("0.01")
    tier = gpt.price_rows.get(key="prompt", min_prompt_tokens=272_000)
    assert tier.amount == Decimal("0.000005")
    assert (gpt.supports_tools, gpt.supports_structured_output, gpt.supports_reasoning) == (
        True,
        True,
        True,
    )
    opus = Artifact.objects.get(external_id="anthropic/claude-opus-4.6")
    assert (opus.context_length, opus.max_output_tokens) == (1_000_000, 128_000)
    assert (opus.input_price, opus.output_price) == (Decimal("0.000005"), Decimal("0.000025"))
    assert opus.input_modalities == ["file", "image", "text"]


def _text_models(primaries: dict[str, dict]) -> list[dict]:
    """Published models (routers are APIs) that write text, as the claims count them: a
    transcription is text too."""
    return [
        item
        for base, item in primaries.items()
        if not base.startswith("openrouter/")
        and {"text", "transcription"} & set(item["architecture"]["output_modalities"])
    ]


def test_three_computed_claims_recomputed_by_hand(snapshot):
    primaries = _primaries(snapshot)
    text = _text_models(primaries)
    gpt = Artifact.objects.get(external_id="openai/gpt-5.4")
    caps = {c.title: c for c in gpt.capabilities.all()}

    # 1. Context window among text models.
    contexts = [m["context_length"] for m in text if m["context_length"]]
    longer = sum(1 for c in contexts if c > 1_050_000)
    top = -(-100 * (longer + 1) // len(contexts))
    assert caps["Long context"].computed_vs_alternatives == (
        f"Context window in the top {top}% of the {len(contexts)} published models that write "
        f"text (1.05M tokens; median {tokens_short(median(contexts))})"
    )

    # 2. Structured output support among text models whose parameters are listed.
    # Features are those of models that write text (a transcription has none).
    listed = [
        m
        for m in text
        if m.get("supported_parameters") is not None
        and "text" in m["architecture"]["output_modalities"]
    ]
    lacking = [
        m
        for m in listed
        if not {"structured_outputs", "response_format"} & set(m["supported_parameters"])
    ]
    assert caps["Structured output"].computed_unique == (
        f"Supports structured output, which {round(100 * len(lacking) / len(listed))}% of the "
        f"{len(listed)} published models that write text that list their features do not"
    )

    # 3. Input price among models that read images and write text (unit clear, charged).
    readers = [
        Decimal(m["pricing"]["prompt"])
        for m in text
        if "image" in m["architecture"]["input_modalities"]
        # Charged, or free as a model listed only as :free (zero elsewhere is unknown).
        and (Decimal(m["pricing"]["prompt"]) > 0 or m["id"].endswith(":free"))
    ]
    cheaper = sum(1 for p in readers if p < Decimal("0.0000025"))
    dearer = sum(1 for p in readers if p > Decimal("0.0000025"))
    assert cheaper and dearer
    share = -(-100 * (dearer + 1) // len(readers))
    assert caps["Image understanding"].computed_vs_alternatives == (
        f"Input price in the most expensive {share}% of the {len(readers)} published models "
        f"that read images and write text ($2.50 per 1M input tokens; median "
        f"{per_million(median(readers))})"
    )


def test_every_imported_model_has_a_computed_line_naming_its_set(snapshot):
    missing = []
    for artifact in Artifact.objects.filter(external_source="openrouter", kind="model"):
        lines = [
            line
            for c in artifact.capabilities.filter(status="published")
            for line in (c.computed_unique, c.computed_vs_alternatives)
            if line
        ]
        if not lines or not all("published" in line for line in lines):
            missing.append(artifact.external_id)
    assert missing == []
