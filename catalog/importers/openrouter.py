"""OpenRouter's public models endpoint (`GET /api/v1/models`) as catalog records.

Pure functions: the payload goes in, records and reasons come out. The rules, each of
them documented in docs/importers.md:

- one artifact per base model: `vendor/model:free` is the free tier of `vendor/model`,
  and other `:variant` ids (`:batch`, `:thinking`, ...) are the same model sold another
  way; `~vendor/model-latest` ids are aliases of another model and are skipped;
- prices are US dollars per unit, as strings; `"-1"` means the price varies per request
  (a router), which is neither free nor a number; a model that lists 0 per prompt token
  but charges per output image is paid per image; a model whose every listed price is 0
  is "price unknown" unless it is a `:free` variant;
- capabilities are derived from the structured fields only, never from the prose.
"""

from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from catalog.importers.common import (
    ArtifactRecord,
    CapabilityRecord,
    ImportSourceError,
    ParseResult,
    RecordError,
    TagRecord,
    artifact_slug,
    price_decimal,
    price_plain,
    price_stored,
    text_clean,
)
from catalog.models import PRICE_VARIES, ArtifactKind, PriceUnit, PricingModel

SOURCE = "openrouter"

# "Long context" means at least this many tokens in one request.
LONG_CONTEXT_MIN_TOKENS = 200_000

# OpenRouter's pricing keys (as its API reference defines them) -> the catalog's unit names.
PRICE_UNITS = {
    "prompt": "prompt_token",
    "completion": "completion_token",
    "request": "request",
    "image": "input_image",
    "image_output": "output_image",
    "image_token": "image_token",
    "audio": "audio_input_token",
    "audio_output": "audio_output_token",
    "input_audio_cache": "cached_audio_input_token",
    "input_cache_read": "cached_input_token",
    "input_cache_write": "cache_write_token",
    "input_cache_write_1h": "cache_write_1h_token",
    "internal_reasoning": "reasoning_token",
    "web_search": "web_search",
}
# Pricing keys that are not prices of a unit.
NOT_PRICES = {"discount", "overrides"}
# The headline (starting) price is the first of these the model charges for.
HEADLINE_UNITS = (
    ("prompt", PriceUnit.PROMPT_TOKEN),
    ("image_output", PriceUnit.IMAGE),
    ("request", PriceUnit.REQUEST),
    ("completion", PriceUnit.COMPLETION_TOKEN),
)

# OpenRouter's modality names -> the catalog's; "rerank" has no equivalent (its output is
# a relevance score) and is described by a capability instead.
MODALITIES = {
    "text": "text",
    "image": "image",
    "audio": "audio",
    "video": "video",
    "file": "file",
    "embeddings": "embedding",
    "transcription": "text",
    "speech": "audio",
}
UNMAPPED_MODALITIES = {"rerank"}

TAGS = {
    slug: TagRecord(slug=slug, name=name)
    for slug, name in [
        ("text-generation", "Text generation"),
        ("reasoning", "Reasoning"),
        ("function-calling", "Function calling"),
        ("structured-output", "Structured output"),
        ("long-context", "Long context"),
        ("image-understanding", "Image understanding"),
        ("video-understanding", "Video understanding"),
        ("document-extraction", "Document extraction"),
        ("speech-to-text", "Speech to text"),
        ("audio-understanding", "Audio understanding"),
        ("image-generation", "Image generation"),
        ("image-editing", "Image editing"),
        ("video-generation", "Video generation"),
        ("text-to-speech", "Text to speech"),
        ("audio-generation", "Audio generation"),
        ("embeddings", "Embeddings"),
        ("retrieval", "Retrieval (RAG)"),
        ("web-search", "Web search"),
    ]
}

ROUTER_NAMESPACES = {"openrouter"}


def payload_models(payload: Any) -> list:
    """The model list from either shape the endpoint has had: {"data": [...]} or [...]."""
    models = payload.get("data") if isinstance(payload, dict) else payload
    if not isinstance(models, list):
        got = type(payload).__name__
        if isinstance(payload, dict):
            got += " with keys " + ", ".join(sorted(map(str, payload))[:5])
        raise ImportSourceError(f'expected {{"data": [...]}} or a list of models, got {got}')
    if not models:
        raise ImportSourceError("the source lists no models")
    if not any(isinstance(item, dict) for item in models):
        raise ImportSourceError("the source's model list holds no objects")
    return models


def records_parse(*, payload: Any) -> ParseResult:
    models = payload_models(payload)
    result = ParseResult()
    groups: dict[str, list[tuple[str, dict]]] = {}
    counts = Counter()

    for position, item in enumerate(models):
        if not isinstance(item, dict):
            result.skipped.append((f"#{position}", "not an object"))
            continue
        model_id = item.get("id")
        if not isinstance(model_id, str) or not model_id.strip() or len(model_id) > 190:
            result.skipped.append((f"#{position}", "no usable id"))
            continue
        model_id = model_id.strip()
        alias = item.get("alias_target")
        if model_id.startswith("~") or alias:
            target = alias.get("slug") if isinstance(alias, dict) else None
            reason = f"alias of {target}" if target else "an alias of another model"
            result.skipped.append((model_id, f"{reason}, not a separate model"))
            continue
        base, _, variant = model_id.partition(":")
        groups.setdefault(base, []).append((variant, item))
        result.seen_ids.add(base)

    vendors_by_namespace = _vendors_by_namespace(groups)
    for base, members in groups.items():
        try:
            record, notes = _group_record(base=base, members=members, vendors=vendors_by_namespace)
        except RecordError as error:
            result.skipped.append((base, str(error)))
            continue
        result.records.append(record)
        counts.update(notes)

    result.notes.extend(_notes(counts))
    return result


def _notes(counts: Counter) -> list[str]:
    messages = {
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
        "unmapped_modality": "{n} model(s) with an output the catalog has no modality for "
        "(rerank): described by a capability instead",
    }
    return [messages[key].format(n=counts[key]) for key in messages if counts[key]]


def _vendors_by_namespace(groups: dict[str, list[tuple[str, dict]]]) -> dict[str, str]:
    """For names without a "Vendor: " prefix: the prefix other models of the same id
    namespace use most, else the namespace itself."""
    seen: dict[str, Counter] = {}
    for base, members in groups.items():
        namespace = base.split("/", 1)[0]
        for _, item in members:
            prefix, _ = _name_split(item.get("name"))
            if prefix:
                seen.setdefault(namespace, Counter())[prefix] += 1
    return {namespace: counter.most_common(1)[0][0] for namespace, counter in seen.items()}


def _name_split(name: Any) -> tuple[str, str]:
    if not isinstance(name, str):
        return "", ""
    prefix, sep, rest = name.partition(": ")
    if sep and prefix.strip() and rest.strip() and len(prefix) <= 60:
        return prefix.strip(), rest.strip()
    return "", name.strip()


def _group_record(*, base: str, members: list[tuple[str, dict]], vendors: dict) -> tuple:
    # The plain id describes the model; failing that a paid variant; failing that :free.
    members = sorted(members, key=lambda m: (m[0] != "", m[0] == "free"))
    primary_variant, item = members[0]
    free_only = primary_variant == "free"
    has_free_tier = any(variant == "free" for variant, _ in members)
    notes = Counter()
    if has_free_tier:
        notes["free_only" if free_only else "free_folded"] += 1
    notes["variant_folded"] += sum(
        1 for variant, _ in members if variant not in ("", "free", primary_variant)
    )

    namespace = base.split("/", 1)[0]
    prefix, name = _name_split(item.get("name"))
    if not name:
        raise RecordError("no name")
    for suffix in (f" ({primary_variant})", " (free)"):
        if primary_variant and name.lower().endswith(suffix):
            name = name[: -len(suffix)].rstrip()
    if len(name) > 200:
        raise RecordError("name is longer than 200 characters")
    vendor = prefix or vendors.get(namespace) or namespace.replace("-", " ").title()

    summary, truncated = _summary(item.get("description"))
    notes["truncated"] += truncated
    context_length = _context_length(item.get("context_length"))
    notes["no_context"] += context_length is None
    inputs, outputs, raw_outputs = _modalities(item.get("architecture"))
    notes["unmapped_modality"] += bool(raw_outputs & UNMAPPED_MODALITIES)
    pricing = _pricing(item.get("pricing"), free_only=free_only)
    notes[pricing.pop("note")] += 1

    fields = {
        "name": name,
        "kind": ArtifactKind.API if namespace in ROUTER_NAMESPACES else ArtifactKind.MODEL,
        "summary": summary,
        "has_free_tier": has_free_tier,
        "open_weights": bool(item.get("hugging_face_id")),
        "context_length": context_length,
        "input_modalities": sorted(inputs),
        "output_modalities": sorted(outputs),
        "release_date": _release_date(item.get("created")),
        **pricing,
    }
    parameters = item.get("supported_parameters") or []
    if not isinstance(parameters, list):
        raise RecordError("supported_parameters is not a list")
    capabilities = capabilities_derive(
        inputs=inputs,
        outputs=outputs,
        raw_outputs=raw_outputs,
        parameters={p for p in parameters if isinstance(p, str)},
        context_length=context_length,
        prices=fields["prices"],
        reasons=bool(item.get("reasoning")),
    )
    record = ArtifactRecord(
        external_id=base,
        slug=artifact_slug(name, fallback=base),
        vendor=vendor[:120],
        fields=fields,
        capabilities=capabilities,
    )
    return record, +notes


def _summary(value: Any) -> tuple[str, bool]:
    text = text_clean(value, what="description")
    if not text.endswith(("...", "…")):
        return text, False
    body = text.rstrip(".… ")
    # Keep whole sentences when there are any; otherwise say plainly that it goes on.
    ends = [body.rfind(mark) for mark in (". ", "! ", "? ", ".\n")]
    cut = max(ends)
    if cut > 0:
        return body[: cut + 1].strip(), True
    return f"{body}…", True


def _context_length(value: Any) -> int | None:
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise RecordError(f"context_length {value!r} is not a whole number")
    if not 0 < value < 2**31:
        raise RecordError(f"context_length {value!r} is out of range")
    return int(value)


def _release_date(value: Any) -> date | None:
    if value in (None, 0):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RecordError(f"created {value!r} is not a Unix timestamp")
    try:
        return datetime.fromtimestamp(value, tz=UTC).date()
    except (OverflowError, OSError, ValueError) as error:
        raise RecordError(f"created {value!r} is not a Unix timestamp") from error


def _modalities(architecture: Any) -> tuple[set[str], set[str], set[str]]:
    if architecture is None:
        return set(), set(), set()
    if not isinstance(architecture, dict):
        raise RecordError("architecture is not an object")
    raw_in = architecture.get("input_modalities")
    raw_out = architecture.get("output_modalities")
    if raw_in is None and raw_out is None:
        # The endpoint's older shape only had "text+image->text".
        modality = architecture.get("modality")
        if isinstance(modality, str) and "->" in modality:
            left, right = modality.split("->", 1)
            raw_in, raw_out = left.split("+"), right.split("+")
    raw_in, raw_out = _names(raw_in, "input"), _names(raw_out, "output")
    unknown = (raw_in | raw_out) - set(MODALITIES) - UNMAPPED_MODALITIES
    if unknown:
        raise RecordError(f"unknown modality {', '.join(sorted(unknown))}")
    return (
        {MODALITIES[m] for m in raw_in if m in MODALITIES},
        {MODALITIES[m] for m in raw_out if m in MODALITIES},
        raw_out,
    )


def _names(values: Any, what: str) -> set[str]:
    if values is None:
        return set()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RecordError(f"{what} modalities are not a list of names")
    return {v.strip().lower() for v in values if v.strip()}


def _pricing(pricing: Any, *, free_only: bool) -> dict:
    """The price fields of one model, plus a "note" key naming the quirk it hit."""
    unknown = {"starting_price": None, "price_unit": "", "pricing_model": PricingModel.PAID}
    if pricing is None:
        return {**unknown, "prices": {}, "note": "no_pricing"}
    if not isinstance(pricing, dict):
        raise RecordError("pricing is not an object")
    amounts: dict[str, Decimal] = {}
    for key, value in pricing.items():
        if key in NOT_PRICES or value is None:
            continue
        amounts[key] = price_decimal(value, what=str(key))
    varies = {key for key, amount in amounts.items() if amount == -1}
    negative = [key for key, amount in amounts.items() if amount < 0 and key not in varies]
    if negative:
        raise RecordError(f"negative {negative[0]} price")

    if varies:
        prices = {PRICE_UNITS.get(key, key): PRICE_VARIES for key in sorted(varies)}
        return {**unknown, "prices": prices, "note": "varies"}
    if free_only:
        prices = {PRICE_UNITS.get(key, key): "0" for key in sorted(amounts) if not amounts[key]}
        return {
            "starting_price": Decimal(0),
            "price_unit": PriceUnit.PROMPT_TOKEN,
            "pricing_model": PricingModel.FREE,
            "prices": prices,
            "note": "free_only_price",
        }
    charged = {key: amount for key, amount in amounts.items() if amount > 0}
    prices = {PRICE_UNITS.get(key, key): price_plain(charged[key]) for key in sorted(charged)}
    for key, unit in HEADLINE_UNITS:
        if key in charged:
            note = "headline_prompt" if key == "prompt" else "headline_elsewhere"
            return {
                "starting_price": price_stored(charged[key]),
                "price_unit": unit,
                "pricing_model": PricingModel.PAID,
                "prices": prices,
                "note": note,
            }
    note = "all_zero" if not charged else "headline_unknown"
    return {**unknown, "prices": prices, "note": note}


def _capability(title: str, description: str, tags: list[str], inputs, outputs) -> CapabilityRecord:
    return CapabilityRecord(
        title=title,
        description=description,
        tags=tuple(TAGS[slug] for slug in tags),
        input_types=tuple(sorted(inputs)),
        output_types=tuple(sorted(outputs)),
    )


def capabilities_derive(
    *,
    inputs: set[str],
    outputs: set[str],
    raw_outputs: set[str],
    parameters: set[str],
    context_length: int | None,
    prices: dict[str, str],
    reasons: bool,
) -> tuple[CapabilityRecord, ...]:
    """What a model can do, read from structured fields only (modalities, supported
    parameters, context length, price units), in a fixed order."""
    caps = []
    writes_text = "text" in outputs and not raw_outputs <= {"transcription"}
    if writes_text:
        caps.append(_capability(
            "Text generation",
            "Writes text in reply to a prompt: answers, drafts, summaries and code.",
            ["text-generation"], inputs & {"text"} or {"text"}, {"text"},
        ))  # fmt: skip
    if writes_text and (reasons or parameters & {"reasoning", "include_reasoning"}):
        caps.append(_capability(
            "Reasoning",
            "Works through a problem in intermediate reasoning steps before it answers.",
            ["reasoning"], {"text"}, {"text"},
        ))  # fmt: skip
    if writes_text and "tools" in parameters:
        caps.append(_capability(
            "Function calling",
            "Calls tools and functions described in the request, returning their arguments "
            "as structured data for your code to run.",
            ["function-calling"], {"text"}, {"text"},
        ))  # fmt: skip
    if writes_text and parameters & {"structured_outputs", "response_format"}:
        strict = "structured_outputs" in parameters
        caps.append(_capability(
            "Structured output",
            "Returns JSON that follows a schema you supply." if strict
            else "Returns well-formed JSON on request (JSON mode).",
            ["structured-output"], {"text"}, {"text"},
        ))  # fmt: skip
    if context_length and context_length >= LONG_CONTEXT_MIN_TOKENS:
        caps.append(_capability(
            "Long context",
            f"Reads up to {context_length:,} tokens in one request, enough for long "
            "documents or a sizeable codebase.",
            ["long-context"], {"text"}, outputs & {"text"} or {"text"},
        ))  # fmt: skip
    if "image" in inputs:
        caps.append(_capability(
            "Image understanding",
            "Takes images as input and answers questions about photos, screenshots, charts "
            "and diagrams.",
            ["image-understanding"], {"image"}, outputs,
        ))  # fmt: skip
    if "video" in inputs:
        caps.append(_capability(
            "Video understanding",
            "Takes video clips as input and can describe them or answer questions about them.",
            ["video-understanding"], {"video"}, outputs,
        ))  # fmt: skip
    if "file" in inputs:
        caps.append(_capability(
            "Document input",
            "Accepts files such as PDFs directly, so documents need no conversion first.",
            ["document-extraction"], {"file"}, outputs,
        ))  # fmt: skip
    if "audio" in inputs and "transcription" in raw_outputs:
        caps.append(_capability(
            "Speech to text",
            "Transcribes recorded speech into written text.",
            ["speech-to-text"], {"audio"}, {"text"},
        ))  # fmt: skip
    elif "audio" in inputs:
        caps.append(_capability(
            "Audio understanding",
            "Takes audio as input and can answer questions about the speech or sounds in it.",
            ["audio-understanding"], {"audio"}, outputs,
        ))  # fmt: skip
    if "image" in outputs:
        edits = "image" in inputs
        caps.append(_capability(
            "Image generation",
            "Creates images from a text prompt"
            + (" and can rework an image it is given." if edits else "."),
            ["image-generation", "image-editing"] if edits else ["image-generation"],
            inputs, {"image"},
        ))  # fmt: skip
    if "video" in outputs:
        caps.append(_capability(
            "Video generation",
            "Creates short video clips from a prompt"
            + (" or from a still image." if "image" in inputs else "."),
            ["video-generation"], inputs, {"video"},
        ))  # fmt: skip
    if "speech" in raw_outputs:
        caps.append(_capability(
            "Text to speech",
            "Reads text aloud in a generated voice.",
            ["text-to-speech"], {"text"}, {"audio"},
        ))  # fmt: skip
    elif "audio" in outputs:
        caps.append(_capability(
            "Audio generation",
            "Answers with generated audio, not only text.",
            ["audio-generation"], inputs, {"audio"},
        ))  # fmt: skip
    if "embedding" in outputs:
        caps.append(_capability(
            "Embeddings",
            "Turns input into vectors for semantic search, clustering and retrieval.",
            ["embeddings", "retrieval"], inputs, {"embedding"},
        ))  # fmt: skip
    if "rerank" in raw_outputs:
        caps.append(_capability(
            "Reranking",
            "Scores how relevant each candidate document is to a query, to reorder search "
            "results before they reach a model or a reader.",
            ["retrieval"], inputs, set(),
        ))  # fmt: skip
    if "web_search" in prices or "web_search_options" in parameters:
        caps.append(_capability(
            "Web search",
            "Can search the web while answering and draw on what it finds.",
            ["web-search"], {"text"}, {"text"},
        ))  # fmt: skip
    return tuple(caps)
