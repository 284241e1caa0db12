"""OpenRouter records held exactly: every note, skip reason, capability sentence and field
an editor or a visitor reads, and each parsing rule at, just below and just above its
boundary. Parsed without a database, on small OpenRouter-shaped records (the shape of
../shared/data/openrouter-models-2026-08-19.json, see its SOURCES.md)."""

import copy
import random
import time
from datetime import date
from decimal import Decimal

import pytest

from catalog.importers import openrouter
from catalog.importers.common import CapabilityRecord, ImportSourceError, PriceRecord
from catalog.models import PRICE_VARIES
from tests.catalog.importers.sources import fixture_load


def _model(model_id: str = "acme/alpha", **extra) -> dict:
    item = {
        "id": model_id,
        "name": "Acme: Alpha",
        "created": 1770000000,
        "context_length": 8192,
        "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
        "pricing": {"prompt": "0.000001", "completion": "0.000002"},
        "supported_parameters": ["max_tokens"],
    }
    item.update(extra)
    return item


def _parse(*models):
    return openrouter.records_parse(payload={"data": list(models)})


def _records(*models) -> dict:
    return {record.external_id: record for record in _parse(*models).records}


def _one(**extra):
    (record,) = _parse(_model(**extra)).records
    return record


def _skip_reason(**extra) -> str:
    parsed = _parse(_model("ok/fine"), _model("bad/one", **extra))
    assert [r.external_id for r in parsed.records] == ["ok/fine"]
    ((record_id, reason),) = parsed.skipped
    assert record_id == "bad/one"
    return reason


def _caps(record) -> list[tuple]:
    return [
        (
            c.title,
            c.description,
            [t.slug for t in c.tags],
            c.input_types,
            c.output_types,
            c.quantity,
            c.quantity_unit,
        )
        for c in record.capabilities
    ]


def _notes(parsed) -> list[str]:
    return parsed.notes


# The hand-written fixture as a whole --------------------------------------------------

NOTES = {
    "free_folded": "{n} :free variant(s) folded into their base model as its free tier",
    "free_only": "{n} model(s) listed only as a :free variant: recorded as free",
    "variant_folded": "{n} other variant(s) (:batch, :thinking...) folded into their base",
    "truncated": "{n} description(s) cut off by the source: trimmed to the last full "
    "sentence or marked with an ellipsis",
    "no_context": "{n} model(s) without a context length (0 or missing): unknown",
    "varies": '{n} model(s) priced "-1" (varies per request): not free, no fixed price',
    "all_zero": "{n} model(s) list every price as 0 without being a :free variant: "
    "price unknown, not free",
    "headline_elsewhere": "{n} model(s) list 0 per prompt token but charge in another unit "
    "(per image, per request...): paid in that unit",
    "headline_unknown": "{n} model(s) charge only in units that cannot be a starting price "
    "(audio tokens, web searches...): starting price unknown, full list kept",
    "no_pricing": "{n} model(s) without pricing: price unknown",
    "unit_unclear": "{n} model(s) list a price implausible for its unit (a per-token price "
    "for a model that reads no text, a per-image price of a fraction of a cent...): "
    "shown as 'unit unclear' and flagged for editors",
    "time_window": "{n} model(s) with time-of-day price overrides: not stored, the base price is",
    "unmapped_modality": "{n} model(s) with an output the catalog has no modality for "
    "(rerank): described by a capability instead",
}


def _note(key: str, n: int) -> str:
    return NOTES[key].format(n=n)


def test_the_fixture_gives_exactly_these_notes_skips_and_counts():
    parsed = openrouter.records_parse(payload=fixture_load("openrouter-models.json"))
    assert parsed.notes == [
        _note("free_folded", 1),
        _note("free_only", 1),
        _note("variant_folded", 1),
        _note("truncated", 1),
        _note("no_context", 5),
        _note("varies", 1),
        _note("all_zero", 2),
        _note("headline_elsewhere", 2),
        _note("headline_unknown", 2),
        _note("unit_unclear", 1),
        _note("unmapped_modality", 1),
    ]
    assert parsed.skipped == [
        ("~acme/lumen-latest", "alias of acme/lumen-flash, not a separate model"),
        ("#18", "not an object"),
        ("#19", "no usable id"),
        ("broken/bad-price", "prompt price 'cheap' is not a number"),
        ("broken/bad-context", "context_length 'lots' is not a whole number"),
    ]
    # 20 listed; the object that is no model, the one without an id and the two broken
    # records are unusable; an alias is not (it is another model's name).
    assert (parsed.total, parsed.unusable) == (20, 4)
    assert parsed.seen_ids == {
        "acme/lumen-flash", "lab9/tiny-chat", "openrouter/auto", "pixelworks/canvas-2-pro",
        "pixelworks/canvas-2-klein", "reelhouse/motion-3", "quietlab/echo-tts",
        "quietlab/ear-1", "quietlab/parrot", "vectorco/embed-small", "vectorco/rerank-lite",
        "oddball/old-timer", "oddball/new-timer", "broken/bad-price", "broken/bad-context",
    }  # fmt: skip


def test_the_fixture_in_a_shuffled_order_gives_the_same_notes():
    payload = fixture_load("openrouter-models.json")
    expected = openrouter.records_parse(payload=payload)
    for seed in (11, 12, 13):
        shuffled = copy.deepcopy(payload)
        random.Random(seed).shuffle(shuffled["data"])
        parsed = openrouter.records_parse(payload=shuffled)
        assert parsed.notes == expected.notes, seed
        assert (parsed.total, parsed.unusable) == (20, 4)
        assert {r.external_id: r for r in parsed.records} == {
            r.external_id: r for r in expected.records
        }


TEXT = "Writes text in reply to a prompt: answers, drafts, summaries and code"
IMAGE_IN = (
    "Takes images as input and answers questions about photos, screenshots, charts and diagrams."
)
TOOLS = (
    "Calls tools and functions described in the request, returning their arguments as "
    "structured data for your code to run."
)
REASONING = "Works through a problem in intermediate reasoning steps before it answers."
AUDIO_IN = "Takes audio as input and can answer questions about the speech or sounds in it."
LONG = "enough for long documents or a sizeable codebase."


def test_every_capability_of_the_fixture_reads_exactly():
    parsed = openrouter.records_parse(payload=fixture_load("openrouter-models.json"))
    caps = {record.external_id: _caps(record) for record in parsed.records}
    t = ("text",)
    assert caps == {
        "acme/lumen-flash": [
            ("Text generation",
             f"{TEXT}; costs $0.065 per 1M input tokens and $0.26 per 1M output tokens.",
             ["text-generation"], t, t, None, ""),
            ("Reasoning", REASONING, ["reasoning"], t, t, None, ""),
            ("Function calling", TOOLS, ["function-calling"], t, t, None, ""),
            ("Structured output", "Returns JSON that follows a schema you supply.",
             ["structured-output"], t, t, None, ""),
            ("Long context", f"Reads up to 1,000,000 tokens in one request, {LONG}",
             ["long-context"], t, t, Decimal(1_000_000), "context_tokens"),
            ("Image understanding", IMAGE_IN, ["image-understanding"], ("image",), t, None, ""),
            ("Video understanding",
             "Takes video clips as input and can describe them or answer questions about them.",
             ["video-understanding"], ("video",), t, None, ""),
            ("Web search",
             "Can search the web while answering and draw on what it finds; each search "
             "costs $0.01.", ["web-search"], t, t, Decimal("0.01"), "web_search_price"),
        ],
        "lab9/tiny-chat": [("Text generation", f"{TEXT}.", ["text-generation"], t, t, None, "")],
        "openrouter/auto": [
            ("Text generation", f"{TEXT}.", ["text-generation"], t, t, None, ""),
            ("Function calling", TOOLS, ["function-calling"], t, t, None, ""),
            ("Long context", f"Reads up to 2,000,000 tokens in one request, {LONG}",
             ["long-context"], t, t, Decimal(2_000_000), "context_tokens"),
            ("Image understanding", IMAGE_IN, ["image-understanding"], ("image",), t, None, ""),
            ("Document input",
             "Accepts files such as PDFs directly, so documents need no conversion first.",
             ["document-extraction"], ("file",), t, None, ""),
            ("Audio understanding", AUDIO_IN, ["audio-understanding"], ("audio",), t, None, ""),
        ],
        "pixelworks/canvas-2-pro": [
            ("Image understanding", IMAGE_IN, ["image-understanding"], ("image",), ("image",),
             None, ""),
            ("Image generation",
             "Creates images from a text prompt and can rework an image it is given; costs "
             "$7.32 per 1M output image tokens.", ["image-generation", "image-editing"],
             ("image", "text"), ("image",), Decimal("0.00000732421875"),
             "output_image_token_price"),
        ],
        "pixelworks/canvas-2-klein": [
            ("Image understanding", IMAGE_IN, ["image-understanding"], ("image",), ("image",),
             None, ""),
            ("Image generation",
             "Creates images from a text prompt and can rework an image it is given; costs "
             "$3.42 per 1M output image tokens.", ["image-generation", "image-editing"],
             ("image", "text"), ("image",), Decimal("0.00000341796875"),
             "output_image_token_price"),
        ],
        "reelhouse/motion-3": [
            ("Image understanding", IMAGE_IN, ["image-understanding"], ("image",), ("video",),
             None, ""),
            ("Video generation", "Creates short video clips from a prompt or from a still image.",
             ["video-generation"], ("image", "text"), ("video",), None, ""),
        ],
        "quietlab/echo-tts": [
            ("Text to speech", "Reads text aloud in a generated voice.", ["text-to-speech"],
             t, ("audio",), None, ""),
        ],
        "quietlab/ear-1": [
            ("Speech to text", "Transcribes recorded speech into written text.",
             ["speech-to-text"], ("audio",), t, None, ""),
        ],
        "quietlab/parrot": [
            ("Text generation", f"{TEXT}.", ["text-generation"], t, t, None, ""),
            ("Audio understanding", AUDIO_IN, ["audio-understanding"], ("audio",),
             ("audio", "text"), None, ""),
            ("Audio generation", "Answers with generated audio, not only text.",
             ["audio-generation"], ("audio", "text"), ("audio",), None, ""),
        ],
        "vectorco/embed-small": [
            ("Embeddings",
             "Turns input into vectors for semantic search, clustering and retrieval; costs "
             "$0.02 per 1M input tokens.", ["embeddings", "retrieval"], t, ("embedding",),
             Decimal("0.00000002"), "input_token_price"),
        ],
        "vectorco/rerank-lite": [
            ("Reranking",
             "Scores how relevant each candidate document is to a query, to reorder search "
             "results before they reach a model or a reader.", ["retrieval"], t, (), None, ""),
        ],
        "oddball/old-timer": [
            ("Text generation",
             f"{TEXT}; costs $0.90 per 1M input tokens and $1.20 per 1M output tokens.",
             ["text-generation"], t, t, None, ""),
        ],
        "oddball/new-timer": [
            ("Text generation",
             f"{TEXT}; costs $1 per 1M input tokens and $2 per 1M output tokens.",
             ["text-generation"], t, t, None, ""),
        ],
    }  # fmt: skip
    # Tag names are what the tag pages read.
    tags = {t.slug: t.name for r in parsed.records for c in r.capabilities for t in c.tags}
    assert tags == {slug: tag.name for slug, tag in openrouter.TAGS.items() if slug in tags}
    assert tags["retrieval"] == "Retrieval (RAG)"


FIELD_NAMES = (
    "name", "kind", "has_free_tier", "open_weights", "weights_url", "context_length",
    "input_modalities", "output_modalities", "supports_tools", "supports_structured_output",
    "supports_reasoning", "supports_web_search", "starting_price", "price_unit",
    "pricing_model", "prices_unclear", "input_price", "output_price", "cache_read_price",
    "web_search_price", "prices",
)  # fmt: skip


def test_every_record_of_the_fixture_holds_exactly_these_fields():
    parsed = openrouter.records_parse(payload=fixture_load("openrouter-models.json"))
    got = {
        r.external_id: (r.vendor, r.slug, *(r.fields[name] for name in FIELD_NAMES))
        for r in parsed.records
    }
    d = Decimal
    none4 = (None, None, None, None)
    no4 = (False, False, False, False)
    assert got == {
        "acme/lumen-flash": (
            "Acme", "lumen-flash", "Lumen Flash", "model", True, False, "", 1_000_000,
            ["image", "text", "video"], ["text"], True, True, True, True,
            d("0.000000065"), "prompt_token", "paid", False, d("0.000000065"),
            d("0.00000026"), d("0.00000001"), d("0.01"),
            {"completion_token": "0.00000026", "cached_input_token": "0.00000001",
             "prompt_token": "0.000000065", "web_search": "0.01"},
        ),
        "lab9/tiny-chat": (
            "Lab Nine", "tiny-chat", "Tiny Chat", "model", True, False, "", None, ["text"],
            ["text"], *no4, d(0), "prompt_token", "free", False, d(0), d(0), None, None,
            {"completion_token": "0", "prompt_token": "0"},
        ),
        "openrouter/auto": (
            "Openrouter", "switchboard", "Switchboard", "api", False, False, "", 2_000_000,
            ["audio", "file", "image", "text"], ["text"], True, False, False, False, None, "",
            "paid", False, None, None, None, None,
            {"completion_token": PRICE_VARIES, "prompt_token": PRICE_VARIES},
        ),
        "pixelworks/canvas-2-pro": (
            "Pixelworks", "canvas-2-pro", "Canvas.2 Pro", "model", False, False, "", 46864,
            ["image", "text"], ["image"], *none4, d("0.000007324219"), "output_image_token",
            "paid", False, None, None, None, None, {"output_image_token": "0.00000732421875"},
        ),
        "pixelworks/canvas-2-klein": (
            "Pixelworks", "canvas-2-klein", "Canvas.2 Klein", "model", False, True,
            "https://huggingface.co/pixelworks/canvas-2-klein", None, ["image", "text"],
            ["image"], *none4, d("0.000003417969"), "output_image_token", "paid", False,
            None, None, None, None, {"output_image_token": "0.00000341796875"},
        ),
        "reelhouse/motion-3": (
            "Reelhouse", "motion-3", "Motion 3", "model", False, False, "", None,
            ["image", "text"], ["video"], *none4, None, "", "unknown", False, None, None,
            None, None, {},
        ),
        "quietlab/echo-tts": (
            "QuietLab", "echo-tts", "Echo TTS", "model", False, False, "", None, ["text"],
            ["audio"], *none4, d("0.000015"), "prompt_token", "paid", False, d("0.000015"),
            None, None, None, {"prompt_token": "0.000015"},
        ),
        "quietlab/ear-1": (
            "QuietLab", "ear-1", "Ear 1", "model", False, False, "", None, ["audio"], ["text"],
            *none4, None, "", "unknown", True, None, None, None, None,
            {"prompt_token?": "0.0000075"},
        ),
        "quietlab/parrot": (
            "QuietLab", "parrot", "Parrot", "model", False, False, "", 128000,
            ["audio", "text"], ["audio", "text"], *no4, None, "", "paid", False, None, None,
            None, None, {"audio_input_token": "0.000032"},
        ),
        "vectorco/embed-small": (
            "VectorCo", "embed-small", "Embed Small", "model", False, False, "", 8192,
            ["text"], ["embedding"], *none4, d("0.00000002"), "prompt_token", "paid", False,
            d("0.00000002"), None, None, None, {"prompt_token": "0.00000002"},
        ),
        "vectorco/rerank-lite": (
            "VectorCo", "rerank-lite", "Rerank Lite", "model", False, False, "", 32000,
            ["text"], [], *none4, None, "", "unknown", False, None, None, None, None, {},
        ),
        "oddball/old-timer": (
            "Oddball", "old-timer-13b", "Old Timer 13B", "model", False, False, "", 4096,
            ["text"], ["text"], *no4, d("0.0000009"), "prompt_token", "paid", False,
            d("0.0000009"), d("0.0000012"), None, None,
            {"completion_token": "0.0000012", "prompt_token": "0.0000009"},
        ),
        "oddball/new-timer": (
            "Oddball", "new-timer", "New Timer", "model", False, False, "", 8192, ["text"],
            ["text"], *none4, d("0.000001"), "prompt_token", "paid", False, d("0.000001"),
            d("0.000002"), None, None, {"completion_token": "0.000002", "prompt_token": "0.000001"},
        ),
    }  # fmt: skip
    lumen = next(r for r in parsed.records if r.external_id == "acme/lumen-flash")
    assert lumen.prices == (
        PriceRecord("completion", "completion_token", d("0.00000026")),
        PriceRecord("input_cache_read", "cached_input_token", d("0.00000001")),
        PriceRecord("prompt", "prompt_token", d("0.000000065")),
        PriceRecord("web_search", "web_search", d("0.01")),
        PriceRecord("prompt", "prompt_token", d("0.0000001"), 128000),
    )
    assert (lumen.fields["release_date"], lumen.fields["knowledge_cutoff"]) == (
        date(2026, 2, 25),
        None,
    )


# Variants, names and vendors ------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "primary"),
    [
        (["batch", "free"], "batch"),  # a paid variant, even a discounted one, before :free
        (["thinking", "free"], "thinking"),
        (["thinking", "batch"], "thinking"),  # full price before :batch
        (["thinking", "extended"], "extended"),  # otherwise by name, in any order
    ],
)
def test_without_a_plain_id_the_variant_that_describes_the_model_wins_in_either_order(
    variants, primary
):
    prices = {"free": "0", "batch": "0.0000005", "thinking": "0.000003", "extended": "0.000004"}
    models = [
        _model(
            f"acme/alpha:{variant}",
            name=f"Acme: Alpha ({variant})",
            description=f"The {variant} one.",
            pricing={"prompt": prices[variant], "completion": "0"},
        )
        for variant in variants
    ]
    for order in (models, models[::-1]):
        parsed = _parse(*order)
        (record,) = parsed.records
        assert record.fields["name"] == "Alpha"
        assert record.fields["summary"] == f"The {primary} one."
        assert record.fields["input_price"] == Decimal(prices[primary])
        assert record.fields["has_free_tier"] is ("free" in variants)
        # The free tier is folded in as such; another variant counts as a folded variant.
        free = [_note("free_folded", 1)] if "free" in variants else []
        folded = [] if "free" in variants else [_note("variant_folded", 1)]
        assert parsed.notes == free + folded


def test_folded_variants_and_free_tiers_are_counted_one_by_one():
    parsed = _parse(
        _model("acme/alpha"),
        _model("acme/alpha:free", pricing={"prompt": "0", "completion": "0"}),
        _model("acme/alpha:batch"),
        _model("acme/alpha:thinking"),
        _model("acme/beta"),
        _model("acme/beta:free", pricing={"prompt": "0", "completion": "0"}),
        _model("acme/gamma:free", name="Acme: Gamma (free)"),
        _model("acme/delta:free", name="Acme: Delta (free)"),
    )
    assert parsed.notes == [
        _note("free_folded", 2),
        _note("free_only", 2),
        _note("variant_folded", 2),
    ]
    fields = {r.external_id: r.fields for r in parsed.records}
    assert {k: (f["has_free_tier"], f["pricing_model"]) for k, f in fields.items()} == {
        "acme/alpha": (True, "paid"),
        "acme/beta": (True, "paid"),
        "acme/gamma": (True, "free"),
        "acme/delta": (True, "free"),
    }
    # A model with no variant at all has no free tier.
    assert _one().fields["has_free_tier"] is False


@pytest.mark.parametrize(
    ("model_id", "name", "expected"),
    [
        ("acme/alpha:free", "Acme: Alpha (free)", "Alpha"),
        ("acme/alpha:free", "Acme: Alpha (Free)", "Alpha"),
        ("acme/alpha:free", "Acme: Alpha  (free)", "Alpha"),
        ("acme/alpha:thinking", "Acme: Alpha (thinking)", "Alpha"),
        # A variant listed under its free name still reads without "(free)".
        ("acme/alpha:extended", "Acme: Alpha (free)", "Alpha"),
        # The plain id keeps its name as the source gives it.
        ("acme/alpha", "Acme: Alpha (free)", "Alpha (free)"),
        ("acme/alpha:free", "Acme: Alpha (Preview)", "Alpha (Preview)"),
    ],
)
def test_only_a_variants_own_suffix_leaves_its_name(model_id, name, expected):
    (record,) = _parse(_model(model_id, name=name)).records
    assert record.fields["name"] == expected


@pytest.mark.parametrize(
    ("name", "vendor", "expected"),
    [
        ("Acme: Alpha", "Acme", "Alpha"),
        ("Acme: Alpha: Mini", "Acme", "Alpha: Mini"),  # the first ": " splits
        ("A" * 60 + ": Alpha", "A" * 60, "Alpha"),
        ("A" * 61 + ": Alpha", "Acme", "A" * 61 + ": Alpha"),  # no vendor is that long
        ("Acme: ", "Acme", "Acme:"),  # nothing after the prefix: no split
        (": Alpha", "Acme", ": Alpha"),  # nothing before it: no split
        ("  Acme :  Alpha  ", "Acme", "Alpha"),
        ("Alpha", "Acme", "Alpha"),
    ],
)
def test_the_vendor_prefix_is_split_only_when_both_sides_are_there(name, vendor, expected):
    record = _one(id="acme/alpha", name=name)
    assert (record.vendor, record.fields["name"]) == (vendor, expected)


@pytest.mark.parametrize(("length", "kept"), [(199, True), (200, True), (201, False)])
def test_a_name_of_up_to_200_characters_is_kept(length, kept):
    parsed = _parse(_model("ok/fine"), _model("bad/one", name="Acme: " + "x" * length))
    names = {r.external_id: r.fields["name"] for r in parsed.records}
    if kept:
        assert (names["bad/one"], parsed.skipped) == ("x" * length, [])
    else:
        assert (list(names), parsed.skipped) == (
            ["ok/fine"],
            [("bad/one", "name is longer than 200 characters")],
        )


def test_a_vendor_comes_from_the_prefix_then_the_namespace_majority_then_the_namespace():
    parsed = _parse(
        _model("acme/one", name="Acme Labs: One"),
        _model("acme/two", name="Acme: Two"),
        _model("acme/three", name="Acme: Three"),
        _model("acme/plain", name="Plain"),
        _model("lab9/plain", name="Plain"),
        _model("lab9/named", name="Lab Nine: Named"),
        _model("open-lab-x/plain", name="Plain"),
        _model("nous/hermes/3", name="Hermes 3"),
        _model("nameless/one", name=None),
        _model("nameless/two", name="Two"),
    )
    vendors = {r.external_id: r.vendor for r in parsed.records}
    assert vendors == {
        "acme/one": "Acme Labs",  # its own prefix, though the namespace says Acme
        "acme/two": "Acme",
        "acme/three": "Acme",
        "acme/plain": "Acme",  # two of three say Acme, whatever the order
        "lab9/plain": "Lab Nine",
        "lab9/named": "Lab Nine",
        "open-lab-x/plain": "Open Lab X",
        "nous/hermes/3": "Nous",
        "nameless/two": "Nameless",
    }
    assert parsed.skipped == [("nameless/one", "no name")]


def test_the_namespace_majority_is_counted_not_the_first_prefix_seen():
    first_minor = _parse(
        _model("acme/one", name="Acme Labs: One"),
        _model("acme/two", name="Acme: Two"),
        _model("acme/three", name="Acme: Three"),
        _model("acme/plain", name="Plain"),
    )
    assert {r.external_id: r.vendor for r in first_minor.records}["acme/plain"] == "Acme"


@pytest.mark.parametrize(
    ("model_id", "kind"),
    [("openrouter/auto", "api"), ("openrouter/a/b", "api"), ("acme/openrouter", "model")],
)
def test_only_the_router_namespace_is_an_api(model_id, kind):
    record = _one(id=model_id, name="Router")
    assert (record.fields["kind"], record.vendor) == (kind, model_id.split("/")[0].title())


def test_the_namespace_is_the_part_of_the_id_before_its_first_slash():
    parsed = _parse(
        _model("nous/hermes/3", name="Nous Research: Hermes 3"),
        _model("nous/plain", name="Plain"),
    )
    assert [r.vendor for r in parsed.records] == ["Nous Research", "Nous Research"]


def test_a_vendor_named_after_a_long_namespace_is_cut_to_120_characters():
    record = _one(id="a" * 150 + "/model", name="Model")
    assert record.vendor == "A" + "a" * 119


@pytest.fixture
def far_east_server(monkeypatch):
    """A server clock in Auckland (UTC+13 in December), as time.localtime reads it."""
    monkeypatch.setenv("TZ", "Pacific/Auckland")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.mark.usefixtures("far_east_server")
def test_the_release_date_is_the_utc_date_whatever_the_servers_time_zone():
    # 2025-12-31 23:30 UTC is already 2026-01-01 in Auckland.
    assert _one(created=1767223800).fields["release_date"] == date(2025, 12, 31)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", None),
        (None, None),
        ("2025-08-31", date(2025, 8, 31)),
        ("2025-08-31T12:00:00Z", date(2025, 8, 31)),
    ],
)
def test_a_knowledge_cutoff_is_the_date_at_the_head_of_the_text(value, expected):
    assert _one(knowledge_cutoff=value).fields["knowledge_cutoff"] == expected


def test_a_model_that_reasons_by_flag_alone_supports_reasoning():
    record = _one(reasoning=True, supported_parameters=["max_tokens"])
    assert record.fields["supports_reasoning"] is True
    assert [c.title for c in record.capabilities] == ["Text generation", "Reasoning"]
    plain = _one(reasoning=False, supported_parameters=["max_tokens"])
    assert plain.fields["supports_reasoning"] is False
    assert [c.title for c in plain.capabilities] == ["Text generation"]


# The payload and its records -------------------------------------------------------------


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"models": [], "next": None},
         'expected {"data": [...]} or a list of models, got dict with keys models, next'),
        ({"f": 1, "e": 1, "d": 1, "c": 1, "b": 1, "a": 1},
         'expected {"data": [...]} or a list of models, got dict with keys a, b, c, d, e'),
        ({"data": {"id": "x"}},
         'expected {"data": [...]} or a list of models, got dict with keys data'),
        ("models", 'expected {"data": [...]} or a list of models, got str'),
        (None, 'expected {"data": [...]} or a list of models, got NoneType'),
        ({"data": []}, "the source lists no models"),
        ([], "the source lists no models"),
        ([1, "two", None], "the source's model list holds no objects"),
        ([{"id": "~acme/x"}, {"name": "no id"}],
         "none of the 2 record(s) is a usable model: expected OpenRouter's /api/v1/models "
         'shape, {"data": [{"id": "vendor/model", "name": ..., "pricing": {"prompt": ..., '
         '"completion": ...}}, ...]}'),
    ],
)  # fmt: skip
def test_a_payload_of_the_wrong_shape_is_refused_with_what_it_was(payload, message):
    with pytest.raises(ImportSourceError) as refused:
        openrouter.records_parse(payload=payload)
    assert str(refused.value) == message


def test_one_object_among_other_things_is_enough_to_read_the_list():
    parsed = openrouter.records_parse(payload=["text", 7, _model()])
    assert [r.external_id for r in parsed.records] == ["acme/alpha"]
    assert parsed.skipped == [("#0", "not an object"), ("#1", "not an object")]
    assert (parsed.total, parsed.unusable) == (3, 2)


@pytest.mark.parametrize(
    ("model_id", "kept"),
    [
        ("a/" + "x" * 187, "a/" + "x" * 187),  # 189 characters
        ("a/" + "x" * 188, "a/" + "x" * 188),  # 190
        ("a/" + "x" * 189, None),  # 191
        ("  acme/alpha  ", "acme/alpha"),
        ("   ", None),
        ("", None),
        (42, None),
        (None, None),
    ],
)
def test_an_id_is_usable_up_to_190_characters(model_id, kept):
    parsed = openrouter.records_parse(payload=[_model("ok/fine"), _model(model_id)])
    assert [r.external_id for r in parsed.records] == ["ok/fine"] + ([kept] if kept else [])
    assert parsed.skipped == ([] if kept else [("#1", "no usable id")])
    assert parsed.unusable == (0 if kept else 1)
    assert parsed.seen_ids == {"ok/fine"} | ({kept} if kept else set())


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"id": "~acme/alpha-latest"}, "an alias of another model, not a separate model"),
        ({"alias_target": {"slug": "acme/beta"}}, "alias of acme/beta, not a separate model"),
        ({"alias_target": {"name": "Beta"}}, "an alias of another model, not a separate model"),
        ({"alias_target": "acme/beta"}, "an alias of another model, not a separate model"),
    ],
)
def test_an_alias_is_skipped_with_its_target_and_is_no_unusable_record(change, reason):
    alias = _model(**change)
    parsed = openrouter.records_parse(payload=[_model("ok/fine"), alias])
    assert parsed.skipped == [(alias["id"], reason)]
    assert (parsed.unusable, parsed.seen_ids) == (0, {"ok/fine"})


def test_a_group_that_fails_counts_each_of_its_members_unusable():
    parsed = _parse(
        _model("ok/fine"),
        _model("bad/one", context_length="lots"),
        _model("bad/one:free", context_length="lots"),
    )
    assert parsed.skipped == [("bad/one", "context_length 'lots' is not a whole number")]
    assert (parsed.total, parsed.unusable) == (3, 2)
    assert parsed.seen_ids == {"ok/fine", "bad/one"}


# Descriptions, numbers and modalities ----------------------------------------------------


@pytest.mark.parametrize(
    ("description", "summary", "cut"),
    [
        ("One sentence. Another that goes on...", "One sentence.", True),
        ("One sentence. Another that goes on…", "One sentence.", True),
        ("Wow! Another that goes on...", "Wow!", True),
        ("Why? Another that goes on...", "Why?", True),
        ("First line.\nAnother that goes on...", "First line.", True),
        ("One. Two. Three goes on...", "One. Two.", True),  # the last whole sentence
        ("A. Two goes on...", "A.", True),  # a sentence of one letter
        (". Two goes on...", ". Two goes on…", True),  # no sentence before the cut
        ("No sentence here goes on...", "No sentence here goes on…", True),
        ("Works on Mac OS X...", "Works on Mac OS X…", True),
        ("Ends in a full stop.", "Ends in a full stop.", False),
        ("  Plain text  ", "Plain text", False),
        (None, "", False),
    ],
)
def test_a_description_cut_off_by_the_source_keeps_its_whole_sentences(description, summary, cut):
    parsed = _parse(_model(description=description))
    assert parsed.records[0].fields["summary"] == summary
    assert parsed.notes == ([_note("truncated", 1)] if cut else [])


@pytest.mark.parametrize(
    ("value", "expected"),
    [(None, None), (0, None), (0.0, None), (1, 1), (8192.0, 8192), (2**31 - 1, 2**31 - 1)],
)
def test_a_context_length_is_a_positive_whole_number_below_two_to_the_31(value, expected):
    parsed = _parse(_model(context_length=value))
    assert parsed.records[0].fields["context_length"] == expected
    assert parsed.notes == ([_note("no_context", 1)] if expected is None else [])


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        (-1, "context_length -1 is out of range"),
        (2**31, "context_length 2147483648 is out of range"),
        (1.5, "context_length 1.5 is not a whole number"),
        (True, "context_length True is not a whole number"),
        ("8192", "context_length '8192' is not a whole number"),
    ],
)
def test_a_context_length_out_of_range_skips_the_record(value, reason):
    assert _skip_reason(context_length=value) == reason


@pytest.mark.parametrize(
    ("tokens", "expected"), [(1, 1), (2**31 - 1, 2**31 - 1), (0, None), (None, None)]
)
def test_a_maximum_reply_is_a_positive_token_count_below_two_to_the_31(tokens, expected):
    record = _one(top_provider={"max_completion_tokens": tokens})
    assert record.fields["max_output_tokens"] == expected
    assert _one(top_provider={}).fields["max_output_tokens"] is None


@pytest.mark.parametrize(
    ("top_provider", "reason"),
    [
        ({"max_completion_tokens": 2**31}, "max_completion_tokens 2147483648 is not a token count"),
        ({"max_completion_tokens": "100"}, "max_completion_tokens '100' is not a token count"),
        ({"max_completion_tokens": True}, "max_completion_tokens True is not a token count"),
        ({"max_completion_tokens": 100.0}, "max_completion_tokens 100.0 is not a token count"),
        ([100], "top_provider is not an object"),
    ],
)
def test_a_maximum_reply_that_is_no_token_count_skips_the_record(top_provider, reason):
    assert _skip_reason(top_provider=top_provider) == reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"architecture": "text->text"}, "architecture is not an object"),
        ({"architecture": {"input_modalities": "text"}},
         "input modalities are not a list of names"),
        ({"architecture": {"output_modalities": ["text", 1]}},
         "output modalities are not a list of names"),
        ({"architecture": {"input_modalities": ["taste", "smell"]}},
         "unknown modality smell, taste"),
        ({"architecture": {"modality": "text->image->video"}}, "unknown modality image->video"),
        ({"architecture": {"modality": "text->image+smell"}}, "unknown modality smell"),
        ({"pricing": {"prompt": "0.000001", "overrides": {"min_prompt_tokens": 1}}},
         "pricing.overrides is not a list"),
        ({"pricing": {"prompt": "0.000001", "overrides": ["later"]}},
         "a pricing override is not an object"),
        ({"name": None}, "no name"),
        ({"name": 7}, "no name"),
        ({"created": True}, "created True is not a Unix timestamp"),
        ({"created": "2026-01-01"}, "created '2026-01-01' is not a Unix timestamp"),
        ({"created": 10**20}, "created 100000000000000000000 is not a Unix timestamp"),
        ({"knowledge_cutoff": "August 2025"}, "knowledge_cutoff 'August 2025' is not a date"),
        ({"knowledge_cutoff": "2025-08"}, "knowledge_cutoff '2025-08' is not a date"),
        ({"pricing": "free"}, "pricing is not an object"),
        ({"pricing": ["0.000001"]}, "pricing is not an object"),
        ({"supported_parameters": "tools"}, "supported_parameters is not a list"),
    ],
)  # fmt: skip
def test_a_malformed_field_skips_the_record_with_this_reason(change, reason):
    assert _skip_reason(**change) == reason


@pytest.mark.parametrize(
    ("architecture", "inputs", "outputs"),
    [
        ({"modality": "text+image->text+audio"}, ["image", "text"], ["audio", "text"]),
        ({"modality": " Text + IMAGE ->text"}, ["image", "text"], ["text"]),
        ({"modality": "text"}, [], []),  # no arrow: nothing to read
        ({}, [], []),
        # A list given wins over the older string, which fills only a list not given.
        ({"input_modalities": ["text"], "output_modalities": ["text"],
          "modality": "image->video"}, ["text"], ["text"]),
        ({"input_modalities": ["text"], "modality": "audio->image"}, ["text"], ["image"]),
        ({"output_modalities": ["image"], "modality": "audio->text"}, ["audio"], ["image"]),
        ({"input_modalities": ["text"]}, ["text"], []),
        ({"input_modalities": ["text", ""], "output_modalities": ["embeddings"]}, ["text"],
         ["embedding"]),
    ],
)  # fmt: skip
def test_modalities_come_from_the_lists_or_else_the_older_string(architecture, inputs, outputs):
    fields = _one(architecture=architecture).fields
    assert (fields["input_modalities"], fields["output_modalities"]) == (inputs, outputs)


@pytest.mark.parametrize(
    ("architecture", "clear"),
    [
        ({"modality": "text->speech"}, True),
        ({"modality": "image+text->image"}, True),
        ({"modality": "audio->text"}, False),  # no text read, no output billed: per minute
        ({"modality": "audio->transcription"}, False),
        ({"output_modalities": ["text"], "modality": "text->text"}, True),
        # The listed inputs decide, as the record shows them, not the older string.
        ({"input_modalities": ["audio"], "modality": "text->text"}, False),
        ({"input_modalities": ["text"], "modality": "audio->text"}, True),
    ],
)
def test_a_prompt_price_is_clear_when_the_model_reads_text(architecture, clear):
    record = _one(architecture=architecture, pricing={"prompt": "0.000006", "completion": "0"})
    assert record.prices == (PriceRecord("prompt", "prompt_token", Decimal("0.000006"), 0, clear),)
    assert (record.fields["starting_price"], record.fields["prices_unclear"]) == (
        (Decimal("0.000006"), False) if clear else (None, True)
    )


# Prices -----------------------------------------------------------------------------------

PRICE_FIELDS = (
    "starting_price", "price_unit", "pricing_model", "prices_unclear", "input_price",
    "output_price", "cache_read_price", "web_search_price", "prices",
)  # fmt: skip


def _price_fields(record) -> tuple:
    return tuple(record.fields[name] for name in PRICE_FIELDS)


def test_a_model_without_pricing_is_price_unknown_and_counted():
    parsed = _parse(_model("acme/a", pricing=None), _model("acme/b", pricing=None))
    for record in parsed.records:
        assert _price_fields(record) == (None, "", "unknown", False, None, None, None, None, {})
        assert record.prices == ()
    assert parsed.notes == [_note("no_pricing", 2)]


def test_keys_that_are_no_prices_and_empty_prices_are_passed_over_in_any_position():
    for pricing in (
        {"discount": 0.5, "prompt": "0.000001", "completion": None, "request": "0.01"},
        {"completion": None, "request": "0.01", "prompt": "0.000001", "overrides": None},
        {"overrides": [], "request": "0.01", "discount": 0, "prompt": "0.000001"},
    ):
        record = _one(pricing=pricing)
        assert record.fields["prices"] == {"prompt_token": "0.000001", "request": "0.01"}
        assert record.prices == (
            PriceRecord("prompt", "prompt_token", Decimal("0.000001")),
            PriceRecord("request", "request", Decimal("0.01")),
        )


@pytest.mark.parametrize(
    ("pricing", "reason"),
    [
        ({"prompt": "cheap"}, "prompt price 'cheap' is not a number"),
        ({"prompt": "0.000001", "image": "a lot"}, "image price 'a lot' is not a number"),
        ({"prompt": "0.000001", "image": "-0.5"}, "negative image price"),
        ({"prompt": "0.000001", "overrides": [{"min_prompt_tokens": 100, "prompt": "x"}]},
         "prompt override price 'x' is not a number"),
        ({"prompt": "0.000001", "overrides": [{"min_prompt_tokens": 100, "prompt": "-1"}]},
         "negative prompt override price"),
        ({"prompt": "0.000001", "overrides": [{"min_prompt_tokens": 0, "prompt": "1"}]},
         "min_prompt_tokens 0 is not a token count"),
        ({"prompt": "0.000001", "overrides": [{"min_prompt_tokens": -1, "prompt": "1"}]},
         "min_prompt_tokens -1 is not a token count"),
        ({"prompt": "0.000001", "overrides": [{"min_prompt_tokens": True, "prompt": "1"}]},
         "min_prompt_tokens True is not a token count"),
        ({"prompt": "0.000001", "overrides": [{"min_prompt_tokens": "9", "prompt": "1"}]},
         "min_prompt_tokens '9' is not a token count"),
    ],
)  # fmt: skip
def test_a_price_that_is_no_price_skips_the_record_with_this_reason(pricing, reason):
    assert _skip_reason(pricing=pricing) == reason


def test_minus_one_varies_in_each_unit_it_is_given_and_is_counted():
    parsed = _parse(
        _model("acme/a", pricing={"prompt": "-1", "mystery": "-1", "completion": "0.000002"}),
        _model("acme/b", pricing={"request": "-1"}),
    )
    a, b = parsed.records
    assert _price_fields(a) == (
        None, "", "paid", False, None, None, None, None,
        {"mystery": PRICE_VARIES, "prompt_token": PRICE_VARIES},
    )  # fmt: skip
    # A key the catalog has no unit for is listed, but no price row can hold it.
    assert a.prices == (PriceRecord("prompt", "prompt_token", None),)
    assert b.prices == (PriceRecord("request", "request", None),)
    assert parsed.notes == [_note("varies", 2)]


def test_a_free_variant_is_free_at_zero_per_token_whatever_else_it_lists():
    parsed = _parse(
        _model("acme/a:free", pricing={"prompt": "0", "completion": "0", "mystery": "0"}),
        _model("acme/b:free", pricing={"completion": "0", "web_search": "0.01"}),
        _model("acme/c:free", pricing={"prompt": "0.000001", "completion": "0"}),
    )
    a, b, c = parsed.records
    assert _price_fields(a) == (
        Decimal(0), "prompt_token", "free", False, Decimal(0), Decimal(0), None, None,
        {"completion_token": "0", "mystery": "0", "prompt_token": "0"},
    )  # fmt: skip
    assert a.prices == (
        PriceRecord("prompt", "prompt_token", Decimal(0)),
        PriceRecord("completion", "completion_token", Decimal(0)),
    )
    # A missing per-token price is zero on a free variant; a charged extra is not listed.
    assert _price_fields(b) == (
        Decimal(0), "prompt_token", "free", False, Decimal(0), Decimal(0), None, None,
        {"completion_token": "0"},
    )  # fmt: skip
    assert b.prices == a.prices
    # A free variant that names a prompt price is still free, its input price unknown.
    assert _price_fields(c) == (
        Decimal(0), "prompt_token", "free", False, None, Decimal(0), None, None,
        {"completion_token": "0"},
    )  # fmt: skip
    assert c.prices == (PriceRecord("completion", "completion_token", Decimal(0)),)
    assert parsed.notes == [_note("free_only", 3)]


def test_a_transcription_model_without_a_completion_price_bills_no_output():
    record = _one(
        architecture={"input_modalities": ["audio"], "output_modalities": ["transcription"]},
        pricing={"prompt": "0.0000075"},
    )
    assert _price_fields(record) == (
        None, "", "unknown", True, None, None, None, None, {"prompt_token?": "0.0000075"},
    )  # fmt: skip


def test_an_unknown_or_implausible_charged_price_is_listed_as_unit_unclear():
    parsed = _parse(
        _model("acme/a", pricing={"prompt": "0.000001", "mystery": "0.5", "request": "150"}),
        _model("acme/b", pricing={"prompt": "0.002", "completion": "0.000002"}),
    )
    a, b = parsed.records
    assert _price_fields(a) == (
        Decimal("0.000001"), "prompt_token", "paid", True, Decimal("0.000001"), None, None,
        None, {"mystery?": "0.5", "prompt_token": "0.000001", "request?": "150"},
    )  # fmt: skip
    assert a.prices == (
        PriceRecord("prompt", "prompt_token", Decimal("0.000001")),
        PriceRecord("request", "request", Decimal("150"), 0, False),
    )
    # An implausible per-token price is never the headline nor the input price.
    assert _price_fields(b) == (
        Decimal("0.000002"), "completion_token", "paid", True, None, Decimal("0.000002"),
        None, None, {"completion_token": "0.000002", "prompt_token?": "0.002"},
    )  # fmt: skip
    assert parsed.notes == [_note("headline_elsewhere", 1), _note("unit_unclear", 2)]


@pytest.mark.parametrize(
    ("pricing", "unit", "amount"),
    [
        ({"prompt": "0.000001", "image_output": "0.00003", "request": "0.01"},
         "prompt_token", "0.000001"),
        ({"prompt": "0", "image_output": "0.00003", "request": "0.01"},
         "output_image_token", "0.00003"),
        ({"prompt": "0", "request": "0.01", "completion": "0.000002"}, "request", "0.01"),
        ({"prompt": "0", "completion": "0.000002", "audio": "0.00003"},
         "completion_token", "0.000002"),
    ],
)  # fmt: skip
def test_the_starting_price_is_the_first_clear_unit_of_the_documented_order(pricing, unit, amount):
    parsed = _parse(_model(pricing=pricing))
    fields = parsed.records[0].fields
    assert (fields["starting_price"], fields["price_unit"], fields["pricing_model"]) == (
        Decimal(amount),
        unit,
        "paid",
    )
    assert parsed.notes == ([] if unit == "prompt_token" else [_note("headline_elsewhere", 1)])


def test_models_charging_nothing_or_only_in_other_units_are_counted_apart():
    parsed = _parse(
        _model("acme/a", pricing={"prompt": "0", "completion": "0"}),
        _model("acme/b", pricing={"prompt": "0", "image": "0"}),
        _model("acme/g", pricing={}),
        _model("acme/c", pricing={"audio": "0.00003"}),
        _model("acme/d", pricing={"web_search": "0.01"}),
        _model("acme/e", pricing={"prompt": "0", "image_output": "0.00003"}),
        _model("acme/f", pricing={"request": "0.02"}),
    )
    models = {r.external_id: r.fields["pricing_model"] for r in parsed.records}
    assert models == {
        "acme/a": "unknown",
        "acme/b": "unknown",
        "acme/g": "unknown",
        "acme/c": "paid",
        "acme/d": "paid",
        "acme/e": "paid",
        "acme/f": "paid",
    }
    assert parsed.notes == [
        _note("all_zero", 3),
        _note("headline_elsewhere", 2),
        _note("headline_unknown", 2),
    ]


def test_token_tiers_are_kept_in_order_and_time_windows_are_counted_and_left_out():
    parsed = _parse(
        _model(
            "acme/a",
            pricing={
                "prompt": "0.000001",
                "completion": "0.000002",
                "overrides": [
                    {"start": "22:00", "end": "06:00", "prompt": "0.0000005"},
                    {"min_prompt_tokens": 300000, "prompt": "0.000004", "mystery": "1"},
                    {"min_prompt_tokens": 128000, "prompt": "0.000002", "discount": 1},
                    {"min_prompt_tokens": 128000, "completion": "0.000003", "request": None},
                    {"min_prompt_tokens": 1, "prompt": "0"},
                ],
            },
        ),
        _model("acme/b", pricing={"prompt": "0.000001", "overrides": [{"prompt": "0"}]}),
    )
    a, b = parsed.records
    d = Decimal
    assert a.prices == (
        PriceRecord("completion", "completion_token", d("0.000002")),
        PriceRecord("prompt", "prompt_token", d("0.000001")),
        PriceRecord("prompt", "prompt_token", d(0), 1),
        PriceRecord("prompt", "prompt_token", d("0.000002"), 128000),
        PriceRecord("completion", "completion_token", d("0.000003"), 128000),
        PriceRecord("prompt", "prompt_token", d("0.000004"), 300000),
    )
    assert b.prices == (PriceRecord("prompt", "prompt_token", d("0.000001")),)
    assert parsed.notes == [_note("time_window", 2)]


def test_a_tier_price_is_judged_like_the_base_price_of_its_model():
    d = Decimal
    tier = [{"min_prompt_tokens": 100000, "prompt": "0.00000004"}]
    embed = _one(
        architecture={"input_modalities": ["text"], "output_modalities": ["embeddings"]},
        pricing={"prompt": "0.00000002", "overrides": tier},
    )
    assert embed.prices == (
        PriceRecord("prompt", "prompt_token", d("0.00000002")),
        PriceRecord("prompt", "prompt_token", d("0.00000004"), 100000, True),
    )
    audio = {"input_modalities": ["audio"], "output_modalities": ["transcription"]}
    billed = _one(
        architecture=audio,
        pricing={"prompt": "0.000002", "completion": "0.00001", "overrides": tier},
    )
    assert billed.prices[-1] == PriceRecord("prompt", "prompt_token", d("0.00000004"), 100000)
    unbilled = _one(architecture=audio, pricing={"prompt": "0.000002", "overrides": tier})
    assert unbilled.prices == (
        PriceRecord("prompt", "prompt_token", d("0.000002"), 0, False),
        PriceRecord("prompt", "prompt_token", d("0.00000004"), 100000, False),
    )
    # A tier of zero is believable in any unit; an implausible tier is not.
    zero = [{"min_prompt_tokens": 100000, "prompt": "0", "image": "0.00001"}]
    free_tier = _one(architecture=audio, pricing={"prompt": "0.000002", "overrides": zero})
    assert free_tier.prices[1:] == (
        PriceRecord("image", "input_image", d("0.00001"), 100000, False),
        PriceRecord("prompt", "prompt_token", d(0), 100000, True),
    )


# Capabilities, case by case --------------------------------------------------------------


def _derive(inputs=("text",), outputs=("text",), raw_outputs=None, parameters=(), **extra):
    return _caps_of(
        openrouter.capabilities_derive(
            inputs=set(inputs),
            outputs=set(outputs),
            raw_outputs=set(outputs if raw_outputs is None else raw_outputs),
            parameters=set(parameters),
            context_length=extra.pop("context_length", None),
            prices=extra.pop("prices", {}),
            reasons=extra.pop("reasons", False),
            **extra,
        )
    )


def _caps_of(capabilities: tuple[CapabilityRecord, ...]) -> list[tuple]:
    return _caps(type("Record", (), {"capabilities": capabilities}))


def _text(description: str, inputs=("text",), quantity=None) -> tuple:
    unit = "" if quantity is None else "output_tokens"
    return ("Text generation", description, ["text-generation"], inputs, ("text",), quantity, unit)


@pytest.mark.parametrize(
    ("extra", "description", "quantity"),
    [
        ({}, f"{TEXT}.", None),
        ({"max_output_tokens": 1}, f"{TEXT}; returns up to 1 tokens per reply.", Decimal(1)),
        ({"max_output_tokens": 128_000, "input_price": Decimal("0.0000025")},
         f"{TEXT}; returns up to 128,000 tokens per reply and costs $2.50 per 1M input tokens.",
         Decimal(128_000)),
        ({"input_price": Decimal("0.0000025"), "output_price": Decimal("0.00001")},
         f"{TEXT}; costs $2.50 per 1M input tokens and $10 per 1M output tokens.", None),
        # An output price alone is not stated: the sentence starts from the input price.
        ({"output_price": Decimal("0.00001")}, f"{TEXT}.", None),
        ({"input_price": Decimal(0), "output_price": Decimal("0.00001")}, f"{TEXT}.", None),
        # Just below a rounding half-way the price reads rounded down, at it rounded up.
        ({"input_price": Decimal("0.0000012349999")},
         f"{TEXT}; costs $1.23 per 1M input tokens.", None),
        ({"input_price": Decimal("0.000001235")}, f"{TEXT}; costs $1.24 per 1M input tokens.",
         None),
    ],
)  # fmt: skip
def test_text_generation_states_the_reply_length_and_the_prices_it_knows(
    extra, description, quantity
):
    assert _derive(**extra) == [_text(description, quantity=quantity)]


def test_a_model_that_hears_and_writes_text_generates_text_from_a_text_prompt():
    assert _derive(inputs=("audio",), outputs=("text",)) == [
        _text(f"{TEXT}."),
        ("Audio understanding", AUDIO_IN, ["audio-understanding"], ("audio",), ("text",), None, ""),
    ]


@pytest.mark.parametrize(
    ("parameters", "reasons", "titles"),
    [
        (["include_reasoning"], False, ["Text generation", "Reasoning"]),
        (["reasoning"], False, ["Text generation", "Reasoning"]),
        ([], True, ["Text generation", "Reasoning"]),
        (["temperature"], False, ["Text generation"]),
        (["tools"], False, ["Text generation", "Function calling"]),
        (["tool_choice"], False, ["Text generation"]),
    ],
)
def test_reasoning_and_tools_come_from_their_parameters(parameters, reasons, titles):
    assert [c[0] for c in _derive(parameters=parameters, reasons=reasons)] == titles


@pytest.mark.parametrize(
    ("parameters", "description"),
    [
        (["structured_outputs"], "Returns JSON that follows a schema you supply."),
        (["response_format"], "Returns well-formed JSON on request (JSON mode)."),
        (["response_format", "structured_outputs"],
         "Returns JSON that follows a schema you supply."),
    ],
)  # fmt: skip
def test_structured_output_says_whether_a_schema_is_followed(parameters, description):
    t = ("text",)
    assert _derive(parameters=parameters)[1:] == [
        ("Structured output", description, ["structured-output"], t, t, None, "")
    ]


def test_a_model_that_writes_no_text_has_no_text_features_whatever_its_parameters():
    params = ["tools", "reasoning", "structured_outputs", "response_format"]
    for inputs, outputs, raw in [
        (("text",), ("image",), ("image",)),
        (("audio",), ("text",), ("transcription",)),
        (("text",), ("audio",), ("speech",)),
    ]:
        expected = {
            "image": ["Image generation"],
            "transcription": ["Speech to text"],
            "speech": ["Text to speech"],
        }[raw[0]]
        assert [c[0] for c in _derive(inputs, outputs, raw, params, reasons=True)] == expected


def test_a_long_context_is_read_as_text_into_what_the_model_writes():
    long = f"Reads up to 200,000 tokens in one request, {LONG}"
    quantity = (Decimal(200_000), "context_tokens")
    image = _derive(outputs=("image",), context_length=200_000)
    assert image[0] == ("Long context", long, ["long-context"], ("text",), ("text",), *quantity)
    both = _derive(outputs=("text", "audio"), context_length=200_000)
    assert both[1] == ("Long context", long, ["long-context"], ("text",), ("text",), *quantity)
    assert [c[0] for c in _derive(context_length=199_999)] == ["Text generation"]


@pytest.mark.parametrize(
    ("inputs", "price", "expected"),
    [
        (("text",), None,
         ("Image generation", "Creates images from a text prompt.", ["image-generation"],
          ("text",), ("image",), None, "")),
        (("image", "text"), None,
         ("Image generation",
          "Creates images from a text prompt and can rework an image it is given.",
          ["image-generation", "image-editing"], ("image", "text"), ("image",), None, "")),
        (("text",), Decimal("0.00003"),
         ("Image generation", "Creates images from a text prompt; costs $30 per 1M output image "
          "tokens.", ["image-generation"], ("text",), ("image",), Decimal("0.00003"),
          "output_image_token_price")),
    ],
)  # fmt: skip
def test_image_generation_says_whether_it_edits_and_what_it_costs(inputs, price, expected):
    caps = _derive(inputs, ("image",), output_image_token_price=price)
    assert caps[-1] == expected


def test_video_generation_from_a_prompt_alone():
    assert _derive(("text",), ("video",)) == [
        ("Video generation", "Creates short video clips from a prompt.", ["video-generation"],
         ("text",), ("video",), None, ""),
    ]  # fmt: skip


def test_audio_out_is_speech_only_when_the_source_says_speech():
    speech = ("Text to speech", "Reads text aloud in a generated voice.", ["text-to-speech"],
              ("text",), ("audio",), None, "")  # fmt: skip
    audio = ("Audio generation", "Answers with generated audio, not only text.",
             ["audio-generation"], ("text",), ("audio",), None, "")  # fmt: skip
    assert _derive(("text",), ("audio",), ("speech",)) == [speech]
    assert _derive(("text",), ("audio",), ("audio",)) == [audio]


def test_audio_in_is_speech_to_text_only_for_a_transcription_model():
    stt = ("Speech to text", "Transcribes recorded speech into written text.",
           ["speech-to-text"], ("audio",), ("text",), None, "")  # fmt: skip
    assert _derive(("audio",), ("text",), ("transcription",)) == [stt]
    # A transcription output without audio in transcribes nothing.
    assert _derive(("text",), ("text",), ("transcription",)) == []


def test_embeddings_state_their_input_price_when_known():
    embed = _derive(("text",), ("embedding",), ("embeddings",))
    assert embed == [
        ("Embeddings", "Turns input into vectors for semantic search, clustering and retrieval.",
         ["embeddings", "retrieval"], ("text",), ("embedding",), None, ""),
    ]  # fmt: skip
    priced = _derive(("image", "text"), ("embedding",), ("embeddings",),
                     input_price=Decimal("0.00000013"))  # fmt: skip
    assert priced == [
        ("Image understanding", IMAGE_IN, ["image-understanding"], ("image",), ("embedding",),
         None, ""),
        ("Embeddings", "Turns input into vectors for semantic search, clustering and retrieval;"
         " costs $0.13 per 1M input tokens.", ["embeddings", "retrieval"], ("image", "text"),
         ("embedding",), Decimal("0.00000013"), "input_token_price"),
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("prices", "parameters", "price", "description"),
    [
        ({}, ["web_search_options"], None,
         "Can search the web while answering and draw on what it finds."),
        ({"web_search": "0.004"}, [], Decimal("0.004"),
         "Can search the web while answering and draw on what it finds; each search costs "
         "$0.004."),
        ({}, ["web_search"], None, None),
    ],
)  # fmt: skip
def test_web_search_from_its_price_or_its_parameter(prices, parameters, price, description):
    caps = _derive(prices=prices, parameters=parameters, web_search_price=price)
    if description is None:
        assert [c[0] for c in caps] == ["Text generation"]
    else:
        unit = "" if price is None else "web_search_price"
        assert caps[-1] == (
            "Web search",
            description,
            ["web-search"],
            ("text",),
            ("text",),
            price,
            unit,
        )


def test_a_model_that_supports_web_search_by_parameter_says_so():
    fields = _one(supported_parameters=["web_search_options"]).fields
    assert (fields["supports_web_search"], fields["supports_tools"]) == (True, False)
    priced = _one(pricing={"prompt": "0.000001", "web_search": "0.01"}).fields
    assert priced["supports_web_search"] is True
    unclear = _one(pricing={"prompt": "0.000001", "web_search": "5"}).fields
    assert (unclear["supports_web_search"], unclear["web_search_price"]) == (False, None)


def test_the_image_generation_price_is_the_clear_base_image_token_price_only():
    def generation(pricing):
        record = _one(
            architecture={"input_modalities": ["text"], "output_modalities": ["image"]},
            pricing=pricing,
        )
        return next(c for c in record.capabilities if c.title == "Image generation")

    other_rows = {"completion": "0.00001", "audio": "0.00002", "image_output": "0.00003"}
    assert generation(other_rows).quantity == Decimal("0.00003")
    assert generation(other_rows).description == (
        "Creates images from a text prompt; costs $30 per 1M output image tokens."
    )
    # Per image, not per token: too dear for a token, so not stated.
    assert generation({"completion": "0.00001", "image_output": "0.04"}).description == (
        "Creates images from a text prompt."
    )
    tier_only = {"completion": "0.00001", "overrides": [
        {"min_prompt_tokens": 1000, "image_output": "0.00003"}]}  # fmt: skip
    assert generation(tier_only).quantity is None
