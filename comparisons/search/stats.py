"""Corpus statistics for idf, and the cache keys of everything search reuses across requests.

Why: on a catalog of a million capabilities, counting the published ones took 373 ms on
every search, and counting exactly the documents of a common term ("research": 214,000)
takes up to a second. They only change when the catalog does, so they are kept at two
levels:

1. the `derived` cache, per catalog *facts version* (catalog/versioning.py replaces it
   after every committed catalog write, except those that change only scores and match
   counters): the document count under one key, each term's document frequency under a
   key of its own, so that intents sharing a term share its count; one cache read;
2. the table comparisons_termstatistic (models.TermStatistic), shared by every worker and
   host: per term, the counts *per bucket of artifact ids* and the change-journal position
   (catalog/journal.py) they are exact at. After an edit the first search of a term finds
   the facts version moved, asks the journal which artifacts changed since that position,
   and counts the term again in those artifacts' buckets only (a few thousand documents
   instead of the whole corpus): the new counts are exact, and the first search after an
   editor's save no longer counts 214,000 documents per common term.

Why buckets and not "old count minus the edited documents' old terms plus their new ones":
the documents' old text is gone once the edit commits (the index triggers rewrite them in
the same transaction). A bucket's count is replaced whole, so nothing old is needed.

Exactness, level 2: a row's counts are read after its mark was taken, so each bucket's
count holds every write committed before the mark (and perhaps some after: those are
"since the mark" and make the bucket count again next time). A bucket no change since the
mark touched has the same count now. The journal cannot say (a bulk load recorded as
"anything may have changed", more than MAX_PATCHED_ARTIFACTS artifacts, tag names renamed,
or a mark too old for the journal's retention): the term is counted again whole.

With settings.CATALOG_DERIVED_CACHE off (tests, whose writes never move the version) or the
version store unreadable, every search counts fresh and stores nothing; a failing cache
(Redis down) only costs the reuse.
"""

import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from catalog.journal import (
    RETENTION,
    JournalMark,
    catalog_changes_since,
    catalog_journal_mark,
)
from comparisons.caching.derived import (
    derived_cache_get_many,
    derived_cache_set_many,
    derived_cache_versions,
)
from comparisons.models import TermStatistic
from comparisons.search.backends import ROW_BY_ROW_BUCKETS, Buckets, SearchBackend
from comparisons.search.normalise import Term
from config.after_response import after_response
from config.timing import Metric, timing_span

logger = logging.getLogger(__name__)

# Entries are never stale (the version is in the key); the timeout only bounds memory. A
# count is a few bytes and recounting a common term costs up to a second: keep it a day.
STATISTICS_SECONDS = 24 * 60 * 60
# Documents are counted per bucket of this many consecutive artifact ids: at 100,000
# artifacts of ten capabilities each, a bucket holds about 640 documents, which a count
# reads through the artifact_id index in a few milliseconds. After an edit, the buckets of
# the edited artifacts are counted again whole, so the width is what an edit costs: at 256
# the first search after five editors' saves counted 12,900 documents (46 ms at 100,000
# artifacts, docs/search.md), at 64 about 3,200 (16 ms). Narrower buckets make each stored
# row longer (a common term: one entry per bucket, 1,600 at 100,000 artifacts).
BUCKET_WIDTH = 64
# More artifacts changed than this since a row's mark (an import): count the term again
# whole, over every bucket, rather than patch a large share of them one range at a time.
MAX_PATCHED_ARTIFACTS = 500
# The identity of the "every published capability" count (a term's identity always starts
# with its match mode, so no term has this one).
ALL_DOCUMENTS = "all documents"
# Terms no published document holds kept at most (see `_statistics_write`).
ABSENT_TERMS_KEPT = 20_000


@dataclass(frozen=True)
class CorpusStats:
    document_count: int
    # Per counted term, in order: the published capabilities containing it.
    frequencies: list[int]


def derived_cache_key(*, kind: str, version: str, text: str) -> str:
    """A short key, safe for any cache (memcached: at most 250 printable ASCII characters).
    The vendor is part of it because the two engines stem and count differently."""
    digest = hashlib.sha256(f"{connection.vendor}\n{text}".encode()).hexdigest()
    return f"search:{kind}:{version}:{digest}"


def _term_identity(term: Term | None) -> str:
    # Everything the term's match depends on: its words (letters and digits only, so a
    # space never occurs inside one, except in a compound's phrase) and how it matches.
    if term is None:
        return ALL_DOCUMENTS
    mode = "compound" if term.compound else "prefix" if term.prefix else "exact"
    return f"{mode} {' '.join(term.words)}"


def _statistic_key(identity: str) -> str:
    # The bucket width is part of the key: code counting in other buckets (a deploy rolling
    # from one width to another) never reads these rows, nor these code its rows.
    return hashlib.sha256(f"{BUCKET_WIDTH} {identity}".encode()).hexdigest()


def corpus_stats(*, backend: SearchBackend, terms: list[Term], version: str | None) -> CorpusStats:
    """The published document count and each counted term's document frequency, exact:
    counted over the whole corpus, whatever the candidates are. terms excludes the phrase.
    version None computes fresh and stores nothing; otherwise the counts are reused under
    the facts version (they do not depend on ranks), then from the shared table, brought
    up to date from the journal (see the module docstring)."""
    versions = derived_cache_versions() if version is not None else None
    if versions is None:
        counts = backend.document_counts(terms=[None, *terms], buckets=Buckets(width=BUCKET_WIDTH))
        document_count, *frequencies = (sum(c.values()) for c in counts)
        return CorpusStats(document_count=document_count, frequencies=frequencies)
    facts = versions[1]
    wanted = {_term_identity(t): t for t in [None, *terms]}
    keys = {
        identity: derived_cache_key(kind="df", version=facts, text=identity) for identity in wanted
    }
    found = derived_cache_get_many(list(keys.values()))
    missing = {identity: wanted[identity] for identity, key in keys.items() if key not in found}
    if missing:
        counted = term_statistics_get(backend=backend, terms=missing, facts_version=facts)
        derived_cache_set_many(
            {keys[identity]: documents for identity, documents in counted.items()},
            timeout=STATISTICS_SECONDS,
        )
        found |= {keys[identity]: documents for identity, documents in counted.items()}
    document_count, *frequencies = (found[keys[_term_identity(t)]] for t in [None, *terms])
    return CorpusStats(document_count=document_count, frequencies=frequencies)


def term_statistics_get(
    *, backend: SearchBackend, terms: dict[str, Term | None], facts_version: str
) -> dict[str, int]:
    """{identity: published documents containing the term} for terms ({identity: term, None
    for every published capability}), exact now: from the shared table as it stands under
    facts_version, else patched from the change journal, else counted whole; the table is
    then brought up to date, after the response inside a request (config/after_response.py;
    a failed or lost write only costs the reuse)."""
    with timing_span("stats", description=f"{len(terms)} read from the table") as timing:
        return _term_statistics(
            backend=backend, terms=terms, facts_version=facts_version, timing=timing
        )


def _term_statistics(
    *, backend: SearchBackend, terms: dict[str, Term | None], facts_version: str, timing: Metric
) -> dict[str, int]:
    rows = {
        row.term: row
        for row in TermStatistic.objects.filter(key__in=[_statistic_key(i) for i in terms])
    }
    current = {i: row.documents for i, row in rows.items() if row.facts_version == facts_version}
    stale = [row for i, row in rows.items() if i not in current]
    unknown = [i for i in terms if i not in rows]
    if not stale and not unknown:
        return current
    # Before anything is counted: every count read after it holds what committed before it.
    mark = catalog_journal_mark()
    whole = set(unknown)
    patched: dict[str, dict[int, int]] = {}
    stale_counts: list[tuple[str, dict[int, int], frozenset[int]]] = []
    for row_mark, group in _by_mark(stale):
        changes = catalog_changes_since(mark=row_mark, limit=MAX_PATCHED_ARTIFACTS)
        for row in group:
            counts = _stored_counts(row)
            if changes is None or changes.tags or counts is None:
                whole.add(row.term)
                continue
            # Only artifacts whose documents (or whether they count) may have changed: an
            # edit of an artifact's own fields that kept its status changes no count.
            dirty = frozenset(pk // BUCKET_WIDTH for pk in changes.document_artifact_ids)
            stale_counts.append((row.term, counts, dirty))
    passes = _passes(stale_counts)
    for dirty, rows_counts in passes.items():
        recounted = backend.document_counts(
            terms=[terms[identity] for identity, _ in rows_counts],
            buckets=Buckets(width=BUCKET_WIDTH, numbers=dirty),
        )
        for (identity, counts), fresh in zip(rows_counts, recounted, strict=True):
            # A bucket's count replaced whole: the documents' old words are never needed.
            patched[identity] = {b: n for b, n in counts.items() if b not in dirty} | fresh
    if whole:
        ordered = sorted(whole)
        counted = backend.document_counts(
            terms=[terms[i] for i in ordered], buckets=Buckets(width=BUCKET_WIDTH)
        )
        patched |= dict(zip(ordered, counted, strict=True))
    buckets = frozenset().union(*passes)
    timing.description = (
        f"{len(current)} current, {len(patched) - len(whole)} patched from "
        f"{len(buckets)} buckets, {len(whole)} counted whole "
        f"({len(unknown)} never counted, {len(whole) - len(unknown)} not patchable)"
    )
    # The searcher has the counts: storing them for the next search (an upsert of about
    # 100 KB for common terms, 15-21 ms at 100,000 artifacts) waits until the page is sent.
    after_response(
        partial(_statistics_write, counts=patched, facts_version=facts_version, mark=mark)
    )
    return current | {identity: sum(counts.values()) for identity, counts in patched.items()}


def _passes(
    stale: list[tuple[str, dict[int, int], frozenset[int]]],
) -> dict[frozenset[int], list[tuple[str, dict[int, int]]]]:
    """The counting passes for stale terms, given each term's (identity, stored counts,
    dirty buckets): {buckets to count: the terms counted over them}. One pass over the
    union of every term's buckets while that union is small enough to be read row by row
    (backends.ROW_BY_ROW_BUCKETS): counting a bucket that did not change for a term gives
    the count it had, so terms whose marks differ (the shared document count is marked by
    whichever search counted it last) share one pass over their documents. Past that, a
    pass per distinct set of buckets, so that one term stale since long ago does not send
    the others to the full-text index."""
    union = frozenset().union(*(dirty for _, _, dirty in stale))
    if len(union) <= ROW_BY_ROW_BUCKETS:
        return {union: [(identity, counts) for identity, counts, _ in stale]} if stale else {}
    passes: dict[frozenset[int], list[tuple[str, dict[int, int]]]] = {}
    for identity, counts, dirty in stale:
        passes.setdefault(dirty, []).append((identity, counts))
    return passes


def _by_mark(rows: list[TermStatistic]) -> Iterable[tuple[JournalMark, list[TermStatistic]]]:
    # Terms counted by one search share a mark: one journal query per mark, not per term.
    groups: dict[tuple, list[TermStatistic]] = {}
    for row in rows:
        groups.setdefault((row.mark_last_id, row.mark_snapshot, row.mark_own), []).append(row)
    for group in groups.values():
        first = group[0]
        mark = JournalMark(
            last_id=first.mark_last_id,
            snapshot=first.mark_snapshot,
            own=first.mark_own,
            read_at=min(row.marked_at for row in group),
        )
        yield mark, group


def _stored_counts(row: TermStatistic) -> dict[int, int] | None:
    """The row's {bucket: documents}, or None when it is not that shape (never written by
    this module) or of another bucket width: then the term is counted again whole."""
    if row.bucket_width != BUCKET_WIDTH:
        return None
    try:
        return {int(bucket): int(documents) for bucket, documents in row.bucket_counts.items()}
    except (AttributeError, TypeError, ValueError):
        return None


def _statistics_write(
    *, counts: dict[str, dict[int, int]], facts_version: str, mark: JournalMark
) -> None:
    # A term no document holds costs a count over every document on the first search
    # after any edit (6-11 ms for a prefix term at 100,000 artifacts, most of it parallel
    # workers started for nothing), and is what random text produces: new ones are kept
    # while fewer than ABSENT_TERMS_KEPT are, so that the table stays bounded by the
    # catalog's own vocabulary plus that many (kept ones are written again). Past it they
    # are counted again, as before. Two writers at once may each take the last places: the
    # bound is approximate.
    absent = sorted(
        identity
        for identity, buckets in counts.items()
        if not any(buckets.values()) and identity != ALL_DOCUMENTS
    )
    if absent:
        keys = [_statistic_key(identity) for identity in absent]
        stored = set(TermStatistic.objects.filter(key__in=keys).values_list("term", flat=True))
        new = [identity for identity in absent if identity not in stored]
        room = max(ABSENT_TERMS_KEPT - TermStatistic.objects.filter(documents=0).count(), 0)
        dropped = set(new[room:])
        counts = {identity: b for identity, b in counts.items() if identity not in dropped}
    if not counts:
        return
    rows = [
        TermStatistic(
            key=_statistic_key(identity),
            term=identity,
            bucket_counts={str(bucket): documents for bucket, documents in sorted(buckets.items())},
            bucket_width=BUCKET_WIDTH,
            documents=sum(buckets.values()),
            facts_version=facts_version,
            mark_last_id=mark.last_id,
            mark_snapshot=mark.snapshot,
            mark_own=mark.own,
            marked_at=mark.read_at,
        )
        for identity, buckets in counts.items()
    ]
    try:
        # A savepoint: inside a caller's transaction a failed write must not poison it.
        with transaction.atomic():
            TermStatistic.objects.bulk_create(
                rows,
                update_conflicts=True,
                unique_fields=["key"],
                update_fields=[
                    "bucket_counts",
                    "bucket_width",
                    "documents",
                    "facts_version",
                    "mark_last_id",
                    "mark_snapshot",
                    "mark_own",
                    "marked_at",
                ],
            )
            # Rows no search has needed since the journal's retention can never be patched.
            TermStatistic.objects.filter(marked_at__lt=timezone.now() - RETENTION).delete()
    except DatabaseError:
        logger.warning("search term statistics unwritable; counted again next time", exc_info=True)
