"""The catalog change journal: which artifacts each committed catalog write touched.

Why: every committed catalog write replaces the catalog version (catalog/versioning.py),
and data derived from the whole catalog (the browse snapshot in each worker process) used
to be rebuilt from scratch on the next request: 4-8 s at 100,000 artifacts (BENCHMARKS.md).
With the journal, a reader holding data read at some point asks "what changed since?" and
re-reads only those artifacts.

What is recorded (table catalog_catalogchange, one row per artifact and write, in the same
transaction as the write, so a rolled-back write records nothing):
- scope "artifact", with the artifact's id: its own fields, its capabilities, their tags,
  or its vendor changed (or it was created or deleted);
- scope "row", with the artifact's id: what a page shows of it changed, and nothing that
  decides which search documents it has, what they say or whether they count (an editor's
  save of the artifact's own fields with its status as it was loaded, its vendor's name,
  an editor's verdict of one of its comparisons). Readers that derive from those documents
  only (search statistics) skip it (`JournalChanges.document_artifact_ids`); the others
  read it as "artifact";
- scope "ranks": what search events and score recomputes derive changed, for any number of
  artifacts, and nothing else: score components, ranks, rank ranges, provisional flags and
  jobs; artifacts' and capabilities' match counters (`times_matched`, success rates) and
  pair evidence (score recomputes, match-graph rebuilds, full or incremental). No search
  document, tag name, status or other field an editor or an importer writes;
- scope "tags": tag names or slugs changed (which artifacts carry which tag did not);
- scope "all": anything may have changed (a writer that cannot say: bulk loads).

Where a reader stands (`JournalMark`), and why not simply "the highest id seen": ids come
from a sequence when the row is inserted, not when its transaction commits, so on
PostgreSQL a reader can see id 101 committed while id 100 is still in flight; "everything
above 101" would then miss 100 for ever. There the mark is the reader's transaction
snapshot (`pg_current_snapshot()`) and the changes since it are the rows whose writing
transaction it did not see (`pg_visible_in_snapshot`), whatever their ids. SQLite has one
writer at a time, so ids are handed out in commit order and the highest id seen is exact.
A reader takes its mark *before* reading the data: a write that lands between the two is
both in the data and "since the mark", and re-reading it later changes nothing.

Pruning: rows older than RETENTION are deleted by every write recorded with a scope other
than "artifact" (score recomputes, match-graph rebuilds, bulk loads, tag edits), so an
editor's save costs no extra query. A reader whose mark is older than PATCHABLE (half of
RETENTION, far longer than any catalog transaction) does not ask the journal and reads
everything again.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connections
from django.utils import timezone

from catalog.models import CatalogChange

ARTIFACT = "artifact"
ROW = "row"
# The scopes that name artifacts.
ARTIFACT_SCOPES = (ARTIFACT, ROW)
RANKS = "ranks"
TAGS = "tags"
ALL = "all"

RETENTION = timedelta(days=1)
PATCHABLE = RETENTION / 2


@dataclass(frozen=True)
class JournalMark:
    """A reader's position in the journal: every write committed before it is in what the
    reader read. last_id: the highest id visible (SQLite's exact mark); snapshot: the
    PostgreSQL transaction snapshot as text ("" elsewhere); own: the reader's own
    transaction id on PostgreSQL when it had written (-1: none); read_at: when it was taken."""

    last_id: int
    snapshot: str
    own: int
    read_at: datetime


@dataclass(frozen=True)
class JournalChanges:
    """What changed between a mark and `mark` (the new position): the artifacts touched,
    whether ranks or tag names changed anywhere, and among those artifacts the ones whose
    search documents (or whether they count) may have changed: all but those only ever
    recorded with scope ROW."""

    artifact_ids: frozenset[int]
    ranks: bool
    tags: bool
    mark: JournalMark
    document_artifact_ids: frozenset[int]


def _table() -> str:
    return CatalogChange._meta.db_table


def catalog_changes_record(
    *, scope: str, artifact_ids: Iterable[int] = (), using: str | None = None
) -> None:
    """Record a write in the current transaction (autocommit: at once). Scopes ARTIFACT and
    ROW need the artifacts' ids (an empty list records nothing); the other scopes take none.
    One INSERT on PostgreSQL whatever the number of artifacts; batches of 500 on SQLite."""
    ids = sorted(set(artifact_ids)) if scope in ARTIFACT_SCOPES else [None]
    if not ids:
        return
    connection = connections[using or "default"]
    now = timezone.now()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {_table()} (scope, artifact_id, transaction_id, created_at)"
                " SELECT %s, unnest(%s::bigint[]), pg_current_xact_id()::text::bigint, %s",
                [scope, ids, now],
            )
    else:
        CatalogChange.objects.using(using).bulk_create(
            [CatalogChange(scope=scope, artifact_id=pk, created_at=now) for pk in ids],
            batch_size=500,
        )
    if scope not in ARTIFACT_SCOPES:
        # Background and bulk writers prune (score recomputes after every import, match-graph
        # rebuilds every few minutes), so an editor's save costs no extra query.
        catalog_changes_prune(before=now - RETENTION, using=using)


def catalog_changes_prune(*, before: datetime, using: str | None = None) -> int:
    """Delete the entries written before `before`; returns how many."""
    deleted, _ = CatalogChange.objects.using(using).filter(created_at__lt=before).delete()
    return deleted


# PostgreSQL: where a reader stands, read in the statement that uses it. Its own transaction
# (a reader inside a writing transaction: tests, management commands) is never "visible" in
# its own snapshot, so its rows count as seen up to the newest id it could see.
_PG_MARK = (
    "pg_current_snapshot()::text, "
    "COALESCE(pg_current_xact_id_if_assigned()::text::bigint, -1), "
    "(SELECT COALESCE(MAX(id), 0) FROM {table})"
)


def catalog_journal_mark(*, using: str | None = None) -> JournalMark:
    """The current position, for a reader about to read catalog data (one query)."""
    connection = connections[using or "default"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT {_PG_MARK.format(table=_table())}")
            snapshot, own, last_id = cursor.fetchone()
            return JournalMark(last_id=last_id, snapshot=snapshot, own=own, read_at=timezone.now())
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_table()}")
        return JournalMark(
            last_id=cursor.fetchone()[0], snapshot="", own=-1, read_at=timezone.now()
        )


def catalog_changes_since(
    *, mark: JournalMark, limit: int, using: str | None = None
) -> JournalChanges | None:
    """What changed since `mark`, with the new mark, in one query; None when the journal
    cannot say: an entry of scope ALL, more than `limit` artifacts, or a mark old enough
    for its entries to have been pruned."""
    read_at = timezone.now()
    if read_at - mark.read_at > PATCHABLE:
        return None
    connection = connections[using or "default"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The rows written by transactions the old snapshot did not see (those below its
            # xmin it saw, which keeps the scan on the index), and the new mark, taken by
            # the same statement. The mark's own transaction is told apart by row id: a
            # snapshot never lists its own transaction as running, so it counts as seen as
            # soon as a later transaction (in any database of the server) has committed.
            cursor.execute(
                "WITH changed AS (SELECT DISTINCT scope, artifact_id FROM "
                f"{_table()} WHERE transaction_id >= "
                "pg_snapshot_xmin(%s::pg_snapshot)::text::bigint AND CASE "
                "WHEN transaction_id = %s THEN id > %s ELSE NOT "
                "pg_visible_in_snapshot(transaction_id::text::xid8, %s::pg_snapshot) END "
                "LIMIT %s) "
                f"SELECT {_PG_MARK.format(table=_table())}, "
                "(SELECT array_agg(scope || ':' || COALESCE(artifact_id::text, '')) FROM changed)",
                [mark.snapshot, mark.own, mark.last_id, mark.snapshot, limit + 1],
            )
            snapshot, own, last_id, packed = cursor.fetchone()
            split = (entry.partition(":") for entry in packed or [])
            rows = [(scope, int(pk) if pk else None) for scope, _, pk in split]
        else:
            # The newest id in the same statement (one consistent read), told apart by the
            # first column: a compound SELECT's rows come in no promised order.
            cursor.execute(
                "SELECT 0, * FROM (SELECT DISTINCT scope, artifact_id FROM "
                f"{_table()} WHERE id > %s LIMIT %s) UNION ALL "
                f"SELECT 1, '', COALESCE(MAX(id), 0) FROM {_table()}",
                [mark.last_id, limit + 1],
            )
            found = cursor.fetchall()
            rows = [(scope, pk) for newest, scope, pk in found if not newest]
            last_id = next(pk for newest, _, pk in found if newest)
            snapshot, own = "", -1
    if len(rows) > limit:
        # The query stopped at its LIMIT: what it read is not all that changed (an artifact
        # recorded under both artifact scopes takes two rows, and a wide scope one).
        return None
    scopes = {scope for scope, _ in rows}
    artifact_ids = frozenset(
        pk for scope, pk in rows if scope in ARTIFACT_SCOPES and pk is not None
    )
    if ALL in scopes or len(artifact_ids) > limit:
        return None
    return JournalChanges(
        artifact_ids=artifact_ids,
        ranks=RANKS in scopes,
        tags=TAGS in scopes,
        mark=JournalMark(last_id=last_id, snapshot=snapshot, own=own, read_at=read_at),
        document_artifact_ids=frozenset(
            pk for scope, pk in rows if scope == ARTIFACT and pk is not None
        ),
    )
