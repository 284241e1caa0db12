"""The demo catalog: real AI artifacts described in the project's own words.

Loading is idempotent: records are matched by slug (capabilities by artifact and
title) and only written when a value differs, so a second run writes nothing.
"""

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from catalog.fields import modalities_encode
from catalog.models import (
    Artifact,
    Capability,
    Evaluation,
    EvaluationAlias,
    Status,
    Tag,
    UsageFact,
    Vendor,
)

DEMO_DATA_DIR = Path(__file__).resolve().parent / "data"

ARTIFACT_FIELDS = (
    "name", "kind", "summary", "homepage", "docs_url", "pricing_model", "has_free_tier",
    "starting_price", "price_unit", "open_weights", "license", "context_length",
    "input_modalities", "output_modalities", "release_date", "stars", "downloads", "likes",
    "integrations",
)  # fmt: skip
CAPABILITY_FIELDS = (
    "description", "unique", "vs_alternatives", "best_for", "limitations", "input_types",
    "output_types", "position",
)  # fmt: skip


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    def count(self, bucket: dict[str, int], kind: str) -> None:
        bucket[kind] = bucket.get(kind, 0) + 1

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def __str__(self) -> str:
        def fmt(bucket):
            return ", ".join(f"{n} {k}" for k, n in sorted(bucket.items())) or "nothing"

        return f"created {fmt(self.created)}; updated {fmt(self.updated)}"


def demo_data_read(*, data_dir: Path = DEMO_DATA_DIR) -> dict:
    merged: dict = {"vendors": {}, "artifacts": {}, "evaluation_aliases": {}}
    for path in sorted(data_dir.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        for vendor in payload.get("vendors", []):
            merged["vendors"][vendor["slug"]] = vendor
        for artifact in payload.get("artifacts", []):
            merged["artifacts"][artifact["slug"]] = artifact
        for alias in payload.get("evaluation_aliases", []):
            merged["evaluation_aliases"][(alias["source"], alias["key"])] = alias
    return merged


def tags_read(*, data_dir: Path = DEMO_DATA_DIR) -> dict[str, str]:
    """The tag taxonomy lives in SCHEMA.md as `slug: Name` pairs separated by ' · '."""
    text = (data_dir / "SCHEMA.md").read_text(encoding="utf-8")
    taxonomy = text.split("## Tag taxonomy", 1)[1].split("\n", 1)[1]
    pairs = [p.strip() for p in taxonomy.replace("\n", " ").split("·") if ":" in p]
    return {slug.strip(): name.strip() for slug, name in (p.split(":", 1) for p in pairs)}


def _apply(obj, values: dict) -> bool:
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _artifact_values(record: dict) -> dict:
    price = record.get("price")
    release = record.get("release_date")
    values = {name: record.get(name) for name in ARTIFACT_FIELDS if name in record}
    values.update(
        starting_price=Decimal(price) if price is not None else None,
        price_unit=record.get("price_unit") or "" if price is not None else "",
        release_date=date.fromisoformat(release) if release else None,
        input_modalities=sorted(record.get("input_modalities", [])),
        output_modalities=sorted(record.get("output_modalities", [])),
        docs_url=record.get("docs_url") or "",
        license=record.get("license") or "",
        status=Status.PUBLISHED,
    )
    values.pop("price", None)
    # Validate modalities early with a clear message.
    modalities_encode(values["input_modalities"])
    modalities_encode(values["output_modalities"])
    return values


@transaction.atomic
def demo_catalog_load(*, data_dir: Path = DEMO_DATA_DIR) -> LoadReport:
    report = LoadReport()
    data = demo_data_read(data_dir=data_dir)

    tags = {}
    for slug, name in tags_read(data_dir=data_dir).items():
        tag, created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
        if created:
            report.count(report.created, "tags")
        elif _apply(tag, {"name": name}):
            tag.save()
            report.count(report.updated, "tags")
        tags[slug] = tag

    vendors = {}
    for slug, record in data["vendors"].items():
        values = {"name": record["name"], "homepage": record.get("homepage", "")}
        vendor = Vendor.objects.filter(slug=slug).first()
        if vendor is None:
            vendor = Vendor.objects.create(slug=slug, **values)
            report.count(report.created, "vendors")
        elif _apply(vendor, values):
            vendor.save()
            report.count(report.updated, "vendors")
        vendors[slug] = vendor

    for slug, record in data["artifacts"].items():
        values = _artifact_values(record)
        values["vendor"] = vendors[record["vendor"]]
        artifact = Artifact.objects.filter(slug=slug).first()
        if artifact is None:
            artifact = Artifact.objects.create(slug=slug, **values)
            report.count(report.created, "artifacts")
        elif _apply(artifact, values):
            artifact.save()
            report.count(report.updated, "artifacts")
        _capabilities_load(
            artifact=artifact, records=record["capabilities"], tags=tags, report=report
        )
        _evaluations_load(artifact=artifact, records=record.get("evaluations", []), report=report)
        _usage_load(artifact=artifact, records=record.get("usage", []), report=report)

    for (source, key), record in data["evaluation_aliases"].items():
        values = {
            "artifact": Artifact.objects.get(slug=record["artifact"]),
            "note": record.get("note", ""),
        }
        alias = EvaluationAlias.objects.filter(source=source, key=key).first()
        if alias is None:
            EvaluationAlias.objects.create(source=source, key=key, **values)
            report.count(report.created, "evaluation aliases")
    return report


_EVALUATION_VALUES = (
    "rating", "rating_low", "rating_high", "position", "position_low", "position_high",
    "board_size", "source_url",
)  # fmt: skip


def _evaluations_load(*, artifact: Artifact, records: list[dict], report: LoadReport) -> None:
    """Leaderboard ratings (facts with their source and date) linked to the artifact."""
    for record in records:
        values = {name: record[name] for name in _EVALUATION_VALUES}
        values.update(published_on=date.fromisoformat(record["published_on"]), artifact=artifact)
        identity = {k: record[k] for k in ("source", "board", "category", "key")}
        evaluation = Evaluation.objects.filter(**identity).first()
        if evaluation is None:
            Evaluation.objects.create(**identity, **values)
            report.count(report.created, "evaluations")
        elif _apply(evaluation, values):
            evaluation.save()
            report.count(report.updated, "evaluations")


def _usage_load(*, artifact: Artifact, records: list[dict], report: LoadReport) -> None:
    """Published usage figures, each with its source URL and date."""
    for record in records:
        as_of = date.fromisoformat(record["as_of"])
        values = {"value": record["value"], "source_url": record["source_url"]}
        fact = UsageFact.objects.filter(
            artifact=artifact, metric=record["metric"], as_of=as_of
        ).first()
        if fact is None:
            UsageFact.objects.create(
                artifact=artifact, metric=record["metric"], as_of=as_of, **values
            )
            report.count(report.created, "usage facts")
        elif _apply(fact, values):
            fact.save()
            report.count(report.updated, "usage facts")


def _capabilities_load(*, artifact: Artifact, records: list[dict], tags: dict, report: LoadReport):
    existing = {c.title: c for c in artifact.capabilities.prefetch_related("tags")}
    for position, record in enumerate(records):
        values = {name: record.get(name, "") for name in CAPABILITY_FIELDS}
        values.update(
            position=position,
            input_types=sorted(record.get("input_types", [])),
            output_types=sorted(record.get("output_types", [])),
        )
        wanted_tags = {tags[slug] for slug in record.get("tags", [])}
        capability = existing.get(record["title"])
        if capability is None:
            capability = Capability.objects.create(
                artifact=artifact, title=record["title"], **values
            )
            capability.tags.set(wanted_tags)
            report.count(report.created, "capabilities")
            continue
        changed = _apply(capability, values)
        if changed:
            capability.save()
        if set(capability.tags.all()) != wanted_tags:
            capability.tags.set(wanted_tags)
            changed = True
        if changed:
            report.count(report.updated, "capabilities")
