"""Turn parsed records into catalog rows: idempotent, curation-aware, in bulk.

- An artifact is found by (source, external id). Failing that, an artifact with the same
  slug and no external id (a hand-made or demo entry) is adopted: it gets the external
  id, and every value it already had that the source would change is marked curated, so
  an editor's words are never replaced by the source's.
- A field listed in `curated_fields` is never written; `starting_price` and `price_unit`
  count as one. The pseudo-field "capabilities" (set when an editor touches an
  artifact's capabilities in admin) hands all of its capabilities to the editors.
- Capabilities the source no longer derives are set to draft, never deleted; artifacts the
  source no longer lists get `delisted_at` (the day) and `needs_review` once, never
  deleted, and never flagged again while they stay delisted.
- An artifact's price list (ArtifactPrice rows) is replaced whole when it changes, unless
  "prices" is curated.
- Artifacts are marked only when the run read most of the source's records as usable,
  and a run that would mark more than a quarter of the source's listed artifacts stops
  before writing anything unless `allow_mass_review` is given.
- Writes happen in batches, each in one transaction, with a constant number of queries
  per batch (bulk inserts and updates, history rows included).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from catalog.importers.common import (
    ArtifactRecord,
    CapabilityRecord,
    ImportReport,
    ImportSourceError,
    ParseResult,
    PriceRecord,
    TagRecord,
    tag_key,
    vendor_slug,
)
from catalog.models import Artifact, ArtifactPrice, Capability, Status, Tag, Vendor
from catalog.services import CURATED_CAPABILITIES as CAPABILITIES
from catalog.versioning import catalog_version_bump

BATCH_SIZE = 250
PRICE_FIELDS = {"starting_price", "price_unit"}
# The pseudo-field naming the price list (ArtifactPrice rows and the `prices` summary).
PRICE_LIST = "prices"
# A run may mark at most this share of a source's listed artifacts without
# `allow_mass_review`; and only a run that could use more than MIN_USABLE_SHARE of the
# source's records marks any.
MASS_REVIEW_SHARE = (1, 4)
MIN_USABLE_SHARE = (1, 2)
# An adopted entry keeps its pricing whole: a hand-written "open source, free" next to an
# imported per-token price would describe no real offer.
ADOPTED_PRICING = {"pricing_model", "has_free_tier", *PRICE_FIELDS}
CAPABILITY_FIELDS = (
    "description", "input_types", "output_types", "best_for", "limitations", "position", "status",
    "quantity", "quantity_unit",
)  # fmt: skip

Progress = Callable[[int, int], None]


class _Vendors:
    def __init__(self):
        self.by_name: dict[str, Vendor] = {}
        self.by_slug: dict[str, Vendor] = {}
        self.new: list[Vendor] = []
        for vendor in Vendor.objects.only("id", "name", "slug"):
            self._index(vendor)

    def _index(self, vendor: Vendor) -> None:
        self.by_name[vendor.name.casefold()] = vendor
        self.by_slug[vendor.slug] = vendor

    def find(self, name: str) -> Vendor | None:
        return self.by_name.get(name.casefold()) or self.by_slug.get(vendor_slug(name))

    def get(self, name: str) -> Vendor:
        vendor = self.find(name)
        if vendor is None:
            vendor = Vendor(name=name, slug=vendor_slug(name))
            self._index(vendor)
            self.new.append(vendor)
        return vendor


class _Tags:
    def __init__(self):
        self.by_key: dict[str, Tag] = {}
        self.by_slug: dict[str, Tag] = {}
        self.new: list[Tag] = []
        for tag in Tag.objects.only("id", "name", "slug"):
            self._index(tag)

    def _index(self, tag: Tag) -> None:
        self.by_slug[tag.slug] = tag
        for key in (tag_key(tag.slug), tag_key(tag.name)):
            self.by_key.setdefault(key, tag)

    def get(self, record: TagRecord) -> Tag:
        tag = self.by_slug.get(record.slug) or self.by_key.get(record.key)
        if tag is None:
            tag = Tag(name=record.name, slug=record.slug)
            self._index(tag)
            self.new.append(tag)
        return tag


@dataclass
class _Batch:
    created: list[Artifact] = field(default_factory=list)
    updated: dict[int, tuple[Artifact, set[str]]] = field(default_factory=dict)
    new_capabilities: list[tuple[Capability, list[Tag]]] = field(default_factory=list)
    changed_capabilities: list[tuple[Capability, set[str]]] = field(default_factory=list)
    retagged: list[tuple[Capability, list[Tag]]] = field(default_factory=list)
    # Artifacts whose price list is (re)written, with the rows they get.
    prices: list[tuple[Artifact, tuple[PriceRecord, ...]]] = field(default_factory=list)


def _written_artifacts(batch: _Batch) -> set[int]:
    """The ids of the artifacts a batch writes: their own rows, capabilities, tags, prices."""
    capabilities = [*batch.new_capabilities, *batch.changed_capabilities, *batch.retagged]
    return {
        *(artifact.pk for artifact in batch.created),
        *batch.updated,
        *(capability.artifact_id for capability, _ in capabilities),
        *(artifact.pk for artifact, _ in batch.prices),
    }


def _is_set(value) -> bool:
    return value not in (None, "", [], {}, False)


class _Importer:
    def __init__(self, *, source, parsed, dry_run, publish, progress, allow_mass_review=False):
        self.source = source
        self.allow_mass_review = allow_mass_review
        self.parsed = parsed
        self.dry_run = dry_run
        self.publish = publish
        self.progress = progress
        self.report = ImportReport(
            source=source, dry_run=dry_run, skipped=list(parsed.skipped), notes=list(parsed.notes)
        )
        self.reason = f"Imported from {source}"
        self.now = timezone.now()
        self.existing = {a.external_id: a for a in Artifact.objects.filter(external_source=source)}
        # Slugs whose owner (or absence) is known, so that only collisions cost a query.
        self.slugs_known = {r.slug for r in parsed.records if r.external_id not in self.existing}
        self.by_slug = {a.slug: a for a in Artifact.objects.filter(slug__in=self.slugs_known)}
        self.slugs_used: set[str] = set()
        self.adopted: set[int] = set()
        self.vendors = _Vendors()
        self.tags = _Tags()
        self.adoptions = 0

    # Planning -----------------------------------------------------------------------

    def _target(self, record: ArtifactRecord) -> Artifact | None:
        artifact = self.existing.get(record.external_id)
        if artifact is not None:
            return artifact
        candidate = self.by_slug.get(record.slug)
        if candidate and not candidate.external_id and candidate.pk not in self.adopted:
            self.adopted.add(candidate.pk)
            return candidate
        return None

    def _slug_free(self, slug: str) -> bool:
        if slug in self.slugs_used or slug in self.by_slug:
            return False
        if slug in self.slugs_known:
            return True
        self.slugs_known.add(slug)
        if Artifact.objects.filter(slug=slug).exists():
            self.by_slug[slug] = None  # type: ignore[assignment]
            return False
        return True

    def _new_slug(self, record: ArtifactRecord) -> str:
        base = record.slug
        candidates = [base, f"{base}-{vendor_slug(record.vendor)}"[:120].strip("-")]
        candidates += [f"{base[:115]}-{n}" for n in range(2, 100)]
        for slug in candidates:
            if "-vs-" not in slug and self._slug_free(slug):
                self.slugs_used.add(slug)
                return slug
        raise ValidationError(f"no free slug near {base}")

    def _plan_create(self, record: ArtifactRecord, batch: _Batch) -> None:
        artifact = Artifact(
            external_source=self.source,
            external_id=record.external_id,
            status=Status.PUBLISHED if self.publish else Status.DRAFT,
            **record.fields,
        )
        # Field checks only: constraint checks would cost a query per record, and the
        # parsers already guarantee what the constraints check.
        artifact.clean_fields(exclude=["vendor", "slug"])
        # The slug first: a record with no free slug is skipped, and must leave no new
        # vendor behind.
        artifact.slug = self._new_slug(record)
        artifact.vendor = self.vendors.get(record.vendor)
        batch.created.append(artifact)
        for position, capability in enumerate(record.capabilities):
            batch.new_capabilities.append(self._new_capability(artifact, capability, position))
        self.report.counts["capabilities created"] += len(record.capabilities)
        if record.prices:
            batch.prices.append((artifact, record.prices))
        self.report.created += 1
        self.report.changes.append(("create", record.external_id, ()))

    def _plan_update(
        self,
        record: ArtifactRecord,
        artifact: Artifact,
        existing_caps: list[Capability],
        batch,
        existing_prices: tuple = (),
    ) -> None:
        curated = set(artifact.curated_fields or [])
        changed: set[str] = set()
        if not artifact.external_id:
            # Adopting a hand-made entry: what it already says stays as the editors wrote it.
            curated |= {
                name
                for name, value in record.fields.items()
                if _is_set(getattr(artifact, name)) and getattr(artifact, name) != value
            }
            if curated & ADOPTED_PRICING:
                curated |= ADOPTED_PRICING
            known_vendor = self.vendors.find(record.vendor)
            if known_vendor is None or artifact.vendor_id != known_vendor.pk:
                curated.add("vendor")
            if existing_caps:
                curated.add(CAPABILITIES)
            artifact.external_source, artifact.external_id = self.source, record.external_id
            artifact.curated_fields = sorted(curated)
            changed |= {"external_source", "external_id", "curated_fields"}
            self.adoptions += 1
        if curated & PRICE_FIELDS:
            curated |= PRICE_FIELDS
        for name, value in record.fields.items():
            if name not in curated and getattr(artifact, name) != value:
                setattr(artifact, name, value)
                changed.add(name)
        if artifact.delisted_at is not None:
            # Listed again: no longer delisted, and the flag that said so clears.
            artifact.delisted_at, artifact.delisting_kept = None, False
            changed |= {"delisted_at", "delisting_kept"}
            if artifact.needs_review:
                artifact.needs_review = False
                changed.add("needs_review")
        if changed:
            artifact.clean_fields(exclude=["vendor", "slug"])
        if "vendor" not in curated:
            vendor = self.vendors.get(record.vendor)
            if artifact.vendor_id != vendor.pk:
                artifact.vendor = vendor
                changed.add("vendor")

        prices_changed = False
        if record.prices is not None and PRICE_LIST not in curated:
            wanted = sorted(row.identity for row in record.prices)
            if wanted != sorted(existing_prices):
                batch.prices.append((artifact, record.prices))
                prices_changed = True
        caps_changed = False
        if CAPABILITIES not in curated:
            caps_changed = self._plan_capabilities(
                artifact, record.capabilities, existing_caps, batch
            )
        if changed:
            batch.updated[artifact.pk] = (artifact, changed)
        if changed or caps_changed or prices_changed:
            self.report.updated += 1
            related = {CAPABILITIES} if caps_changed else set()
            related |= {"price list"} if prices_changed else set()
            fields = tuple(sorted(changed | related))
            self.report.changes.append(("update", record.external_id, fields))
        else:
            self.report.unchanged += 1

    def _new_capability(self, artifact, record: CapabilityRecord, position: int):
        capability = Capability(  # type: ignore[misc]
            artifact=artifact,
            title=record.title,
            description=record.description,
            input_types=list(record.input_types),
            output_types=list(record.output_types),
            best_for=record.best_for,
            limitations=record.limitations,
            position=position,
            status=Status.PUBLISHED,
            quantity=record.quantity,
            quantity_unit=record.quantity_unit,
        )
        return capability, [self.tags.get(tag) for tag in record.tags]

    def _plan_capabilities(self, artifact, records, existing_caps, batch) -> bool:
        by_title: dict[str, Capability] = {}
        extra = []
        for capability in existing_caps:
            if capability.title in by_title:
                extra.append(capability)
            else:
                by_title[capability.title] = capability
        changed = False
        for position, record in enumerate(records):
            capability = by_title.pop(record.title, None)
            if capability is None:
                batch.new_capabilities.append(self._new_capability(artifact, record, position))
                self.report.counts["capabilities created"] += 1
                changed = True
                continue
            wanted = {
                "description": record.description,
                "input_types": sorted(record.input_types),
                "output_types": sorted(record.output_types),
                "best_for": record.best_for,
                "limitations": record.limitations,
                "position": position,
                "status": Status.PUBLISHED,
                "quantity": record.quantity,
                "quantity_unit": record.quantity_unit,
            }
            fields = {n for n, v in wanted.items() if getattr(capability, n) != v}
            for name in fields:
                setattr(capability, name, wanted[name])
            tags = [self.tags.get(tag) for tag in record.tags]
            current = {tag.pk for tag in capability.tags.all()}
            if None in {t.pk for t in tags} or {t.pk for t in tags} != current:
                batch.retagged.append((capability, tags))
                fields.add("tags")
            if fields:
                if fields - {"tags"}:
                    batch.changed_capabilities.append((capability, fields - {"tags"}))
                self.report.counts["capabilities updated"] += 1
                changed = True
        # What the source no longer says is hidden, not deleted: an editor may want it back.
        for capability in [*by_title.values(), *extra]:
            if capability.status != Status.DRAFT:
                capability.status = Status.DRAFT
                batch.changed_capabilities.append((capability, {"status"}))
                self.report.counts["capabilities hidden"] += 1
                changed = True
        return changed

    # Writing ------------------------------------------------------------------------

    def _write(self, batch: _Batch) -> None:
        if not (self.vendors.new or self.tags.new or any(vars(batch).values())):
            return
        options = {"default_change_reason": self.reason, "batch_size": 500}
        with transaction.atomic():
            if self.vendors.new:
                bulk_create_with_history(self.vendors.new, Vendor, **options)
                self.report.counts["vendors created"] += len(self.vendors.new)
                self.vendors.new = []
            if self.tags.new:
                bulk_create_with_history(self.tags.new, Tag, **options)
                self.report.counts["tags created"] += len(self.tags.new)
                self.tags.new = []
            if batch.created:
                bulk_create_with_history(batch.created, Artifact, **options)
            if batch.updated:
                artifacts = [artifact for artifact, _ in batch.updated.values()]
                fields = set().union(*(f for _, f in batch.updated.values()))
                for artifact in artifacts:
                    artifact.updated_at = self.now
                bulk_update_with_history(
                    artifacts, Artifact, sorted(fields | {"updated_at"}), **options
                )
            new_caps = [capability for capability, _ in batch.new_capabilities]
            for capability in new_caps:
                capability.artifact_id = capability.artifact.pk
            if new_caps:
                bulk_create_with_history(new_caps, Capability, **options)
            if batch.changed_capabilities:
                capabilities = list({c.pk: c for c, _ in batch.changed_capabilities}.values())
                fields = set().union(*(f for _, f in batch.changed_capabilities))
                for capability in capabilities:
                    capability.updated_at = self.now
                bulk_update_with_history(
                    capabilities, Capability, sorted(fields | {"updated_at"}), **options
                )
            through = Capability.tags.through
            if batch.retagged:
                through.objects.filter(capability_id__in=[c.pk for c, _ in batch.retagged]).delete()
            rows = {
                (capability.pk, tag.pk)
                for capability, tags in [*batch.new_capabilities, *batch.retagged]
                for tag in tags
            }
            through.objects.bulk_create(
                [through(capability_id=c, tag_id=t) for c, t in sorted(rows)], batch_size=1000
            )
            if batch.prices:
                ArtifactPrice.objects.filter(
                    artifact_id__in=[a.pk for a, _ in batch.prices if a.pk]
                ).delete()
                ArtifactPrice.objects.bulk_create(
                    [
                        ArtifactPrice(
                            artifact_id=artifact.pk,
                            key=row.key,
                            unit=row.unit,
                            amount=row.amount,
                            min_prompt_tokens=row.min_prompt_tokens,
                            unit_clear=row.unit_clear,
                        )
                        for artifact, rows in batch.prices
                        for row in rows
                    ],
                    batch_size=1000,
                )
                self.report.counts["price lists written"] += len(batch.prices)
            # Bulk writes send no signals: cached pages are invalidated explicitly, naming
            # every artifact written (ids exist now that the new ones are created).
            catalog_version_bump(artifact_ids=_written_artifacts(batch))

    def _count_new_related(self) -> None:
        # A dry run writes nothing, so new vendors and tags are only counted.
        self.report.counts["vendors created"] += len(self.vendors.new)
        self.report.counts["tags created"] += len(self.tags.new)
        self.vendors.new, self.tags.new = [], []

    def _missing_plan(self) -> list[Artifact]:
        """The source's artifacts this run would mark as delisted; raises (before any
        write) when that is more than a quarter of the source's listed artifacts."""
        parsed = self.parsed
        total = parsed.total or len(parsed.records) + len(parsed.skipped)
        usable = total - parsed.unusable
        listed = [a for a in self.existing.values() if a.delisted_at is None and a.external_id]
        missing = [a for a in listed if a.external_id not in parsed.seen_ids]
        if not missing:
            return []
        share_num, share_den = MIN_USABLE_SHARE
        if usable * share_den <= total * share_num:
            self.report.notes.append(
                f"only {usable} of {total} records were usable: nothing was marked for review "
                f"(the {len(missing)} artifact(s) not seen may still be listed)"
            )
            return []
        share_num, share_den = MASS_REVIEW_SHARE
        if len(missing) * share_den > len(listed) * share_num and not self.allow_mass_review:
            raise ImportSourceError(
                f"this run would mark {len(missing)} of the {len(listed)} artifacts listed by "
                f"{self.source} for review (more than a quarter): check the source, or run "
                "again with --allow-mass-review"
            )
        return missing

    def run(self, *, batch_size: int) -> ImportReport:
        records = self.parsed.records
        missing = self._missing_plan()
        for start in range(0, len(records), batch_size):
            chunk = records[start : start + batch_size]
            targets = {r.external_id: self._target(r) for r in chunk}
            ids = [a.pk for a in targets.values() if a is not None]
            caps = defaultdict(list)
            for capability in Capability.objects.filter(artifact_id__in=ids).prefetch_related(
                "tags"
            ):
                caps[capability.artifact_id].append(capability)
            prices = defaultdict(list)
            for row in ArtifactPrice.objects.filter(artifact_id__in=ids):
                prices[row.artifact_id].append(
                    (row.key, row.min_prompt_tokens, row.unit, row.amount, row.unit_clear)
                )
            batch = _Batch()
            for done, record in enumerate(chunk, start=start):
                if self.progress:
                    self.progress(done, len(records))
                artifact = targets[record.external_id]
                try:
                    if artifact is None:
                        self._plan_create(record, batch)
                    else:
                        self._plan_update(
                            record,
                            artifact,
                            caps[artifact.pk],
                            batch,
                            prices[artifact.pk],  # type: ignore[arg-type]
                        )
                except ValidationError as error:
                    self.report.skipped.append((record.external_id, _one_line(error)))
            if self.dry_run:
                self._count_new_related()
                if batch.prices:
                    self.report.counts["price lists written"] += len(batch.prices)
            else:
                self._write(batch)
            if self.progress:
                self.progress(min(start + batch_size, len(records)), len(records))
        self._mark_missing(missing)
        if not self.dry_run and (self.report.created or self.report.updated):
            _statistics_refresh()
        if self.adoptions:
            self.report.notes.append(
                f"{self.adoptions} existing artifact(s) without an external id adopted by slug; "
                "the values they already had are kept as curated"
            )
        self.report.counts = +self.report.counts
        return self.report

    def _mark_missing(self, missing: list[Artifact]) -> None:
        """Flag, once, what the source stopped listing: `delisted_at` is today and
        `needs_review` is set. Already delisted artifacts are not touched again."""
        self.report.marked_for_review = len(missing)
        if self.dry_run or not missing:
            return
        today = timezone.localdate(self.now)
        for artifact in missing:
            artifact.needs_review = True
            artifact.delisted_at = today
            artifact.updated_at = self.now
        with transaction.atomic():
            catalog_version_bump(artifact_ids=[artifact.pk for artifact in missing])
            bulk_update_with_history(
                missing,
                Artifact,
                ["needs_review", "delisted_at", "updated_at"],
                default_change_reason=f"No longer listed by {self.source}",
            )


def _statistics_refresh() -> None:
    """ANALYZE the tables an import writes (PostgreSQL). The planner plans from table
    statistics that autovacuum refreshes only later, or never where it is off: after
    importing 465 models it still took the artifact table for empty and nested loops over
    it (0.26 s for the home page's empty list of editor-featured pairs). A few
    milliseconds at this size."""
    if connection.vendor != "postgresql":
        return
    tables = ", ".join(
        model._meta.db_table
        for model in (Vendor, Artifact, Capability, Capability.tags.through, ArtifactPrice)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {tables}")


def _one_line(error: ValidationError) -> str:
    if hasattr(error, "message_dict"):
        return "; ".join(f"{name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
    return " ".join(error.messages)


def records_import(
    *,
    source: str,
    parsed: ParseResult,
    dry_run: bool = False,
    publish: bool = False,
    batch_size: int = BATCH_SIZE,
    progress: Progress | None = None,
    allow_mass_review: bool = False,
) -> ImportReport:
    """Create or update one artifact per record (see the module docstring for the rules).

    Raises ImportSourceError, before writing anything, when the run would mark more than
    a quarter of the source's listed artifacts for review and `allow_mass_review` is
    False."""
    importer = _Importer(
        source=source,
        parsed=parsed,
        dry_run=dry_run,
        publish=publish,
        progress=progress,
        allow_mass_review=allow_mass_review,
    )
    return importer.run(batch_size=batch_size)
