"""Per-artifact parts of the comparison and artifact pages, kept per catalog version.

What a page needs of one artifact depends only on that artifact and the catalog: its row
with vendor, published capabilities, their tags and tiered prices (4 queries and about a
hundred model instances), its editor text rendered from Markdown and sanitised (the
costliest filter of both templates), and its facts for the verdict rules. A comparison
page needs two such parts, an artifact page one, and a popular artifact sits in many
pairs: each part is built once per catalog version and kept in the `parts` cache under
a key holding the version, as rendered cards are (comparisons/browse/cards.py). After any
committed catalog write the old keys are never read again, so no visitor reads a part
older than the last committed edit. Without a version (settings.CATALOG_DERIVED_CACHE off,
or the version store unreadable) every part is built fresh.

What belongs to a pair (its override, search evidence, editors' same-job links, related
pairs) is read per request: a part never holds another artifact's data.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.db.models import Prefetch, Q, QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from catalog.markup import markdown_inline, markdown_render
from catalog.models import (
    Artifact,
    ArtifactKind,
    ArtifactPrice,
    Capability,
    CapabilitySameJob,
    PriceUnit,
)
from catalog.ranking import COMPONENTS, Weights
from catalog.selectors import rank_group_label, weights_by_kind_get
from comparisons.caching.derived import parts_cache_get_many, parts_cache_set_many
from comparisons.compare.alignment import CapabilityFacts
from comparisons.compare.verdict import ModelFacts, SideFacts
from comparisons.models import ComparisonOverride

CAPABILITY_TEMPLATE = "components/capability_body.html"
# Raised whenever a part's objects gain or lose a field (ArtifactPart, SideFacts,
# CapabilityFacts, ...): parts kept in Redis by the code before a deploy are then never read.
PARTS_LAYOUT = 2


def _capabilities_prefetch() -> Prefetch:
    return Prefetch(
        "capabilities",
        queryset=Capability.objects.published().prefetch_related("tags"),
        to_attr="published_capabilities",
    )


def artifacts_for_page(*, slugs: list[str]) -> QuerySet[Artifact]:
    """Published artifacts with vendor, published capabilities and their tags, and the
    tiered prices of models ("above 272K prompt tokens"): 4 queries."""
    return (
        Artifact.objects.published()
        .filter(slug__in=slugs)
        .select_related("vendor")
        .prefetch_related(
            _capabilities_prefetch(),
            Prefetch(
                "price_rows",
                queryset=ArtifactPrice.objects.filter(
                    min_prompt_tokens__gt=0, unit_clear=True, amount__isnull=False
                ),
                to_attr="price_tier_rows",
            ),
        )
    )


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None  # "varies", or nothing on record


def model_facts_build(*, artifact: Artifact) -> ModelFacts | None:
    """What the source says about a model (None for other kinds); no query."""
    if artifact.kind != ArtifactKind.MODEL:
        return None
    prices = {
        unit: amount
        for unit, value in (artifact.prices or {}).items()
        if (amount := _decimal(value)) is not None
    }
    # The importer's per-token facts (issue 20) win over the older prices map.
    if artifact.input_price is not None:
        prices[PriceUnit.PROMPT_TOKEN] = artifact.input_price
    if artifact.output_price is not None:
        prices[PriceUnit.COMPLETION_TOKEN] = artifact.output_price
    if artifact.starting_price is not None and artifact.price_unit:
        prices.setdefault(artifact.price_unit, artifact.starting_price)
    tier_units = {"prompt": PriceUnit.PROMPT_TOKEN, "completion": PriceUnit.COMPLETION_TOKEN}
    tiers = tuple(
        (row.min_prompt_tokens, tier_units[row.key], row.amount)
        for row in getattr(artifact, "price_tier_rows", ())
        if row.key in tier_units
    )
    return ModelFacts(
        context_length=artifact.context_length,
        max_output=artifact.max_output_tokens,
        prices=prices,
        price_tiers=tiers,
        cache_read=artifact.cache_read_price,
        input_modalities=tuple(artifact.input_modalities or ()),
        output_modalities=tuple(artifact.output_modalities or ()),
        features={
            "tools": artifact.supports_tools,
            "structured_output": artifact.supports_structured_output,
            "reasoning": artifact.supports_reasoning,
            "web_search": artifact.supports_web_search,
        },
        open_weights=artifact.open_weights_status,
        weights_url=artifact.weights_url,
        knowledge_cutoff=artifact.knowledge_cutoff,
        release_date=artifact.release_date,
    )


def side_facts_build(*, artifact: Artifact) -> SideFacts:
    """Plain facts for the verdict rules, from an artifact loaded by artifacts_for_page,
    without same-job links: those belong to a pair (`side_facts_linked`)."""
    return SideFacts(
        name=artifact.name,
        kind=artifact.kind,
        kind_label=artifact.get_kind_display(),
        rank=artifact.rank,
        rank_low=artifact.rank_low,
        rank_high=artifact.rank_high,
        rank_group=rank_group_label(kind=artifact.kind, job=artifact.job),
        components={c: getattr(artifact, c) for c in COMPONENTS},
        pricing_model=artifact.pricing_model,
        pricing_label=artifact.get_pricing_model_display(),
        has_free_tier=artifact.has_free_tier,
        open_weights=artifact.open_weights_status,
        starting_price=artifact.starting_price,
        price_unit=artifact.price_unit,
        price_varies=artifact.price_varies,
        output_modalities=tuple(artifact.output_modalities),
        capabilities=tuple(
            CapabilityFacts(
                c.id,
                c.title,
                tuple((t.slug, t.name) for t in c.tags.all()),
                description=c.description,
            )
            for c in artifact.published_capabilities
        ),
        times_matched=artifact.times_matched,
        model=model_facts_build(artifact=artifact),
    )


def side_facts_linked(*, facts: SideFacts, same_job: Mapping[int, frozenset[int]]) -> SideFacts:
    """`facts` with editors' same-job links (capability id -> the other side's linked ids,
    LoadedPair.same_job) set on its capabilities; `facts` itself when there are none."""
    if not same_job or not any(c.id in same_job for c in facts.capabilities):
        return facts
    return replace(
        facts,
        capabilities=tuple(
            replace(c, same_job=same_job[c.id]) if c.id in same_job else c
            for c in facts.capabilities
        ),
    )


@dataclass(frozen=True)
class ArtifactPart:
    """One published artifact as `artifacts_for_page` loads it, with its summary rendered
    (`summary_html`) and each of its `published_capabilities` rendered for the comparison
    page (`body_html`) and the artifact page (`wide_body_html`); its verdict facts without
    same-job links (those belong to a pair: `side_facts_linked` adds them); editors'
    same-job links of its published capabilities (capability id -> linked capability ids,
    whatever their artifact, both ways); and editors' overrides of its comparisons (the
    other artifact's id -> the override)."""

    artifact: Artifact
    facts: SideFacts
    same_job: Mapping[int, frozenset[int]] = field(default_factory=dict)
    overrides: Mapping[int, ComparisonOverride] = field(default_factory=dict)

    def same_job_with(self, other: "ArtifactPart") -> dict[int, frozenset[int]]:
        """The same-job links between this artifact's published capabilities and `other`'s,
        both ways: capability id -> the other side's linked capability ids."""
        links: dict[int, set[int]] = {}
        for mine, theirs in ((self, other), (other, self)):
            ids = {c.id for c in theirs.artifact.published_capabilities}
            for capability, linked in mine.same_job.items():
                for each in linked & ids:
                    links.setdefault(capability, set()).add(each)
                    links.setdefault(each, set()).add(capability)
        return {capability: frozenset(linked) for capability, linked in links.items()}


def _links_of(artifacts: list[Artifact]) -> dict[int, dict[int, frozenset[int]]]:
    """Editors' same-job links of these artifacts' published capabilities, per artifact id
    (1 query; a link is stored both ways, read here from either end)."""
    owner = {c.id: a.id for a in artifacts for c in a.published_capabilities}
    rows = CapabilitySameJob.objects.filter(
        Q(from_capability_id__in=list(owner)) | Q(to_capability_id__in=list(owner))
    ).values_list("from_capability_id", "to_capability_id")
    links: dict[int, dict[int, set[int]]] = {a.id: {} for a in artifacts}
    for one, other in rows:
        for capability, linked in ((one, other), (other, one)):
            if capability in owner:
                links[owner[capability]].setdefault(capability, set()).add(linked)
    return {
        artifact_id: {c: frozenset(linked) for c, linked in by_capability.items()}
        for artifact_id, by_capability in links.items()
    }


def _overrides_of(artifacts: list[Artifact]) -> dict[int, dict[int, ComparisonOverride]]:
    """Editors' overrides of comparisons these artifacts are in: per artifact id, the other
    artifact's id -> the override (1 query)."""
    ids = [a.id for a in artifacts]
    found: dict[int, dict[int, ComparisonOverride]] = {pk: {} for pk in ids}
    for override in ComparisonOverride.objects.filter(
        Q(artifact_a_id__in=ids) | Q(artifact_b_id__in=ids)
    ):
        for mine, other in (
            (override.artifact_a_id, override.artifact_b_id),
            (override.artifact_b_id, override.artifact_a_id),
        ):
            if mine in found:
                found[mine][other] = override
    return found


def _markup_attach(artifact: Artifact) -> None:
    artifact.summary_html = markdown_inline(artifact.summary)
    for capability in artifact.published_capabilities:
        # Each editor text rendered from Markdown and sanitised once (the costliest part
        # of a part's build), for both fragments.
        text = {
            "description": markdown_render(capability.description),
            **{
                name: markdown_inline(value) if (value := getattr(capability, name)) else ""
                for name in ("unique", "vs_alternatives", "best_for", "limitations")
            },
        }
        context = {"capability": capability, "text": text, "tags": capability.tags.all()}
        # The comparison page's side lists, and the artifact page's wider one (best for,
        # limitations); the same fragment template for both.
        for attribute, wide in (("body_html", False), ("wide_body_html", True)):
            html = render_to_string(CAPABILITY_TEMPLATE, {**context, "wide": wide}, using="jinja2")
            # Safe: produced by the template engine, which escaped every value; editor text
            # went through the Markdown sanitiser (catalog/markup.py).
            setattr(capability, attribute, mark_safe(html))


def _parts_build(slugs: list[str]) -> dict[str, ArtifactPart]:
    """The parts of the published artifacts among `slugs` (7 queries)."""
    artifacts = list(artifacts_for_page(slugs=slugs))
    links, overrides = _links_of(artifacts), _overrides_of(artifacts)
    parts = {}
    for artifact in artifacts:
        _markup_attach(artifact)
        parts[artifact.slug] = ArtifactPart(
            artifact=artifact,
            facts=side_facts_build(artifact=artifact),
            same_job=links[artifact.id],
            overrides=overrides[artifact.id],
        )
    return parts


def artifact_parts_get(
    *, slugs: list[str], version: str | None
) -> tuple[dict[str, ArtifactPart], dict[str, Weights]]:
    """The parts of the published artifacts among `slugs` (slug -> part; unpublished and
    unknown slugs are absent) and the rank weights per kind, from one cache read; what is
    missing is built (7 queries) and stored. `version`: the catalog version the caller
    read (`derived_cache_version()`; None builds everything fresh).
    Raises nothing for a failing cache: it only costs the reuse
    (comparisons/caching/derived.py)."""
    weights_key = f"rank-weights:{version}"
    keys = (
        {slug: f"artifact-part:{PARTS_LAYOUT}:{version}:{slug}" for slug in slugs}
        if version
        else {}
    )
    found = parts_cache_get_many([weights_key, *keys.values()]) if keys else {}
    parts = {slug: found[key] for slug, key in keys.items() if key in found}
    fresh: dict[str, object] = {}
    missing = [slug for slug in slugs if slug not in parts]
    if missing:
        for slug, part in _parts_build(missing).items():
            parts[slug] = part
            if keys:
                fresh[keys[slug]] = part
    weights = found.get(weights_key)
    if weights is None:
        weights = weights_by_kind_get()
        fresh[weights_key] = weights
    if keys and fresh:
        parts_cache_set_many(fresh)
    return parts, weights
