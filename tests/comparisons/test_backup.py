"""The curated catalog survives an export and a restore into an empty database."""

import json

import pytest
from django.core.management import CommandError, call_command

from catalog.models import Artifact, Capability, CapabilitySameJob, RankWeights, Tag, Vendor
from comparisons.backup import catalog_export
from comparisons.models import ComparisonOverride

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    def rows(queryset, *fields):
        return sorted(tuple(map(str, row)) for row in queryset.values_list(*fields))

    artifact_fields = [
        f.name
        for f in Artifact._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at"}
    ]
    capability_fields = [
        f.name
        for f in Capability._meta.concrete_fields
        if f.name not in {"id", "created_at", "updated_at", "artifact"}
    ]
    return {
        "vendors": rows(Vendor.objects, "slug", "name", "homepage"),
        "tags": rows(Tag.objects, "slug", "name", "description"),
        "artifacts": rows(
            Artifact.objects, *[f for f in artifact_fields if f != "vendor"], "vendor__slug"
        ),
        "capabilities": rows(Capability.objects, "artifact__slug", *capability_fields),
        "capability_tags": rows(Capability.tags.through.objects, "capability__title", "tag__slug"),
        "same_job": rows(
            CapabilitySameJob.objects,
            "from_capability__artifact__slug",
            "from_capability__title",
            "to_capability__artifact__slug",
            "to_capability__title",
        ),
        "weights": rows(
            RankWeights.objects,
            "kind",
            "adoption",
            "quality",
            "ecosystem",
            "match_graph",
            "freshness",
        ),
        "overrides": rows(
            ComparisonOverride.objects,
            "artifact_a__slug",
            "artifact_b__slug",
            "verdict",
            "approved",
            "featured",
            "noindex",
        ),
    }


def test_demo_catalog_round_trips_every_field(demo_catalog, tmp_path):
    a, b = Artifact.objects.order_by("slug")[:2]
    ComparisonOverride.objects.create(
        artifact_a=a, artifact_b=b, verdict="Editors' call.", featured=True
    )
    RankWeights.objects.filter(kind="app").update(adoption=0.4)
    a.capabilities.first().same_job_as.add(b.capabilities.first())
    before = _snapshot()
    assert len(before["same_job"]) == 2
    path = tmp_path / "catalog.json"
    call_command("export_catalog", str(path))

    ComparisonOverride.objects.all().delete()
    Artifact.objects.all().delete()
    Vendor.objects.all().delete()
    Tag.objects.all().delete()
    RankWeights.objects.all().delete()

    call_command("import_catalog", str(path))
    assert _snapshot() == before
    call_command("import_catalog", str(path))  # restoring twice changes nothing
    assert _snapshot() == before


def test_export_is_versioned(demo_catalog):
    payload = json.loads(catalog_export())
    assert payload["format"] == "unfragile-catalog"
    assert payload["version"] == 1
    assert len(payload["artifacts"]) == Artifact.objects.count()


@pytest.mark.parametrize(
    "content",
    ['{"format": "unfragile-catalog", "version": 99}', "{not json", '["a list"]', ""],
)
def test_bad_backup_files_fail_cleanly_and_change_nothing(demo_catalog, tmp_path, content):
    path = tmp_path / "bad.json"
    path.write_text(content)
    count = Artifact.objects.count()
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path))
    assert Artifact.objects.count() == count


def test_half_valid_backup_rolls_back(demo_catalog, tmp_path):
    payload = json.loads(catalog_export())
    payload["artifacts"][0]["name"] = "Renamed by the backup"
    payload["artifacts"][1]["rank"] = 500  # violates the database constraint
    path = tmp_path / "half.json"
    path.write_text(json.dumps(payload))
    with pytest.raises(CommandError):
        call_command("import_catalog", str(path))
    assert not Artifact.objects.filter(name="Renamed by the backup").exists()
