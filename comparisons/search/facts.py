"""Reads for the parsed constraints: what each candidate artifact is (modalities, context,
prices, tags), the artifacts meeting the constraints that no word matched, and the match
graph's chosen-result rate of capabilities.

All bounded: facts for at most FACTS_LIMIT ranked artifacts, at most SUPPLEMENT_LIMIT
artifacts found by constraints alone; the results are cached with the ranking (service.py).

The facts of artifacts are also kept in each process, under the facts version
(catalog/versioning.py), and brought up to date from the change journal
(catalog/journal.py) when it moves: after an edit, a ranking is computed again, and
reading the facts of its 2,200 artifacts again was 40% of that (0.2 s at 100,000
artifacts under load, BENCHMARKS.md), for one artifact changed. Exactness is the name
families' (families.py): the memo's journal mark is taken before any fact it holds was
read, so an artifact the journal names no change of since the mark has the same facts now;
the changed ones are dropped and read again when asked for. When the journal cannot say
(a bulk write, tag names changed, too many artifacts) the memo starts afresh.
"""

import re
import threading
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db.models import Q

from catalog.fields import modality_lookup
from catalog.journal import JournalMark, catalog_changes_since, catalog_journal_mark
from catalog.models import Artifact, Capability, PricingModel
from comparisons.search.intent import FREE_PRICING, ArtifactFacts, Constraint

# The ranked artifacts whose facts are read for one intent: the constraints order these.
FACTS_LIMIT = 2000
# Artifacts meeting every constraint that the words did not find, read in one query.
SUPPLEMENT_LIMIT = 200
# Artifacts whose facts a process keeps (about 1 KB each); past it the memo starts afresh.
MEMO_LIMIT = 20_000
# More artifacts changed than this since the memo's mark: start afresh.
MAX_PATCHED_ARTIFACTS = 1000

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


@dataclass
class _FactsMemo:
    facts_version: str
    mark: JournalMark  # taken before any of `facts` was read
    facts: dict[int, ArtifactFacts] = field(default_factory=dict)


_lock = threading.Lock()
_memo: _FactsMemo | None = None


def artifact_facts_forget() -> None:
    """Drop this process's facts (a database replaced under a running process: tests)."""
    global _memo
    with _lock:
        _memo = None


def _memo_current(facts_version: str) -> _FactsMemo:
    """The memo, brought to `facts_version`: what changed since its mark dropped."""
    global _memo
    if _memo is not None and len(_memo.facts) > MEMO_LIMIT:
        _memo = None
    if _memo is not None and _memo.facts_version != facts_version:
        changes = catalog_changes_since(mark=_memo.mark, limit=MAX_PATCHED_ARTIFACTS)
        if changes is None or changes.tags:
            _memo = None
        else:
            for artifact_id in changes.artifact_ids:
                _memo.facts.pop(artifact_id, None)
            _memo.mark = changes.mark
            _memo.facts_version = facts_version
    if _memo is None:
        _memo = _FactsMemo(facts_version=facts_version, mark=catalog_journal_mark())
    return _memo


def artifact_facts_get(
    *, artifact_ids: Iterable[int], facts_version: str | None = None
) -> dict[int, ArtifactFacts]:
    """Facts of the given artifacts that exist, by id, exact for the catalog under the
    facts version `facts_version`: this process's kept facts, and those it lacks read in
    two queries (artifacts, published tags). None reads them all fresh, keeping nothing."""
    ids = list(artifact_ids)
    if not ids:
        return {}
    if facts_version is None:
        return _facts_read(ids)
    with _lock:
        memo = _memo_current(facts_version)
        missing = [artifact_id for artifact_id in ids if artifact_id not in memo.facts]
        if missing:
            memo.facts.update(_facts_read(missing))
        return {i: memo.facts[i] for i in ids if i in memo.facts}


def _facts_read(ids: list[int]) -> dict[int, ArtifactFacts]:
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
         starting, unit, name, vendor) = row  # fmt: skip
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


def artifacts_meeting(
    *, constraints: Iterable[Constraint], cheapest: bool, within: Collection[int] | None = None
) -> list[int]:
    """Published artifacts meeting every (non-negated, filterable) constraint, at most
    SUPPLEMENT_LIMIT: the cheapest by headline price when cheapest, else by UnfragileRank.
    Only among the artifact ids `within` when given (in the same order)."""
    query = Q()
    for constraint in constraints:
        condition = None if constraint.negated else _condition(constraint)
        if condition is not None:
            query &= condition
    if within is not None:
        query &= Q(pk__in=list(within))
    rows = Artifact.objects.published().filter(query)
    if cheapest:
        rows = rows.exclude(pricing_model=PricingModel.PAID, starting_price__isnull=True)
        order = ["starting_price", "-rank", "id"]
    else:
        order = ["-rank", "id"]
    return list(rows.order_by(*order).values_list("id", flat=True)[:SUPPLEMENT_LIMIT])


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
