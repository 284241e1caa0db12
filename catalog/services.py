"""Writes to catalog data. Every function is keyword-only and named <thing>_<action>."""

from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from catalog.models import Artifact, Status
from catalog.ranking import COMPONENTS, QualityInputs, scores_compute
from catalog.selectors import weights_by_kind_get
from catalog.versioning import catalog_version_bump

# Editing these in admin does not make a field "curated": they are bookkeeping.
_NOT_CURATABLE = {
    "status", "curated_fields", "needs_review", "last_reviewed_at", "delisted_at",
    "delisting_kept", "prices_unclear",
}  # fmt: skip


# In curated_fields: an editor changed this artifact's capabilities, so imports leave them all.
CURATED_CAPABILITIES = "capabilities"


def artifact_mark_curated(*, artifact: Artifact, fields: Iterable[str]) -> None:
    """Remember which fields an editor changed so that imports never overwrite them."""
    curated = set(artifact.curated_fields or []) | (set(fields) - _NOT_CURATABLE)
    artifact.curated_fields = sorted(curated)


def artifacts_mark_capabilities_curated(*, artifact_ids: Iterable[int]) -> None:
    """An editor added, changed or removed capabilities of these artifacts."""
    # Bookkeeping only, like status: no history row of its own.
    for artifact in Artifact.objects.filter(id__in=set(artifact_ids)).only("id", "curated_fields"):
        if CURATED_CAPABILITIES not in (artifact.curated_fields or []):
            artifact_mark_curated(artifact=artifact, fields=[CURATED_CAPABILITIES])
            Artifact.objects.filter(id=artifact.id).update(curated_fields=artifact.curated_fields)


def artifact_history_note(*, artifact: Artifact, user, reason: str) -> None:
    """Adds a row to the artifact's history saying what changed beside it (a capability
    added, edited or deleted), by whom. Capabilities have their own history too; this row
    is what an editor reading the artifact's History sees. The artifact itself is not saved
    again (its fields, as stored now, are what the row records). `user`: the editor (a
    User); `reason`: a sentence, cut to the history column's 100 characters with "…"."""
    current = Artifact.objects.filter(pk=artifact.pk).first()
    if current is None:
        return
    if len(reason) > 100:
        reason = reason[:99] + "…"
    Artifact.history.bulk_history_create(
        [current], update=True, default_user=user, default_change_reason=reason
    )


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


_SCORE_COLUMNS = (*COMPONENTS, "rank")


def _scores_write(*, results: dict, now) -> int:
    """Store every result with one UPDATE from a temporary table (COPY-filled on
    PostgreSQL): at 100,000 artifacts, row-by-row bulk_update took minutes."""
    rows = [
        (artifact_id, *(result.components[c] for c in COMPONENTS), result.rank)
        for artifact_id, result in results.items()
    ]
    columns = ", ".join(f"{c} double precision" for c in COMPONENTS)
    assignments = ", ".join(f"{c} = s.{c}" for c in _SCORE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS score_new")
        cursor.execute(
            f"CREATE TEMPORARY TABLE score_new (id bigint PRIMARY KEY, {columns}, rank integer)"
        )
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(
                f"COPY score_new (id, {', '.join(_SCORE_COLUMNS)}) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            placeholders = ", ".join(["%s"] * (len(_SCORE_COLUMNS) + 1))
            cursor.executemany(f"INSERT INTO score_new VALUES ({placeholders})", rows)
        cursor.execute(
            f"UPDATE catalog_artifact SET {assignments}, score_computed_at = %s"
            " FROM score_new s WHERE catalog_artifact.id = s.id",
            [now],
        )
        written = cursor.rowcount
        cursor.execute("DROP TABLE score_new")
    return written


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
    with transaction.atomic():
        written = _scores_write(results=results, now=timezone.now())
        catalog_version_bump()
    return len(artifact_ids) if artifact_ids is not None else written


def capability_claims_recompute() -> int:
    """Recompute the computed Unique / vs-alternatives lines (and their "how we know"
    note) of every imported model's capabilities against the published models
    (catalog.claims). Editors' own text is never touched. Returns how many capabilities
    changed; run after each import and by `recompute_scores`."""
    from catalog.claims import ModelFacts, claims_compute
    from catalog.models import ArtifactKind, ArtifactPrice, Capability

    image_token = dict(
        ArtifactPrice.objects.filter(
            key="image_output", min_prompt_tokens=0, unit_clear=True, amount__isnull=False
        ).values_list("artifact_id", "amount")
    )
    fields = (
        "id", "input_modalities", "output_modalities", "context_length", "max_output_tokens",
        "input_price", "supports_tools", "supports_structured_output", "supports_reasoning",
        "supports_web_search", "status", "external_source",
    )  # fmt: skip
    titles: dict[int, set[str]] = {}
    for artifact_id, title in Capability.objects.published().values_list("artifact_id", "title"):
        titles.setdefault(artifact_id, set()).add(title)
    facts, published, imported = {}, [], []
    for row in Artifact.objects.filter(kind=ArtifactKind.MODEL).only(*fields):
        fact = ModelFacts(
            id=row.pk,
            inputs=frozenset(row.input_modalities),
            outputs=frozenset(row.output_modalities),
            context_length=row.context_length,
            max_output_tokens=row.max_output_tokens,
            input_price=row.input_price,
            output_image_token_price=image_token.get(row.pk),
            supports={
                "tools": row.supports_tools,
                "structured_output": row.supports_structured_output,
                "reasoning": row.supports_reasoning,
                "web_search": row.supports_web_search,
            },
            titles=frozenset(titles.get(row.pk, ())),
        )
        facts[row.pk] = fact
        if row.status == Status.PUBLISHED:
            published.append(fact)
        if row.external_source:
            imported.append(row.pk)

    claim_fields = ("computed_unique", "computed_vs_alternatives", "computed_basis")
    capabilities = list(
        Capability.objects.filter(artifact_id__in=imported).only(
            "id", "artifact_id", "title", *claim_fields
        )
    )
    own: dict[int, list[str]] = {}
    for capability in capabilities:
        own.setdefault(capability.artifact_id, []).append(capability.title)
    claims = {
        artifact_id: claims_compute(model=facts[artifact_id], titles=names, catalog=published)
        for artifact_id, names in own.items()
    }
    changed = []
    for capability in capabilities:
        claim = claims[capability.artifact_id].get(capability.title)
        wanted = (claim.unique, claim.vs_alternatives, claim.basis) if claim else ("", "", "")
        current = (
            capability.computed_unique,
            capability.computed_vs_alternatives,
            capability.computed_basis,
        )
        if wanted != current:
            (
                capability.computed_unique,
                capability.computed_vs_alternatives,
                capability.computed_basis,
            ) = wanted
            changed.append(capability)
    if changed:
        with transaction.atomic():
            catalog_version_bump()
            Capability.objects.bulk_update(
                changed,
                ["computed_unique", "computed_vs_alternatives", "computed_basis"],
                batch_size=500,
            )
    return len(changed)
