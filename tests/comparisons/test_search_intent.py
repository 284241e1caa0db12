"""The intent parser and the constraint ordering: pure rules, no database."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comparisons.search.intent import (
    ArtifactFacts,
    Constraint,
    ParsedIntent,
    constraint_holds,
    context_label,
    family_words,
    intent_parse,
    job_price,
    name_key,
)
from comparisons.search.normalise import intent_normalise
from comparisons.search.service import RankedArtifact, results_order


def keys(query: str, names=()) -> list[str]:
    return [c.key for c in intent_parse(intent_normalise(query), names=names).constraints]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The five examples.
        ("describe what is in a photo", ["input:image", "output:text"]),
        ("read text from a scanned invoice", ["input:image", "output:text"]),
        (
            "cheap model for high volume chat",
            ["kind:model", "input:text", "output:text", "price:cheap"],
        ),
        ("code completion model for programming", ["kind:model", "input:text", "output:text"]),
        ("turn text into natural speech", ["output:audio"]),
        # Direction by verb, preposition and noun.
        ("generate images from text", ["output:image"]),
        ("fast image generation", ["output:image"]),
        ("image understanding", ["input:image", "output:text"]),
        ("speech to text for meetings", ["input:audio", "output:text"]),
        ("convert audio to text", ["input:audio", "output:text"]),
        ("text-to-speech", ["output:audio"]),
        ("speech-to-text", ["input:audio", "output:text"]),
        ("text-to-image model", ["kind:model", "output:image"]),
        ("turn an image into a short video clip", ["input:image", "output:video"]),
        ("edit a photo with a prompt", ["input:image", "output:image"]),
        ("read this text aloud", ["output:audio"]),
        ("chat with a pdf", ["input:file", "output:text"]),
        ("embeddings for semantic search", ["output:embedding"]),
        ("lowest cost vision model", ["kind:model", "input:image", "output:text", "price:cheap"]),
        ("tts", ["output:audio"]),
        ("voiceover for my videos", ["output:audio"]),
        ("dictation to text", ["input:audio", "output:text"]),
        ("tell me what this photo shows", ["input:image", "output:text"]),
        ("vision language model", ["kind:model", "input:image", "output:text"]),
        ("no cost model to try", ["kind:model", "price:free"]),
        ("huge context window", ["context:1000000"]),
        ("context of a million tokens", ["context:1000000"]),
        ("speak text out loud", ["output:audio"]),
        ("what's in this image", ["input:image", "output:text"]),
        ("open model i can fine tune", ["kind:model", "open:weights"]),
        (
            "answer with current information from the internet",
            ["output:text", "feature:web-search"],
        ),
        ("ocr", ["input:image", "output:text"]),
        # A modality with no direction is not a constraint, except "an image model": what
        # people call a model that makes images.
        ("image model", ["kind:model", "output:image"]),
        ("photo", []),
        ("video", []),
        # Price, context, features, open weights, kinds.
        ("free image generator", ["output:image", "price:free"]),
        ("affordable text-to-speech", ["output:audio", "price:cheap"]),
        ("summarize long documents", ["output:text", "context:100000"]),
        ("model that can read a whole book", ["kind:model", "output:text", "context:200000"]),
        ("analyze a large codebase", ["output:text", "context:1000000"]),
        ("1m token context window", ["context:1000000"]),
        ("model with 200k context", ["kind:model", "context:200000"]),
        ("model with function calling", ["kind:model", "feature:function-calling"]),
        ("llm that can use tools", ["kind:model", "output:text", "feature:function-calling"]),
        ("no-code tools", []),
        ("json output", ["feature:structured-output"]),
        ("model that thinks step by step", ["kind:model", "feature:reasoning"]),
        ("model that can search the web", ["kind:model", "feature:web-search"]),
        ("open weights model to run locally", ["kind:model", "open:weights"]),
        ("self-hosted llm", ["kind:model", "output:text", "open:weights"]),
        ("mcp server for github", ["kind:mcp_server"]),
        ("library for building rag apps", ["kind:library"]),
        ("speech recognition api", ["kind:api+model", "input:audio", "output:text"]),
        # Negations.
        ("without an api key", ["key:none"]),
        ("not an app", ["not-kind:app"]),
        ("image model without reasoning", ["kind:model", "output:image", "not-feature:reasoning"]),
        # Names: versions and the catalog's families.
        ("qwen3.5 for coding", ["input:text", "output:text", "name:qwen3.5"]),
        # Text in is implied only for jobs that start from written text.
        ("transcribe a podcast", ["input:audio", "output:text"]),
        ("flux pro", []),
        # What something is for is not what it is; calling APIs is function calling.
        ("tool calling for agents", ["feature:function-calling"]),
        ("agent that fixes bugs", ["kind:agent"]),
        ("model for agents that call apis", ["kind:api+model", "feature:function-calling"]),
        # Transcription is of speech.
        ("low cost transcription", ["input:audio", "output:text", "price:cheap"]),
        # Nothing to parse.
        ("", []),
        ("no-code", []),
    ],
)
def test_intent_parse(query, expected):
    assert keys(query) == expected


def test_family_words_become_names_unless_they_are_cue_words():
    names = family_words(["FLUX.1 [pro]", "GPT-4o", "Qwen3.5-Flash", "Text 2 Image", "Step 3"])
    assert names == {"flux", "gpt", "qwen", "step"}
    assert keys("flux pro", names) == ["name:flux"]
    assert keys("gpt-4o", names) == ["name:4o", "name:gpt"]
    # A cue phrase is read before names: "step by step" is reasoning.
    assert keys("thinks step by step", names) == ["feature:reasoning"]


def test_a_first_word_shared_by_two_names_one_of_them_versioned_is_a_family():
    """ "DeepSeek V4 Pro" carries no family before its number: its first word is the family
    when another name starts with it and one of them has a version. Not a first word of two
    names with no version ("GitHub"), nor of one versioned name alone ("Solo Lite 2")."""
    names = family_words([
        "DeepSeek V4 Pro", "DeepSeek V4 Flash", "GitHub MCP Server", "GitHub Copilot",
        "Nova Pro", "Nova Lite 2", "Solo Lite 2",
    ])  # fmt: skip
    assert names == {"deepseek", "nova"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("one million token context", ["context:1000000"]),
        # A huge context or window is the largest on offer, not merely a long one.
        ("huge context", ["context:1000000"]),
        ("massive window", ["context:1000000"]),
    ],
)
def test_context_in_words(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # After an "x-to-y" compound no direction carries over: the pdf goes in because an
        # output is known ("chat with a pdf").
        ("image-to-text pdf", ["input:file", "input:image", "output:text"]),
        # "aloud" gives the output; the pdf before it goes in for the same reason.
        ("read pdf aloud", ["input:file", "output:audio"]),
        ("video models", ["kind:model", "output:video"]),
        ("not vision", ["not-input:image"]),
    ],
)
def test_modalities_with_no_direction_of_their_own(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Cues at the first word of the query: the windows before it are empty.
        ("for apps", []),
        ("for apis", ["kind:api+model"]),  # asking for an API is asking for a kind
        ("for videos a voiceover", ["output:audio"]),
        # The first word has no word before it (not the last word of the query).
        ("tools you can call", []),
        # Negated cues of their own kinds.
        ("read text not aloud", ["output:text", "not-output:audio"]),
        ("not flux", ["not-name:flux"]),
        # Transcription names the input, so translation adds no text input.
        ("transcribe and translate", ["input:audio", "output:text"]),
    ],
)
def test_cues_at_the_edges_of_their_windows(query, expected):
    assert keys(query, {"flux"}) == expected


def test_labels_and_drop():
    parsed = intent_parse("cheap model for a whole book without reasoning")
    assert [c.label for c in parsed.constraints] == [
        "Kind: model",
        "Cheapest first",
        "Context ≥ 200K",
        "Not reasoning",
    ]
    assert parsed.cheapest
    dropped = parsed.without(["price:cheap", "not-a:key"])
    assert [c.key for c in dropped.constraints] == [
        "kind:model",
        "context:200000",
        "not-feature:reasoning",
    ]
    assert not dropped.cheapest


@pytest.mark.parametrize(
    ("tokens", "label"),
    [(999, "999"), (1_000, "1K"), (1_500, "1.5K"), (999_999, "999.999K"), (1_000_000, "1M"),
     (1_048_576, "1.04858M")],
)  # fmt: skip
def test_context_label(tokens, label):
    assert context_label(tokens) == label


def facts(**overrides) -> ArtifactFacts:
    base = {
        "kind": "model",
        "pricing_model": "paid",
        "has_free_tier": False,
        "open_weights": False,
        "inputs": frozenset({"text"}),
        "outputs": frozenset({"text"}),
        "context_length": 128_000,
        "tags": frozenset(),
        "prices": {},
        "name": "Acme 2",
    }
    return ArtifactFacts(**(base | overrides))


@pytest.mark.parametrize(
    ("constraint", "overrides", "holds"),
    [
        (Constraint("input", "image"), {"inputs": frozenset({"image", "text"})}, True),
        (Constraint("input", "image"), {}, False),
        (Constraint("output", "text"), {}, True),
        (Constraint("output", "image"), {}, False),
        (Constraint("output", "image", negated=True), {}, True),
        # The context boundary: at, just below, just above, and unknown.
        (Constraint("context", "128000"), {"context_length": 128_000}, True),
        (Constraint("context", "128000"), {"context_length": 127_999}, False),
        (Constraint("context", "128000"), {"context_length": 128_001}, True),
        (Constraint("context", "128000"), {"context_length": None}, False),
        (Constraint("price", "free"), {}, False),
        (Constraint("price", "free"), {"has_free_tier": True}, True),
        (Constraint("price", "free"), {"pricing_model": "free"}, True),
        (Constraint("price", "free"), {"pricing_model": "open_source"}, True),
        (Constraint("price", "free"), {"pricing_model": "freemium"}, False),
        (Constraint("price", "cheap"), {}, True),
        (Constraint("feature", "reasoning"), {"tags": frozenset({"reasoning"})}, True),
        (Constraint("feature", "reasoning"), {"tags": frozenset({"chat"})}, False),
        (Constraint("open", "weights"), {"open_weights": True}, True),
        (Constraint("open", "weights"), {"tags": frozenset({"local-inference"})}, True),
        (Constraint("open", "weights"), {}, False),
        (Constraint("kind", "api+model"), {"kind": "api"}, True),
        (Constraint("kind", "api+model"), {"kind": "app"}, False),
        (Constraint("name", "qwen3.5"), {"name": "Qwen3.5-Flash"}, True),
        (Constraint("name", "qwen3.5"), {"name": "Qwen3 Max"}, False),
        (Constraint("key", "none"), {"open_weights": True}, True),
        (Constraint("key", "none"), {"pricing_model": "open_source"}, True),
        (Constraint("key", "none"), {}, False),
    ],
)
def test_constraint_holds(constraint, overrides, holds):
    assert constraint_holds(constraint, facts(**overrides)) is holds


def test_job_price_uses_the_jobs_own_unit():
    chat = intent_parse("cheap chat model")
    images = intent_parse("cheap image generator")
    both = {"prompt_token": 1e-6, "completion_token": 2e-6, "output_image": 0.04}
    assert job_price(chat, facts(prices=both)) == pytest.approx(3e-6)
    assert job_price(images, facts(prices=both)) == pytest.approx(0.04)
    assert job_price(chat, facts(prices={"prompt_token": 1e-6})) == pytest.approx(1e-6)
    assert job_price(images, facts(prices={"prompt_token": 1e-6})) is None
    assert job_price(chat, facts(pricing_model="free")) == 0.0
    # Open source lists no price: hosting costs vary, so the price is unknown, not 0.
    assert job_price(chat, facts(pricing_model="open_source")) is None
    speech = intent_parse("cheap text-to-speech")
    assert job_price(speech, facts(prices={"prompt_token": 1.5e-5})) == pytest.approx(1.5e-5)


def entry(artifact_id: int, score: float = 1.0) -> RankedArtifact:
    return RankedArtifact(artifact_id, "model", "paid", score, 0.0, (), 0)


def order(parsed, entries, known, relevance=None):
    ordered, filtered = results_order(
        parsed=parsed, entries=entries, facts=known, relevance=relevance or {}
    )
    return [e.artifact_id for e in ordered], filtered


def test_constraints_filter_when_anything_meets_them():
    parsed = intent_parse("turn text into natural speech")
    known = {
        1: facts(inputs=frozenset({"audio"}), outputs=frozenset({"text"})),  # speech to text
        2: facts(outputs=frozenset({"audio"})),
        3: facts(outputs=frozenset({"audio", "text"})),
    }
    # Text relevance would put the speech-to-text model first; the output decides.
    assert order(parsed, [entry(1, 3.0), entry(2, 1.0), entry(3, 2.0), entry(4, 5.0)], known) == (
        [3, 2],
        True,
    )


def test_constraints_boost_when_nothing_meets_them_and_wrong_outputs_go_last():
    parsed = intent_parse("tool calling agents that generate images")
    assert [c.key for c in parsed.constraints] == [
        "kind:agent",
        "output:image",
        "feature:function-calling",
    ]
    known = {
        1: facts(tags=frozenset({"function-calling"})),  # wrong output, one more miss
        2: facts(outputs=frozenset({"image"})),  # right output, misses two
        3: facts(outputs=frozenset({"image"}), tags=frozenset({"function-calling"})),
    }
    ids, filtered = order(parsed, [entry(1, 9.0), entry(2, 1.0), entry(3, 0.5)], known)
    assert (ids, filtered) == ([3, 2, 1], False)


def test_cheapest_first_unknown_prices_last_then_relevance():
    parsed = intent_parse("cheap chat model")
    known = {
        1: facts(prices={"prompt_token": 3e-6}),
        2: facts(prices={"prompt_token": 1e-7}),
        3: facts(),  # unknown
        4: facts(prices={"prompt_token": 1e-7}),
    }
    ids, _ = order(parsed, [entry(1), entry(2, 1.0), entry(3, 9.0), entry(4, 2.0)], known)
    assert ids == [4, 2, 1, 3]


def test_relevance_orders_within_and_extra_outputs_break_ties():
    parsed = intent_parse("describe what is in a photo")
    vision = facts(inputs=frozenset({"image", "text"}))
    painter = facts(inputs=frozenset({"image", "text"}), outputs=frozenset({"image", "text"}))
    known = {1: painter, 2: vision, 3: vision}
    ids, _ = order(parsed, [entry(1, 1.0), entry(2, 1.0), entry(3, 0.5)], known)
    assert ids == [2, 1, 3]
    # The match-graph prior is part of relevance.
    ids, _ = order(parsed, [entry(1, 1.0), entry(2, 1.0), entry(3, 0.5)], known, {3: 1.1})
    assert ids == [3, 2, 1]


def test_no_constraints_keep_the_given_order():
    assert order(ParsedIntent(), [entry(2), entry(1)], {}) == ([2, 1], True)


def test_name_key():
    assert name_key("Qwen3.5-Flash") == "qwen35flash"
    assert name_key("FLUX.1 [pro]") == "flux1pro"


@given(st.text(max_size=300))
def test_parser_never_fails_and_keys_round_trip(text):
    parsed = intent_parse(intent_normalise(text), names=["qwen"])
    for constraint in parsed.constraints:
        assert constraint.label
        assert parsed.without([constraint.key]).constraints == tuple(
            c for c in parsed.constraints if c.key != constraint.key
        )


# --- what mutation testing found untested ----------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Two-word cues are negated by a negation before their first word, like one word.
        ("model not open source", ["kind:model", "not-open:weights"]),
        ("without open weights", ["not-open:weights"]),
        ("not self hosted", ["not-open:weights"]),
        ("runs on my laptop", ["open:weights"]),
        ("not low cost", ["not-price:cheap"]),
        ("low cost", ["price:cheap"]),
    ],
)
def test_two_word_cues_follow_a_negation(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("without an api key", ["key:none"]),
        ("no api keys needed", ["key:none"]),
        # An API asked for is a kind, not "no key": only a negated API key means that.
        ("api for chat", ["kind:api+model", "input:text", "output:text"]),
        ("apis for chat", ["kind:api+model", "input:text", "output:text"]),
        ("api key for chat", ["kind:api+model", "input:text", "output:text"]),
        # The reach of a negation is three words: "reasoning" here is asked for.
        ("chat model without an api key or reasoning",
         ["kind:model", "input:text", "output:text", "feature:reasoning", "key:none"]),
        # At the reach (the third word after "no") and one word beyond it.
        ("no json a reasoning", ["not-feature:reasoning", "not-feature:structured-output"]),
        ("no json a b reasoning",
         ["input:text", "output:text", "feature:reasoning", "not-feature:structured-output"]),
        ("not a b c json", ["feature:structured-output"]),
        # A negation spent on the API key negates nothing after it (this read "not image
        # output" and hid every image generator); a second negation still counts.
        ("no api key image generation", ["output:image", "key:none"]),
        ("without api keys json", ["feature:structured-output", "key:none"]),
        ("no api key not json", ["not-feature:structured-output", "key:none"]),
    ],
)  # fmt: skip
def test_api_key_and_the_reach_of_a_negation(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "context"),
    [
        ("model with 200k context", 200_000),
        ("1m token context window", 1_000_000),
        ("context of 128k tokens", 128_000),
        ("128k tokens context", 128_000),
        ("200 k context", 200_000),
        ("context 200k", 200_000),
        ("with 1.5m tokens of context", 1_500_000),
        ("a 2 million token window", 2_000_000),
        ("summarise a long document", 100_000),
        ("long-context model", 100_000),
        ("read a whole book", 200_000),
        ("large codebase", 1_000_000),
        # The bigger need wins, whichever comes first.
        ("a whole book with 32k context", 200_000),
        ("32k context for a large codebase", 1_000_000),
        # A number with no context word near it is not a context need.
        ("200k", None),
        ("200k images", None),
        ("codebase", None),
        ("document", None),
        ("long", None),
    ],
)
def test_context_need(query, context):
    found = [
        c.value for c in intent_parse(intent_normalise(query)).constraints if c.field == "context"
    ]
    assert found == ([] if context is None else [str(context)])


@pytest.mark.parametrize(
    ("constraint", "label"),
    [
        (Constraint("input", "image"), "Input: image"),
        (Constraint("output", "audio"), "Output: audio"),
        (Constraint("price", "cheap"), "Cheapest first"),
        (Constraint("price", "free"), "Free or free tier"),
        (Constraint("context", "1000000"), "Context ≥ 1M"),
        (Constraint("feature", "function-calling"), "Tools / function calling"),
        (Constraint("open", "weights"), "Open weights / runs locally"),
        (Constraint("open", "weights", negated=True), "Not open weights / runs locally"),
        (Constraint("kind", "api+model"), "Kind: API or model"),
        (Constraint("kind", "mcp_server"), "Kind: MCP server"),
        (Constraint("name", "qwen3.5"), "Name: qwen3.5"),
        (Constraint("key", "none"), "No API key needed"),
    ],
)
def test_every_chip_label(constraint, label):
    assert constraint.label == label


def test_a_field_lists_only_its_own_constraints_that_are_asked_for():
    parsed = ParsedIntent(
        (
            Constraint("price", "cheap"),
            Constraint("output", "image", negated=True),
            Constraint("output", "text"),
        )
    )
    assert parsed.of("output") == [Constraint("output", "text")]
    assert parsed.outputs == {"text"}


def test_vocabulary_words_split_on_any_space():
    from comparisons.search.intent import _words

    assert _words(" a  b\nc ") == frozenset({"a", "b", "c"})


@pytest.mark.parametrize(
    ("query", "prices", "price"),
    [
        ("cheap video generator", {"video": 0.5, "second": 0.1}, 0.5),
        ("cheap video generator", {"second": 0.1}, 0.1),
        ("cheap text-to-speech", {"prompt_token": 1e-5, "audio_output_token": 2e-5}, 3e-5),
        ("cheap text-to-speech", {"second": 0.01}, 0.01),
        ("cheap embeddings", {"prompt_token": 2e-8, "completion_token": 1e-6}, 2e-8),
        ("cheap image generator", {"image": 0.03}, 0.03),
    ],
)
def test_job_price_for_each_job(query, prices, price):
    assert job_price(intent_parse(intent_normalise(query)), facts(prices=prices)) == (
        pytest.approx(price)
    )


def test_job_price_with_no_output_asked_is_the_text_price():
    prices = {"prompt_token": 1e-6, "completion_token": 2e-6}
    assert job_price(ParsedIntent(), facts(prices=prices)) == pytest.approx(3e-6)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Every way a modality gets its direction, asked for and negated.
        ("image-to-video", ["input:image", "output:video"]),
        ("not image-to-video", ["not-input:image", "not-output:video"]),
        ("no speech-to-text", ["not-input:audio", "not-output:text"]),
        ("tts", ["output:audio"]),
        ("not tts", ["not-output:audio"]),
        ("no ocr", ["not-input:image", "not-output:text"]),
        ("photo editing", ["input:image", "output:image"]),
        ("not photo editing", ["not-input:image", "not-output:image"]),
        ("image editor", ["input:image", "output:image"]),
        ("not edit photos", ["not-input:image", "not-output:image"]),
        ("read text out loud", ["output:audio"]),
        ("not out loud", ["not-output:audio"]),
        ("not aloud", ["not-output:audio"]),
        ("out of the loop", []),
        ("loud music", []),
        ("turn a photo into a video", ["input:image", "output:video"]),
        ("speech to text for meetings", ["input:audio", "output:text"]),
        ("speech into text", ["input:audio", "output:text"]),
        ("not speech to text", ["not-input:audio", "not-output:text"]),
        ("photos to videos", ["input:image", "output:video"]),
        ("text to speech", ["output:audio"]),
        ("convert to audio", ["output:audio"]),
        ("not convert to audio", ["not-output:audio"]),
        ("convert pdf to text", ["input:file", "output:text"]),
        ("not describe images", ["not-input:image"]),
        ("generate images and video", ["output:image", "output:video"]),
        ("not generate images", ["not-output:image"]),
        ("summarize not images", ["not-input:image", "output:text"]),
        ("chat with a pdf not images", ["input:file", "not-input:image", "output:text"]),
        ("not transcribe", []),
        ("not summarize", []),
        ("no video generation", ["not-output:video"]),
        ("no image understanding", ["not-input:image"]),
        ("no embeddings", ["not-output:embedding"]),
        ("not from audio", ["not-input:audio"]),
        ("into images", ["output:image"]),
        ("describe a photo then generate a video", ["input:image", "output:video"]),
    ],
)
def test_modality_directions_asked_for_and_negated(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("structured output", ["feature:structured-output"]),
        ("structured data", []),
        ("structured", []),
        ("no json", ["not-feature:structured-output"]),
        ("no web search", ["not-feature:web-search"]),
        ("use tools", ["feature:function-calling"]),
        ("tools with", ["feature:function-calling"]),
        ("tool use", ["feature:function-calling"]),
        ("tools", []),
        ("not function calling", ["not-feature:function-calling"]),
        ("agents that call apis", ["kind:agent", "feature:function-calling"]),
        ("a model for agents", ["kind:model"]),
        ("for api", ["kind:api+model"]),
        ("app for notes", ["kind:app"]),
        ("not an app", ["not-kind:app"]),
        ("agent api", ["kind:agent"]),
        ("library for building model apps", ["kind:library"]),
        ("mcp server", ["kind:mcp_server"]),
        ("not cheap", ["not-price:cheap"]),
        ("not free", ["not-price:free"]),
        ("free model", ["kind:model", "price:free"]),
        ("not locally", ["not-open:weights"]),
        ("flux", ["name:flux"]),
        # A bare version after a family word names that version of it.
        ("claude 3 for chat", ["input:text", "output:text", "name:claude 3"]),
        ("32k", []),
        ("gpt-4o 128k context", ["context:128000", "name:4o"]),
    ],
)
def test_features_kinds_prices_and_names(query, expected):
    assert keys(query, {"flux", "qwen", "claude"}) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("0k context", []),  # a need of zero tokens is no need
        ("agentic model", ["kind:model", "feature:function-calling"]),
        ("no apis keys", ["key:none"]),
        # The words after "no api key" are still read.
        ("no api key needed to generate images", ["output:image", "key:none"]),
        # "structured" first in the query still looks at the word after it.
        ("structured output for chat", ["input:text", "output:text", "feature:structured-output"]),
    ],
)
def test_edges_of_single_cues(query, expected):
    assert keys(query) == expected


def test_a_joined_long_context_word_is_a_context_need():
    assert [c.key for c in intent_parse("long-context model").constraints] == [
        "kind:model",
        "context:100000",
    ]


# --- what the third held-back set found (benchmarks/intents/heldback-openrouter-3.json) --


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Contractions negate like "not", typed with the apostrophe or without.
        (
            "vision model that doesn't generate images",
            ["kind:model", "input:image", "output:text", "not-output:image"],
        ),
        ("model that doesnt generate images", ["kind:model", "not-output:image"]),
        ("i don't want reasoning", ["not-feature:reasoning"]),
        ("can't use tools", ["not-feature:function-calling"]),
        ("never json", ["not-feature:structured-output"]),
        # "don" and "can" standing alone are no negations.
        ("can use tools", ["feature:function-calling"]),
    ],
)
def test_contracted_negations(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("llm that doesn't cost anything", ["kind:model", "output:text", "price:free"]),
        ("llm that doesnt cost anything", ["kind:model", "output:text", "price:free"]),
        ("model that costs nothing", ["kind:model", "price:free"]),
        ("i don't want to pay for image generation", ["output:image", "price:free"]),
        ("transcription at no charge", ["input:audio", "output:text", "price:free"]),
    ],
)
def test_a_cost_denied_is_free(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # After "for" comes what it is for: out of the verb's reach.
        ("compose background music for a video", ["output:audio"]),
        ("generate images for my youtube videos", ["output:image"]),
        # A verb after "for" still directs what follows it.
        ("model for generating images", ["kind:model", "output:image"]),
        ("a tool for transcribing audio", ["input:audio", "output:text"]),
        # A reading verb reaches over "for": what it reads follows.
        ("alt text for images on my website", ["input:image", "output:text"]),
        ("captions for my photos", ["input:image", "output:text"]),
        # "with" starts a new clause: the modality after it goes in again.
        ("chat for fun with a pdf", ["input:file", "output:text"]),
    ],
)
def test_for_ends_a_verbs_reach(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("llama 3", ["name:llama 3"]),
        ("gpt-5 models", ["kind:model", "name:gpt 5"]),
        ("gemini 2.5 pro", ["name:gemini 2.5"]),
        ("llama 3.1 70b", ["name:70b", "name:llama 3.1"]),
        # A context size or a count is no version.
        ("llama 128k context", ["context:128000", "name:llama"]),
        ("llama 300 page document", ["context:150000", "name:llama"]),
        # A negation reaches a family at its version like any name.
        ("not llama 3", ["not-name:llama 3"]),
    ],
)
def test_a_family_word_with_a_bare_version(query, expected):
    assert keys(query, {"llama", "gpt", "gemini"}) == expected


@pytest.mark.parametrize(
    ("value", "overrides", "holds"),
    [
        ("llama 3", {"name": "Llama 3.3 70B Instruct"}, True),
        ("llama 3", {"name": "Llama 4 Scout"}, False),
        ("gpt 5", {"name": "GPT-5.4 Mini"}, True),
        # The maker's name counts: Mistral's "Ministral", DeepSeek's "R1".
        ("mistral", {"name": "Ministral 3 8B", "vendor": "Mistral"}, True),
        ("deepseek", {"name": "R1 0528", "vendor": "DeepSeek"}, True),
        ("mistral", {"name": "Ministral 3 8B", "vendor": "Other"}, False),
        ("mistral", {"name": "Ministral 3 8B"}, False),
    ],
)
def test_names_at_a_version_and_by_their_maker(value, overrides, holds):
    assert constraint_holds(Constraint("name", value), facts(**overrides)) is holds


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # Seeing and hearing answer in words.
        ("vision model", ["kind:model", "input:image", "output:text"]),
        ("i need an ai that can listen to audio files", ["input:audio", "output:text"]),
        ("vision model that generates video", ["kind:model", "input:image", "output:video"]),
        # Animating takes a picture in and gives video out.
        ("animate a still photo", ["input:image", "output:video"]),
        ("animate", ["output:video"]),
        # Answers grounded in a live search, with citations, need the web.
        (
            "answers grounded in live search results with citations",
            ["output:text", "feature:web-search"],
        ),
        ("chatbot that cites its sources", ["input:text", "output:text", "feature:web-search"]),
        ("rerank search results", []),
    ],
)
def test_seeing_hearing_animating_and_citing(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "context"),
    [
        ("process a 300 page document in one go", 150_000),
        ("summarise 1000 pages", 500_000),
        ("a page of text", None),
    ],
)
def test_pages_are_a_context_need(query, context):
    found = [
        c.value for c in intent_parse(intent_normalise(query)).constraints if c.field == "context"
    ]
    assert found == ([] if context is None else [str(context)])


def test_image_price_per_output_image_token():
    # OpenRouter lists image models per output image token, not per image.
    parsed = intent_parse(intent_normalise("cheap image generator"))
    assert job_price(parsed, facts(prices={"output_image_token": 8e-6})) == pytest.approx(8e-6)
    assert job_price(parsed, facts(prices={"output_image": 0.04, "output_image_token": 8e-6})) == (
        pytest.approx(0.04)
    )


def test_free_that_nothing_meets_orders_by_price():
    parsed = intent_parse(intent_normalise("free image generation"))
    paid = {"outputs": frozenset({"image"})}
    known = {
        1: facts(**paid, prices={"output_image_token": 3e-5}),
        2: facts(**paid, prices={"output_image_token": 1e-6}),
        3: facts(**paid),  # unknown price
        4: facts(**paid, prices={"output_image_token": 2e-6}),
    }
    ids, filtered = order(parsed, [entry(1, 9.0), entry(2), entry(3, 5.0), entry(4)], known)
    assert (ids, filtered) == ([2, 4, 1, 3], False)
    # When something is free, the free ones are kept, by relevance.
    known[5] = facts(**paid, has_free_tier=True, prices={"output_image_token": 9e-5})
    known[6] = facts(**paid, pricing_model="free")
    ids, filtered = order(parsed, [entry(1), entry(5, 1.0), entry(6, 2.0)], known)
    assert (ids, filtered) == ([6, 5], True)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # The "to" of a converting verb names the output, however far after the verb.
        ("convert a screenshot of a table to csv", ["input:image", "output:text"]),
        ("convert an audio file to text", ["input:audio", "output:text"]),
        ("turn my holiday photos to a video", ["input:image", "output:video"]),
        ("convert a pdf to images", ["input:file", "output:image"]),
        # Past a purpose too.
        ("convert a pdf for work to images", ["input:file", "output:image"]),
    ],
)
def test_the_to_of_a_converting_verb(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("image model that does not animate", ["kind:model", "output:image", "not-output:video"]),
        ("photos without animating", ["input:image", "not-output:video"]),
        ("dont narrate", ["not-output:audio"]),
    ],
)
def test_a_negated_animating_or_speaking_verb_excludes_its_output(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # What a speech verb speaks of goes in; the audio it makes is no input.
        ("narrate my photos", ["input:image", "output:audio"]),
        ("narrate a video", ["input:video", "output:audio"]),
        ("narrate a pdf", ["input:file", "output:audio"]),
        ("narrate an audiobook", ["output:audio"]),
        # Music denied is not speech denied.
        ("narrate a story without background music", ["output:audio"]),
        ("speak text", ["output:audio"]),
    ],
)
def test_a_speech_verb_reads_what_it_speaks_of(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("text-to-image-to-video", ["output:video"]),
        ("speech-to-text-to-speech", ["input:audio", "output:audio"]),
        ("image-to-text-to-speech", ["input:image", "output:audio"]),
    ],
)
def test_a_chain_of_to_compounds_takes_the_first_in_and_gives_the_last_out(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # "to"/"into" direct one modality; what follows is the source again, not an output.
        ("speech to text meeting recordings", ["input:audio", "output:text"]),
        ("convert speech into text voice memos", ["input:audio", "output:text"]),
        # "and" right after it directs one more, the same way.
        ("convert video to audio and text", ["input:video", "output:audio", "output:text"]),
        ("turn text into images and videos", ["output:image", "output:video"]),
        # Not past another word, and not a modality with a "to" of its own.
        ("speech to text and translation of meetings", ["input:audio", "output:text"]),
        (
            "convert audio to text and video to images",
            ["input:audio", "input:video", "output:image", "output:text"],
        ),
        ("generate text to speech", ["output:audio"]),
        ("embeddings to text", ["input:embedding", "output:text"]),
        # The one more it directs is one: what follows goes in, as after the first.
        (
            "turn lecture recordings into text and audio with slide screenshots",
            ["input:audio", "input:image", "output:audio", "output:text"],
        ),
        # A converting verb's "to" too.
        ("convert customer calls to text, voicemails too", ["input:audio", "output:text"]),
        (
            "make a montage video from photos and clips",
            ["input:image", "input:video", "output:video"],
        ),
        # An editing verb directs every modality it names.
        (
            "edit photos, videos and audio",
            [
                "input:audio",
                "input:image",
                "input:video",
                "output:audio",
                "output:image",
                "output:video",
            ],
        ),
        # A reading or animating verb takes one object; a purpose may follow it.
        ("transcribe a podcast for my youtube video", ["input:audio", "output:text"]),
        ("animate a logo for my youtube channel", ["input:image", "output:video"]),
        ("describe photos and videos", ["input:image", "input:video", "output:text"]),
    ],
)
def test_a_cue_directs_its_objects_and_no_more(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # "and" joins another purpose.
        ("generate music for videos and photos", ["output:audio"]),
        ("voiceover for my videos and images", ["output:audio"]),
        # A converting verb's "to" past "and" and "with".
        ("convert notes and slides to audio", ["output:audio"]),
        ("convert a pdf with tables to markdown", ["input:file", "output:text"]),
        # And every later "to" of it.
        (
            "convert pdfs to text and emails to speech",
            ["input:file", "output:audio", "output:text"],
        ),
    ],
)
def test_and_joins_purposes_and_the_objects_of_a_converting_verb(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("no need for speech to text", ["not-input:audio", "not-output:text"]),
        # A negation that ends before the source reaches neither.
        ("without a credit card, speech to text", ["input:audio", "output:text"]),
        # One right before "to" reaches the target alone.
        ("speech to speech, not to text", ["input:audio", "output:audio", "not-output:text"]),
        (
            "text to speech, not speech to text",
            ["not-input:audio", "output:audio", "not-output:text"],
        ),
    ],
)
def test_a_negation_of_the_source_of_to_reaches_its_target(query, expected):
    assert keys(query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # A kind anywhere after "for" is what the thing is for.
        ("a model for building chat apps", ["kind:model", "input:text", "output:text"]),
        ("sdk for building voice agents", ["kind:library"]),
        # "long" anywhere in the noun phrase of a document, not past a stopword or a verb.
        (
            "summarize long legal pdf documents",
            ["input:file", "output:text", "context:100000"],
        ),
        ("analyze my large legacy codebase", ["output:text", "context:1000000"]),
        ("search a large number of documents", []),
        ("large language model summarizing documents", ["kind:model", "output:text"]),
        ("codebase assistant for large teams", ["input:text", "output:text"]),
        ("the largest context window", ["context:1000000"]),
        ("context window for huge documents", ["context:100000"]),
        # A number after a context word, however far, is a token count.
        ("context window up to 200k", ["context:200000"]),
    ],
)
def test_purposes_and_noun_phrases_past_two_words(query, expected):
    assert keys(query) == expected
