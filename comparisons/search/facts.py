"""Reads for the parsed constraints: what each candidate artifact is (modalities, context,
prices, tags), the artifacts meeting the constraints that no word matched, and the match
graph's chosen-result rate of capabilities.

All bounded: facts for at most FACTS_LIMIT ranked artifacts, at most SUPPLEMENT_LIMIT
artifacts found by constraints alone; the results are cached with the ranking (service.py).
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from catalog.fields import modality_lookup
from catalog.models import Artifact, Capability, PricingModel
from comparisons.search.intent import FREE_PRICING, ArtifactFacts, Constraint

# The ranked artifacts whose facts are read for one intent: the constraints order these.
FACTS_LIMIT = 2000
# Artifacts meeting every constraint that the words did not find, read in one query.
SUPPLEMENT_LIMIT = 200

_LEADING_LETTERS = re.compile(r"^[a-z]+")

_FIELDS = (
    "id",
    "kind",
    "pricing_model",
    "has_free_tier",
    "open_weights",
    "input_modalities",
    "output_modalities",
    "context_length",
    "prices",
    "starting_price",
    "price_unit",
    "name",
    "rank",
    "vendor__name",
)


def _price_float(value) -> float | None:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None  # "varies" and the like: no fixed price
    return float(number) if number.is_finite() and number >= 0 else None


def _prices(prices: dict, starting_price, price_unit: str) -> dict[str, float]:
    found = {}
    for unit, value in (prices or {}).items():
        number = _price_float(value)
        if number is not None:
            found[unit] = number
    if starting_price is not None and price_unit and price_unit not in found:
        found[price_unit] = float(starting_price)
    return found


def artifact_facts_get(*, artifact_ids: Iterable[int]) -> dict[int, ArtifactFacts]:
    """Facts of the given artifacts, by id (two queries: artifacts, published tags)."""
    ids = list(artifact_ids)
    if not ids:
        return {}
    tags: dict[int, set[str]] = defaultdict(set)
    rows = (
        Capability.objects.published()
        .filter(artifact_id__in=ids, tags__isnull=False)
        .values_list("artifact_id", "tags__slug")
        # No ordering: the model's (position, id) would join the DISTINCT and make every
        # capability a row of its own, read from the table instead of the index.
        .order_by()
        .distinct()
    )
    for artifact_id, slug in rows:
        tags[artifact_id].add(slug)
    facts = {}
    for row in Artifact.objects.filter(pk__in=ids).order_by().values_list(*_FIELDS):
        (pk, kind, pricing, free_tier, open_weights, inputs, outputs, context, prices,
         starting, unit, name, rank, vendor) = row  # fmt: skip
        facts[pk] = ArtifactFacts(
            kind=kind,
            pricing_model=pricing,
            has_free_tier=free_tier,
            open_weights=open_weights,
            inputs=frozenset(inputs),
            outputs=frozenset(outputs),
            context_length=context,
            tags=frozenset(tags.get(pk, ())),
            prices=_prices(prices, starting, unit),
            name=name,
            rank=rank,
            vendor=vendor or "",
        )
    return facts


def _condition(constraint: Constraint) -> Q | None:
    """The constraint as a filter, where one exists (prices are left to Python; names are
    narrowed by their leading letters here and checked exactly in Python)."""
    field, value = constraint.field, constraint.value
    if field == "input":
        return Q(input_modalities__contains=modality_lookup(value))
    if field == "output":
        return Q(output_modalities__contains=modality_lookup(value))
    if field == "price" and value == "free":
        return Q(pricing_model__in=FREE_PRICING) | Q(has_free_tier=True)
    if field == "context":
        return Q(context_length__gte=int(value))
    if field == "feature":
        return Q(
            pk__in=Capability.objects.published().filter(tags__slug=value).values("artifact_id")
        )
    if field == "open":
        return Q(open_weights=True) | Q(
            pk__in=Capability.objects.published()
            .filter(tags__slug__in=["open-weights", "local-inference"])
            .values("artifact_id")
        )
    if field == "kind":
        return Q(kind__in=value.split("+"))
    if field == "key":
        return Q(open_weights=True) | Q(pricing_model__in=FREE_PRICING)
    if field == "name":
        # A coarse filter on the name's leading letters ("qwen" of "qwen3.5"): without it
        # the supplement's first SUPPLEMENT_LIMIT by rank may hold none of the family.
        # The exact, punctuation-blind check (intent.name_key) is applied in Python. The
        # maker's name counts too ("mistral" names Mistral's "Ministral 3 8B").
        letters = _LEADING_LETTERS.match(value)
        if not letters:
            return None
        return Q(name__icontains=letters.group(0)) | Q(vendor__name__icontains=letters.group(0))
    return None


def artifacts_meeting(*, constraints: Iterable[Constraint], cheapest: bool) -> list[int]:
    """Published artifacts meeting every (non-negated, filterable) constraint, at most
    SUPPLEMENT_LIMIT: the cheapest by headline price when cheapest, else by UnfragileRank."""
    query = Q()
    for constraint in constraints:
        condition = None if constraint.negated else _condition(constraint)
        if condition is not None:
            query &= condition
    rows = Artifact.objects.published().filter(query)
    if cheapest:
        rows = rows.exclude(pricing_model=PricingModel.PAID, starting_price__isnull=True)
        order = ["starting_price", "-rank", "id"]
    else:
        order = ["-rank", "id"]
    return list(rows.order_by(*order).values_list("id", flat=True)[:SUPPLEMENT_LIMIT])


def capability_success_rates_get(*, capability_ids: Iterable[int]) -> dict[int, float]:
    """The match graph's smoothed chosen-result rate of each capability that has one."""
    ids = list(capability_ids)
    if not ids:
        return {}
    return dict(
        Capability.objects.filter(pk__in=ids, match_success_rate__isnull=False)  # type: ignore[arg-type]
        .order_by()
        .values_list("id", "match_success_rate")
    )


def constraint_capabilities_get(
    *, artifact_ids: Iterable[int], constraints: Iterable[Constraint], per_artifact: int
) -> dict[int, tuple[int, ...]]:
    """For artifacts found by constraints alone: their published capabilities that answer
    the constraints best (most modalities and tags in common), at most per_artifact each,
    then in their own order. These are shown under the result and are its evidence."""
    ids = list(artifact_ids)
    if not ids:
        return {}
    wanted_in = {c.value for c in constraints if c.field == "input" and not c.negated}
    wanted_out = {c.value for c in constraints if c.field == "output" and not c.negated}
    wanted_tags = {c.value for c in constraints if c.field == "feature" and not c.negated}
    rows = (
        Capability.objects.published()
        .filter(artifact_id__in=ids)
        .order_by("artifact_id", "position", "id")
        .values_list("artifact_id", "id", "input_types", "output_types", "tags__slug")
    )
    scored: dict[int, dict[int, int]] = defaultdict(dict)
    for artifact_id, capability_id, inputs, outputs, tag in rows:
        base = len(wanted_in & set(inputs)) + len(wanted_out & set(outputs))
        previous = scored[artifact_id].get(capability_id, base)
        scored[artifact_id][capability_id] = previous + (tag in wanted_tags)
    return {
        artifact_id: tuple(sorted(capabilities, key=lambda c: -capabilities[c])[:per_artifact])
        for artifact_id, capabilities in scored.items()
    }
