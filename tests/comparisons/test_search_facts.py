"""The artifact facts the search constraints read, kept per process and brought up to date
from the change journal (comparisons/search/facts.py): after random committed edits of
every kind, the kept facts equal a fresh read, and an edit re-reads only what it touched.
Runs on SQLite and on PostgreSQL."""

import random

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.models import Artifact, Tag
from comparisons.search import facts
from comparisons.search.facts import artifact_facts_get
from tests.comparisons.test_snapshot_patch import Editor, _catalog
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory


def _all_ids() -> list[int]:
    return list(Artifact.objects.order_by("pk").values_list("pk", flat=True))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(4))
def test_kept_facts_after_random_edits_equal_a_fresh_read(seed):
    rng = random.Random(seed)
    _catalog(rng)
    editor = Editor(rng)
    ids = _all_ids()
    assert artifact_facts_get(artifact_ids=ids, facts_version="v0") == artifact_facts_get(
        artifact_ids=ids
    )
    for n in range(1, 14):
        editor.round()
        ids = [*_all_ids(), max(ids, default=0) + 1000]  # and one id that does not exist
        kept = artifact_facts_get(artifact_ids=ids, facts_version=f"v{n}")
        assert kept == artifact_facts_get(artifact_ids=ids), (seed, n)


@pytest.mark.django_db(transaction=True)
def test_an_edit_re_reads_only_the_artifact_it_touched():
    artifacts = [ArtifactFactory(name=f"Product {i}") for i in range(6)]
    tool = TagFactory(slug="tools", name="Tools")
    ids = [a.pk for a in artifacts]
    artifact_facts_get(artifact_ids=ids, facts_version="v1")
    # Under the same facts version nothing is read at all.
    with CaptureQueriesContext(connection) as queries:
        artifact_facts_get(artifact_ids=ids, facts_version="v1")
    assert len(queries) == 0

    with transaction.atomic():
        CapabilityFactory(artifact=artifacts[3], tags=[tool])
    with CaptureQueriesContext(connection) as queries:
        found = artifact_facts_get(artifact_ids=ids, facts_version="v2")
    assert found[artifacts[3].pk].tags == frozenset({"tools"})
    reads = [q["sql"] for q in queries.captured_queries if "catalog_artifact" in q["sql"]]
    (read,) = [sql for sql in reads if "vendor" in sql.lower()]
    assert str(artifacts[3].pk) in read
    assert not any(f"{a.pk}," in read or f", {a.pk})" in read for a in artifacts[4:])


@pytest.mark.django_db(transaction=True)
def test_a_renamed_tag_or_a_full_memo_starts_afresh(monkeypatch):
    artifact = ArtifactFactory()
    tag = TagFactory(slug="json-output", name="JSON")
    CapabilityFactory(artifact=artifact, tags=[tag])
    ids = [artifact.pk]
    assert artifact_facts_get(artifact_ids=ids, facts_version="v1")[ids[0]].tags == {"json-output"}
    with transaction.atomic():
        Tag.objects.filter(pk=tag.pk).update(slug="structured-output")
        tag.refresh_from_db()
        tag.save()  # through the signals, as admin saves it: scope "tags"
    assert artifact_facts_get(artifact_ids=ids, facts_version="v2")[ids[0]].tags == {
        "structured-output"
    }

    monkeypatch.setattr(facts, "MEMO_LIMIT", 1)
    others = [ArtifactFactory().pk for _ in range(2)]
    artifact_facts_get(artifact_ids=[*ids, *others], facts_version="v3")
    with CaptureQueriesContext(connection) as queries:
        artifact_facts_get(artifact_ids=ids, facts_version="v3")
    assert len(queries) > 0  # over the limit: dropped, read again
