"""The catalog's name families kept per process and patched from the change journal
(comparisons/search/families.py): after random committed edits of every kind, the patched
families equal family_words over a fresh read, and an edit re-reads only its bucket.
Runs on SQLite and on PostgreSQL."""

import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.models import Artifact
from comparisons.search import families
from comparisons.search.families import (
    family_index_build,
    family_index_patch,
)
from comparisons.search.intent import family_words
from tests.comparisons.test_snapshot_patch import Editor, _catalog
from tests.factories import ArtifactFactory

# Names that make families two ways (a word before a version; a shared first word with a
# version) and names that must not (products without versions, one-off words).
NAMES = [
    "Qwen3.5 Flash",
    "Qwen3 Max",
    "DeepSeek V4 Pro",
    "DeepSeek V4 Flash",
    "GitHub Copilot",
    "GitHub MCP Server",
    "Zorblat 2",
    "Mistral Small 3.1",
    "Mistral Large",
]


def _fresh() -> frozenset[str]:
    return family_words(
        Artifact.objects.published().order_by().values_list("name", flat=True).distinct()
    )


class NamingEditor(Editor):
    """The snapshot tests' random editor, plus renames to and from family-making names."""

    def rename(self) -> None:
        artifact = self._artifact()
        artifact.name = self.rng.choice(NAMES)
        artifact.save()

    def duplicate_name(self) -> None:
        self.serial += 1
        ArtifactFactory(slug=f"dup-{self.serial}", name=self._artifact().name)

    EDITS = [*Editor.EDITS, (rename, 6), (duplicate_name, 2)]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(4))
def test_families_patched_after_random_edits_equal_a_fresh_read(seed, monkeypatch):
    monkeypatch.setattr(families, "BUCKET_WIDTH", 2)  # many buckets in a small catalog
    rng = random.Random(seed)
    _catalog(rng)
    editor = NamingEditor(rng)
    index = family_index_build()
    assert index.families() == _fresh()
    for n in range(1, 14):
        editor.round()
        index = family_index_patch(index)
        assert index.families() == _fresh(), (seed, n)


@pytest.mark.django_db(transaction=True)
def test_a_rename_reads_only_its_bucket_and_moves_the_families(monkeypatch):
    monkeypatch.setattr(families, "BUCKET_WIDTH", 2)
    artifacts = [ArtifactFactory(name=f"Product {i}") for i in range(8)]
    index = family_index_build()
    assert "product" in index.families()
    renamed = artifacts[5]
    with transaction.atomic():
        for artifact in artifacts[:7]:
            artifact.name = "Product"
            artifact.save()
    index = family_index_patch(index)
    # "Product" and "Product 7": two distinct names, one with a version.
    assert "product" in index.families()
    with transaction.atomic():
        artifacts[7].name = "Gadget"
        artifacts[7].save()
    index = family_index_patch(index)
    assert "product" not in index.families() and index.families() == _fresh()
    with transaction.atomic():
        renamed.name = "Widget 4"
        renamed.save()
    with CaptureQueriesContext(connection) as queries:
        index = family_index_patch(index)
    names_read = [q["sql"] for q in queries.captured_queries if "catalog_artifact" in q["sql"]]
    (read,) = names_read
    low = renamed.pk // 2 * 2
    assert f"{low}" in read and f"{low + 2}" in read
    assert "widget" in index.families()


@pytest.mark.django_db
def test_without_a_facts_version_the_families_are_read_fresh():
    ArtifactFactory(name="Zorblat 2")
    assert families.catalog_families_get(facts=None) == frozenset({"zorblat"})
    ArtifactFactory(name="Quuxel 3")
    assert families.catalog_families_get(facts=None) == frozenset({"zorblat", "quuxel"})


@pytest.mark.django_db(transaction=True)
def test_the_process_index_is_patched_when_the_facts_version_moves():
    ArtifactFactory(name="Zorblat 2")
    assert families.catalog_families_get(facts="f1") == frozenset({"zorblat"})
    with transaction.atomic():
        ArtifactFactory(name="Quuxel 3")
    # Under the same facts version the index is not asked again (no query at all).
    with CaptureQueriesContext(connection) as queries:
        assert families.catalog_families_get(facts="f1") == frozenset({"zorblat"})
    assert len(queries) == 0
    assert families.catalog_families_get(facts="f2") == frozenset({"zorblat", "quuxel"})


def _index_families(index, buckets: dict[int, dict[str, int]]) -> frozenset[str]:
    from collections import Counter

    for bucket, names in buckets.items():
        index.bucket_replace(bucket, Counter(names))
    return index.families()


def test_the_counts_move_with_each_bucket_as_family_words_would_count_them():
    from comparisons.search.families import FamilyIndex

    index = FamilyIndex(mark=None)  # type: ignore[arg-type]
    # A shared first word with a version ("mistral", versioned name first; "acme",
    # versioned name last), and one without ("github": products, not versions).
    first = {
        "Mistral Small 3.1": 2, "Mistral Large": 1, "Acme Pro": 1, "Acme V2": 1,
        "GitHub Copilot": 1, "GitHub MCP Server": 1,
    }  # fmt: skip
    got = _index_families(index, {0: first})
    assert got == family_words(first)
    assert {"mistral", "acme"} <= got and "github" not in got
    # The same name in a second bucket; then the first bucket loses all but one name.
    assert _index_families(index, {1: {"Mistral Small 3.1": 1}}) == family_words(first)
    got = _index_families(index, {0: {"Acme Pro": 1}})
    assert got == family_words(["Acme Pro", "Mistral Small 3.1"])
    assert "mistral" not in got and "acme" not in got
    # Both halves of a family back, the unversioned name first this time.
    got = _index_families(index, {2: {"Mistral Large": 1}, 3: {"Acme V2": 3}})
    assert got == family_words(["Acme Pro", "Acme V2", "Mistral Large", "Mistral Small 3.1"])
    assert {"mistral", "acme"} <= got


@pytest.mark.django_db(transaction=True)
def test_a_deleted_artifact_leaves_the_families_when_its_bucket_is_read_again():
    zorblat = ArtifactFactory(name="Zorblat 2")
    ArtifactFactory(name="Plain")
    index = family_index_build()
    assert index.families() == frozenset({"zorblat"})
    with transaction.atomic():
        zorblat.delete()
    assert family_index_patch(index).families() == frozenset()
