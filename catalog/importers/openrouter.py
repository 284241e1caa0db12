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

import re
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from catalog.importers.common import (
    ArtifactRecord,
    CapabilityRecord,
    ImportSourceError,
    ParseResult,
    PriceRecord,
    RecordError,
    TagRecord,
    artifact_slug,
    price_decimal,
    price_exact,
    price_plain,
    price_stored,
    text_clean,
)
from catalog.models import (
    PRICE_VARIES,
    ArtifactKind,
    CapabilityQuantity,
    PriceUnit,
    PricingModel,
)
from catalog.pricing import amount_text, price_plausible

SOURCE = "openrouter"

# "Long context" means at least this many tokens in one request.
LONG_CONTEXT_MIN_TOKENS = 200_000

# OpenRouter's pricing keys (as its API reference defines them) -> the declared unit each is
# charged in (catalog.pricing.PRICE_UNIT_DECLARATIONS). `image_output` is a price per
# output image *token* (it equals `image_token` wherever both are listed, and is about
# $0.00001: no image sells for that); `image` is a price per input image.
PRICE_UNITS = {
    "prompt": "prompt_token",
    "completion": "completion_token",
    "request": "request",
    "image": "input_image",
    "image_output": "output_image_token",
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
# The headline (starting) price is the first of these the model charges for, in a unit
# that is clear for it.
HEADLINE_UNITS = (
    ("prompt", PriceUnit.PROMPT_TOKEN),
    ("image_output", PriceUnit.OUTPUT_IMAGE_TOKEN),
    ("request", PriceUnit.REQUEST),
    ("completion", PriceUnit.COMPLETION_TOKEN),
)
# Artifact fields holding one base price each.
PRICE_FIELDS = {
    "prompt": "input_price",
    "completion": "output_price",
    "input_cache_read": "cache_read_price",
    "web_search": "web_search_price",
}
HUGGING_FACE = "https://huggingface.co/"

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
# Variants sold below the model's own price: never the source of the base model's price.
DISCOUNTED_VARIANTS = {"batch"}


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
    counts: Counter[str] = Counter()

    for position, item in enumerate(models):
        if not isinstance(item, dict):
            result.skipped.append((f"#{position}", "not an object"))
            result.unusable += 1
            continue
        model_id = item.get("id")
        if not isinstance(model_id, str) or not model_id.strip() or len(model_id) > 190:
            result.skipped.append((f"#{position}", "no usable id"))
            result.unusable += 1
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
            result.unusable += len(members)
            continue
        result.records.append(record)
        counts.update(notes)

    result.total = len(models)
    if not result.records:
        raise ImportSourceError(
            f"none of the {len(models)} record(s) is a usable model: expected OpenRouter's "
            '/api/v1/models shape, {"data": [{"id": "vendor/model", "name": ..., '
            '"pricing": {"prompt": ..., "completion": ...}}, ...]}'
        )
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
        "unit_unclear": "{n} model(s) list a price implausible for its unit (a per-token price "
        "for a model that reads no text, a per-image price of a fraction of a cent...): "
        "shown as 'unit unclear' and flagged for editors",
        "time_window": "{n} model(s) with time-of-day price overrides: not stored, the base "
        "price is",
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
    # The plain id describes the model, whatever the order of the listing; failing that a
    # variant at full price (not :batch, which is discounted), then :batch, then :free.
    members = sorted(
        members, key=lambda m: (m[0] != "", m[0] == "free", m[0] in DISCOUNTED_VARIANTS, m[0])
    )
    primary_variant, item = members[0]
    free_only = primary_variant == "free"
    has_free_tier = any(variant == "free" for variant, _ in members)
    notes: Counter[str] = Counter()
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
    inputs, outputs, raw_inputs, raw_outputs = _modalities(item.get("architecture"))
    notes["unmapped_modality"] += bool(raw_outputs & UNMAPPED_MODALITIES)
    pricing, price_rows, price_notes = _pricing(
        item.get("pricing"),
        free_only=free_only,
        reads_text="text" in raw_inputs,
    )
    notes.update(price_notes)
    parameters = item.get("supported_parameters")
    if parameters is not None and not isinstance(parameters, list):
        raise RecordError("supported_parameters is not a list")
    parameter_names = {p for p in parameters or [] if isinstance(p, str)}
    writes_text = "text" in outputs and not raw_outputs <= {"transcription"}
    reasons = bool(item.get("reasoning")) or bool(parameter_names & REASONING_PARAMETERS)
    max_output = _max_output(item.get("top_provider"))

    fields = {
        "name": name,
        "kind": ArtifactKind.API if namespace in ROUTER_NAMESPACES else ArtifactKind.MODEL,
        "summary": summary,
        "has_free_tier": has_free_tier,
        "open_weights": bool(item.get("hugging_face_id")),
        "weights_url": _weights_url(item.get("hugging_face_id")),
        "context_length": context_length,
        "max_output_tokens": max_output,
        "input_modalities": sorted(inputs),
        "output_modalities": sorted(outputs),
        "release_date": _release_date(item.get("created")),
        "knowledge_cutoff": _knowledge_cutoff(item.get("knowledge_cutoff")),
        **_supports(
            writes_text=writes_text,
            listed=parameters is not None,
            parameters=parameter_names,
            reasons=reasons,
            web_search_priced="web_search" in pricing["prices"],
        ),
        **pricing,
    }
    capabilities = capabilities_derive(
        inputs=inputs,
        outputs=outputs,
        raw_outputs=raw_outputs,
        parameters=parameter_names,
        context_length=context_length,
        prices=fields["prices"],
        reasons=reasons,
        max_output_tokens=max_output,
        input_price=fields["input_price"],
        output_price=fields["output_price"],
        output_image_token_price=_base_amount(price_rows, "image_output"),
        web_search_price=fields["web_search_price"],
    )
    record = ArtifactRecord(
        external_id=base,
        slug=artifact_slug(name, fallback=base),
        vendor=vendor[:120],
        fields=fields,
        capabilities=capabilities,
        prices=price_rows,
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


def _modalities(architecture: Any) -> tuple[set[str], set[str], set[str], set[str]]:
    """The catalog's input and output modalities, and the source's own input and output
    names (which say more: "transcription", "speech", "rerank")."""
    if architecture is None:
        return set(), set(), set(), set()
    if not isinstance(architecture, dict):
        raise RecordError("architecture is not an object")
    raw_in = architecture.get("input_modalities")
    raw_out = architecture.get("output_modalities")
    # The endpoint's older shape only had "text+image->text"; it fills a list not given.
    modality = architecture.get("modality")
    if isinstance(modality, str) and "->" in modality:
        left, right = modality.split("->", 1)
        raw_in = left.split("+") if raw_in is None else raw_in
        raw_out = right.split("+") if raw_out is None else raw_out
    raw_in, raw_out = _names(raw_in, "input"), _names(raw_out, "output")
    unknown = (raw_in | raw_out) - set(MODALITIES) - UNMAPPED_MODALITIES
    if unknown:
        raise RecordError(f"unknown modality {', '.join(sorted(unknown))}")
    return (
        {MODALITIES[m] for m in raw_in if m in MODALITIES},
        {MODALITIES[m] for m in raw_out if m in MODALITIES},
        raw_in,
        raw_out,
    )


def _names(values: Any, what: str) -> set[str]:
    if values is None:
        return set()
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise RecordError(f"{what} modalities are not a list of names")
    return {v.strip().lower() for v in values if v.strip()}


REASONING_PARAMETERS = {"reasoning", "include_reasoning"}
STRUCTURED_PARAMETERS = {"structured_outputs", "response_format"}
_HUGGING_FACE_ID = re.compile(r"[A-Za-z0-9][\w.-]{0,95}/[\w.-]{1,96}")


def _max_output(top_provider: Any) -> int | None:
    """`top_provider.max_completion_tokens`: the longest reply, in tokens (None: unknown)."""
    if top_provider is None:
        return None
    if not isinstance(top_provider, dict):
        raise RecordError("top_provider is not an object")
    value = top_provider.get("max_completion_tokens")
    if value is None or value == 0:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value < 2**31:
        raise RecordError(f"max_completion_tokens {value!r} is not a token count")
    return value


def _weights_url(value: Any) -> str:
    """The Hugging Face page of the weights, from `hugging_face_id` ("Org/Name")."""
    if not isinstance(value, str) or not _HUGGING_FACE_ID.fullmatch(value.strip()):
        return ""
    return HUGGING_FACE + value.strip()


def _knowledge_cutoff(value: Any) -> date | None:
    if value in (None, ""):
        return None
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as error:
        raise RecordError(f"knowledge_cutoff {value!r} is not a date") from error


def _supports(
    *, writes_text: bool, listed: bool, parameters: set[str], reasons: bool, web_search_priced: bool
) -> dict[str, bool | None]:
    """What a text model supports, from `supported_parameters`. None ("no data") for a
    model that writes no text, or when the source lists no parameters at all."""
    if not writes_text or not listed:
        return dict.fromkeys(
            ("supports_tools", "supports_structured_output", "supports_reasoning",
             "supports_web_search"),
        )  # fmt: skip
    return {
        "supports_tools": "tools" in parameters,
        "supports_structured_output": bool(parameters & STRUCTURED_PARAMETERS),
        "supports_reasoning": reasons,
        "supports_web_search": web_search_priced or "web_search_options" in parameters,
    }


def _base_amount(rows: tuple[PriceRecord, ...], key: str) -> Decimal | None:
    for row in rows:
        if row.key == key and row.min_prompt_tokens == 0 and row.unit_clear:
            return row.amount
    return None


def price_unit_clear(*, key: str, amount: Decimal, reads_text: bool, bills_output: bool) -> bool:
    """Whether a source price is believable in the unit its key declares, for this model.

    Implausible for the unit (catalog.pricing.price_plausible), or a per-input-token price
    on a model that reads no text and bills no output tokens (speech-to-text models list
    their per-minute or per-hour price under `prompt`), is "unit unclear"."""
    unit = PRICE_UNITS.get(key)
    if unit is None or not price_plausible(amount=amount, unit=unit):
        return False
    return not (key == "prompt" and amount > 0 and not reads_text and not bills_output)


def _tiers(overrides: Any, notes: Counter) -> list[tuple[int, dict]]:
    """`pricing.overrides` as (min_prompt_tokens, prices) tiers; time-of-day windows are
    counted in a note and left out."""
    if overrides is None:
        return []
    if not isinstance(overrides, list):
        raise RecordError("pricing.overrides is not a list")
    tiers = []
    for override in overrides:
        if not isinstance(override, dict):
            raise RecordError("a pricing override is not an object")
        threshold = override.get("min_prompt_tokens")
        if threshold is None:
            notes["time_window"] = 1
            continue
        if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold <= 0:
            raise RecordError(f"min_prompt_tokens {threshold!r} is not a token count")
        prices = {k: v for k, v in override.items() if k in PRICE_UNITS and v is not None}
        tiers.append((threshold, prices))
    return sorted(tiers, key=lambda tier: tier[0])


def _pricing(
    pricing: Any, *, free_only: bool, reads_text: bool
) -> tuple[dict, tuple[PriceRecord, ...], Counter]:
    """The price fields of one model, its price rows, and notes naming the quirks hit."""
    notes: Counter = Counter()
    unknown = {
        "starting_price": None,
        "price_unit": "",
        "pricing_model": PricingModel.UNKNOWN,
        "prices_unclear": False,
        **dict.fromkeys(PRICE_FIELDS.values()),
    }
    if pricing is None:
        notes["no_pricing"] += 1
        return {**unknown, "prices": {}}, (), notes
    if not isinstance(pricing, dict):
        raise RecordError("pricing is not an object")
    amounts: dict[str, Decimal] = {}
    for key, value in pricing.items():
        if key in NOT_PRICES or value is None:
            continue
        amounts[key] = price_exact(price_decimal(value, what=str(key)))
    varies = {key for key, amount in amounts.items() if amount == -1}
    negative = [key for key, amount in amounts.items() if amount < 0 and key not in varies]
    if negative:
        raise RecordError(f"negative {negative[0]} price")

    if varies:
        notes["varies"] += 1
        prices = {PRICE_UNITS.get(key, key): PRICE_VARIES for key in sorted(varies)}
        rows = tuple(
            PriceRecord(key=key, unit=PRICE_UNITS[key], amount=None)
            for key in sorted(varies)
            if key in PRICE_UNITS
        )
        return {**unknown, "pricing_model": PricingModel.PAID, "prices": prices}, rows, notes
    if free_only:
        prices = {PRICE_UNITS.get(key, key): "0" for key in sorted(amounts) if not amounts[key]}
        zero = {key: Decimal(0) for key in ("prompt", "completion") if amounts.get(key, 0) == 0}
        rows = tuple(
            PriceRecord(key=key, unit=PRICE_UNITS[key], amount=amount)
            for key, amount in zero.items()
        )
        return (
            {
                **unknown,
                "starting_price": Decimal(0),
                "price_unit": PriceUnit.PROMPT_TOKEN,
                "pricing_model": PricingModel.FREE,
                "prices": prices,
                **{PRICE_FIELDS[key]: amount for key, amount in zero.items()},
            },
            rows,
            notes,
        )

    bills_output = amounts.get("completion", Decimal(0)) > 0
    charged = {key: amount for key, amount in amounts.items() if amount > 0}
    clear = {
        key: price_unit_clear(
            key=key, amount=amount, reads_text=reads_text, bills_output=bills_output
        )
        for key, amount in charged.items()
    }
    rows = [  # type: ignore[assignment]
        PriceRecord(key=key, unit=PRICE_UNITS[key], amount=charged[key], unit_clear=clear[key])
        for key in sorted(charged)
        if key in PRICE_UNITS
    ]
    for threshold, tier in _tiers(pricing.get("overrides"), notes):
        for key in sorted(tier):
            amount = price_exact(price_decimal(tier[key], what=f"{key} override"))
            if amount < 0:
                raise RecordError(f"negative {key} override price")
            plausible = price_unit_clear(
                key=key, amount=amount, reads_text=reads_text, bills_output=bills_output
            )
            rows.append(PriceRecord(key, PRICE_UNITS[key], amount, threshold, plausible))  # type: ignore[attr-defined]
    unclear = not all(clear.values())
    notes["unit_unclear"] += unclear
    # `prices` keeps the source's full list by unit; an unclear one under "<unit>?".
    prices = {
        PRICE_UNITS.get(key, key) + ("" if clear[key] else "?"): price_plain(charged[key])
        for key in sorted(charged)
    }
    base = {
        **unknown,
        "prices": prices,
        "prices_unclear": unclear,
        **{field: charged[key] for key, field in PRICE_FIELDS.items() if clear.get(key)},
    }
    for key, unit in HEADLINE_UNITS:
        if clear.get(key):
            if key != "prompt":
                notes["headline_elsewhere"] += 1
            return (
                {
                    **base,
                    "starting_price": price_stored(charged[key]),
                    "price_unit": unit,
                    "pricing_model": PricingModel.PAID,
                },
                tuple(rows),
                notes,
            )
    notes["all_zero" if not charged else "headline_unknown"] += 1
    if any(clear.values()):
        base["pricing_model"] = PricingModel.PAID
    return base, tuple(rows), notes


def _capability(
    title: str,
    description: str,
    tags: list[str],
    inputs,
    outputs,
    quantity: Decimal | int | None = None,
    quantity_unit: str = "",
) -> CapabilityRecord:
    return CapabilityRecord(
        title=title,
        description=description,
        tags=tuple(TAGS[slug] for slug in tags),
        input_types=tuple(sorted(inputs)),
        output_types=tuple(sorted(outputs)),
        quantity=None if quantity is None else Decimal(quantity),
        quantity_unit=quantity_unit if quantity is not None else "",
    )


def _per_million(amount: Decimal) -> str:
    """ "$2.50" for 0.0000025 US dollars per token: the price of a million tokens."""
    return f"${amount_text(amount * 1_000_000)}"


def _dollars(amount: Decimal) -> str:
    return f"${amount_text(amount)}"


def capabilities_derive(
    *,
    inputs: set[str],
    outputs: set[str],
    raw_outputs: set[str],
    parameters: set[str],
    context_length: int | None,
    prices: dict[str, str],
    reasons: bool,
    max_output_tokens: int | None = None,
    input_price: Decimal | None = None,
    output_price: Decimal | None = None,
    output_image_token_price: Decimal | None = None,
    web_search_price: Decimal | None = None,
) -> tuple[CapabilityRecord, ...]:
    """What a model can do, read from structured fields only (modalities, supported
    parameters, context length, prices), in a fixed order. A capability that rests on a
    number carries it (`quantity`, in a CapabilityQuantity unit) and states it."""
    caps = []
    writes_text = "text" in outputs and not raw_outputs <= {"transcription"}
    if writes_text:
        facts = []
        if max_output_tokens:
            facts.append(f"returns up to {max_output_tokens:,} tokens per reply")
        if input_price:
            costs = f"costs {_per_million(input_price)} per 1M input tokens"
            if output_price:
                costs += f" and {_per_million(output_price)} per 1M output tokens"
            facts.append(costs)
        caps.append(_capability(
            "Text generation",
            "Writes text in reply to a prompt: answers, drafts, summaries and code"
            + (f"; {' and '.join(facts)}." if facts else "."),
            ["text-generation"], inputs & {"text"} or {"text"}, {"text"},
            max_output_tokens, CapabilityQuantity.OUTPUT_TOKENS,
        ))  # fmt: skip
    if writes_text and (reasons or parameters & REASONING_PARAMETERS):
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
            context_length, CapabilityQuantity.CONTEXT_TOKENS,
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
            + (" and can rework an image it is given" if edits else "")
            + (
                f"; costs {_per_million(output_image_token_price)} per 1M output image tokens."
                if output_image_token_price else "."
            ),
            ["image-generation", "image-editing"] if edits else ["image-generation"],
            inputs, {"image"},
            output_image_token_price, CapabilityQuantity.OUTPUT_IMAGE_TOKEN_PRICE,
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
            "Turns input into vectors for semantic search, clustering and retrieval"
            + (f"; costs {_per_million(input_price)} per 1M input tokens." if input_price else "."),
            ["embeddings", "retrieval"], inputs, {"embedding"},
            input_price, CapabilityQuantity.INPUT_TOKEN_PRICE,
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
            "Can search the web while answering and draw on what it finds"
            + (f"; each search costs {_dollars(web_search_price)}." if web_search_price else "."),
            ["web-search"], {"text"}, {"text"},
            web_search_price, CapabilityQuantity.WEB_SEARCH_PRICE,
        ))  # fmt: skip
    return tuple(caps)
