"""A catalog of AI tools (a JSON list of products with slug, name, company, pricing,
description, key features, best for, not ideal for and tags) as catalog records.

Pure functions. The rules, documented in docs/importers.md:

- each key feature becomes a capability; the tool's "best for" and "not ideal for" text
  goes on each of them; its tags go on each of them too, normalised case- and
  punctuation-insensitively ("Open Source", "open-source", "OpenSource" are one tag,
  spelled the way the source spells it most often);
- a product listed twice (same name and company, or the same slug) is imported once: the
  later record is skipped as a duplicate and its slug resolves to the first;
- a record with neither a description nor a key feature says nothing to compare: skipped;
- the starting price is read from the pricing text only where it states a monthly price
  ("$20/mo", "$19/user/month"); anything else stays unknown rather than guessed.
"""

import re
from collections import Counter
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
    tag_key,
    tag_slug,
    text_clean,
    text_shorten,
)
from catalog.models import ArtifactKind, PriceUnit, PricingModel

SOURCE = "ai-tools"

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# The source's pricing word (normalised) -> pricing model and whether it can be used free.
PRICING = {
    "free": (PricingModel.FREE, True),
    "freemium": (PricingModel.FREEMIUM, True),
    "paid": (PricingModel.PAID, False),
    "opensource": (PricingModel.OPEN_SOURCE, True),
}

# Tags (normalised) that say what kind of artifact a tool is; the first match wins.
KIND_TAGS = (
    (ArtifactKind.MCP_SERVER, {"mcpserver"}),
    (ArtifactKind.EXTENSION, {"vscodeextension", "ideplugin", "ideextension", "extension"}),
    (ArtifactKind.LIBRARY, {"library", "framework", "agentframework", "sdk"}),
    (ArtifactKind.AGENT, {"codingagent", "aicodingagent", "autonomousagent", "aisoftwareengineer"}),
)

_AMOUNT = r"\$\s?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_PER = r"\s*(?:/\s*|per\s+|a\s+)"
_MONTH = r"(?:mo|month)\b"
_SEAT = r"(?:(?:active|contributing)\s+)?(?:user|seat|developer|contributor|member)s?"
_RANGE_END = r"\s*(?:-|\u2013|to)\s*\$?\s?[\d,.]+"
PRICE_PATTERNS = (
    # A range counts from its low end: "$19 to $179 per month", "$100-$200/month".
    (PriceUnit.MONTH, re.compile(_AMOUNT + _RANGE_END + _PER + _MONTH, re.I)),
    (PriceUnit.SEAT, re.compile(_AMOUNT + _PER + _SEAT + _PER + _MONTH, re.I)),
    (PriceUnit.MONTH, re.compile(_AMOUNT + _PER + _MONTH, re.I)),
    (PriceUnit.MONTH, re.compile(_AMOUNT + r"\s+monthly\b", re.I)),
)
# "$100-$200/month in tracked savings" is not a price.
NOT_A_PRICE = re.compile(r"^\W{0,3}(?:\w+\s+){0,3}(?:in\s+)?(?:\w+\s+)?savings?\b", re.I)


def payload_tools(payload: Any) -> list:
    if not isinstance(payload, list):
        raise ImportSourceError(f"expected a JSON list of tools, got {type(payload).__name__}")
    if not payload:
        raise ImportSourceError("the source lists no tools")
    if not any(isinstance(item, dict) for item in payload):
        raise ImportSourceError("the source's tool list holds no objects")
    return payload


def monthly_price_parse(text: str) -> dict[str, Decimal]:
    """The lowest monthly price and the lowest per-seat monthly price a pricing text
    states, by unit. Yearly, weekly, per-token and per-credit prices are ignored."""
    found: dict[str, Decimal] = {}
    taken: list[tuple[int, int]] = []
    for unit, pattern in PRICE_PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            if NOT_A_PRICE.match(text[end:]):
                continue
            amount = Decimal(match.group(1).replace(",", ""))
            if amount > 0 and (unit not in found or amount < found[unit]):
                found[unit] = amount
    return found


def _tag_names(items: list) -> dict[str, str]:
    """Normalised key -> the spelling the source uses most (first seen on a tie)."""
    spellings: dict[str, Counter] = {}
    for item in items:
        tags = item.get("tags") if isinstance(item, dict) else None
        for tag in tags if isinstance(tags, list) else []:
            if isinstance(tag, str) and tag_key(tag):
                spellings.setdefault(tag_key(tag), Counter())[tag.strip()] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in spellings.items()}


def records_parse(*, payload: Any) -> ParseResult:
    items = payload_tools(payload)
    result = ParseResult()
    names = _tag_names(items)
    first_by_identity: dict[tuple[str, str], str] = {}
    first_by_slug: set[str] = set()
    spellings = {t.strip() for i in items if isinstance(i, dict) for t in _list(i.get("tags"))}

    for position, item in enumerate(items):
        if not isinstance(item, dict):
            result.skipped.append((f"#{position}", "not an object"))
            result.unusable += 1
            continue
        raw_slug = item.get("slug")
        if not isinstance(raw_slug, str) or not raw_slug.strip() or len(raw_slug) > 190:
            result.skipped.append((f"#{position}", "no usable slug"))
            result.unusable += 1
            continue
        external_id = raw_slug.strip()
        result.seen_ids.add(external_id)
        if external_id in first_by_slug:
            result.skipped.append((external_id, "duplicate slug: listed twice"))
            continue
        try:
            record = _tool_record(external_id=external_id, item=item, tag_names=names)
        except RecordError as error:
            result.skipped.append((external_id, str(error)))
            result.unusable += 1
            continue
        identity = (tag_key(record.fields["name"]), tag_key(record.vendor))
        if identity in first_by_identity:
            first = first_by_identity[identity]
            result.skipped.append((external_id, f"duplicate of {first} (same name and company)"))
            result.aliases[external_id] = first
            continue
        first_by_identity[identity] = external_id
        first_by_slug.add(external_id)
        result.records.append(record)

    if len(spellings) > len(names):
        result.notes.append(
            f"{len(spellings)} tag spellings normalised into {len(names)} tags "
            "(case and punctuation ignored)"
        )
    result.total = len(items)
    if not result.records:
        raise ImportSourceError(
            f"none of the {len(items)} record(s) is a usable tool: expected a JSON list of "
            'tools, [{"slug": ..., "name": ..., "company": ..., "description": ..., '
            '"keyFeatures": [...]}, ...]'
        )
    duplicates = sum(1 for _, reason in result.skipped if reason.startswith("duplicate"))
    if duplicates:
        result.notes.append(f"{duplicates} duplicate product listing(s) imported once")
    return result


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _strings(value: Any, *, what: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RecordError(f"{what} is not a list of strings")
    return [v.strip() for v in value if v.strip()]


def _tool_record(*, external_id: str, item: dict, tag_names: dict[str, str]) -> ArtifactRecord:
    name = text_clean(item.get("name"), what="name", max_length=200)
    if not name:
        raise RecordError("no name")
    company = text_clean(item.get("company"), what="company", max_length=120)
    if not company:
        raise RecordError("no company, so no vendor")
    description = text_clean(item.get("description"), what="description")
    features = _strings(item.get("keyFeatures"), what="keyFeatures")
    if not description and not features:
        raise RecordError("no description and no key features: nothing to compare")
    best_for = text_clean(item.get("bestFor"), what="bestFor")
    not_ideal_for = text_clean(item.get("notIdealFor"), what="notIdealFor")
    keys = list(dict.fromkeys(tag_key(t) for t in _strings(item.get("tags"), what="tags")))
    tags = tuple(
        TagRecord(slug=tag_slug(tag_names[key]), name=tag_names[key][:80])
        for key in keys
        if key in tag_names
    )

    fields: dict[str, Any] = {"name": name, "kind": _kind(keys), "summary": description}
    fields.update(_pricing(item))
    slug = external_id if SLUG_RE.match(external_id) and "-vs-" not in external_id else ""
    return ArtifactRecord(
        external_id=external_id,
        slug=(slug or artifact_slug(name, fallback=external_id))[:120],
        vendor=company,
        fields=fields,
        capabilities=_capabilities(features, tags, best_for, not_ideal_for),
    )


def _kind(keys: list[str]) -> str:
    for kind, markers in KIND_TAGS:
        if markers & set(keys):
            return kind
    return ArtifactKind.APP


def _pricing(item: dict) -> dict[str, Any]:
    word = tag_key(text_clean(item.get("pricing"), what="pricing"))
    detail = text_clean(item.get("pricingDetail"), what="pricingDetail")
    if word not in PRICING:
        # "unknown" or a new word: say nothing rather than guess.
        return {"starting_price": None, "price_unit": "", "prices": {}}
    model, free_to_use = PRICING[word]
    values: dict[str, Any] = {"pricing_model": model, "has_free_tier": free_to_use}
    if model in (PricingModel.FREE, PricingModel.OPEN_SOURCE):
        # The tool itself costs nothing; paid add-ons in the text are not its price.
        return {
            **values,
            "starting_price": Decimal(0),
            "price_unit": PriceUnit.MONTH,
            "prices": {PriceUnit.MONTH.value: "0"},
        }
    found = monthly_price_parse(detail)
    if not found:
        return {**values, "starting_price": None, "price_unit": "", "prices": {}}
    # The cheapest way in: one seat of a team plan can undercut the individual plan.
    unit = min(found, key=lambda u: (found[u], u != PriceUnit.MONTH))
    return {
        **values,
        "starting_price": price_stored(price_decimal(str(found[unit]), what=unit)),
        "price_unit": unit,
        "prices": {str(u): price_plain(a) for u, a in sorted(found.items())},
    }


def _capabilities(
    features: list[str], tags: tuple[TagRecord, ...], best_for: str, not_ideal_for: str
) -> tuple[CapabilityRecord, ...]:
    capabilities = []
    seen = set()
    for feature in features:
        title = text_shorten(feature.rstrip(". "), limit=200)
        if not tag_key(title) or tag_key(title) in seen:
            continue
        seen.add(tag_key(title))
        description = feature if feature.endswith((".", "!", "?")) else f"{feature}."
        capabilities.append(
            CapabilityRecord(
                title=title,
                description=description,
                tags=tags,
                best_for=best_for,
                limitations=not_ideal_for,
            )
        )
    return tuple(capabilities)
