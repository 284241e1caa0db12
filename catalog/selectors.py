"""Reads of catalog data. Views and other apps read through these functions."""

from django.db.models import QuerySet

from catalog.models import Artifact, RankWeights
from catalog.ranking import COMPONENTS, Breakdown, Weights, breakdown_build, weights_for_kind


def weights_by_kind_get() -> dict[str, Weights]:
    """Editor-set weights per kind; kinds without a row use the published defaults."""
    return {
        row["kind"]: Weights(**{c: row[c] for c in COMPONENTS})
        for row in RankWeights.objects.values("kind", *COMPONENTS)
    }


def artifact_weights_get(
    *, artifact: Artifact, weights_by_kind: dict[str, Weights] | None = None
) -> Weights:
    if weights_by_kind is None:
        weights_by_kind = weights_by_kind_get()
    return weights_for_kind(kind=artifact.kind, overrides=weights_by_kind)


def artifact_breakdown_get(
    *, artifact: Artifact, weights_by_kind: dict[str, Weights] | None = None
) -> Breakdown:
    """The stored components drawn as a breakdown with the weights now in force."""
    return breakdown_build(
        components={c: getattr(artifact, c) for c in COMPONENTS},
        weights=artifact_weights_get(artifact=artifact, weights_by_kind=weights_by_kind),
    )


def artifact_published_get(*, slug: str) -> Artifact | None:
    return Artifact.objects.published().select_related("vendor").filter(slug=slug).first()


def artifacts_top(*, limit: int = 12) -> QuerySet[Artifact]:
    return Artifact.objects.published().listed().for_cards().by_rank()[:limit]
