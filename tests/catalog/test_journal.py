"""The change journal (catalog/journal.py) names what each committed catalog write touched,
says when it cannot, and on PostgreSQL misses no write that committed after a reader's mark
even when its id is lower than one the reader saw."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction
from django.utils import timezone

from catalog.journal import (
    PATCHABLE,
    RETENTION,
    JournalChanges,
    catalog_changes_prune,
    catalog_changes_record,
    catalog_changes_since,
    catalog_journal_mark,
)
from catalog.models import Artifact, CatalogChange, Status
from catalog.versioning import catalog_version_bump
from tests.catalog.importers.sources import fixture_load
from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    TagFactory,
    VendorFactory,
)


def _since(mark, *, limit: int = 100) -> JournalChanges | None:
    return catalog_changes_since(mark=mark, limit=limit)


def _touched(write) -> set[int]:
    mark = catalog_journal_mark()
    write()
    changes = _since(mark)
    assert changes is not None
    assert not changes.ranks
    return set(changes.artifact_ids)


@pytest.mark.django_db
def test_a_save_names_its_artifact_and_a_moved_capability_both():
    first, second = ArtifactFactory(), ArtifactFactory()
    capability = CapabilityFactory(artifact=first)

    def rename():
        first.name = "Renamed"
        first.save()

    assert _touched(rename) == {first.pk}
    assert _touched(lambda: capability.tags.set([TagFactory()])) == {first.pk}

    def move():
        moved = type(capability).objects.get(pk=capability.pk)
        moved.artifact = second
        moved.save()

    assert _touched(move) == {first.pk, second.pk}
    assert _touched(lambda: TagFactory().capabilities.add(capability)) == {second.pk}
    assert _touched(lambda: Artifact.objects.get(pk=first.pk).delete()) == {first.pk}


@pytest.mark.django_db
def test_a_vendor_rename_names_its_artifacts_and_a_tag_rename_says_tags():
    vendor = VendorFactory()
    mine = {ArtifactFactory(vendor=vendor).pk for _ in range(3)}
    ArtifactFactory()  # another vendor's

    def rename():
        vendor.name = "Renamed"
        vendor.save()

    assert _touched(rename) == mine
    tag = TagFactory()
    mark = catalog_journal_mark()
    tag.name = "Renamed tag"
    tag.save()
    changes = _since(mark)
    assert (changes.artifact_ids, changes.ranks, changes.tags) == (frozenset(), False, True)


@pytest.mark.django_db
def test_an_import_names_the_artifacts_it_wrote():
    from catalog.importers import openrouter
    from catalog.importers.writer import records_import

    mark = catalog_journal_mark()
    parsed = openrouter.records_parse(payload=fixture_load("openrouter-models.json"))
    records_import(source=openrouter.SOURCE, parsed=parsed)
    changes = _since(mark)
    assert changes is not None
    assert changes.artifact_ids == set(Artifact.objects.values_list("pk", flat=True))


@pytest.mark.django_db
def test_the_journal_cannot_say_after_an_unscoped_write_or_too_many():
    artifacts = [ArtifactFactory().pk for _ in range(3)]
    mark = catalog_journal_mark()
    catalog_version_bump(artifact_ids=artifacts)
    assert _since(mark, limit=3).artifact_ids == set(artifacts)
    assert _since(mark, limit=2) is None
    catalog_version_bump()
    assert _since(mark) is None
    ranks = catalog_journal_mark()
    catalog_version_bump(ranks_only=True)
    assert _since(ranks).ranks


@pytest.mark.django_db
def test_a_rolled_back_write_records_nothing():
    artifact = ArtifactFactory()
    mark = catalog_journal_mark()
    with pytest.raises(RuntimeError), transaction.atomic():
        artifact.name = "Never"
        artifact.save()
        raise RuntimeError
    assert _since(mark).artifact_ids == frozenset()


@pytest.mark.django_db
def test_old_entries_are_pruned_and_an_old_mark_reads_everything_again():
    mark = catalog_journal_mark()
    catalog_changes_record(scope="artifact", artifact_ids=[1, 2])
    CatalogChange.objects.update(created_at=timezone.now() - RETENTION - timedelta(seconds=1))
    catalog_changes_record(scope="artifact", artifact_ids=[3])
    assert catalog_changes_prune(before=timezone.now() - RETENTION) == 2
    assert list(CatalogChange.objects.values_list("artifact_id", flat=True)) == [3]
    old = type(mark)(
        last_id=mark.last_id,
        snapshot=mark.snapshot,
        own=mark.own,
        read_at=mark.read_at - PATCHABLE - timedelta(seconds=1),
    )
    assert _since(old) is None
    assert _since(mark).artifact_ids == {3}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_write_committed_after_the_mark_with_a_lower_id_is_not_missed():
    """Ids come from a sequence at insert time: the first writer takes the lower id but
    commits last, after a reader saw the second writer's higher id."""
    inserted, release = threading.Event(), threading.Event()

    def slow_writer():
        try:
            with transaction.atomic():
                catalog_changes_record(scope="artifact", artifact_ids=[101])
                inserted.set()
                release.wait(10)
        finally:
            connection.close()

    thread = threading.Thread(target=slow_writer)
    thread.start()
    assert inserted.wait(10)
    catalog_changes_record(scope="artifact", artifact_ids=[202])  # commits at once
    mark = catalog_journal_mark()
    assert mark.last_id == CatalogChange.objects.get(artifact_id=202).pk
    release.set()
    thread.join()
    lower = CatalogChange.objects.get(artifact_id=101).pk
    assert lower < mark.last_id
    assert _since(mark).artifact_ids == {101}


@pytest.mark.postgres
@pytest.mark.django_db
def test_a_write_after_the_mark_in_the_marks_own_transaction_is_not_missed():
    """A snapshot never lists its own transaction as running: once a later transaction
    (of any database on the server) commits, the snapshot reads as having seen it, and its
    own writes after the mark must be found by their ids instead."""
    catalog_changes_record(scope="artifact", artifact_ids=[101])  # the transaction's id
    later = connections.create_connection("default")
    try:
        with later.cursor() as cursor:  # its own transaction, committed at once
            cursor.execute("SELECT pg_current_xact_id()")
    finally:
        later.close()
    mark = catalog_journal_mark()
    assert mark.own > 0
    catalog_changes_record(scope="artifact", artifact_ids=[202])
    assert _since(mark).artifact_ids == {202}


def _document_touched(write) -> tuple[set[int], set[int]]:
    """(artifacts touched, those whose search documents may have changed) by `write`."""
    mark = catalog_journal_mark()
    write()
    changes = _since(mark)
    assert changes is not None
    return set(changes.artifact_ids), set(changes.document_artifact_ids)


@pytest.mark.django_db
def test_only_writes_that_can_change_search_documents_name_their_artifacts_for_them():
    """Search statistics count documents: an editor's save of an artifact's own fields that
    keeps its status, a vendor rename or a verdict changes none (scope "row")."""
    vendor = VendorFactory()
    artifact = ArtifactFactory(vendor=vendor, status=Status.PUBLISHED)
    capability = CapabilityFactory(artifact=artifact)
    other = ArtifactFactory()

    def save(**fields):
        loaded = Artifact.objects.get(pk=artifact.pk)
        for name, value in fields.items():
            setattr(loaded, name, value)
        loaded.save()

    assert _document_touched(lambda: save(summary="New words")) == ({artifact.pk}, set())
    assert _document_touched(lambda: save(status=Status.DRAFT)) == ({artifact.pk}, {artifact.pk})
    assert _document_touched(lambda: save(status=Status.DRAFT)) == ({artifact.pk}, set())
    # Status deferred: a save writes only the loaded fields, and the row says it was kept.
    deferred = Artifact.objects.only("id", "name").get(pk=artifact.pk)
    deferred.name = "Renamed"
    assert _document_touched(deferred.save) == ({artifact.pk}, set())

    def rename_vendor():
        vendor.name = "Renamed vendor"
        vendor.save()

    assert _document_touched(rename_vendor) == ({artifact.pk}, set())
    assert _document_touched(
        lambda: ComparisonOverrideFactory(artifact_a=artifact, artifact_b=other)
    ) == ({artifact.pk, other.pk}, set())
    capability.title = "New title"
    assert _document_touched(capability.save) == ({artifact.pk}, {artifact.pk})
    created: list[Artifact] = []
    new_ids, new_documents = _document_touched(lambda: created.append(ArtifactFactory()))
    assert new_ids == new_documents == {created[0].pk}

    def both():  # a kept-status save and a capability edit of the same artifact
        save(summary="Again")
        capability.save()

    assert _document_touched(both) == ({artifact.pk}, {artifact.pk})
    # Its override goes with it (a row of the pair's two artifacts).
    assert _document_touched(lambda: Artifact.objects.get(pk=other.pk).delete()) == (
        {artifact.pk, other.pk},
        {other.pk},
    )


@pytest.mark.django_db
def test_a_status_change_is_told_by_the_stored_row_not_by_what_was_loaded():
    """The status a save leaves is compared with the row's, whatever the instance: saved
    before (back to its first status), or built in code as a history revert builds it."""
    artifact = ArtifactFactory(status=Status.DRAFT)
    loaded = Artifact.objects.get(pk=artifact.pk)
    loaded.status = Status.PUBLISHED
    assert _document_touched(loaded.save) == ({artifact.pk}, {artifact.pk})
    loaded.status = Status.DRAFT  # the status it was loaded with, but not the row's
    assert _document_touched(loaded.save) == ({artifact.pk}, {artifact.pk})
    assert _document_touched(loaded.save) == ({artifact.pk}, set())
    fields = {f.attname: getattr(loaded, f.attname) for f in Artifact._meta.concrete_fields}
    reverted = Artifact(**{**fields, "status": Status.PUBLISHED})
    assert _document_touched(reverted.save) == ({artifact.pk}, {artifact.pk})
    assert Artifact.objects.get(pk=artifact.pk).status == Status.PUBLISHED


@pytest.mark.django_db
def test_the_journal_cannot_say_when_its_read_stops_at_the_limit():
    """An artifact recorded under both artifact scopes takes two entries: a read cut at the
    limit would name every artifact but miss some of those whose documents changed."""
    artifacts = [ArtifactFactory().pk for _ in range(6)]
    mark = catalog_journal_mark()
    catalog_changes_record(scope="row", artifact_ids=artifacts)
    catalog_changes_record(scope="artifact", artifact_ids=artifacts)
    assert _since(mark, limit=8) is None
    changes = _since(mark, limit=12)
    assert changes.artifact_ids == changes.document_artifact_ids == set(artifacts)
