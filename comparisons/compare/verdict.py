"""The verdict on a pair, and the facts table beside it, as pure functions.

Everything here works on plain frozen dataclasses (no models, no database), so the
rules are unit-tested directly. `comparisons.compare.pairs` turns loaded artifacts into
`SideFacts`. Each rule returns a `Reason` (a sentence plus what it rests on) or
nothing; a rule never invents a claim the data does not support: unknown stays
"no data", prices in different units are never compared, and a tie says so.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from catalog.pricing import PriceText, price_compare, price_format, unit_label
from catalog.ranking import COMPONENT_LABELS, COMPONENTS

NO_DATA = "no data"
# A rank gap this small is within what a single missing field can move.
CLOSE_GAP = 5
# How many tag names a sentence lists before saying "and N more".
TAGS_IN_SENTENCE = 3

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
}

SHOW_CHOICES = {
    "all": "All capabilities",
    "both": "In both",
    "a": "Only in the first",
    "b": "Only in the second",
    "diff": "Only differences",
}


@dataclass(frozen=True)
class CapabilityFacts:
    id: int
    title: str
    tags: tuple[tuple[str, str], ...] = ()  # (slug, name)


@dataclass(frozen=True)
class SideFacts:
    name: str
    kind_label: str = "Model"
    rank: int = 0
    components: Mapping[str, float | None] = field(default_factory=dict)
    pricing_model: str = "paid"
    pricing_label: str = "Paid"
    has_free_tier: bool = False
    open_weights: bool = False
    starting_price: Decimal | None = None
    price_unit: str = ""
    price_varies: bool = False  # priced per request by the source: no fixed figure, not free
    output_modalities: tuple[str, ...] = ()
    capabilities: tuple[CapabilityFacts, ...] = ()
    times_matched: int = 0

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

    @property
    def exists(self) -> bool:
        return self.total_searches > 0


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
    def text(self) -> str:
        if self.editor_text:
            return self.editor_text
        return " ".join(r.sentence for r in self.reasons if r.key != "different_jobs")


def _names_list(names: Sequence[str], *, limit: int = TAGS_IN_SENTENCE) -> str:
    names = list(names)
    shown, rest = names[:limit], len(names) - limit
    if rest > 0:
        return f"{', '.join(shown)} and {rest} more"
    if len(shown) == 1:
        return shown[0]
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def _modalities_text(modalities: Sequence[str]) -> str:
    return _names_list([_MODALITY_NOUNS.get(m, m) for m in sorted(modalities)], limit=5)


# --- the rules, strongest first --------------------------------------------------------


def rank_compare(*, a: SideFacts, b: SideFacts) -> Reason:
    if a.rank == b.rank:
        return Reason("rank", f"{a.name} and {b.name} are tied at {a.rank}/100.")
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
    both, only = [], {"a": [], "b": []}
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
    for key, side in (("a", a), ("b", b)):
        if only[key]:
            parts.append(f"no data on {_names_list(only[key], limit=5)} for {side.name}")
    if not parts:
        return None
    sentence = "; ".join(parts)
    return Reason("data_gaps", f"{sentence[0].upper()}{sentence[1:]}: missing data counts as 0.")


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
    if a.open_weights != b.open_weights:
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
    varies = [side.name for side in (a, b) if side.starting_price is None and side.price_varies]
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
        return Reason(
            "price",
            f"There is no starting price on record for {missing.name}, "
            "so the prices are not compared.",
        )
    order = price_compare(a=(a.starting_price, a.price_unit), b=(b.starting_price, b.price_unit))
    if order is None:
        return Reason(
            "price",
            f"Their prices are set per different units ({unit_label(a.price_unit)} "
            f"vs {unit_label(b.price_unit)}), so neither can be called cheaper.",
        )
    if order == 0:
        return Reason("price", f"Both start at the same price: {a.price.headline}.")
    cheap, dear, key = (a, b, "a") if order < 0 else (b, a, "b")
    return Reason(
        "price",
        f"{cheap.name} is cheaper: {cheap.price.headline} vs {dear.price.headline} "
        f"for {dear.name}.",
        key,
    )


def breadth_compare(*, a: SideFacts, b: SideFacts) -> list[Reason]:
    n_a, n_b = len(a.capabilities), len(b.capabilities)
    if n_a == n_b:
        breadth = Reason("breadth", f"Both list {n_a} capabilities.")
    else:
        wide, narrow, key = (a, b, "a") if n_a > n_b else (b, a, "b")
        breadth = Reason(
            "breadth",
            f"{wide.name} lists {max(n_a, n_b)} capabilities to {min(n_a, n_b)} for {narrow.name}.",
            key,
        )
    reasons = [breadth]
    tags_a, tags_b = a.tag_names, b.tag_names
    for side, mine, theirs, key in ((a, tags_a, tags_b, "a"), (b, tags_b, tags_a, "b")):
        only = sorted(name.lower() for slug, name in mine.items() if slug not in theirs)
        if only:
            reasons.append(Reason("only", f"Only {side.name} covers {_names_list(only)}.", key))
    return reasons


def evidence_describe(*, a: SideFacts, b: SideFacts, evidence: Evidence) -> Reason | None:
    if not evidence.exists:
        return None
    searches = "search" if evidence.total_searches == 1 else "searches"
    sentence = f"Searchers found both in {evidence.total_searches} {searches}"
    if evidence.top:
        best = evidence.top[0]
        sentence += f", most often for \u201c{best.intent}\u201d ({best.times_both_matched})"
    return Reason("evidence", f"{sentence}.")


def jobs_compare(*, a: SideFacts, b: SideFacts) -> Reason | None:
    """A warning when the two produce different kinds of output."""
    out_a, out_b = set(a.output_modalities), set(b.output_modalities)
    if not out_a or not out_b or out_a == out_b:
        return None
    if not out_a & out_b:
        sentence = (
            f"These do different jobs: {a.name} produces {_modalities_text(out_a)}, "
            f"{b.name} produces {_modalities_text(out_b)}. "
            "Compare them only if either kind of output would do."
        )
    else:
        extra = [
            f"only {side.name} also produces {_modalities_text(mine - theirs)}"
            for side, mine, theirs in ((a, out_a, out_b), (b, out_b, out_a))
            if mine - theirs
        ]
        sentence = (
            f"These only partly do the same job: both produce "
            f"{_modalities_text(out_a & out_b)}, but {' and '.join(extra)}."
        )
    return Reason("different_jobs", sentence)


def verdict_build(
    *, a: SideFacts, b: SideFacts, evidence: Evidence, editor_text: str = ""
) -> Verdict:
    """All the rules in order of strength; an editor's text replaces the generated one."""
    reasons: list[Reason | None] = [
        rank_compare(a=a, b=b),
        data_gaps_describe(a=a, b=b),
        *pricing_compare(a=a, b=b),
        *breadth_compare(a=a, b=b),
        evidence_describe(a=a, b=b, evidence=evidence),
        jobs_compare(a=a, b=b),
    ]
    return Verdict(
        reasons=tuple(r for r in reasons if r is not None), editor_text=editor_text.strip()
    )


def lead_build(*, a: SideFacts, b: SideFacts, evidence: Evidence) -> str:
    if a.rank == b.rank:
        first = f"{a.name} and {b.name} rank the same at {a.rank}/100."
    else:
        hi, lo = (a, b) if a.rank > b.rank else (b, a)
        first = f"{hi.name} ranks higher at {hi.rank}/100 vs {lo.name} at {lo.rank}/100."
    if evidence.exists:
        searches = "search" if evidence.total_searches == 1 else "searches"
        second = (
            f"Compared capability by capability, with evidence from "
            f"{evidence.total_searches} real {searches} that matched both."
        )
    else:
        second = (
            "Compared capability by capability; no search has matched both yet, "
            "so there is no match graph evidence for this pair."
        )
    return f"{first} {second}"


# --- the facts table -------------------------------------------------------------------


@dataclass(frozen=True)
class FactCell:
    text: str
    exact: str = ""  # the exact per-unit price beside a rescaled headline
    meter: float | None = None  # a 0..1 value drawn as a bar beside the text
    note: str = ""


@dataclass(frozen=True)
class FactRow:
    label: str
    a: FactCell
    b: FactCell
    better: str | None = None  # "a", "b" or None (equal, unknown or not comparable)
    note: str = ""


def _better(value_a, value_b, *, higher_is_better: bool = True) -> str | None:
    if value_a is None or value_b is None or value_a == value_b:
        return None
    a_wins = value_a > value_b if higher_is_better else value_a < value_b
    return "a" if a_wins else "b"


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
            _better(a.rank, b.rank),
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
        FactRow(
            "Capabilities",
            FactCell(f"{len(a.capabilities)} decomposed"),
            FactCell(f"{len(b.capabilities)} decomposed"),
            _better(len(a.capabilities), len(b.capabilities)),
        ),
        FactRow(
            "Times Matched",
            _matched_cell(a.times_matched),
            _matched_cell(b.times_matched),
            _better(a.times_matched, b.times_matched),
        ),
    ]
    return rows


# --- capabilities aligned by tag -------------------------------------------------------

UNTAGGED = ("", "Other")


@dataclass(frozen=True)
class AlignedRow:
    tag_slug: str
    tag_name: str
    a: tuple[CapabilityFacts, ...]
    b: tuple[CapabilityFacts, ...]

    @property
    def presence(self) -> str:
        if self.a and self.b:
            return "both"
        return "a" if self.a else "b"


def capabilities_align(*, a: SideFacts, b: SideFacts) -> list[AlignedRow]:
    """One row per tag: the capabilities of each side carrying it. Rows in both come
    first, then those only in A, then only in B; each group by tag name."""
    names: dict[str, str] = {}
    per_side: dict[str, dict[str, list[CapabilityFacts]]] = {"a": {}, "b": {}}
    for key, side in (("a", a), ("b", b)):
        for capability in side.capabilities:
            for slug, name in capability.tags or (UNTAGGED,):
                names[slug] = name
                per_side[key].setdefault(slug, []).append(capability)
    rows = [
        AlignedRow(
            slug,
            names[slug],
            tuple(per_side["a"].get(slug, ())),
            tuple(per_side["b"].get(slug, ())),
        )
        for slug in names
    ]
    group = {"both": 0, "a": 1, "b": 2}
    # The catch-all "Other" row closes each group.
    return sorted(rows, key=lambda r: (group[r.presence], r.tag_slug == "", r.tag_name.lower()))


def aligned_filter(*, rows: Sequence[AlignedRow], show: str, tag: str) -> list[AlignedRow]:
    """`show` is one of SHOW_CHOICES ("diff" keeps rows only one side has); `tag` a tag
    slug or "" for every tag."""
    kept = []
    for row in rows:
        if tag and row.tag_slug != tag:
            continue
        if show == "diff" and row.presence == "both":
            continue
        if show in {"both", "a", "b"} and row.presence != show:
            continue
        kept.append(row)
    return kept
