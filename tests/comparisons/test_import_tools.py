"""`manage.py import_tools`: tools as artifacts, their comparison list as approved pairs."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from catalog.importers.common import tag_key
from catalog.models import Artifact, Capability, Status, Tag
from comparisons.models import ComparisonOverride
from tests.catalog.importers.sources import (
    FIXTURES,
    REAL_COMPARISONS,
    REAL_TOOLS,
    real_data_required,
)
from tests.factories import ArtifactFactory

pytestmark = pytest.mark.django_db

TOOLS = str(FIXTURES / "ai-tools.json")
PAIRS = str(FIXTURES / "ai-tools-comparisons.json")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("import_tools", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def _pairs() -> set[tuple[str, str]]:
    return set(
        ComparisonOverride.objects.values_list("artifact_a__external_id", "artifact_b__external_id")
    )


def test_tools_and_pairs_import_with_reasons_for_what_was_skipped():
    output = _run(TOOLS, "--comparisons", PAIRS)
    lines = output.splitlines()
    assert lines[0] == "ai-tools: 4 created, 0 updated, 0 unchanged, 4 skipped"
    assert "  skipped termite-burrow: duplicate of termite (same name and company)" in lines
    assert "  skipped hollow: no description and no key features: nothing to compare" in lines
    assert "ai-tools comparisons: 2 created, 0 updated, 0 unchanged, 5 skipped" in lines
    assert "  skipped gridcraft-vs-termite: listed twice" in lines
    assert "  skipped quillpad-vs-ghost: ghost is not in the catalog" in lines
    assert "  skipped termite-vs-termite-burrow: compares a product with itself" in lines
    assert '  skipped half: needs two tool slugs in "a" and "b"' in lines
    # Side A is the slug that sorts first, as in the page URL; the duplicate slug resolves.
    assert _pairs() == {("quillpad", "termite"), ("gridcraft", "termite")}
    assert set(ComparisonOverride.objects.values_list("approved", flat=True)) == {True}
    assert ComparisonOverride.history.count() == 2


def test_tools_become_draft_artifacts_with_tagged_capabilities():
    _run(TOOLS)
    quill = Artifact.objects.select_related("vendor").get(external_id="quillpad")
    assert (quill.status, quill.vendor.name, quill.pricing_model) == (
        Status.DRAFT,
        "Quill Labs",
        "freemium",
    )
    capability = quill.capabilities.get(title="Inline rewrite suggestions")
    assert capability.best_for == "Writers who want help without leaving the page."
    assert capability.limitations == "Teams that need offline use."
    assert sorted(capability.tags.values_list("slug", flat=True)) == [
        "ai",
        "open-source",
        "writing",
    ]
    # Four spellings of "open source" across the file, one tag in the catalog.
    assert [t.slug for t in Tag.objects.all() if tag_key(t.name) == "opensource"] == ["open-source"]


def test_a_second_run_changes_nothing():
    _run(TOOLS, "--comparisons", PAIRS)
    output = _run(TOOLS, "--comparisons", PAIRS)
    assert output.splitlines()[0] == "ai-tools: 0 created, 0 updated, 4 unchanged, 4 skipped"
    assert "ai-tools comparisons: 0 created, 0 updated, 2 unchanged, 5 skipped" in output


def test_an_editors_decision_on_a_pair_stands():
    _run(TOOLS, "--comparisons", PAIRS)
    pair = ComparisonOverride.objects.get(artifact_a__slug="quillpad")
    pair.approved = False
    pair.verdict = "Different jobs; do not list."
    pair.save()
    _run(TOOLS, "--comparisons", PAIRS)
    pair.refresh_from_db()
    assert (pair.approved, pair.verdict) == (False, "Different jobs; do not list.")
    assert ComparisonOverride.objects.count() == 2


def test_an_existing_pair_in_either_order_is_not_duplicated():
    _run(TOOLS)
    quill, termite = (Artifact.objects.get(external_id=x) for x in ("quillpad", "termite"))
    ComparisonOverride.objects.create(artifact_a=termite, artifact_b=quill, featured=True)
    output = _run(TOOLS, "--comparisons", PAIRS)
    assert "ai-tools comparisons: 1 created, 0 updated, 1 unchanged" in output


def test_a_dry_run_writes_nothing_but_counts_the_pairs():
    output = _run(TOOLS, "--comparisons", PAIRS, "--dry-run")
    assert output.startswith("ai-tools: 4 would be created")
    assert "ai-tools comparisons: 2 would be created" in output
    assert not Artifact.objects.exists()
    assert not ComparisonOverride.objects.exists()


def test_a_bad_comparisons_file_stops_before_anything_is_written(tmp_path):
    path = tmp_path / "pairs.json"
    path.write_text('[{"a": "quillpad", "b": "termite"}')
    with pytest.raises(CommandError, match="not valid JSON") as caught:
        _run(TOOLS, "--comparisons", str(path))
    assert "\n" not in str(caught.value)
    assert not Artifact.objects.exists() and not Capability.objects.exists()


def test_a_tool_already_in_the_catalog_by_hand_is_adopted():
    ArtifactFactory(slug="termite", name="Termite", summary="Our words.", external_id="")
    _run(TOOLS)
    termite = Artifact.objects.get(slug="termite")
    assert (termite.external_source, termite.external_id) == ("ai-tools", "termite")
    assert termite.summary == "Our words."


# The real catalog: ../shared/data/ai-tools-*.json (176 tools, 35 pairs).


@pytest.fixture
def real_import():
    real_data_required(REAL_TOOLS, REAL_COMPARISONS)
    return _run(str(REAL_TOOLS), "--comparisons", str(REAL_COMPARISONS))


def test_real_files_import_every_usable_tool_and_every_pair(real_import):
    tools = json.loads(REAL_TOOLS.read_text())
    assert len(tools) == 176
    lines = real_import.splitlines()
    assert lines[0] == "ai-tools: 173 created, 0 updated, 0 unchanged, 3 skipped"
    assert "  skipped corust: no description and no key features: nothing to compare" in lines
    assert "  skipped qodo-qodo: duplicate of qodo (same name and company)" in lines
    assert "  skipped snyk-code-snyk: duplicate of snyk-code (same name and company)" in lines
    assert "ai-tools comparisons: 35 created, 0 updated, 0 unchanged, 0 skipped" in lines
    assert ComparisonOverride.objects.filter(approved=True).count() == 35
    # Inconsistent tag spellings collapse: no two tags share a normalised name.
    keys = [tag_key(name) for name in Tag.objects.values_list("name", flat=True)]
    assert len(keys) == len(set(keys))
    assert Tag.objects.filter(slug="open-source").count() == 1
    cursor = Artifact.objects.get(external_id="cursor")
    assert (cursor.starting_price, cursor.price_unit) == (20, "month")
    assert cursor.capabilities.count() == 5


def test_real_files_second_import_changes_nothing(real_import):
    output = _run(str(REAL_TOOLS), "--comparisons", str(REAL_COMPARISONS))
    assert output.splitlines()[0] == "ai-tools: 0 created, 0 updated, 173 unchanged, 3 skipped"
    assert "ai-tools comparisons: 0 created, 0 updated, 35 unchanged, 0 skipped" in output
