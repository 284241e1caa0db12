"""The verdict on a pair, the lead above it and the facts table beside it, as pure functions.

Everything here works on plain frozen dataclasses (no models, no database), so the
rules are unit-tested directly. `comparisons.compare.pairs` turns loaded artifacts into
`SideFacts`. Each rule returns a `Reason` (a sentence plus what it rests on) or
nothing; a rule never invents a claim the data does not support: unknown stays
"no data", prices in different units are never compared, a tie says so, "only A" is
said only where B is known to lack it (otherwise "not listed for B"), and no sentence
restates as a tag what a fact sentence has already decided.

Every sentence names the two sides in an order that does not depend on which side is
"a": the verdict for (A, B) and for (B, A) reads the same (a property test holds it).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from catalog.pricing import PriceText, price_compare, price_format
from catalog.ranking import COMPONENT_LABELS, COMPONENTS, ranges_overlap
from comparisons.compare.alignment import CapabilityFacts

NO_DATA = "no data"
NOT_APPLICABLE = "not applicable"
# A rank gap this small is within what a single missing field can move.
CLOSE_GAP = 5
# How many tag names a sentence lists before saying "and N more".
TAGS_IN_SENTENCE = 3
# The default verdict says this many sentences; the rest go under "Why".
SUMMARY_SENTENCES = 4
# Blended token price: three input tokens for every output token (Artificial Analysis'
# convention for chat workloads), per 1M tokens.
BLEND_INPUT, BLEND_OUTPUT = 3, 1

# Pricing models ordered by how easy it is to start using the artifact for nothing.
_ACCESS = {"free": 3, "open_source": 3, "freemium": 2, "paid": 1}
_MODALITY_NOUNS = {
    "text": "text",
    "image": "images",
    "audio": "audio",
    "video": "video",
    "file": "files",
    "code": "code",
    "embedding": "embeddings",
    "embeddings": "embeddings",
}
FEATURE_LABELS = {
    "tools": "tool calling",
    "structured_output": "structured output",
    "reasoning": "reasoning",
    "web_search": "web search",
}
# Tags whose claim a fact sentence decides when the fact is known for both sides; the
# tag sentence then stays silent rather than contradict it ("only B covers low cost"
# right after "A is cheaper").
_TAG_FACTS = {
    "low-cost": "price",
    "long-context": "context",
    "open-weights": "weights",
    "structured-output": "features",
    "function-calling": "features",
    "reasoning": "features",
    "web-search": "features",
}

SHOW_CHOICES = {
    "all": "All capabilities",
    "both": "In both",
    "a": "Only listed for the first",
    "b": "Only listed for the second",
    "diff": "Only differences",
}


@dataclass(frozen=True)
class ModelFacts:
    """What a model's source says about it; None (or empty) where it says nothing.
    Prices are US dollars per PriceUnit code; tiers are (above this many prompt tokens,
    unit, price)."""

    @property
    def supported(self) -> tuple[str, ...] | None:
        """Features the source says it supports, in FEATURE_LABELS order; None when the
        source says nothing about any of them."""
        if all(self.features.get(f) is None for f in FEATURE_LABELS):
            return None
        return tuple(f for f in FEATURE_LABELS if self.features.get(f))

    @property
    def features_known(self) -> bool:
        """The source says yes or no for every feature."""
        return all(self.features.get(f) is not None for f in FEATURE_LABELS)

    context_length: int | None = None
    max_output: int | None = None
    prices: Mapping[str, Decimal] = field(default_factory=dict)
    price_tiers: tuple[tuple[int, str, Decimal], ...] = ()
    cache_read: Decimal | None = None
    input_modalities: tuple[str, ...] = ()
    output_modalities: tuple[str, ...] = ()
    # Feature (a FEATURE_LABELS key) -> True, False, or None when the source does not say.
    features: Mapping[str, bool | None] = field(default_factory=dict)
    # True: the weights are published; False: known not to be (a licence is on record);
    # None: the source does not say (an OpenRouter record without a Hugging Face id).
    open_weights: bool | None = None
    weights_url: str = ""
    knowledge_cutoff: date | None = None
    release_date: date | None = None


@dataclass(frozen=True)
class SideFacts:
    name: str
    kind: str = "model"
    kind_label: str = "Model"
    rank: int = 0
    # The range the rank could take if every unknown input were 0 or 1 (catalog.ranking),
    # and the group it was ranked in ("models: text", "apps"); "" = unknown, same group.
    rank_low: int | None = None
    rank_high: int | None = None
    rank_group: str = ""
    components: Mapping[str, float | None] = field(default_factory=dict)
    pricing_model: str = "paid"
    pricing_label: str = "Paid"
    has_free_tier: bool = False
    open_weights: bool | None = None  # as on ModelFacts: None when nobody says
    starting_price: Decimal | None = None
    price_unit: str = ""
    price_varies: bool = False  # priced per request by the source: no fixed figure, not free
    output_modalities: tuple[str, ...] = ()
    capabilities: tuple[CapabilityFacts, ...] = ()
    times_matched: int = 0
    model: ModelFacts | None = None  # only for models

    @property
    def price(self) -> PriceText:
        return price_format(
            amount=self.starting_price,
            unit=self.price_unit,
            pricing_model=self.pricing_model,
            varies=self.price_varies,
        )

    @property
    def tag_names(self) -> dict[str, str]:
        return {slug: name for c in self.capabilities for slug, name in c.tags}

    @property
    def free_access(self) -> str:
        """How it can be used for nothing, in words; "" when it can't."""
        if self.pricing_model == "open_source":
            return "open source"
        if self.pricing_model == "free":
            return "free"
        if self.has_free_tier or self.pricing_model == "freemium":
            return "a free tier"
        return ""


@dataclass(frozen=True)
class SharedIntent:
    intent: str
    times_both_matched: int


@dataclass(frozen=True)
class Evidence:
    top: tuple[SharedIntent, ...] = ()
    total_searches: int = 0
    intent_count: int = 0
    simulated: bool = False  # no real search stands behind it: a replayed demo history

    @property
    def exists(self) -> bool:
        return self.total_searches > 0

    @property
    def searches_text(self) -> str:
        """ "12 simulated searches", "1 search"."""
        noun = "search" if self.total_searches == 1 else "searches"
        return f"{self.total_searches:,} {'simulated ' if self.simulated else ''}{noun}"


@dataclass(frozen=True)
class Reason:
    key: str
    sentence: str
    favours: str | None = None  # "a", "b" or None


@dataclass(frozen=True)
class Verdict:
    reasons: tuple[Reason, ...]
    editor_text: str = ""

    @property
    def by_editor(self) -> bool:
        return bool(self.editor_text)

    @property
    def warnings(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.key == "different_jobs")

    @property
    def _spoken(self) -> tuple[Reason, ...]:
        return tuple(r for r in self.reasons if r.key != "different_jobs")

    @property
    def summary(self) -> tuple[Reason, ...]:
        """The default verdict: the strongest sentences, at most SUMMARY_SENTENCES."""
        return self._spoken[:SUMMARY_SENTENCES]

    @property
    def why(self) -> tuple[Reason, ...]:
        """The rest, shown under a "Why" disclosure."""
        return self._spoken[SUMMARY_SENTENCES:]

    @property
    def text(self) -> str:
        if self.editor_text:
            return self.editor_text
        return " ".join(r.sentence for r in self.summary)


def _names_list(names: Sequence[str], *, limit: int = TAGS_IN_SENTENCE) -> str:
    names = list(names)
    shown, rest = names[:limit], len(names) - limit
    if rest > 0:
        return f"{', '.join(shown)} and {rest} more"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def _modalities_text(modalities) -> str:
    return _names_list([_MODALITY_NOUNS.get(m, m) for m in sorted(modalities)], limit=5)


def _in_name_order(a: SideFacts, b: SideFacts) -> tuple[tuple[SideFacts, str], ...]:
    """Both sides with their keys, by name: sentences that name both in one breath use
    this order, so that swapping the sides changes nothing."""
    pairs = ((a, "a"), (b, "b"))
    return tuple(sorted(pairs, key=lambda p: (p[0].name.casefold(), p[0].name, p[1])))


# A context window counts as a decisive difference from this ratio on: 1.05M against 1M
# tokens is the same job in practice, 2M against 1M is not.
CONTEXT_RATIO_DECISIVE = 1.2


def _ratio(high: Decimal | float, low: Decimal | float) -> str:
    """How many times high is low, followed by a multiplication sign, as precise as the
    size needs: "1.05" and "1.67" below 2, "2.5" below 10, "21" from 10 (20.83 reads as
    noise, not precision)."""
    value = float(high) / float(low)
    if value >= 10:
        return f"{round(value)}\u00d7"
    digits = 2 if value < 2 else 1
    return f"{value:.{digits}f}".rstrip("0").rstrip(".") + "\u00d7"


def _tokens_short(count: int) -> str:
    for size, suffix in ((1_000_000, "M"), (1_000, "K")):
        if count >= size:
            return f"{count / size:.2f}".rstrip("0").rstrip(".") + suffix
    return str(count)


# --- the rules, strongest first --------------------------------------------------------


def jobs_split(*, a: SideFacts, b: SideFacts) -> Reason | None:
    """For disjoint outputs, the obvious answer first: "FLUX.1 [pro] for images,
    Qwen3.5-Flash for text."."""
    out_a, out_b = set(a.output_modalities), set(b.output_modalities)
    if not out_a or not out_b or out_a & out_b:
        return None
    outputs = {"a": out_a, "b": out_b}
    parts = [
        f"{side.name} for {_modalities_text(outputs[key])}" for side, key in _in_name_order(a, b)
    ]
    return Reason("split", f"{', '.join(parts)}.")


def rank_standing(*, a: SideFacts, b: SideFacts) -> str | None:
    """The sentence that replaces "ranks higher" when the ranks cannot say who is ahead:
    they come from different groups, or their ranges overlap (too close to call)."""
    (a, _), (b, _) = _in_name_order(a, b)
    if a.rank_group and b.rank_group and a.rank_group != b.rank_group:
        return (
            f"{a.name} ({a.rank}/100 among {a.rank_group}) and {b.name} "
            f"({b.rank}/100 among {b.rank_group}) are ranked in different groups, "
            "so their ranks do not say which is better."
        )
    ranges = [(s.rank if s.rank_low is None else s.rank_low,
               s.rank if s.rank_high is None else s.rank_high) for s in (a, b)]  # fmt: skip
    # Equal ranks with ranges are not a tie either: both could be anywhere in them.
    uncertain = any(low != high for low, high in ranges)
    if (a.rank != b.rank or uncertain) and ranges_overlap(a=ranges[0], b=ranges[1]):
        return (
            f"{a.name} ({a.rank}/100, could be {ranges[0][0]}\u2013{ranges[0][1]}) and "
            f"{b.name} ({b.rank}/100, could be {ranges[1][0]}\u2013{ranges[1][1]}) are too "
            "close to call: their ranges overlap."
        )
    return None


def rank_compare(*, a: SideFacts, b: SideFacts) -> Reason:
    standing = rank_standing(a=a, b=b)
    if standing is not None:
        return Reason("rank", standing)
    if a.rank == b.rank:
        first, second = (side for side, _ in _in_name_order(a, b))
        return Reason("rank", f"{first.name} and {second.name} are tied at {a.rank}/100.")
    hi, lo, favours = (a, b, "a") if a.rank > b.rank else (b, a, "b")
    if hi.rank - lo.rank < CLOSE_GAP:
        sentence = (
            f"{hi.name} is only just ahead at {hi.rank}/100 vs {lo.name} at {lo.rank}/100, "
            "so their capabilities matter more than the score."
        )
    else:
        sentence = f"{hi.name} scores higher at {hi.rank}/100 vs {lo.name} at {lo.rank}/100."
    return Reason("rank", sentence, favours)


def data_gaps_describe(*, a: SideFacts, b: SideFacts) -> Reason | None:
    """Which score components rest on no data, so a reader can weigh the ranks."""
    both, only = [], {"a": [], "b": []}  # type: ignore[var-annotated]
    for name in COMPONENTS:
        missing_a = a.components.get(name) is None
        missing_b = b.components.get(name) is None
        label = COMPONENT_LABELS[name].lower()
        if missing_a and missing_b:
            both.append(label)
        elif missing_a:
            only["a"].append(label)
        elif missing_b:
            only["b"].append(label)
    parts = []
    if both:
        parts.append(f"There is no data on {_names_list(both, limit=5)} for either")
    for side, key in _in_name_order(a, b):
        if only[key]:
            parts.append(f"no data on {_names_list(only[key], limit=5)} for {side.name}")
    if not parts:
        return None
    sentence = "; ".join(parts)
    ending = "missing data is left out of the rank, not counted as 0."
    return Reason("data_gaps", f"{sentence[0].upper()}{sentence[1:]}: {ending}")


def _both_models(a: SideFacts, b: SideFacts) -> bool:
    return a.kind == "model" and b.kind == "model"


def pricing_compare(*, a: SideFacts, b: SideFacts) -> list[Reason]:
    reasons = []
    access_a, access_b = a.free_access, b.free_access
    if bool(access_a) != bool(access_b):
        side, how, key = (a, access_a, "a") if access_a else (b, access_b, "b")
        other = b if key == "a" else a
        reasons.append(
            Reason(
                "free_access",
                f"Only {side.name} can be used without paying ({how}); {other.name} cannot.",
                key,
            )
        )
    # Open weights only mean something for models: a library has no weights to publish.
    # "does not" needs evidence: both sides known (see ModelFacts.open_weights).
    known = a.open_weights is not None and b.open_weights is not None
    if _both_models(a, b) and known and a.open_weights != b.open_weights:
        side, other, key = (a, b, "a") if a.open_weights else (b, a, "b")
        reasons.append(
            Reason(
                "open_weights",
                f"{side.name} publishes open weights, so it can run on your own hardware; "
                f"{other.name} does not.",
                key,
            )
        )
    reasons.append(_price_reason(a=a, b=b))
    return reasons


def _price_reason(*, a: SideFacts, b: SideFacts) -> Reason:
    ordered = _in_name_order(a, b)
    varies = [side.name for side, _ in ordered if side.starting_price is None and side.price_varies]
    if varies:
        subject = " and ".join(varies)
        verb = "vary" if len(varies) == 2 else "varies"
        return Reason(
            "price", f"The price of {subject} {verb} by request, so the prices are not compared."
        )
    known_a, known_b = a.starting_price is not None, b.starting_price is not None
    if not known_a and not known_b:
        return Reason("price", "There is no starting price on record for either.")
    if not (known_a and known_b):
        missing = a if not known_a else b
        # Free and open-source sides say so, so the free-access sentence is not contradicted.
        if missing.pricing_model == "open_source":
            why = f"{missing.name} is open source: running it costs what your own hosting costs"
        elif missing.pricing_model == "free":
            why = f"{missing.name} is free to use"
        else:
            why = f"There is no starting price on record for {missing.name}"
        return Reason("price", f"{why}, so the prices are not compared.")
    order = price_compare(a=(a.starting_price, a.price_unit), b=(b.starting_price, b.price_unit))
    if order is None:
        # Each price as its page shows it ("$0.0043 / minute"), not the stored unit.
        units = " vs ".join(side.price.headline for side, _ in ordered)
        return Reason(
            "price",
            f"Their prices are set per different units ({units}), so neither can be called "
            "cheaper.",
        )
    if order == 0:
        # Equal prices read alike, except "Free (open source)" beside a plain "Free": then
        # the price alone, so the sentence does not depend on which side is first.
        same = a.price.headline if a.price.headline == b.price.headline else None
        if same is None:
            same = price_format(amount=a.starting_price, unit=a.price_unit).headline
        return Reason("price", f"Both start at the same price: {same}.")
    cheap, dear, key = (a, b, "a") if order < 0 else (b, a, "b")
    return Reason(
        "price",
        f"{cheap.name} is cheaper: {cheap.price.headline} vs {dear.price.headline} "
        f"for {dear.name}.",
        key,
    )


def _fact_known(fact: str, *, a: SideFacts, b: SideFacts) -> bool:
    """Whether a fact sentence decides this for both sides (so a tag must not)."""
    if fact == "price":
        order = price_compare(
            a=(a.starting_price, a.price_unit), b=(b.starting_price, b.price_unit)
        )
        return order is not None
    if fact == "weights":
        return _both_models(a, b)
    if a.model is None or b.model is None:
        return False
    if fact == "context":
        return a.model.context_length is not None and b.model.context_length is not None
    return a.model.features_known and b.model.features_known


def model_differences(*, a: SideFacts, b: SideFacts) -> list[Reason]:
    """For two models: the context ratio, and what only one accepts, returns or supports
    where the other is known to lack it."""
    if a.model is None or b.model is None:
        return []
    ma, mb = a.model, b.model
    reasons = []
    context_a, context_b = ma.context_length or 0, mb.context_length or 0
    longer, shorter = max(context_a, context_b), min(context_a, context_b)
    if shorter and longer >= shorter * CONTEXT_RATIO_DECISIVE:
        if context_a > context_b:
            (wide, key), narrow = (a, "a"), b
        else:
            (wide, key), narrow = (b, "b"), a
        reasons.append(
            Reason(
                "context",
                f"{wide.name} reads up to {_tokens_short(longer)} tokens at once, "
                f"{_ratio(longer, shorter)} the {_tokens_short(shorter)} of {narrow.name}.",
                key,
            )
        )
    for what, verb in (("input_modalities", "accepts"), ("output_modalities", "returns")):
        set_a, set_b = set(getattr(ma, what)), set(getattr(mb, what))
        if not set_a or not set_b:
            continue
        if what == "output_modalities" and not set_a & set_b:
            continue  # different jobs: the split has said it
        for side, key in _in_name_order(a, b):
            mine, theirs = (set_a, set_b) if key == "a" else (set_b, set_a)
            if mine - theirs:
                reasons.append(
                    Reason(
                        "modalities",
                        f"Only {side.name} {verb} {_modalities_text(mine - theirs)}.",
                        key,
                    )
                )
    for side, key in _in_name_order(a, b):
        mine, theirs = (ma, mb) if key == "a" else (mb, ma)  # type: ignore[assignment]
        # "Only A" where B's source says it does not: unknown is not a lack.
        only = [
            label
            for f, label in FEATURE_LABELS.items()
            if mine.features.get(f) is True and theirs.features.get(f) is False  # type: ignore[attr-defined]
        ]
        if only:
            # Said as what the sources list: a feature missing from a source's list is
            # evidence of its absence there, not proof the model cannot do it elsewhere.
            other = b if key == "a" else a
            reasons.append(
                Reason(
                    "features",
                    f"Only {side.name} lists support for {_names_list(only)}; "
                    f"the source for {other.name} does not.",
                    key,
                )
            )
    return reasons


def breadth_compare(*, a: SideFacts, b: SideFacts) -> list[Reason]:
    n_a, n_b = len(a.capabilities), len(b.capabilities)
    if n_a == n_b:
        breadth = Reason(
            "breadth", f"Both list {n_a} {'capability' if n_a == 1 else 'capabilities'}."
        )
    else:
        wide, narrow, key = (a, b, "a") if n_a > n_b else (b, a, "b")
        breadth = Reason(
            "breadth",
            f"{wide.name} lists {max(n_a, n_b)} capabilities to {min(n_a, n_b)} for {narrow.name}.",
            key,
        )
    return [*listed_compare(a=a, b=b), breadth]


def listed_compare(*, a: SideFacts, b: SideFacts) -> list[Reason]:
    """Tags one side lists and the other does not. A missing tag is not a missing
    ability, so this says "not listed for B", never "only A can"; tags a fact sentence
    already decides for both are left to that sentence."""
    reasons = []
    tags = {"a": a.tag_names, "b": b.tag_names}
    for side, key in _in_name_order(a, b):
        other = b if key == "a" else a
        theirs = tags["b" if key == "a" else "a"]
        only = sorted(
            name.lower()
            for slug, name in tags[key].items()
            if slug not in theirs
            and not (slug in _TAG_FACTS and _fact_known(_TAG_FACTS[slug], a=a, b=b))
        )
        if only:
            reasons.append(
                Reason(
                    "listed",
                    f"{side.name} lists {_names_list(only)}; not listed for {other.name}.",
                    key,
                )
            )
    return reasons


def evidence_describe(*, a: SideFacts, b: SideFacts, evidence: Evidence) -> Reason | None:
    if not evidence.exists:
        return None
    sentence = f"Both were found in {evidence.searches_text}"
    if evidence.top:
        best = evidence.top[0]
        sentence += f", most often for \u201c{best.intent}\u201d ({best.times_both_matched})"
    return Reason("evidence", f"{sentence}.")


def jobs_compare(*, a: SideFacts, b: SideFacts) -> Reason | None:
    """A warning when the two produce different kinds of output."""
    out_a, out_b = set(a.output_modalities), set(b.output_modalities)
    if not out_a or not out_b or out_a == out_b:
        return None
    outputs = {"a": out_a, "b": out_b}
    ordered = _in_name_order(a, b)
    if not out_a & out_b:
        produces = ", ".join(
            f"{side.name} produces {_modalities_text(outputs[key])}" for side, key in ordered
        )
        sentence = (
            f"These do different jobs: {produces}. "
            "Compare them only if either kind of output would do."
        )
    else:
        extra = [
            f"only {side.name} also produces "
            f"{_modalities_text(outputs[key] - outputs['b' if key == 'a' else 'a'])}"
            for side, key in ordered
            if outputs[key] - outputs["b" if key == "a" else "a"]
        ]
        sentence = (
            f"These only partly do the same job: both produce "
            f"{_modalities_text(out_a & out_b)}, but {' and '.join(extra)}."
        )
    return Reason("different_jobs", sentence)


def verdict_build(
    *, a: SideFacts, b: SideFacts, evidence: Evidence, editor_text: str = ""
) -> Verdict:
    """All the rules in order of strength; an editor's text replaces the generated one.
    The first SUMMARY_SENTENCES spoken reasons are the default verdict, the rest "Why"."""
    reasons: list[Reason | None] = [
        jobs_split(a=a, b=b),
        rank_compare(a=a, b=b),
        *pricing_compare(a=a, b=b),
        *model_differences(a=a, b=b),
        *breadth_compare(a=a, b=b),
        data_gaps_describe(a=a, b=b),
        evidence_describe(a=a, b=b, evidence=evidence),
        jobs_compare(a=a, b=b),
    ]
    return Verdict(
        reasons=tuple(r for r in reasons if r is not None), editor_text=editor_text.strip()
    )


# --- the lead --------------------------------------------------------------------------


def _rank_sentence(*, a: SideFacts, b: SideFacts) -> str:
    standing = rank_standing(a=a, b=b)
    if standing is not None:
        return standing
    if a.rank == b.rank:
        first, second = (side for side, _ in _in_name_order(a, b))
        return f"{first.name} and {second.name} rank the same at {a.rank}/100."
    hi, lo = (a, b) if a.rank > b.rank else (b, a)
    return f"{hi.name} ranks higher at {hi.rank}/100 vs {lo.name} at {lo.rank}/100."


def _blended(model: ModelFacts) -> Decimal | None:
    """US dollars per 1M tokens at BLEND_INPUT input tokens to BLEND_OUTPUT output."""
    prompt, completion = model.prices.get("prompt_token"), model.prices.get("completion_token")
    if prompt is None or completion is None:
        return None
    per_token = (BLEND_INPUT * prompt + BLEND_OUTPUT * completion) / (BLEND_INPUT + BLEND_OUTPUT)
    return per_token * 1_000_000


def price_ratio_describe(*, a: SideFacts, b: SideFacts) -> str:
    """For two models where one is cheaper on every token price both list: "B costs less:
    $2.50 vs $5 per 1M input tokens (2x), ... blended at 3:1 input:output (1.8x)."; else ""."""
    if a.model is None or b.model is None:
        return ""
    pa, pb = a.model.prices, b.model.prices
    parts, cheaper = [], set()
    for unit, what in (("prompt_token", "input"), ("completion_token", "output")):
        if unit not in pa or unit not in pb:
            continue
        order = price_compare(a=(pa[unit], unit), b=(pb[unit], unit))
        if order is None or order == 0:
            continue
        cheap, dear = (pa[unit], pb[unit]) if order < 0 else (pb[unit], pa[unit])
        cheaper.add("a" if order < 0 else "b")
        cheap_text = price_format(amount=cheap, unit=unit).headline.split(" / ")[0]
        dear_text = price_format(amount=dear, unit=unit).headline.split(" / ")[0]
        ratio = _ratio(dear, cheap) if cheap else "free vs paid"
        parts.append(f"{cheap_text} vs {dear_text} per 1M {what} tokens ({ratio})")
    if len(cheaper) != 1:
        return ""  # one is cheaper on input, the other on output: the rows say which
    key = cheaper.pop()
    cheap_side = a if key == "a" else b
    blend_cheap = _blended((a if key == "a" else b).model)  # type: ignore[arg-type]
    blend_dear = _blended((b if key == "a" else a).model)  # type: ignore[arg-type]
    if blend_cheap is not None and blend_dear is not None and blend_cheap:
        cheap_text = price_format(amount=blend_cheap, unit="request").headline.split(" / ")[0]
        dear_text = price_format(amount=blend_dear, unit="request").headline.split(" / ")[0]
        parts.append(
            f"{cheap_text} vs {dear_text} blended at {BLEND_INPUT}:{BLEND_OUTPUT} "
            f"input:output ({_ratio(blend_dear, blend_cheap)})"
        )
    return f"{cheap_side.name} costs less: {', '.join(parts)}."


def lead_build(*, a: SideFacts, b: SideFacts, evidence: Evidence) -> str:
    """The paragraph under the title: the split for different jobs, the ranks, the
    decisive differences of two models of the same job (price ratio on the same unit,
    blended price, context ratio, what only one accepts or returns), and the evidence."""
    sentences = []
    split = jobs_split(a=a, b=b)
    if split is not None:
        # Different jobs: which one to use is the job, not the rank (the facts show both).
        sentences.append(f"{split.sentence[:-1]}: they do different jobs.")
    else:
        sentences.append(_rank_sentence(a=a, b=b))
    if split is None and _both_models(a, b):
        price = price_ratio_describe(a=a, b=b)
        if price:
            sentences.append(price)
        sentences += [
            r.sentence for r in model_differences(a=a, b=b) if r.key in {"context", "modalities"}
        ]
    if evidence.exists:
        sentences.append(
            f"Compared capability by capability, with evidence from {evidence.searches_text} "
            "that matched both."
        )
    else:
        sentences.append(
            "Compared capability by capability; no search has matched both yet, "
            "so there is no match graph evidence for this pair."
        )
    return " ".join(sentences)


# --- the facts table -------------------------------------------------------------------


@dataclass(frozen=True)
class FactCell:
    text: str
    exact: str = ""  # the exact per-unit price beside a rescaled headline
    meter: float | None = None  # a 0..1 value drawn as a bar beside the text
    note: str = ""
    href: str = ""  # a link on the value (the weights of an open model)


@dataclass(frozen=True)
class FactRow:
    label: str
    a: FactCell
    b: FactCell
    better: str | None = None  # "a", "b" or None (equal, unknown or not comparable)
    note: str = ""


def _better(value_a, value_b) -> str | None:
    """The side with the higher value, compared as the reader sees them: pass the
    displayed (rounded) values."""
    if value_a is None or value_b is None or value_a == value_b:
        return None
    return "a" if value_a > value_b else "b"


def _superset_better(set_a, set_b) -> str | None:
    """The side whose set strictly contains the other's; None when neither does."""
    if set_a is None or set_b is None:
        return None
    set_a, set_b = set(set_a), set(set_b)
    if set_a > set_b:
        return "a"
    if set_b > set_a:
        return "b"
    return None


def _component_cell(value: float | None) -> FactCell:
    # Two decimals and a bar: 0.004 must not read as "0", nor 0.996 as "1".
    if value is None:
        return FactCell(NO_DATA)
    return FactCell(f"{value:.2f}", meter=value)


def _price_cell(side: SideFacts) -> FactCell:
    text = side.price
    return FactCell(text.headline, exact=text.exact)


def _pricing_cell(side: SideFacts) -> FactCell:
    note = "with a free tier" if side.has_free_tier and side.pricing_model == "paid" else ""
    return FactCell(side.pricing_label, note=note)


def _access_level(side: SideFacts) -> int:
    level = _ACCESS.get(side.pricing_model, 1)
    return max(level, 2) if side.has_free_tier else level


def _matched_cell(count: int) -> FactCell:
    return FactCell(f"{count:,}" if count else "not matched yet")


def facts_build(*, a: SideFacts, b: SideFacts) -> list[FactRow]:
    rows = [
        FactRow("Type", FactCell(a.kind_label), FactCell(b.kind_label)),
        FactRow(
            "UnfragileRank",
            FactCell(f"{a.rank}/100"),
            FactCell(f"{b.rank}/100"),
            # No mark where the ranks cannot say who is ahead (ranges overlap, groups differ).
            _better(a.rank, b.rank) if rank_standing(a=a, b=b) is None else None,
        ),
    ]
    for name in COMPONENTS:
        value_a, value_b = a.components.get(name), b.components.get(name)
        rows.append(
            FactRow(
                COMPONENT_LABELS[name],
                _component_cell(value_a),
                _component_cell(value_b),
                # Rounded to what the reader sees, so "0.50" never beats "0.50".
                _better(
                    None if value_a is None else round(value_a, 2),
                    None if value_b is None else round(value_b, 2),
                ),
            )
        )
    order = price_compare(a=(a.starting_price, a.price_unit), b=(b.starting_price, b.price_unit))
    price_note = ""
    if order is None and a.starting_price is not None and b.starting_price is not None:
        price_note = "Different units: not compared."
    rows += [
        FactRow(
            "Pricing",
            _pricing_cell(a),
            _pricing_cell(b),
            _better(_access_level(a), _access_level(b)),
        ),
        FactRow(
            "Starting Price",
            _price_cell(a),
            _price_cell(b),
            {-1: "a", 1: "b"}.get(order) if order is not None else None,
            price_note,
        ),
    ]
    if a.model is not None and b.model is not None:
        rows += model_facts_rows(a=a.model, b=b.model)
    rows += [
        FactRow(
            "Capabilities",
            FactCell(f"{len(a.capabilities)} decomposed"),
            FactCell(f"{len(b.capabilities)} decomposed"),
            # How many capabilities editors wrote down is not how good either is.
            None,
        ),
        FactRow(
            "Times Matched",
            _matched_cell(a.times_matched),
            _matched_cell(b.times_matched),
            _better(a.times_matched, b.times_matched),
        ),
    ]
    return rows


# --- model facts (comparison and artifact pages of models only) ---------------------------

# Prices shown as rows when the source gives them: (PriceUnit code, row label).
MODEL_PRICE_ROWS = (
    ("prompt_token", "Input price"),
    ("completion_token", "Output price"),
    ("image", "Price per image"),
    ("second", "Price per second"),
    ("request", "Price per request"),
)


def _tokens_cell(count: int | None) -> FactCell:
    return FactCell(f"{count:,} tokens" if count else NO_DATA)


def _model_price_cell(model: ModelFacts, unit: str) -> FactCell:
    amount = model.prices.get(unit)
    if amount is None:
        return FactCell(NO_DATA)
    text = price_format(amount=amount, unit=unit).headline
    tiers = [
        f"{price_format(amount=price, unit=unit).headline.split(' / ')[0]} above "
        f"{_tokens_short(above)}"
        for above, tier_unit, price in model.price_tiers
        if tier_unit == unit
    ]
    return FactCell(text, note=", ".join(tiers))


def _modalities_cell(modalities: Sequence[str]) -> FactCell:
    return FactCell(", ".join(sorted(modalities)) if modalities else NO_DATA)


def _features_cell(model: ModelFacts) -> FactCell:
    supported = model.supported
    if supported is None:
        return FactCell(NO_DATA)
    return FactCell(", ".join(FEATURE_LABELS[f] for f in supported) if supported else "none")


def _date_cell(value: date | None) -> FactCell:
    return FactCell(f"{value:%-d %b %Y}" if value else NO_DATA)


def _weights_cell(model: ModelFacts) -> FactCell:
    if model.open_weights:
        return FactCell("Yes", href=model.weights_url)
    return FactCell("No" if model.open_weights is False else NO_DATA)


def _price_better(a: ModelFacts, b: ModelFacts, unit: str) -> str | None:
    order = price_compare(a=(a.prices.get(unit), unit), b=(b.prices.get(unit), unit))
    return {-1: "a", 1: "b"}.get(order) if order is not None else None


def model_facts_rows(*, a: ModelFacts, b: ModelFacts) -> list[FactRow]:
    """Rows only models have: context, maximum output, prices per unit (with cache and
    tiered prices as notes), modalities, features, open weights, knowledge cutoff,
    release date. A price row appears when either model is priced in that unit."""
    rows = [
        FactRow(
            "Context window",
            _tokens_cell(a.context_length),
            _tokens_cell(b.context_length),
            _better(a.context_length, b.context_length),
        ),
        FactRow(
            "Maximum output",
            _tokens_cell(a.max_output),
            _tokens_cell(b.max_output),
            _better(a.max_output, b.max_output),
        ),
    ]
    for unit, label in MODEL_PRICE_ROWS:
        always = unit in ("prompt_token", "completion_token")
        if not always and unit not in a.prices and unit not in b.prices:
            continue
        rows.append(
            FactRow(
                label,
                _model_price_cell(a, unit),
                _model_price_cell(b, unit),
                _price_better(a, b, unit),
            )
        )
    if a.cache_read is not None or b.cache_read is not None:
        cache = {"a": a.cache_read, "b": b.cache_read}
        order = price_compare(a=(cache["a"], "prompt_token"), b=(cache["b"], "prompt_token"))
        rows.append(
            FactRow(  # type: ignore[call-arg]
                "Cached input price",
                *(  # type: ignore[arg-type]
                    FactCell(
                        price_format(amount=cache[key], unit="prompt_token").headline
                        if cache[key] is not None
                        else NO_DATA
                    )
                    for key in ("a", "b")
                ),
                {-1: "a", 1: "b"}.get(order) if order is not None else None,
            )
        )
    rows += [
        FactRow(
            "Input",
            _modalities_cell(a.input_modalities),
            _modalities_cell(b.input_modalities),
            _superset_better(a.input_modalities or None, b.input_modalities or None),
        ),
        FactRow(
            "Output",
            _modalities_cell(a.output_modalities),
            _modalities_cell(b.output_modalities),
            _superset_better(a.output_modalities or None, b.output_modalities or None),
        ),
        FactRow(
            "Supports",
            _features_cell(a),
            _features_cell(b),
            # A strict superset, as far as both sources say.
            _superset_better(a.supported, b.supported)
            if a.features_known and b.features_known
            else None,
        ),
        FactRow(
            "Open weights",
            _weights_cell(a),
            _weights_cell(b),
            _better(a.open_weights, b.open_weights),
        ),
        FactRow(
            "Knowledge cutoff",
            _date_cell(a.knowledge_cutoff),
            _date_cell(b.knowledge_cutoff),
            _better(a.knowledge_cutoff, b.knowledge_cutoff),
        ),
        FactRow(
            "Released",
            _date_cell(a.release_date),
            _date_cell(b.release_date),
            # Newer is not better in itself; freshness already counts in the rank.
            None,
        ),
    ]
    return rows


def model_facts_single(*, model: ModelFacts) -> list[tuple[str, FactCell]]:
    """The same rows for one model's page: (label, cell)."""
    return [(row.label, row.a) for row in model_facts_rows(a=model, b=model)]
