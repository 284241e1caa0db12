"""Export and restore the curated catalog as versioned JSON.

What editors made is exported: vendors, tags, artifacts with their capabilities, the
capabilities' "same job" links, rank weights and comparison overrides. Search evidence is
not: it has its own tables and is backed up with the database (pg_dump). Rows are keyed
by slug, never by database id, so a file restores into any database, and restoring twice
changes nothing.
"""

import json
from datetime import UTC, datetime
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from catalog.models import Artifact, Capability, CapabilitySameJob, RankWeights, Tag, Vendor
from comparisons.models import ComparisonOverride

FORMAT = "unfragile-catalog"
VERSION = 1
# Bookkeeping that the database maintains by itself.
_SKIPPED = {"id", "created_at", "updated_at"}


class BackupError(ValueError):
    pass


class _ExactEncoder(DjangoJSONEncoder):
    """DjangoJSONEncoder cuts datetimes to milliseconds; a backup keeps them whole."""

    def default(self, o):
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _plain_fields(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if not f.is_relation and f.name not in _SKIPPED]


def _dump(obj: models.Model) -> dict[str, Any]:
    return {f.name: f.value_from_object(obj) for f in _plain_fields(type(obj))}


def _load(model: type[models.Model], record: dict[str, Any]) -> dict[str, Any]:
    fields = {f.name: f for f in _plain_fields(model)}
    unknown = set(record) - set(fields)
    if unknown:
        raise BackupError(f"{model.__name__}: unknown fields {sorted(unknown)}")
    return {name: fields[name].to_python(value) for name, value in record.items()}


def catalog_export() -> str:
    artifacts = []
    for artifact in Artifact.objects.select_related("vendor").prefetch_related(
        models.Prefetch("capabilities", Capability.objects.prefetch_related("tags"))
    ):
        capabilities = [
            {**_dump(c), "tags": sorted(t.slug for t in c.tags.all())}
            for c in artifact.capabilities.all()
        ]
        artifacts.append(
            {**_dump(artifact), "vendor": artifact.vendor.slug, "capabilities": capabilities}
        )
    payload = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(),
        "vendors": [_dump(v) for v in Vendor.objects.all()],
        "tags": [_dump(t) for t in Tag.objects.all()],
        "artifacts": artifacts,
        "rank_weights": [_dump(w) for w in RankWeights.objects.all()],
        # Each link once (lower id first), each capability as [artifact slug, title, position].
        "capability_same_job": sorted(
            [
                [_capability_key(link.from_capability), _capability_key(link.to_capability)]
                for link in CapabilitySameJob.objects.select_related(
                    "from_capability__artifact", "to_capability__artifact"
                )
                if link.from_capability_id < link.to_capability_id
            ]
        ),
        "comparison_overrides": [
            {**_dump(o), "artifact_a": o.artifact_a.slug, "artifact_b": o.artifact_b.slug}
            for o in ComparisonOverride.objects.select_related("artifact_a", "artifact_b")
        ],
    }
    return json.dumps(payload, cls=_ExactEncoder, indent=1, sort_keys=True)


@transaction.atomic
def catalog_import(*, text: str) -> dict[str, int]:
    """Restore a catalog export. All or nothing: any invalid record rolls back the lot."""
    try:
        payload = json.loads(text)
    except json.JSONDecodeError as error:
        raise BackupError(f"not valid JSON ({error.msg} at line {error.lineno})") from error
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise BackupError(f"not an {FORMAT} file")
    if payload.get("version") != VERSION:
        raise BackupError(f"unsupported version {payload.get('version')!r} (expected {VERSION})")

    counts: dict[str, int] = {}
    for record in payload["vendors"]:
        values = _load(Vendor, record)
        Vendor.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    for record in payload["tags"]:
        values = _load(Tag, record)
        Tag.objects.update_or_create(slug=values.pop("slug"), defaults=values)
    vendors = {v.slug: v for v in Vendor.objects.all()}
    tags = {t.slug: t for t in Tag.objects.all()}
    for record in payload["artifacts"]:
        record = dict(record)
        vendor, capabilities = vendors[record.pop("vendor")], record.pop("capabilities")
        values = _load(Artifact, record)
        artifact, _ = Artifact.objects.update_or_create(
            slug=values.pop("slug"), defaults={**values, "vendor": vendor}
        )
        _capabilities_restore(artifact=artifact, records=capabilities, tags=tags)
    for record in payload["rank_weights"]:
        values = _load(RankWeights, record)
        RankWeights.objects.update_or_create(kind=values.pop("kind"), defaults=values)
    artifacts = {a.slug: a for a in Artifact.objects.only("id", "slug")}
    for record in payload["comparison_overrides"]:
        record = dict(record)
        a, b = artifacts[record.pop("artifact_a")], artifacts[record.pop("artifact_b")]
        ComparisonOverride.objects.update_or_create(
            artifact_a=a, artifact_b=b, defaults=_load(ComparisonOverride, record)
        )
    # Optional: files written before the links existed have none.
    for first, second in payload.get("capability_same_job", []):
        _capability_find(first).same_job_as.add(_capability_find(second))
    for key in ("vendors", "tags", "artifacts", "rank_weights", "comparison_overrides"):
        counts[key] = len(payload[key])
    counts["capability_same_job"] = len(payload.get("capability_same_job", []))
    return counts


def _capability_key(capability: Capability) -> list:
    return [capability.artifact.slug, capability.title, capability.position]


def _capability_find(key: list) -> Capability:
    slug, title, position = key
    found = Capability.objects.filter(artifact__slug=slug, title=title, position=position).first()
    if found is None:
        raise BackupError(f"same-job link to an unknown capability {slug}: {title!r}")
    return found


def _capabilities_restore(*, artifact: Artifact, records: list[dict], tags: dict) -> None:
    existing = {(c.title, c.position): c for c in artifact.capabilities.all()}
    for record in records:
        record = dict(record)
        tag_slugs = record.pop("tags")
        values = _load(Capability, record)
        capability = existing.pop((values["title"], values["position"]), None)
        if capability is None:
            capability = Capability(artifact=artifact)
        for name, value in values.items():
            setattr(capability, name, value)
        capability.save()
        capability.tags.set([tags[slug] for slug in tag_slugs])
