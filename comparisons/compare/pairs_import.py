"""Editor-chosen "X vs Y" pairs from a tools catalog, as approved comparison overrides.

A pair names two tools by the catalog's external ids (the tools source's slugs). A pair
that already has an override is left as it is, whatever an editor set on it.
"""

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from simple_history.utils import bulk_create_with_history

from catalog.importers.common import ImportReport, ImportSourceError
from catalog.models import Artifact
from catalog.versioning import catalog_version_bump
from comparisons.models import ComparisonOverride


@dataclass(frozen=True)
class PairRecord:
    label: str
    a: str
    b: str


def comparison_pairs_parse(*, payload: Any) -> tuple[list[PairRecord], list[tuple[str, str]]]:
    """Valid pairs, and (label, reason) for each entry that is not one."""
    if not isinstance(payload, list):
        raise ImportSourceError(
            f"expected a JSON list of comparison pairs, got {type(payload).__name__}"
        )
    if not payload:
        raise ImportSourceError("the comparisons list is empty")
    pairs, skipped = [], []
    for position, item in enumerate(payload):
        if not isinstance(item, dict):
            skipped.append((f"#{position}", "not an object"))
            continue
        a, b = item.get("a"), item.get("b")
        label = item.get("slug") if isinstance(item.get("slug"), str) else f"#{position}"
        if not (isinstance(a, str) and a.strip() and isinstance(b, str) and b.strip()):
            skipped.append((label, 'needs two tool slugs in "a" and "b"'))  # type: ignore[arg-type]
            continue
        pairs.append(PairRecord(label=label, a=a.strip(), b=b.strip()))  # type: ignore[arg-type]
    return pairs, skipped


def comparison_pairs_import(
    *,
    source: str,
    pairs: list[PairRecord],
    skipped: list[tuple[str, str]],
    aliases: dict[str, str],
    pending: set[str],
    dry_run: bool = False,
) -> ImportReport:
    """Create an approved override for each pair that has none. `aliases` maps duplicate
    slugs to the record kept; `pending` holds ids a dry run would have created."""
    report = ImportReport(source=f"{source} comparisons", dry_run=dry_run, skipped=list(skipped))
    wanted = {aliases.get(x, x) for pair in pairs for x in (pair.a, pair.b)}
    artifacts = {
        a.external_id: a
        for a in Artifact.objects.filter(external_source=source, external_id__in=wanted).only(
            "id", "slug", "external_id"
        )
    }
    ids = [a.pk for a in artifacts.values()]
    existing = {
        frozenset(pair)
        for pair in ComparisonOverride.objects.filter(
            Q(artifact_a_id__in=ids) & Q(artifact_b_id__in=ids)
        ).values_list("artifact_a_id", "artifact_b_id")
    }
    seen: set[frozenset] = set()
    to_create = []
    for pair in pairs:
        a, b = aliases.get(pair.a, pair.a), aliases.get(pair.b, pair.b)
        if a == b:
            report.skipped.append((pair.label, "compares a product with itself"))
            continue
        absent = [x for x in (a, b) if x not in artifacts and x not in pending]
        if absent:
            report.skipped.append((pair.label, f"{absent[0]} is not in the catalog"))
            continue
        key = frozenset((a, b))
        if key in seen:
            report.skipped.append((pair.label, "listed twice"))
            continue
        seen.add(key)
        if a not in artifacts or b not in artifacts:
            report.created += 1  # a dry run: the artifact itself would be new
            continue
        first, second = sorted((artifacts[a], artifacts[b]), key=lambda x: x.slug)
        if frozenset((first.pk, second.pk)) in existing:
            report.unchanged += 1
            continue
        # Canonical order, as in the page URL: the slug that sorts first is side A.
        to_create.append(ComparisonOverride(artifact_a=first, artifact_b=second, approved=True))
        report.created += 1
    if to_create and not dry_run:
        with transaction.atomic():
            catalog_version_bump(
                artifact_ids={pk for o in to_create for pk in (o.artifact_a_id, o.artifact_b_id)}
            )
            bulk_create_with_history(
                to_create, ComparisonOverride, default_change_reason=f"Imported from {source}"
            )
    return report
