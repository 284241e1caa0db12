"""Search term statistics kept in the shared table and brought up to date from the change
journal (comparisons/search/stats.py): after random committed edits of every kind, the
counts a search uses equal a fresh count, and an edit of one artifact counts only its
bucket again. Runs on SQLite and on PostgreSQL."""

import random
import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.models import Artifact, Capability, Status
from catalog.versioning import catalog_version_bump
from comparisons.models import TermStatistic
from comparisons.search import stats
from comparisons.search.backends import Buckets, backend_get
from comparisons.search.normalise import Term
from comparisons.search.signals import search_index_after_migrate
from comparisons.search.stats import term_statistics_get
from tests.comparisons.test_snapshot_patch import Editor, _catalog
from tests.factories import ArtifactFactory, CapabilityFactory

# Words the generated catalog holds (capability titles and descriptions, tag and vendor
# names) and one it never does, matched each way a query term can match.
TERMS: dict[str, Term | None] = {
    stats.ALL_DOCUMENTS: None,
    "exact capability": Term(word="capability", alternatives=()),
    "exact useful": Term(word="useful", alternatives=("thing",)),
    "exact tag": Term(word="tag", alternatives=()),
    "prefix renam": Term(word="renam", alternatives=(), prefix=True),
    "exact nonesuch": Term(word="nonesuch", alternatives=()),
    "compound well described": Term(word="well described", alternatives=(), compound=True),
}
WIDTH = 2  # two artifact ids per bucket, so that a test catalog spans many buckets


def _fresh() -> dict[str, int]:
    counts = backend_get().document_counts(terms=list(TERMS.values()), buckets=Buckets(width=1))
    return {identity: sum(c.values()) for identity, c in zip(TERMS, counts, strict=True)}


def _kept(version: str) -> dict[str, int]:
    return term_statistics_get(backend=backend_get(), terms=TERMS, facts_version=version)


# Committed writes (transaction=True): on PostgreSQL the journal's positions are transaction
# snapshots, so only real commits exercise them.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(4))
def test_counts_patched_after_random_edits_equal_a_fresh_count(seed, monkeypatch):
    monkeypatch.setattr(stats, "BUCKET_WIDTH", WIDTH)
    rng = random.Random(seed)
    _catalog(rng)
    editor = Editor(rng)
    assert _kept("f0") == _fresh()
    for n in range(1, 12):
        editor.round()
        fresh = _fresh()
        assert _kept(f"f{n}") == fresh, (seed, n)
        # Under the same facts version the table is read as it stands: only the terms no
        # document holds (never kept) are counted again.
        with CaptureQueriesContext(connection) as queries:
            assert _kept(f"f{n}") == fresh
        held = {identity for identity, documents in fresh.items() if documents}
        assert len(_counted_ranges(queries)) <= len(TERMS) - len(held)
        assert not [q for q in queries.captured_queries if "INSERT" in q["sql"]]


def _counted_ranges(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "count(" in q["sql"].lower()]


_RANGE = re.compile(r'artifact_id"? >= (\d+) AND (?:"\w+"\.)?"?artifact_id"? < (\d+)')


def _buckets(sql: str) -> set[int]:
    """The buckets a counting statement reads, from its artifact id ranges."""
    return {
        bucket
        for low, high in _RANGE.findall(sql)
        for bucket in range(int(low) // WIDTH, int(high) // WIDTH)
    }


ZORBLAT = {"exact zorblat": Term(word="zorblat", alternatives=())}


def _zorblat_catalog(monkeypatch, count: int) -> list:
    """`count` artifacts, each with one capability saying "zorblat", in buckets of WIDTH
    ids, with the term counted once (its row kept under facts version "f0")."""
    monkeypatch.setattr(stats, "BUCKET_WIDTH", WIDTH)
    artifacts = [ArtifactFactory() for _ in range(count)]
    for artifact in artifacts:
        CapabilityFactory(artifact=artifact, title="Zorblat helper")
    counts = term_statistics_get(backend=backend_get(), terms=ZORBLAT, facts_version="f0")
    assert counts == {"exact zorblat": count}
    return artifacts


@pytest.mark.django_db(transaction=True)
def test_an_edit_of_one_artifact_counts_only_its_bucket(monkeypatch):
    artifacts = _zorblat_catalog(monkeypatch, 8)
    terms, backend = ZORBLAT, backend_get()
    edited = artifacts[5]
    with transaction.atomic():
        CapabilityFactory(artifact=edited, title="Zorblat twice")
    with CaptureQueriesContext(connection) as queries:
        counts = term_statistics_get(backend=backend, terms=terms, facts_version="f1")
    assert counts == {"exact zorblat": 9}
    (count,) = _counted_ranges(queries)
    low = edited.pk // WIDTH * WIDTH
    # Only the edited artifact's bucket, by its id range.
    assert _buckets(count) == {edited.pk // WIDTH}
    row = TermStatistic.objects.get()
    assert row.documents == 9 and row.facts_version == "f1"
    assert sum(row.bucket_counts.values()) == 9
    in_bucket = sum(low <= a.pk < low + WIDTH for a in artifacts)
    assert row.bucket_counts[str(edited.pk // WIDTH)] == in_bucket + 1


def _stale_since_different_edits(monkeypatch) -> tuple[list, CaptureQueriesContext]:
    """ "zorblat" counted, then artifact 1 edited, then "helper" counted, then artifact 6
    edited: both terms are stale, with different marks and different changed buckets.
    Returns the artifacts and the queries of the count of both that follows (asserted
    exact: 10 documents each)."""
    artifacts = _zorblat_catalog(monkeypatch, 8)
    backend = backend_get()
    helper = {"exact helper": Term(word="helper", alternatives=())}
    with transaction.atomic():
        CapabilityFactory(artifact=artifacts[1], title="Zorblat helper again")
    assert term_statistics_get(backend=backend, terms=helper, facts_version="f1") == {
        "exact helper": 9
    }
    with transaction.atomic():
        CapabilityFactory(artifact=artifacts[6], title="Zorblat helper once more")
    with CaptureQueriesContext(connection) as queries:
        counts = term_statistics_get(backend=backend, terms=ZORBLAT | helper, facts_version="f2")
    assert counts == {"exact zorblat": 10, "exact helper": 10}
    stored = {row.term: row.documents for row in TermStatistic.objects.all()}
    assert stored == counts
    return artifacts, queries


@pytest.mark.django_db(transaction=True)
def test_terms_of_different_marks_are_counted_again_in_one_pass(monkeypatch):
    """Two terms counted at different moments (so with different journal marks) and stale
    after different edits: their buckets are counted in one statement over the union of
    both, and each count is still exact."""
    artifacts, queries = _stale_since_different_edits(monkeypatch)
    (count,) = _counted_ranges(queries)
    assert _buckets(count) == {artifacts[1].pk // WIDTH, artifacts[6].pk // WIDTH}


@pytest.mark.django_db(transaction=True)
def test_terms_whose_buckets_together_are_too_many_are_counted_in_a_pass_each(monkeypatch):
    """Past backends.ROW_BY_ROW_BUCKETS (1 here), one pass over the union would send every
    term to the full-text index: each set of buckets is counted in a pass of its own."""
    monkeypatch.setattr(stats, "ROW_BY_ROW_BUCKETS", 1)
    _, queries = _stale_since_different_edits(monkeypatch)
    assert sorted(map(len, map(_buckets, _counted_ranges(queries)))) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_a_row_counted_in_buckets_of_another_width_is_counted_again_whole(monkeypatch):
    """Rows kept before the bucket width changed hold other buckets: patching them would
    mix two widths, so the term is counted over every bucket, and stored in the new one."""
    artifacts = _zorblat_catalog(monkeypatch, 6)
    TermStatistic.objects.update(bucket_width=WIDTH * 2)
    with transaction.atomic():
        CapabilityFactory(artifact=artifacts[2], title="Zorblat twice")
    with CaptureQueriesContext(connection) as queries:
        counts = term_statistics_get(backend=backend_get(), terms=ZORBLAT, facts_version="f1")
    assert counts == {"exact zorblat": 7}
    (count,) = _counted_ranges(queries)
    assert 'artifact_id" >=' not in count and "artifact_id >=" not in count
    assert TermStatistic.objects.get().bucket_width == WIDTH


@pytest.mark.django_db(transaction=True)
def test_rows_the_journal_cannot_vouch_for_are_counted_again_whole(monkeypatch):
    """A bulk write recorded as "anything may have changed" (or a row not in the shape this
    module writes) makes the next reader count the term over every bucket."""
    artifacts = _zorblat_catalog(monkeypatch, 6)
    terms, backend = ZORBLAT, backend_get()
    with transaction.atomic():
        Capability.objects.filter(artifact=artifacts[0]).update(title="Nothing here")
        catalog_version_bump()
    with CaptureQueriesContext(connection) as queries:
        assert term_statistics_get(backend=backend, terms=terms, facts_version="f1") == {
            "exact zorblat": 5
        }
    (count,) = _counted_ranges(queries)
    assert 'artifact_id" >=' not in count and "artifact_id >=" not in count
    TermStatistic.objects.update(bucket_counts={"not a bucket": 1}, facts_version="old")
    assert term_statistics_get(backend=backend, terms=terms, facts_version="f2") == {
        "exact zorblat": 5
    }
    assert TermStatistic.objects.get().bucket_counts != {"not a bucket": 1}


@pytest.mark.django_db
def test_a_failed_write_still_answers_and_leaves_the_transaction_usable(monkeypatch):
    ArtifactFactory.create_batch(2)
    for artifact in Artifact.objects.all():
        CapabilityFactory(artifact=artifact, title="Zorblat helper")

    def refuse(*args, **kwargs):
        raise DatabaseError("read-only")

    monkeypatch.setattr(TermStatistic.objects, "bulk_create", refuse)
    terms = {"exact zorblat": Term(word="zorblat", alternatives=())}
    assert term_statistics_get(backend=backend_get(), terms=terms, facts_version="f0") == {
        "exact zorblat": 2
    }
    assert not TermStatistic.objects.exists()


@pytest.mark.django_db
def test_terms_no_document_holds_are_kept_up_to_a_bound(monkeypatch):
    """Random text gives terms no document holds: the first ones are kept (no count over
    every document on the next search after an edit), past the bound none is, and a kept
    one is written again even then."""
    monkeypatch.setattr(stats, "ABSENT_TERMS_KEPT", 2)
    CapabilityFactory(title="Zorblat helper")
    absent = {f"exact {word}": Term(word=word, alternatives=()) for word in ("qwxzv", "vvq")}
    terms = {stats.ALL_DOCUMENTS: None, "exact zorblat": ZORBLAT["exact zorblat"], **absent}
    counts = term_statistics_get(backend=backend_get(), terms=terms, facts_version="f0")
    assert counts == {stats.ALL_DOCUMENTS: 1, "exact zorblat": 1, "exact qwxzv": 0, "exact vvq": 0}
    kept = {stats.ALL_DOCUMENTS, "exact zorblat", *absent}
    assert set(TermStatistic.objects.values_list("term", flat=True)) == kept
    more = {"exact zzq": Term(word="zzq", alternatives=()), **absent}
    assert term_statistics_get(backend=backend_get(), terms=more, facts_version="f1") == {
        "exact zzq": 0,
        "exact qwxzv": 0,
        "exact vvq": 0,
    }
    assert set(TermStatistic.objects.values_list("term", flat=True)) == kept
    written = TermStatistic.objects.filter(term__in=absent)
    assert set(written.values_list("facts_version", flat=True)) == {"f1"}


# Committed rows: on PostgreSQL the refill creates indexes, which a transaction holding
# deferred constraint checks may not.
@pytest.mark.django_db(transaction=True)
def test_kept_counts_are_dropped_when_the_index_is_refilled_after_a_migrate():
    """A migration may re-index every document without a catalog write the journal
    names: the counts kept until then must not survive it."""
    CapabilityFactory(title="Zorblat helper")
    terms = {"exact zorblat": Term(word="zorblat", alternatives=())}
    term_statistics_get(backend=backend_get(), terms=terms, facts_version="f0")
    assert TermStatistic.objects.exists()
    search_index_after_migrate(using="default")
    assert not TermStatistic.objects.exists()
    assert term_statistics_get(backend=backend_get(), terms=terms, facts_version="f0") == {
        "exact zorblat": 1
    }


@pytest.mark.django_db(transaction=True)
def test_an_edit_that_keeps_every_document_counts_nothing_again(monkeypatch):
    """An editor's save of an artifact's own fields (status kept) changes no document: the
    kept counts move to the new facts version without a count; a status change does count
    its bucket again."""
    artifacts = _zorblat_catalog(monkeypatch, 6)
    terms, backend = ZORBLAT, backend_get()
    edited = Artifact.objects.get(pk=artifacts[3].pk)
    edited.summary = "Zorblat in the summary, which no search document holds."
    with transaction.atomic():
        edited.save()
    with CaptureQueriesContext(connection) as queries:
        counts = term_statistics_get(backend=backend, terms=terms, facts_version="f1")
    assert counts == {"exact zorblat": 6} and _counted_ranges(queries) == []
    assert TermStatistic.objects.get().facts_version == "f1"
    edited.status = Status.DRAFT
    with transaction.atomic():
        edited.save()
    with CaptureQueriesContext(connection) as queries:
        counts = term_statistics_get(backend=backend, terms=terms, facts_version="f2")
    assert counts == {"exact zorblat": 5} and len(_counted_ranges(queries)) == 1
