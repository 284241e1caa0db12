"""UnfragileRank: the score, as pure functions over plain values.

Every score component is declared once, in `REGISTRY`: its name, label, default weight
(per kind where a kind differs), the function that computes it and the sentence the
methodology page prints. The model fields, the admin, the methodology page, the
synthetic generator and the tests all read the registry; adding a component is one
`Component(...)` entry plus its migration.

The rank (0..100) is the weighted average of the components that are KNOWN, with their
weights renormalised: an unknown input never counts as 0. Alongside it:

- coverage: how many of the weighted inputs are known ("from 3 of 5 inputs");
- the range: the rank if every unknown input were 0 (low end) or 1 (high end), with each
  known input at the low / high end of its own interval (quality carries the 95%
  interval of its public rating);
- provisional: less than half of the weight is known.

Nothing here touches the database: services load inputs, call these functions and
store the results.
"""

import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

# Freshness halves every year without a release or a review.
FRESHNESS_HALF_LIFE_DAYS = 365
# A review at most this many days old counts as "reviewed recently" in Data coverage.
RECENT_REVIEW_DAYS = 365
# Below this share of the weight known, a rank is provisional.
PROVISIONAL_BELOW = 0.5


# --- what a component computes from ----------


@dataclass(frozen=True)
class Estimate:
    """A component value in [0, 1] with the interval it is known to (low <= value <= high)."""

    value: float
    low: float
    high: float

    @classmethod
    def exact(cls, value: float) -> "Estimate":
        return cls(value, value, value)


@dataclass(frozen=True)
class BoardPosition:
    """Where an artifact stands on a public leaderboard: the share of the board's other
    entries rated below it (0 = last, 1 = first), with the same share for the low and
    high ends of its rating's 95% interval."""

    board: str  # "text", "vision", "image"
    category: str  # "full", "coding", ...
    position: float
    position_low: float
    position_high: float


@dataclass(frozen=True)
class ScoreInputs:
    """Everything the components of one artifact are computed from.

    `usage` maps an editor-entered usage metric ("weekly_users", "token_share", ...) to
    its latest value; `boards` lists the artifact's leaderboard positions.
    """

    id: int
    kind: str
    job: str = ""
    stars: int | None = None
    downloads: int | None = None
    likes: int | None = None
    usage: Mapping[str, float] = field(default_factory=dict)
    integrations: int | None = None
    boards: tuple[BoardPosition, ...] = ()
    match_graph: float | None = None
    release_date: date | None = None
    last_reviewed_at: date | None = None

    @property
    def group(self) -> tuple[str, str]:
        """Ranks compare like with like: the kind, and for models the job."""
        return (self.kind, self.job)


ComputeFn = Callable[..., dict[int, Estimate | None]]


@dataclass(frozen=True)
class Component:
    name: str
    label: str
    default_weight: float
    compute: ComputeFn  # (inputs=[ScoreInputs...], today=date) -> {id: Estimate | None}
    methodology: str
    source: str
    weight_by_kind: Mapping[str, float] = field(default_factory=dict)
    # Stores `<name>_low` / `<name>_high` next to the value (an interval, not a point).
    interval: bool = False

    def weight_for(self, kind: str) -> float:
        return self.weight_by_kind.get(kind, self.default_weight)


# --- component functions ----------


def log_scaled_within_group(values: Mapping[int, float | None]) -> dict[int, float | None]:
    """log1p(value) / log1p(max value) among the known values of one group.

    None stays None (no data). A group whose known values are all 0 scores 0.
    """
    known = [v for v in values.values() if v is not None]
    top = math.log1p(max(known)) if known else 0.0
    return {
        key: (None if v is None else (math.log1p(v) / top if top > 0 else 0.0))
        for key, v in values.items()
    }


def _groups(inputs: Iterable[ScoreInputs]) -> dict[tuple[str, str], list[ScoreInputs]]:
    groups: dict[tuple[str, str], list[ScoreInputs]] = {}
    for row in inputs:
        groups.setdefault(row.group, []).append(row)
    return groups


ADOPTION_SIGNALS = ("stars", "downloads", "likes")


def adoption_compute(*, inputs: Sequence[ScoreInputs], today: date) -> dict[int, Estimate | None]:
    """Every popularity signal (GitHub stars, package or Hugging Face downloads, Hugging
    Face likes, and each editor-entered usage metric) log-scaled within the artifact's
    group (kind, and job for models), then averaged over the signals the artifact has.
    No signal at all is no data."""
    result: dict[int, Estimate | None] = {}
    for members in _groups(inputs).values():
        metrics = sorted({metric for row in members for metric in row.usage})
        per_signal = [
            log_scaled_within_group({row.id: getattr(row, signal) for row in members})
            for signal in ADOPTION_SIGNALS
        ] + [
            log_scaled_within_group({row.id: row.usage.get(metric) for row in members})
            for metric in metrics
        ]
        for row in members:
            known = [v for scaled in per_signal if (v := scaled[row.id]) is not None]
            result[row.id] = Estimate.exact(sum(known) / len(known)) if known else None
    return result


# The leaderboard (board, category) that fits each model job; other jobs have none yet.
BOARD_FOR_JOB: dict[str, tuple[str, str]] = {
    "text": ("text", "full"),
    "code": ("text", "coding"),
    "vision": ("vision", "full"),
    "image": ("image", "full"),
}


def quality_compute(*, inputs: Sequence[ScoreInputs], today: date) -> dict[int, Estimate | None]:
    """The artifact's position on the public leaderboard that fits its job (text, vision,
    text-to-image; the coding board where the job is code), in [0, 1], with the 95%
    interval of its rating carried along. No rating on that board is no data."""
    result: dict[int, Estimate | None] = {}
    for row in inputs:
        wanted = BOARD_FOR_JOB.get(row.job) if row.kind == "model" else None
        found = next(
            (b for b in row.boards if wanted is not None and (b.board, b.category) == wanted),
            None,
        )
        result[row.id] = (
            None
            if found is None
            else Estimate(
                found.position,
                min(found.position_low, found.position),
                max(found.position_high, found.position),
            )
        )
    return result


def ecosystem_compute(*, inputs: Sequence[ScoreInputs], today: date) -> dict[int, Estimate | None]:
    """Integrations (providers, SDKs, plugins) log-scaled within the group."""
    result: dict[int, Estimate | None] = {}
    for members in _groups(inputs).values():
        scaled = log_scaled_within_group({row.id: row.integrations for row in members})
        result.update({key: None if v is None else Estimate.exact(v) for key, v in scaled.items()})
    return result


def match_graph_compute(
    *, inputs: Sequence[ScoreInputs], today: date
) -> dict[int, Estimate | None]:
    """The value the match-graph rebuild stored (comparisons/search/matchgraph.py)."""
    return {
        row.id: None if row.match_graph is None else Estimate.exact(row.match_graph)
        for row in inputs
    }


def freshness_value(*, release_date: date | None, last_reviewed_at: date | None, today: date):
    """0.5 ** (days since the LATEST of release and editor review / half-life); a date in
    the future counts as today; neither date known is no data (None)."""
    known = [d for d in (release_date, last_reviewed_at) if d is not None]
    if not known:
        return None
    age_days = max(0, (today - max(known)).days)
    return 0.5 ** (age_days / FRESHNESS_HALF_LIFE_DAYS)


def freshness_compute(*, inputs: Sequence[ScoreInputs], today: date) -> dict[int, Estimate | None]:
    result: dict[int, Estimate | None] = {}
    for row in inputs:
        value = freshness_value(
            release_date=row.release_date, last_reviewed_at=row.last_reviewed_at, today=today
        )
        result[row.id] = None if value is None else Estimate.exact(value)
    return result


# Kinds that no public evaluation covers yet weigh quality 0 (it could never be known).
_NO_EVALUATION = ("api", "app", "agent", "mcp_server", "library", "extension", "dataset")

REGISTRY: tuple[Component, ...] = (
    Component(
        name="adoption",
        label="Adoption",
        default_weight=0.30,
        weight_by_kind={"model": 0.20, "mcp_server": 0.25, "library": 0.25, "extension": 0.25},
        compute=adoption_compute,
        methodology=(
            "How widely it is used: GitHub stars, package and Hugging Face downloads, Hugging "
            "Face likes, and usage figures editors record with their source and date (a "
            "vendor's published user count, a router's public token share). Each signal is "
            "log-scaled against the most-used artifact of the same group, then averaged over "
            "the signals that are known."
        ),
        source="GitHub, PyPI/npm, Hugging Face; editor-entered usage facts (each with its URL "
        "and date)",
    ),
    Component(
        name="quality",
        label="Quality",
        default_weight=0.0,
        weight_by_kind={"model": 0.50},
        compute=quality_compute,
        interval=True,
        methodology=(
            "How good it is according to public evaluation evidence: the model's position on "
            "the LMArena leaderboard that fits its job (text, vision, text-to-image; the "
            "coding board for code models), from 0 (last) to 1 (first), with the 95% "
            "interval of its rating. Kinds no public leaderboard covers weigh it 0."
        ),
        source="LMArena leaderboards (text, vision, text-to-image), as published",
    ),
    Component(
        name="ecosystem",
        label="Ecosystem",
        default_weight=0.15,
        weight_by_kind={"model": 0.05, "mcp_server": 0.25, "library": 0.25, "extension": 0.25},
        compute=ecosystem_compute,
        methodology="Integrations, providers and SDKs, log-scaled within the same group.",
        source="Editor-entered integration counts",
    ),
    Component(
        name="match_graph",
        label="Match Graph",
        default_weight=0.30,
        weight_by_kind={"model": 0.15, "mcp_server": 0.25, "library": 0.25, "extension": 0.25},
        compute=match_graph_compute,
        methodology=(
            "How central the artifact is in the match graph: how often its capabilities "
            "match what people search for on this site, and how often they are chosen, "
            "against the most central artifact's share (measured on a scale that moves in "
            "steps of 25%, so the most central artifact reads between 0.8 and 1)."
        ),
        source="Searches on this site",
    ),
    Component(
        name="freshness",
        label="Freshness",
        default_weight=0.25,
        weight_by_kind={"model": 0.10},
        compute=freshness_compute,
        methodology=(
            "Time since the latest of its release and its last editor review; it halves "
            f"every {FRESHNESS_HALF_LIFE_DAYS} days."
        ),
        source="Release dates and editor reviews",
    ),
)
_BY_NAME = {c.name: c for c in REGISTRY}
COMPONENTS: tuple[str, ...] = tuple(c.name for c in REGISTRY)
COMPONENT_LABELS: dict[str, str] = {c.name: c.label for c in REGISTRY}


def component_get(name: str) -> Component:
    return _BY_NAME[name]


# --- weights ----------


class Weights:
    """The weight of every registered component; unnamed components weigh 0."""

    __slots__ = ("_values",)

    def __init__(self, **values: float) -> None:
        unknown = set(values) - set(COMPONENTS)
        if unknown:
            raise ValueError(f"Unknown score components: {', '.join(sorted(unknown))}.")
        cleaned = {name: float(values.get(name, 0.0)) for name in COMPONENTS}
        if any(v < 0 or math.isnan(v) or math.isinf(v) for v in cleaned.values()):
            raise ValueError("Weights must be non-negative finite numbers.")
        if sum(cleaned.values()) <= 0:
            raise ValueError("At least one weight must be positive.")
        self._values = cleaned

    def __getattr__(self, name: str) -> float:
        # Only component names: "_values" itself, or "__setstate__" asked by pickle before
        # "_values" is restored, must not recurse into this method.
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(name) from None

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Weights) and self._values == other._values

    def __hash__(self) -> int:
        return hash(tuple(self._values.items()))

    def __repr__(self) -> str:
        return f"Weights({', '.join(f'{k}={v}' for k, v in self._values.items())})"

    def as_dict(self) -> dict[str, float]:
        return dict(self._values)

    @property
    def total(self) -> float:
        return sum(self._values.values())


def default_weights_for(kind: str) -> Weights:
    return Weights(**{c.name: c.weight_for(kind) for c in REGISTRY})


KINDS: tuple[str, ...] = (
    "model", "api", "app", "agent", "mcp_server", "library", "extension", "dataset",
)  # fmt: skip
DEFAULT_WEIGHTS_BY_KIND: dict[str, Weights] = {kind: default_weights_for(kind) for kind in KINDS}
DEFAULT_WEIGHTS = DEFAULT_WEIGHTS_BY_KIND["app"]


def weights_for_kind(*, kind: str, overrides: Mapping[str, Weights] | None = None) -> Weights:
    """Editor-set weights for the kind if any, else the registry's defaults."""
    if overrides and kind in overrides:
        return overrides[kind]
    return DEFAULT_WEIGHTS_BY_KIND.get(kind) or default_weights_for(kind)


# --- the rank ----------


@dataclass(frozen=True)
class ComponentScore:
    name: str
    value: float | None
    low: float | None
    high: float | None
    weight: float
    total_weight: float
    known_weight: float

    @property
    def label(self) -> str:
        return COMPONENT_LABELS[self.name]

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def counts(self) -> bool:
        """A weight-0 component is shown but is not an input of the rank."""
        return self.weight > 0

    @property
    def weight_share(self) -> float:
        """The published share of the weight (as if every input were known)."""
        return self.weight / self.total_weight

    @property
    def effective_share(self) -> float | None:
        """The share this component actually has in the rank after renormalisation."""
        if self.value is None or self.known_weight <= 0:
            return None
        return self.weight / self.known_weight

    @property
    def has_interval(self) -> bool:
        return self.value is not None and (self.low != self.value or self.high != self.value)


@dataclass(frozen=True)
class Breakdown:
    components: tuple[ComponentScore, ...]
    rank: int
    rank_low: int
    rank_high: int
    known_inputs: int
    total_inputs: int
    known_share: float

    def __iter__(self) -> Iterator[ComponentScore]:
        return iter(self.components)

    @property
    def provisional(self) -> bool:
        return rank_is_provisional(known_share=self.known_share)

    @property
    def coverage_text(self) -> str:
        return f"from {self.known_inputs} of {self.total_inputs} inputs"

    @property
    def has_range(self) -> bool:
        return self.rank_low != self.rank_high


def rank_is_provisional(*, known_share: float) -> bool:
    """Below half of the weight known (strictly), a rank is provisional."""
    return known_share < PROVISIONAL_BELOW - 1e-12


def _as_estimate(value: "Estimate | float | None", name: str) -> Estimate | None:
    if value is None:
        return None
    if not isinstance(value, Estimate):
        value = Estimate.exact(float(value))
    for part in (value.value, value.low, value.high):
        if math.isnan(part) or not 0.0 <= part <= 1.0:
            raise ValueError(f"Component {name} must be in [0, 1] or None, got {value!r}.")
    if not value.low <= value.value <= value.high:
        raise ValueError(f"Component {name}: interval {value!r} does not hold its value.")
    return value


def _points(raw: float) -> int:
    # round-half-up, not Python's banker's rounding: 12.5 reads as 13 everywhere.
    return min(100, max(0, math.floor(100 * raw + 0.5 + 1e-9)))


class RankRange(NamedTuple):
    """An artifact's rank, the range its unknown inputs leave it (points, 0 to 100), and
    whether it is provisional: what breakdown_build gives, without the breakdown."""

    rank: int
    low: int
    high: int
    provisional: bool


# An artifact's components read with its kind's weights: (estimates, weight per component,
# the known components with a weight, their summed weight, every component's weight).
_Weighed = tuple[dict[str, "Estimate | None"], dict[str, float], list[str], float, float]


def _weighed(*, components: Mapping[str, "Estimate | float | None"], weights: Weights) -> _Weighed:
    estimates = {name: _as_estimate(components.get(name), name) for name in COMPONENTS}
    weight = {name: getattr(weights, name) for name in COMPONENTS}
    known = [name for name in COMPONENTS if estimates[name] is not None and weight[name] > 0]
    return estimates, weight, known, sum(weight[name] for name in known), weights.total


def _rank_range(weighed: _Weighed) -> RankRange:
    """rank = round(100 * sum(w_k * c_k over known k) / sum(w_k over known k)), nothing
    known giving 0; the range puts every unknown input at 0, then at 1."""
    estimates, weight, known, known_weight, total = weighed
    rank = (
        _points(sum(weight[n] * estimates[n].value for n in known) / known_weight)  # type: ignore[union-attr,misc]
        if known_weight > 0
        else 0
    )
    unknown_weight = total - known_weight
    low = _points(sum(weight[n] * estimates[n].low for n in known) / total)  # type: ignore[union-attr,misc]
    high = _points((sum(weight[n] * estimates[n].high for n in known) + unknown_weight) / total)  # type: ignore[union-attr,misc]
    return RankRange(
        rank=rank,
        low=min(low, rank),
        high=max(high, rank),
        provisional=rank_is_provisional(known_share=known_weight / total),
    )


def rank_range_compute(
    *, components: Mapping[str, "Estimate | float | None"], weights: Weights
) -> RankRange:
    """breakdown_build's rank, range and provisional flag alone, without a score per
    component: for recomputing thousands of ranks at once (the incremental match-graph
    rebuild reranks about 15,000 artifacts; the breakdowns were a fifth of its time).
    Raises ValueError as breakdown_build does."""
    return _rank_range(_weighed(components=components, weights=weights))


def breakdown_build(
    *, components: Mapping[str, "Estimate | float | None"], weights: Weights
) -> Breakdown:
    """The rank of one artifact from its components (name -> value in [0, 1], an Estimate
    with an interval, or None for no data) and the weights of its kind.

    rank = round(100 * sum(w_k * c_k over known k) / sum(w_k over known k)); nothing known
    gives 0 (provisional, range 0..100). Raises ValueError for a value outside [0, 1].
    """
    weighed = _weighed(components=components, weights=weights)
    estimates, weight, known, known_weight, total = weighed
    scores = tuple(
        ComponentScore(
            name=name,
            value=None if estimates[name] is None else estimates[name].value,  # type: ignore[union-attr]
            low=None if estimates[name] is None else estimates[name].low,  # type: ignore[union-attr]
            high=None if estimates[name] is None else estimates[name].high,  # type: ignore[union-attr]
            weight=weight[name],
            total_weight=total,
            known_weight=known_weight,
        )
        for name in COMPONENTS
    )
    ranked = _rank_range(weighed)
    return Breakdown(
        components=scores,
        rank=ranked.rank,
        rank_low=ranked.low,
        rank_high=ranked.high,
        known_inputs=len(known),
        total_inputs=sum(1 for name in COMPONENTS if weight[name] > 0),
        known_share=known_weight / total,
    )


def rank_compute(*, components: Mapping[str, "Estimate | float | None"], weights: Weights) -> int:
    return breakdown_build(components=components, weights=weights).rank


def ranges_overlap(*, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two rank ranges (low, high) share a point: then neither side is ahead."""
    return a[0] <= b[1] and b[0] <= a[1]


# --- the job of a model ----------

JOBS: tuple[tuple[str, str], ...] = (
    ("text", "Text"),
    ("code", "Code"),
    ("vision", "Vision"),
    ("image", "Image generation"),
    ("video", "Video generation"),
    ("speech", "Speech"),
    ("embeddings", "Embeddings"),
)
JOB_LABELS = dict(JOBS)


def job_infer(
    *, kind: str, input_modalities: Iterable[str], output_modalities: Iterable[str]
) -> str:
    """A model's job from what it takes and produces ("" for other kinds):
    embeddings out -> embeddings; image out -> image; video out -> video; audio out, or
    audio but no text in -> speech; code (not text) out -> code; image but no text in ->
    vision; else text (a multimodal chat model that also hears audio is a text model)."""
    if kind != "model":
        return ""
    ins, outs = set(input_modalities), set(output_modalities)
    if "embedding" in outs:
        return "embeddings"
    if "image" in outs:
        return "image"
    if "video" in outs:
        return "video"
    if "audio" in outs or ("audio" in ins and "text" not in ins):
        return "speech"
    if "code" in outs and "text" not in outs:
        return "code"
    if "image" in ins and "text" not in ins:
        return "vision"
    return "text"


# --- Data coverage (not a score component) ----------


@dataclass(frozen=True)
class CoverageInputs:
    summary: str = ""
    homepage: str = ""
    docs_url: str = ""
    license: str = ""
    price_known: bool = False
    release_date: date | None = None
    last_reviewed_at: date | None = None
    capability_count: int = 0
    capabilities_explained: int = 0  # with both "unique" and "vs alternatives" text
    capabilities_tagged: int = 0


@dataclass(frozen=True)
class ChecklistItem:
    key: str
    label: str
    passed: bool


def reviewed_recently(*, last_reviewed_at: date | None, today: date) -> bool:
    """Reviewed at most RECENT_REVIEW_DAYS days ago (a future date counts as recent)."""
    return last_reviewed_at is not None and (today - last_reviewed_at).days <= RECENT_REVIEW_DAYS


def coverage_checklist(*, inputs: CoverageInputs, today: date) -> list[ChecklistItem]:
    """Data coverage: what an editor has filled in. Shown on artifact pages and in admin;
    it is NOT part of the rank (it says how complete the entry is, not how good the
    product is)."""
    n = inputs.capability_count
    return [
        ChecklistItem("summary", "A summary of at least 60 characters", len(inputs.summary) >= 60),
        ChecklistItem("capabilities", "At least 3 published capabilities", n >= 3),
        ChecklistItem(
            "explained",
            'Every capability says what is unique and how it compares ("vs alternatives")',
            n > 0 and inputs.capabilities_explained == n,
        ),
        ChecklistItem(
            "tagged", "Every capability is tagged", n > 0 and inputs.capabilities_tagged == n
        ),
        ChecklistItem(
            "price", "A known starting price (or free / open source)", inputs.price_known
        ),
        ChecklistItem("license", "A stated licence", bool(inputs.license)),
        ChecklistItem("homepage", "A homepage link", bool(inputs.homepage)),
        ChecklistItem("docs", "A documentation link", bool(inputs.docs_url)),
        ChecklistItem("release", "A known release date", inputs.release_date is not None),
        ChecklistItem(
            "reviewed",
            f"Reviewed by an editor in the last {RECENT_REVIEW_DAYS} days",
            reviewed_recently(last_reviewed_at=inputs.last_reviewed_at, today=today),
        ),
    ]


# --- a whole catalog ----------


@dataclass
class ScoreResult:
    components: dict[str, Estimate | None] = field(default_factory=dict)
    rank: int = 0
    rank_low: int = 0
    rank_high: int = 100
    provisional: bool = True

    def value(self, name: str) -> float | None:
        estimate = self.components.get(name)
        return None if estimate is None else estimate.value


def scores_compute(
    *,
    artifacts: Iterable[ScoreInputs],
    weights_by_kind: Mapping[str, Weights] | None,
    today: date,
) -> dict[int, ScoreResult]:
    """Every registered component and the rank for a whole catalog (group-relative
    components are computed within each (kind, job) group of the artifacts given)."""
    rows = list(artifacts)
    values = {c.name: c.compute(inputs=rows, today=today) for c in REGISTRY}
    return {
        row.id: score_result_build(
            components={name: values[name].get(row.id) for name in COMPONENTS},
            weights=weights_for_kind(kind=row.kind, overrides=weights_by_kind),
        )
        for row in rows
    }


def score_result_build(
    *, components: Mapping[str, Estimate | None], weights: Weights
) -> ScoreResult:
    """One artifact's ScoreResult from its components (name -> Estimate, None for no data)
    and its kind's weights. Raises ValueError as breakdown_build does."""
    breakdown = breakdown_build(components=components, weights=weights)
    return ScoreResult(
        components=dict(components),
        rank=breakdown.rank,
        rank_low=breakdown.rank_low,
        rank_high=breakdown.rank_high,
        provisional=breakdown.provisional,
    )
