"""UnfragileRank: the score, as pure functions over plain values.

rank = round(100 * sum(w_k * c_k) / sum(w_k)) over five components, each in [0, 1]
or None ("no data"). A missing component counts as 0 in the sum but stays None so
that pages can say "no data" instead of a misleading 0. Nothing here touches the
database: services load inputs, call these functions and store the results.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

COMPONENTS: tuple[str, ...] = ("adoption", "quality", "ecosystem", "match_graph", "freshness")
COMPONENT_LABELS: dict[str, str] = {
    "adoption": "Adoption",
    "quality": "Quality",
    "ecosystem": "Ecosystem",
    "match_graph": "Match Graph",
    "freshness": "Freshness",
}

# Freshness halves every year without a release or a review.
FRESHNESS_HALF_LIFE_DAYS = 365
# A review newer than this counts as "reviewed recently" in the quality checklist.
RECENT_REVIEW_DAYS = 365


@dataclass(frozen=True)
class Weights:
    adoption: float = 0.25
    quality: float = 0.25
    ecosystem: float = 0.10
    match_graph: float = 0.25
    freshness: float = 0.15

    def __post_init__(self) -> None:
        values = self.as_dict().values()
        if any(v < 0 or math.isnan(v) for v in values):
            raise ValueError("Weights must be non-negative numbers.")
        if sum(values) <= 0:
            raise ValueError("At least one weight must be positive.")

    def as_dict(self) -> dict[str, float]:
        return {name: float(getattr(self, name)) for name in COMPONENTS}

    @property
    def total(self) -> float:
        return sum(self.as_dict().values())


DEFAULT_WEIGHTS = Weights()
# Tools that live inside other tools (libraries, MCP servers, extensions) are judged
# more on the ecosystem around them; everything else uses the published defaults.
_ECOSYSTEM_HEAVY = Weights(
    adoption=0.25, quality=0.25, ecosystem=0.20, match_graph=0.20, freshness=0.10
)
DEFAULT_WEIGHTS_BY_KIND: dict[str, Weights] = {
    "model": DEFAULT_WEIGHTS,
    "api": DEFAULT_WEIGHTS,
    "app": DEFAULT_WEIGHTS,
    "agent": DEFAULT_WEIGHTS,
    "mcp_server": _ECOSYSTEM_HEAVY,
    "library": _ECOSYSTEM_HEAVY,
    "extension": _ECOSYSTEM_HEAVY,
    "dataset": DEFAULT_WEIGHTS,
}


def weights_for_kind(*, kind: str, overrides: Mapping[str, Weights] | None = None) -> Weights:
    if overrides and kind in overrides:
        return overrides[kind]
    return DEFAULT_WEIGHTS_BY_KIND.get(kind, DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class ComponentScore:
    name: str
    value: float | None
    weight: float
    total_weight: float

    @property
    def label(self) -> str:
        return COMPONENT_LABELS[self.name]

    @property
    def has_data(self) -> bool:
        return self.value is not None

    @property
    def contribution(self) -> float:
        """Points (out of 100) this component adds to the rank."""
        return 100 * (self.value or 0.0) * self.weight / self.total_weight

    @property
    def max_contribution(self) -> float:
        return 100 * self.weight / self.total_weight

    @property
    def weight_share(self) -> float:
        return self.weight / self.total_weight


@dataclass(frozen=True)
class Breakdown:
    components: tuple[ComponentScore, ...]
    rank: int

    def __iter__(self):
        return iter(self.components)

    def get(self, name: str) -> ComponentScore:
        return next(c for c in self.components if c.name == name)

    @property
    def missing(self) -> list[str]:
        return [c.name for c in self.components if c.value is None]


def _validated(value: float | None, name: str) -> float | None:
    if value is None:
        return None
    if math.isnan(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"Component {name} must be in [0, 1] or None, got {value!r}.")
    return float(value)


def rank_compute(*, components: Mapping[str, float | None], weights: Weights) -> int:
    return breakdown_build(components=components, weights=weights).rank


def breakdown_build(*, components: Mapping[str, float | None], weights: Weights) -> Breakdown:
    total = weights.total
    scores = tuple(
        ComponentScore(
            name=name,
            value=_validated(components.get(name), name),
            weight=getattr(weights, name),
            total_weight=total,
        )
        for name in COMPONENTS
    )
    raw = sum((s.value or 0.0) * s.weight for s in scores) / total
    # round-half-up, not Python's banker's rounding: 12.5 reads as 13 everywhere.
    rank = min(100, max(0, math.floor(100 * raw + 0.5 + 1e-9)))
    return Breakdown(components=scores, rank=rank)


# --- components from raw inputs ---------------------------------------------------------


def log_scaled_within_group(values: Mapping[int, int | None]) -> dict[int, float | None]:
    """log1p(value) / log1p(max value) among the known values of one group.

    None stays None (no data). A group whose known values are all 0 scores 0.
    """
    known = [v for v in values.values() if v is not None]
    top = math.log1p(max(known)) if known else 0.0
    return {
        key: (None if v is None else (math.log1p(v) / top if top > 0 else 0.0))
        for key, v in values.items()
    }


@dataclass(frozen=True)
class PopularityInputs:
    kind: str
    stars: int | None = None
    downloads: int | None = None
    likes: int | None = None


def adoption_compute(*, inputs: Mapping[int, PopularityInputs]) -> dict[int, float | None]:
    """Each popularity signal log-scaled within the artifact's kind, then averaged
    over the signals the artifact has. No signal at all is no data."""
    result: dict[int, float | None] = {key: None for key in inputs}
    kinds = {i.kind for i in inputs.values()}
    for kind in kinds:
        members = {key: i for key, i in inputs.items() if i.kind == kind}
        per_signal = [
            log_scaled_within_group({key: getattr(i, signal) for key, i in members.items()})
            for signal in ("stars", "downloads", "likes")
        ]
        for key in members:
            known = [scaled[key] for scaled in per_signal if scaled[key] is not None]
            result[key] = sum(known) / len(known) if known else None
    return result


def ecosystem_compute(*, integrations: Mapping[int, tuple[str, int | None]]) -> dict:
    """Integrations (providers, SDKs, plugins) log-scaled within kind."""
    result: dict[int, float | None] = {}
    for kind in {kind for kind, _ in integrations.values()}:
        result.update(
            log_scaled_within_group({k: n for k, (kd, n) in integrations.items() if kd == kind})
        )
    return result


def freshness_compute(*, last_activity: date | None, today: date) -> float | None:
    if last_activity is None:
        return None
    age_days = max(0, (today - last_activity).days)
    return 0.5 ** (age_days / FRESHNESS_HALF_LIFE_DAYS)


@dataclass(frozen=True)
class QualityInputs:
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


def quality_checklist(*, inputs: QualityInputs, today: date) -> list[ChecklistItem]:
    """The published curation checklist; quality is the share of items passed."""
    reviewed = inputs.last_reviewed_at
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
            reviewed is not None and (today - reviewed).days <= RECENT_REVIEW_DAYS,
        ),
    ]


def quality_compute(*, inputs: QualityInputs, today: date) -> float:
    items = quality_checklist(inputs=inputs, today=today)
    return sum(item.passed for item in items) / len(items)


@dataclass
class ScoreResult:
    components: dict[str, float | None] = field(default_factory=dict)
    rank: int = 0


def scores_compute(
    *,
    artifacts: Iterable[dict],
    weights_by_kind: Mapping[str, Weights] | None,
    today: date,
) -> dict[int, ScoreResult]:
    """Every component and the rank for a whole catalog, from plain dicts with keys:
    id, kind, stars, downloads, likes, integrations, match_graph, release_date,
    last_reviewed_at, quality (QualityInputs)."""
    rows = list(artifacts)
    adoption = adoption_compute(
        inputs={
            r["id"]: PopularityInputs(
                kind=r["kind"], stars=r["stars"], downloads=r["downloads"], likes=r["likes"]
            )
            for r in rows
        }
    )
    ecosystem = ecosystem_compute(
        integrations={r["id"]: (r["kind"], r["integrations"]) for r in rows}
    )
    results: dict[int, ScoreResult] = {}
    for r in rows:
        activity = [d for d in (r["release_date"], r["last_reviewed_at"]) if d is not None]
        components = {
            "adoption": adoption[r["id"]],
            "quality": quality_compute(inputs=r["quality"], today=today),
            "ecosystem": ecosystem[r["id"]],
            "match_graph": r["match_graph"],
            "freshness": freshness_compute(
                last_activity=max(activity) if activity else None, today=today
            ),
        }
        weights = weights_for_kind(kind=r["kind"], overrides=weights_by_kind)
        results[r["id"]] = ScoreResult(
            components=components, rank=rank_compute(components=components, weights=weights)
        )
    return results
