"""Writes to catalog data. Every function is keyword-only and named <thing>_<action>."""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from catalog.models import Artifact, Status
from catalog.ranking import COMPONENTS, QualityInputs, scores_compute
from catalog.selectors import weights_by_kind_get

# Editing these in admin does not make a field "curated": they are bookkeeping.
_NOT_CURATABLE = {"status", "curated_fields", "needs_review", "last_reviewed_at"}


def artifact_mark_curated(*, artifact: Artifact, fields: Iterable[str]) -> None:
    """Remember which fields an editor changed so that imports never overwrite them."""
    curated = set(artifact.curated_fields or []) | (set(fields) - _NOT_CURATABLE)
    artifact.curated_fields = sorted(curated)


def artifacts_set_status(*, artifacts: QuerySet[Artifact], status: str) -> int:
    # One save per artifact (not queryset.update) so that each change lands in the history.
    count = 0
    with transaction.atomic():
        for artifact in artifacts.select_for_update():
            if artifact.status != status:
                artifact.status = status
                artifact.save(update_fields=["status", "updated_at"])
            count += 1
    return count


def _score_rows(queryset: QuerySet[Artifact]) -> list[dict]:
    published = Q(capabilities__status=Status.PUBLISHED)
    explained = published & ~Q(capabilities__unique="") & ~Q(capabilities__vs_alternatives="")
    rows = queryset.annotate(
        n_caps=Count("capabilities", filter=published, distinct=True),
        n_explained=Count("capabilities", filter=explained, distinct=True),
        n_tagged=Count(
            "capabilities", filter=published & Q(capabilities__tags__isnull=False), distinct=True
        ),
    ).values(
        "id", "kind", "stars", "downloads", "likes", "integrations", "match_graph",
        "release_date", "last_reviewed_at", "summary", "homepage", "docs_url", "license",
        "starting_price", "pricing_model", "n_caps", "n_explained", "n_tagged",
    )  # fmt: skip
    result = []
    for row in rows:
        price_known = row["starting_price"] is not None or row["pricing_model"] in {
            "free",
            "open_source",
        }
        row["quality"] = QualityInputs(
            summary=row["summary"],
            homepage=row["homepage"],
            docs_url=row["docs_url"],
            license=row["license"],
            price_known=price_known,
            release_date=row["release_date"],
            last_reviewed_at=row["last_reviewed_at"],
            capability_count=row["n_caps"],
            capabilities_explained=row["n_explained"],
            capabilities_tagged=row["n_tagged"],
        )
        result.append(row)
    return result


def artifact_scores_recompute(*, artifact_ids: list[int] | None = None) -> int:
    """Recompute components and rank. Adoption and ecosystem are relative to the other
    artifacts of the same kind, so the whole of every affected kind is recomputed."""
    queryset = Artifact.objects.all()
    if artifact_ids is not None:
        kinds = set(Artifact.objects.filter(id__in=artifact_ids).values_list("kind", flat=True))
        queryset = queryset.filter(kind__in=kinds)
    rows = _score_rows(queryset)
    results = scores_compute(
        artifacts=rows, weights_by_kind=weights_by_kind_get(), today=timezone.localdate()
    )
    now = timezone.now()
    changed = []
    with transaction.atomic():
        artifacts = Artifact.objects.filter(id__in=results).only("id", *COMPONENTS, "rank")
        for artifact in artifacts:
            result = results[artifact.id]
            for name, value in result.components.items():
                setattr(artifact, name, value)
            artifact.rank = result.rank
            artifact.score_computed_at = now
            changed.append(artifact)
        Artifact.objects.bulk_update(
            changed, [*COMPONENTS, "rank", "score_computed_at"], batch_size=1000
        )
    return len(artifact_ids) if artifact_ids is not None else len(changed)
