"""The match graph rebuild: every derived number, recomputed from the stored events.

Events (SearchEvent and its matched capabilities, ChoiceEvent) are the source of truth.
The rebuild is set-based SQL (aggregates into temporary tables, then upserts), the same
statements on PostgreSQL and SQLite, in one transaction, and idempotent: rows only change
when their value does, so a second rebuild writes nothing and gives identical results.
Events of intents marked as spam are left out of everything but the intent's own count.

Two ways to run it, with the same results (tests compare them to the last counter):

- **full** (`match_graph_rebuild()`): counts every event again. Minutes at a million events.
- **incremental** (`match_graph_rebuild(incremental=True)`): folds in only the events
  recorded since the last run, through private tallies (IntentTally, MatchTally,
  ChoiceTally: what the rebuild has counted so far; the live counters move the public
  tables between runs, so those cannot serve as the base) and a watermark
  (MatchGraphState: the highest event ids folded in). Seconds for ten thousand new events.
  It first checks that the base still holds (`_base_intact`): no event at or below the
  watermark deleted, the same intents marked as spam, every tallied capability still on
  the same artifact (checked for the artifacts the change journal names since the last
  run, `_capabilities_moved`). When any of that changed (an editor marked spam, a capability was
  deleted), the run is a full rebuild instead, and its report says why.

Steps (both modes):
1. intents: search count, last seen, last result count (spam included, for editors);
2. matches (intent x capability): times matched, times chosen (choices of the capability's
   artifact for that intent, capped at times matched), last seen;
3. capabilities: times matched, smoothed success rate;
4. artifacts: times matched (searches in which any of its capabilities matched);
5. pair evidence: for two artifacts, the searches per intent in which both matched;
6. the match_graph score component (see `match_graph_compute`): each touched intent's total
   edge weight (IntentTally.weight), the flow of every artifact those intents reach from all
   of its tallies (FlowTally), then each artifact's value from its stored flow and a scale
   that moves in steps (`centrality_scale`), so that only artifacts whose own flow moved
   change, unless the largest flow crossed a step (`_centrality`: an incremental run reads
   only those, and the artifacts the change journal names, while the scale holds);
7. ranks: every artifact's (catalog.services.artifact_scores_recompute) in a full run; in an
   incremental run only those whose match_graph moved, from their stored components
   (catalog.selectors.artifact_ranks_get: the other components do not depend on search
   events; their own writers keep them current).

Which events a run folds in: the watermark is read under a brief SHARE lock on the event
tables (PostgreSQL), which waits for the transactions inserting events to commit, so no
event with a lower id can commit after the run has passed it. SQLite has one writer at a
time and gives ids in commit order. Concurrent rebuilds, and the writes of score
recomputes, queue on an advisory lock (catalog.services.RANKS_LOCK).
"""

import hashlib
import math
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from catalog.journal import (
    RANKS,
    JournalChanges,
    JournalMark,
    catalog_changes_since,
    catalog_journal_mark,
)
from catalog.selectors import artifact_ranks_get
from catalog.services import artifact_scores_recompute, ranks_lock_take
from catalog.versioning import catalog_version_bump
from comparisons.models import MatchGraphState

# A choice is stronger evidence than a match: it weighs this many matches in the graph.
CHOICE_WEIGHT = 2
# Success rate = (chosen + PRIOR_STRENGTH * PRIOR_RATE) / (matched + PRIOR_STRENGTH): a
# capability matched twice and chosen once is not "50% successful" yet, it is pulled
# towards PRIOR_RATE until evidence accumulates. The prior is a fixed rate, not the
# catalog-wide ratio: with a catalog-wide ratio every new search moved every capability's
# rate, so each run had to rewrite all of them (docs/decisions.md).
PRIOR_STRENGTH = 5
PRIOR_RATE = 0.1
# The match_graph scale moves in steps of this factor (see centrality_scale).
SCALE_STEP = 1.25
# Stored components are rounded so that float summation order can never make two
# rebuilds of the same events differ.
COMPONENT_DIGITS = 6

STEPS = (
    "intents",
    "matches",
    "capabilities",
    "artifacts",
    "pair evidence",
    "match graph",
    "ranks",
)


@dataclass
class RebuildReport:
    """What a rebuild did. events: counted (non-spam) events folded in by this run;
    matches/pairs: match and pair-evidence rows written or confirmed; artifacts_matched:
    artifacts whose times matched moved (incremental) or that any counted event matched
    (full); artifacts_reranked: artifacts whose match_graph value changed; seconds: per
    step, wall clock."""

    mode: str = "full"
    reason: str = ""
    events: int = 0
    matches: int = 0
    pairs: int = 0
    artifacts_matched: int = 0
    artifacts_reranked: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        total = sum(self.seconds.values())
        why = f" ({self.reason})" if self.reason else ""
        return (
            f"{self.mode}{why}: {self.events} counted events, {self.matches} matches, "
            f"{self.pairs} pair rows, {self.artifacts_matched} artifacts matched, "
            f"{self.artifacts_reranked} reranked, in {total:.2f}s"
        )


def match_graph_compute(
    *,
    intent_events: Mapping[int, int],
    edges: Mapping[tuple[int, int], int],
    capability_artifact: Mapping[int, int],
) -> dict[int, float]:
    """The match_graph component: a PageRank-style centrality, normalised to [0, 1].

    The graph has three layers, intent -> capability -> artifact. Searchers arrive at an
    intent in proportion to its (counted) searches, follow an edge to a capability in
    proportion to its weight (matches + CHOICE_WEIGHT * choices), and land on the
    capability's artifact. On a layered graph whose random jumps go back to the intents,
    PageRank's stationary mass on the artifacts is proportional to exactly this flow, so one
    propagation pass gives it (`flows_compute`); the result is divided by a scale at or
    just above the largest flow (`centrality_normalise`).

    This pure version documents and tests the formula; the rebuild computes the same flows
    from its tallies, and a test holds the two to the same numbers.
    """
    totals: dict[int, int] = {}
    for (intent, _capability), weight in edges.items():
        totals[intent] = totals.get(intent, 0) + weight
    shares = [
        (capability_artifact[capability], intent_events[intent], weight, totals[intent])
        for (intent, capability), weight in edges.items()
        if totals.get(intent) and intent in intent_events
    ]
    return centrality_normalise(flows_compute(shares=shares))


def flows_compute(*, shares: Iterable[tuple[int, int, int, int]]) -> dict[int, float]:
    """Each artifact's flow from (artifact, intent's searches, edge weight, intent's total
    edge weight) rows: the sum of searches x weight / total over its rows.

    Exact whatever the rows' order: each share is a correctly rounded quotient of integers
    and math.fsum is correctly rounded, so a full rebuild and an incremental one, which read
    the rows in different orders, store the same bits. Rows with a zero total are ignored.
    """
    parts: dict[int, list[float]] = {}
    for artifact, searches, weight, total in shares:
        if total:
            parts.setdefault(artifact, []).append(searches * weight / total)
    return {artifact: math.fsum(values) for artifact, values in parts.items()}


def success_rate_compute(*, matched: int, chosen: int) -> float | None:
    """A capability's smoothed success rate in [0, 1]; None (no data) when never matched.
    chosen is capped at matched by the caller (the rebuild caps it per intent)."""
    if matched <= 0:
        return None
    return (chosen + PRIOR_STRENGTH * PRIOR_RATE) / (matched + PRIOR_STRENGTH)


def centrality_scale(top: float) -> float:
    """What flows are divided by: the smallest power of SCALE_STEP at or above `top`, the
    largest flow (> 0). Raises ValueError for top <= 0.

    Why a scale that moves in steps rather than the largest flow itself: every batch of new
    searches moves the largest flow a little, and dividing by it rewrote every artifact's
    value and rank on every incremental rebuild (90 s of a 154 s run, BENCHMARKS.md). With
    a stepped scale a run rewrites only the artifacts whose own flow moved, plus, once per
    SCALE_STEP of growth of the largest flow, every artifact. The cost: the most central
    artifact reads between 1 / SCALE_STEP and 1 instead of exactly 1 (docs/decisions.md).
    """
    if not top > 0:
        raise ValueError(f"The largest flow must be positive, got {top!r}.")
    exponent = math.ceil(math.log(top, SCALE_STEP))
    # log() can be off by one ulp at exact powers: settle on the smallest power >= top.
    while SCALE_STEP**exponent < top:
        exponent += 1
    while SCALE_STEP ** (exponent - 1) >= top:
        exponent -= 1
    return SCALE_STEP**exponent


def centrality_normalise(flow: Mapping[int, float | Decimal]) -> dict[int, float]:
    """Each value divided by `centrality_scale` of the largest, rounded to
    COMPONENT_DIGITS; {} when nothing flows (no data)."""
    top = max((float(v) for v in flow.values()), default=0.0)
    if top <= 0:
        return {}
    scale = centrality_scale(top)
    return {k: centrality_value(flow=v, scale=scale) for k, v in flow.items()}


def centrality_value(*, flow: float | Decimal, scale: float) -> float:
    """One artifact's match_graph component: its flow divided by the scale
    (`centrality_scale` of the largest flow), rounded to COMPONENT_DIGITS."""
    return round(float(flow) / scale, COMPONENT_DIGITS)


# ---- SQL --------------------------------------------------------------------------------

# Events of intents not marked as spam, with ids in (after, upto].
_COUNTED_EVENTS = """
    SELECT e.id AS event_id, e.intent_id, e.created_at
      FROM comparisons_searchevent e
      JOIN comparisons_intent i ON i.id = e.intent_id
     WHERE i.is_spam = %s AND e.id > %s AND e.id <= %s
"""

# The tallied matches with times chosen capped at times matched: the Match rows to publish.
_CAPPED = """
    SELECT m.intent_id, m.capability_id, m.artifact_id, m.matched AS times_matched,
           CASE WHEN COALESCE(c.chosen, 0) < m.matched THEN COALESCE(c.chosen, 0)
                ELSE m.matched END AS times_chosen,
           m.last_seen
      FROM comparisons_matchtally m
      LEFT JOIN comparisons_choicetally c
             ON c.intent_id = m.intent_id AND c.artifact_id = m.artifact_id
"""

_TEMPS = (
    "mg_new_intent",
    "mg_event_capability",
    "mg_capability_artifact",
    "mg_capability",
    "mg_new_match",
    "mg_new_choice",
    "mg_touched",
    "mg_event_artifact",
    "mg_pair",
    "mg_touched_intent",
    "mg_flow_artifact",
    "mg_flow",
    "mg_component",
)


@dataclass(frozen=True)
class _Span:
    """The event ids a run folds in: (search_after, search_upto] and the same for choices."""

    search_after: int
    search_upto: int
    choice_after: int
    choice_upto: int

    def counted(self) -> list:
        return [False, self.search_after, self.search_upto]


def _temp(cursor, name: str, select: str, params: list, *, index: str) -> None:
    """A temporary aggregate (`_temp_unindexed`) with an index on `index`."""
    _temp_unindexed(cursor, name, select, params)
    cursor.execute(f"CREATE INDEX {name}_key ON {name} ({index})")


def _temp_unindexed(cursor, name: str, select: str, params: list) -> None:
    """A temporary table holding `select`, with fresh statistics: without ANALYZE the planner
    knows nothing about a new table (autovacuum never visits temporary ones) and may pick
    nested loops over millions of rows, or a sequential scan of a million capabilities to
    update sixteen thousand. For tables only ever read whole: an index on millions of rows
    (a full run) costs seconds to build."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", params)
    cursor.execute(f"ANALYZE {name}")


def _count(cursor, sql: str, params: list | None = None) -> int:
    cursor.execute(sql, params or [])
    return cursor.fetchone()[0] or 0


# ---- 1. intents -------------------------------------------------------------------------


def _intents(cursor, span: _Span, *, full: bool) -> int:
    """Fold the span's events (spam included) into IntentTally and publish the intents it
    touched (all of them in a full run). Returns the number of events in the span."""
    _temp(
        cursor,
        "mg_new_intent",  # pragma: no mutate
        """
        SELECT intent_id, n, created_at AS last_seen, id AS last_event_id,
               result_count AS last_result_count
          FROM (SELECT e.intent_id, e.id, e.created_at, e.result_count,
                       COUNT(*) OVER (PARTITION BY e.intent_id) AS n,
                       ROW_NUMBER() OVER (PARTITION BY e.intent_id
                                          ORDER BY e.created_at DESC, e.id DESC) AS r
                  FROM comparisons_searchevent e
                 WHERE e.id > %s AND e.id <= %s) x
         WHERE r = 1
        """,
        [span.search_after, span.search_upto],
        index="intent_id",  # pragma: no mutate
    )
    if full:
        cursor.execute("DELETE FROM comparisons_intenttally")  # pragma: no mutate
    # The latest event wins; a new event at the same moment has the higher id, so it wins.
    newer = "excluded.last_seen >= comparisons_intenttally.last_seen"  # pragma: no mutate
    cursor.execute(
        f"""
        INSERT INTO comparisons_intenttally (intent_id, events, last_seen, last_event_id,
                                             last_result_count)
        SELECT intent_id, n, last_seen, last_event_id, last_result_count
          FROM mg_new_intent WHERE 1 = 1
        ON CONFLICT (intent_id) DO UPDATE
           SET events = comparisons_intenttally.events + excluded.events,
               last_seen = CASE WHEN {newer} THEN excluded.last_seen
                                ELSE comparisons_intenttally.last_seen END,
               last_event_id = CASE WHEN {newer} THEN excluded.last_event_id
                                    ELSE comparisons_intenttally.last_event_id END,
               last_result_count = CASE WHEN {newer} THEN excluded.last_result_count
                                        ELSE comparisons_intenttally.last_result_count END
        """
    )
    if full:
        cursor.execute(
            """
            UPDATE comparisons_intent SET search_count = 0, last_result_count = 0,
                                          last_seen = NULL
             WHERE (search_count <> 0 OR last_result_count <> 0 OR last_seen IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM comparisons_intenttally t
                                WHERE t.intent_id = comparisons_intent.id)
            """
        )
    touched = (
        ""
        if full
        else "AND t.intent_id IN (SELECT intent_id FROM mg_new_intent)"  # pragma: no mutate
    )
    cursor.execute(
        f"""
        UPDATE comparisons_intent
           SET search_count = t.events, last_seen = t.last_seen,
               last_result_count = t.last_result_count
          FROM comparisons_intenttally t
         WHERE comparisons_intent.id = t.intent_id {touched}
           AND (comparisons_intent.search_count <> t.events
                OR comparisons_intent.last_result_count <> t.last_result_count
                OR comparisons_intent.last_seen IS NULL
                OR comparisons_intent.last_seen <> t.last_seen)
        """
    )
    return _count(
        cursor,
        "SELECT SUM(n) FROM mg_new_intent",  # pragma: no mutate
    )


# ---- 2. matches -------------------------------------------------------------------------


def _matches(cursor, span: _Span, *, full: bool) -> int:
    """Fold the span's counted matches and choices into the tallies; publish the Match rows
    they touched (all of them in a full run). Returns the Match rows published."""
    # The span's counted (event, capability) rows, joined once: the matches here and the
    # artifacts of each event (`_artifacts`) are both read from them. The second join of
    # the events to their capabilities took 0.2-0.4 s of a 4 s incremental run.
    _temp_unindexed(
        cursor,
        "mg_event_capability",  # pragma: no mutate
        f"""
        SELECT ev.event_id, ev.intent_id, ev.created_at, em.capability_id
          FROM comparisons_searchevent_matched_capabilities em
          JOIN ({_COUNTED_EVENTS}) ev ON ev.event_id = em.searchevent_id
         WHERE em.searchevent_id > %s AND em.searchevent_id <= %s
        """,
        [*span.counted(), span.search_after, span.search_upto],
    )
    # The artifact of each capability matched, looked up once per capability and in id
    # order: a capability row is about 600 bytes, and the lookup per matched row (five per
    # event) read 11,000 pages of the capability table for 10,000 events (0.3-0.4 s).
    _temp(
        cursor,
        "mg_capability_artifact",  # pragma: no mutate
        """
        SELECT c.id AS capability_id, c.artifact_id
          FROM (SELECT DISTINCT capability_id FROM mg_event_capability
                 ORDER BY capability_id) m
          JOIN catalog_capability c ON c.id = m.capability_id
        """,
        [],
        index="capability_id",  # pragma: no mutate
    )
    _temp(
        cursor,
        "mg_new_match",  # pragma: no mutate
        """
        SELECT e.intent_id, e.capability_id, a.artifact_id, COUNT(*) AS n,
               MAX(e.created_at) AS last_seen
          FROM mg_event_capability e
          JOIN mg_capability_artifact a ON a.capability_id = e.capability_id
         GROUP BY e.intent_id, e.capability_id, a.artifact_id
        """,
        [],
        index="intent_id, artifact_id",  # pragma: no mutate
    )
    _temp(
        cursor,
        "mg_new_choice",  # pragma: no mutate
        """
        SELECT ch.intent_id, ch.artifact_id, COUNT(*) AS n
          FROM comparisons_choiceevent ch
          JOIN comparisons_intent i ON i.id = ch.intent_id
         WHERE i.is_spam = %s AND ch.id > %s AND ch.id <= %s
         GROUP BY ch.intent_id, ch.artifact_id
        """,
        [False, span.choice_after, span.choice_upto],
        index="intent_id, artifact_id",  # pragma: no mutate
    )
    if full:
        cursor.execute("DELETE FROM comparisons_matchtally")  # pragma: no mutate
        cursor.execute("DELETE FROM comparisons_choicetally")  # pragma: no mutate
    # The upserts here and in `_pairs` (and the capability update) take their rows in the
    # unique key's order, so that consecutive probes of that index, and of rows inserted
    # together, touch neighbouring pages; sorting a few ten thousand rows costs milliseconds.
    cursor.execute(
        """
        INSERT INTO comparisons_matchtally (intent_id, capability_id, artifact_id, matched,
                                            last_seen)
        SELECT intent_id, capability_id, artifact_id, n, last_seen FROM mg_new_match WHERE 1 = 1
         ORDER BY intent_id, capability_id
        ON CONFLICT (intent_id, capability_id) DO UPDATE
           SET matched = comparisons_matchtally.matched + excluded.matched,
               last_seen = CASE WHEN excluded.last_seen > comparisons_matchtally.last_seen
                                THEN excluded.last_seen
                                ELSE comparisons_matchtally.last_seen END
        """
    )
    cursor.execute(
        """
        INSERT INTO comparisons_choicetally (intent_id, artifact_id, chosen)
        SELECT intent_id, artifact_id, n FROM mg_new_choice WHERE 1 = 1
        ON CONFLICT (intent_id, artifact_id) DO UPDATE
           SET chosen = comparisons_choicetally.chosen + excluded.chosen
        """
    )
    if full:
        published = f"({_CAPPED}) p"
    else:
        # New matches, and every tallied match of an artifact newly chosen for the intent.
        _temp(
            cursor,
            "mg_touched",  # pragma: no mutate
            """
            SELECT intent_id, capability_id FROM mg_new_match
            UNION
            SELECT m.intent_id, m.capability_id
              FROM comparisons_matchtally m
              JOIN mg_new_choice c ON c.intent_id = m.intent_id AND c.artifact_id = m.artifact_id
            """,
            [],
            index="intent_id, capability_id",  # pragma: no mutate
        )
        published = f"""({_CAPPED}) p JOIN mg_touched t
                        ON t.intent_id = p.intent_id AND t.capability_id = p.capability_id"""
    cursor.execute(
        f"""
        INSERT INTO comparisons_match (intent_id, capability_id, times_matched, times_chosen,
                                       last_seen)
        SELECT p.intent_id, p.capability_id, p.times_matched, p.times_chosen, p.last_seen
          FROM {published} WHERE 1 = 1
         ORDER BY p.intent_id, p.capability_id
        ON CONFLICT (intent_id, capability_id) DO UPDATE
           SET times_matched = excluded.times_matched, times_chosen = excluded.times_chosen,
               last_seen = excluded.last_seen
         WHERE comparisons_match.times_matched <> excluded.times_matched
            OR comparisons_match.times_chosen <> excluded.times_chosen
            OR comparisons_match.last_seen IS NULL
            OR comparisons_match.last_seen <> excluded.last_seen
        """
    )
    if not full:
        return _count(
            cursor,
            "SELECT COUNT(*) FROM mg_touched",  # pragma: no mutate
        )
    cursor.execute(
        """
        DELETE FROM comparisons_match
         WHERE NOT EXISTS (SELECT 1 FROM comparisons_matchtally t
                            WHERE t.intent_id = comparisons_match.intent_id
                              AND t.capability_id = comparisons_match.capability_id)
        """
    )
    # Later steps join these tables; their statistics must describe what was just written.
    for table in (
        "comparisons_match",  # pragma: no mutate
        "comparisons_matchtally",  # pragma: no mutate
        "comparisons_choicetally",  # pragma: no mutate
    ):
        cursor.execute(f"ANALYZE {table}")
    return _count(
        cursor,
        "SELECT COUNT(*) FROM comparisons_matchtally",  # pragma: no mutate
    )


# ---- 3. capabilities --------------------------------------------------------------------


def _capabilities(cursor, *, full: bool) -> None:
    """Times matched and success rate of the capabilities whose matches were published."""
    rate = (
        "CAST(s.chosen + %s AS DOUBLE PRECISION)"  # pragma: no mutate
        " / CAST(s.n + %s AS DOUBLE PRECISION)"  # pragma: no mutate
    )
    params = [PRIOR_STRENGTH * PRIOR_RATE, PRIOR_STRENGTH]
    if full:
        cursor.execute(
            """
            UPDATE catalog_capability SET times_matched = 0, match_success_rate = NULL
             WHERE (times_matched <> 0 OR match_success_rate IS NOT NULL)
               AND NOT EXISTS (SELECT 1 FROM comparisons_matchtally m
                                WHERE m.capability_id = catalog_capability.id)
            """
        )
        touched = ""
    else:
        touched = (
            "WHERE p.capability_id IN (SELECT capability_id FROM mg_touched)"  # pragma: no mutate
        )
    # The sums go through an analysed temporary table: from a subquery the planner expected
    # a tenth of the capabilities and read all million (0.3-0.5 s of a 5 s incremental run)
    # instead of looking up the sixteen thousand it touches.
    _temp_unindexed(
        cursor,
        "mg_capability",  # pragma: no mutate
        f"""
        SELECT p.capability_id, SUM(p.times_matched) AS n, SUM(p.times_chosen) AS chosen
          FROM ({_CAPPED}) p {touched}
         GROUP BY p.capability_id ORDER BY p.capability_id
        """,
        [],
    )
    cursor.execute(
        f"""
        UPDATE catalog_capability
           SET times_matched = s.n, match_success_rate = {rate}
          FROM mg_capability s
         WHERE catalog_capability.id = s.capability_id
           AND (catalog_capability.times_matched <> s.n
                OR catalog_capability.match_success_rate IS NULL
                OR catalog_capability.match_success_rate <> {rate})
        """,
        params + params,
    )


# ---- 4. artifacts -----------------------------------------------------------------------


def _artifacts(cursor, *, full: bool) -> dict[int, int]:
    """Times matched: counted searches in which any of the artifact's capabilities matched.
    A full run writes them; an incremental one returns the span's counts per artifact, to be
    added to the stored ones (only the rebuild writes them) in the same UPDATE as the ranks
    (`_artifacts_write`), so that each changed artifact row is rewritten once."""
    # In event order: the pair self-join (`_pairs`) reads it event by event through its
    # index, and in a full run (millions of rows, past the temporary buffers) those reads
    # were random without it: 77 s for the pairs instead of about 25.
    _temp(
        cursor,
        "mg_event_artifact",  # pragma: no mutate
        """
        SELECT DISTINCT e.event_id, e.intent_id, a.artifact_id
          FROM mg_event_capability e
          JOIN mg_capability_artifact a ON a.capability_id = e.capability_id
         ORDER BY e.event_id, e.intent_id, a.artifact_id
        """,
        [],
        index="event_id, artifact_id",  # pragma: no mutate
    )
    if not full:
        cursor.execute(
            "SELECT artifact_id, COUNT(*) FROM mg_event_artifact"  # pragma: no mutate
            " GROUP BY artifact_id"  # pragma: no mutate
        )
        return dict(cursor.fetchall())
    cursor.execute(
        "CREATE INDEX mg_event_artifact_artifact"  # pragma: no mutate
        " ON mg_event_artifact (artifact_id)"  # pragma: no mutate
    )
    cursor.execute(
        """
        UPDATE catalog_artifact SET times_matched = 0
         WHERE times_matched <> 0
           AND NOT EXISTS (SELECT 1 FROM mg_event_artifact t
                            WHERE t.artifact_id = catalog_artifact.id)
        """
    )
    cursor.execute(
        """
        UPDATE catalog_artifact SET times_matched = s.n
          FROM (SELECT artifact_id, COUNT(*) AS n FROM mg_event_artifact
                 GROUP BY artifact_id) s
         WHERE catalog_artifact.id = s.artifact_id AND catalog_artifact.times_matched <> s.n
        """
    )
    cursor.execute("SELECT DISTINCT artifact_id FROM mg_event_artifact")  # pragma: no mutate
    return {row[0]: 0 for row in cursor.fetchall()}


# ---- 5. pair evidence -------------------------------------------------------------------


def _pairs(cursor, *, full: bool) -> int:
    """Per unordered pair of artifacts (lower id first) and intent: counted searches in
    which both matched. Added to the stored rows (only the rebuild writes them) in an
    incremental run."""
    _temp(
        cursor,
        "mg_pair",  # pragma: no mutate
        """
        SELECT x.artifact_id AS artifact_a_id, y.artifact_id AS artifact_b_id, x.intent_id,
               COUNT(*) AS n
          FROM mg_event_artifact x
          JOIN mg_event_artifact y ON y.event_id = x.event_id AND x.artifact_id < y.artifact_id
         GROUP BY x.artifact_id, y.artifact_id, x.intent_id
        """,
        [],
        index="artifact_a_id, artifact_b_id, intent_id",  # pragma: no mutate
    )
    if full:
        value = "excluded.times_both_matched"  # pragma: no mutate
        changed = (
            "WHERE comparisons_pairevidence.times_both_matched"  # pragma: no mutate
            " <> excluded.times_both_matched"  # pragma: no mutate
        )
    else:
        value = (
            "comparisons_pairevidence.times_both_matched"  # pragma: no mutate
            " + excluded.times_both_matched"  # pragma: no mutate
        )
        changed = ""
    cursor.execute(
        f"""
        INSERT INTO comparisons_pairevidence (artifact_a_id, artifact_b_id, intent_id,
                                              times_both_matched)
        SELECT artifact_a_id, artifact_b_id, intent_id, n FROM mg_pair WHERE 1 = 1
         ORDER BY artifact_a_id, artifact_b_id, intent_id
        ON CONFLICT (artifact_a_id, artifact_b_id, intent_id) DO UPDATE
           SET times_both_matched = {value} {changed}
        """
    )
    if full:
        cursor.execute(
            """
            DELETE FROM comparisons_pairevidence
             WHERE NOT EXISTS (SELECT 1 FROM mg_pair t
                                WHERE t.artifact_a_id = comparisons_pairevidence.artifact_a_id
                                  AND t.artifact_b_id = comparisons_pairevidence.artifact_b_id
                                  AND t.intent_id = comparisons_pairevidence.intent_id)
            """
        )
    return _count(
        cursor,
        "SELECT COUNT(*) FROM mg_pair",  # pragma: no mutate
    )


# ---- 6. centrality ----------------------------------------------------------------------


def _weights(cursor, *, full: bool) -> None:
    """IntentTally.weight of the intents whose flow this run changes: those with new
    searches, matches or choices (every intent in a full run). Tallies only grow between
    full runs, so an intent left out keeps its weight."""
    if full:
        scope = ""
    else:
        _temp(
            cursor,
            "mg_touched_intent",  # pragma: no mutate
            """
            SELECT intent_id FROM mg_new_intent UNION SELECT intent_id FROM mg_new_match
            UNION SELECT intent_id FROM mg_new_choice
            """,
            [],
            index="intent_id",  # pragma: no mutate
        )
        scope = (
            "WHERE p.intent_id IN (SELECT intent_id FROM mg_touched_intent)"  # pragma: no mutate
        )
    cursor.execute(
        f"""
        UPDATE comparisons_intenttally SET weight = s.total
          FROM (SELECT p.intent_id, SUM(p.times_matched + %s * p.times_chosen) AS total
                  FROM ({_CAPPED}) p {scope} GROUP BY p.intent_id) s
         WHERE comparisons_intenttally.intent_id = s.intent_id
           AND comparisons_intenttally.weight <> s.total
        """,
        [CHOICE_WEIGHT],
    )


def _flows(cursor, *, full: bool) -> float:
    """FlowTally: the flow (`flows_compute`) of every artifact the touched intents reach,
    from all of that artifact's tallies (of every artifact in a full run). Returns the
    largest flow stored before (0.0 in a full run, which starts from none)."""
    if full:
        cursor.execute("DELETE FROM comparisons_flowtally")  # pragma: no mutate
        scope = ""
    else:
        _temp(
            cursor,
            "mg_flow_artifact",  # pragma: no mutate
            """
            SELECT DISTINCT artifact_id FROM comparisons_matchtally
             WHERE intent_id IN (SELECT intent_id FROM mg_touched_intent)
            """,
            [],
            index="artifact_id",  # pragma: no mutate
        )
        scope = (
            "WHERE p.artifact_id IN (SELECT artifact_id FROM mg_flow_artifact)"  # pragma: no mutate
        )
    # Spam intents have no tallies (their events are not counted), so every row here is a
    # counted intent's; rows of intents with no weight are ignored by flows_compute.
    cursor.execute(
        f"""
        SELECT p.artifact_id, t.events, p.times_matched + %s * p.times_chosen, t.weight
          FROM ({_CAPPED}) p
          JOIN comparisons_intenttally t ON t.intent_id = p.intent_id
          {scope}
        """,
        [CHOICE_WEIGHT],
    )
    flows = flows_compute(shares=cursor.fetchall())
    _rows_load(
        cursor,
        "mg_flow",  # pragma: no mutate
        ("artifact_id", "flow"),
        list(flows.items()),
    )
    previous_top = _largest_flow(cursor)
    cursor.execute(
        """
        INSERT INTO comparisons_flowtally (artifact_id, flow)
        SELECT artifact_id, flow FROM mg_flow WHERE 1 = 1
        ON CONFLICT (artifact_id) DO UPDATE SET flow = excluded.flow
         WHERE comparisons_flowtally.flow <> excluded.flow
        """
    )
    return previous_top


_TYPES = {
    "id": "BIGINT PRIMARY KEY",
    "artifact_id": "BIGINT PRIMARY KEY",
    "flow": "DOUBLE PRECISION",
    "match_graph": "DOUBLE PRECISION",
    "matched": "BIGINT",
    "reranked": "BOOLEAN",
    "rank": "INTEGER",
    "rank_low": "INTEGER",
    "rank_high": "INTEGER",
    "rank_provisional": "BOOLEAN",
}


def _rows_load(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """A temporary table `table` holding `rows` (COPY on PostgreSQL): row-by-row writes of
    100,000 artifacts took over a minute."""
    cursor.execute(f"DROP TABLE IF EXISTS {table}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {table} (" + ", ".join(f"{c} {_TYPES[c]}" for c in columns) + ")"
    )
    names = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def _largest_flow(cursor) -> float:
    """The largest stored flow, 0.0 when none is stored."""
    cursor.execute("SELECT MAX(flow) FROM comparisons_flowtally")  # pragma: no mutate
    return float(cursor.fetchone()[0] or 0.0)


def _centrality_step(
    cursor, *, full: bool, changes: JournalChanges | None
) -> dict[int, float | None]:
    _weights(cursor, full=full)
    previous_top = _flows(cursor, full=full)
    return _centrality(cursor, previous_top=previous_top, changes=changes)


def _centrality(
    cursor, *, previous_top: float, changes: JournalChanges | None
) -> dict[int, float | None]:
    """The artifacts whose match_graph component may have to change: id -> its value.

    Each value is its artifact's flow divided by the scale (`centrality_normalise`), 0.0
    for an artifact no counted search reached once there is any flow at all, None (no
    data) before. Every run leaves every artifact at that value; only rebuilds write the
    flows, and only rebuilds and score recomputes (which re-read the value under the same
    lock: catalog.services.RANKS_LOCK) write the value and ranks from it. So
    `previous_top`, the largest flow before this run wrote any (0.0 in a full run), is the
    one the last run's scale came from, and while the scale stays there only two kinds of
    artifact can differ: those whose flow this run wrote (mg_flow), and those an editor,
    an importer or a restore wrote since the last run, which the change journal names
    (`changes`; created ones have no value yet). Those are returned, whether or not their
    stored value already equals the new one: the ranks step reads their rows anyway and
    compares there. Otherwise (the scale moved, or the journal cannot say) every flow and
    every artifact is read, and only the artifacts whose value differs are returned.
    Reading all 100,000 artifacts and normalising 80,000 flows took 0.25-0.3 s of a 3-5 s
    incremental run, to rewrite the 15,000 whose flow moved."""
    top = _largest_flow(cursor)
    if (
        changes is not None
        and top > 0
        and previous_top > 0
        and centrality_scale(top) == centrality_scale(previous_top)
    ):
        scale = centrality_scale(top)
        cursor.execute("SELECT artifact_id, flow FROM mg_flow")  # pragma: no mutate
        moved: dict[int, float | None] = {
            artifact_id: centrality_value(flow=flow, scale=scale)
            for artifact_id, flow in cursor.fetchall()
        }
        if not changes.artifact_ids:
            return moved
        ids = sorted(changes.artifact_ids)
        cursor.execute(
            "SELECT a.id, f.flow FROM catalog_artifact a"  # pragma: no mutate
            " LEFT JOIN comparisons_flowtally f ON f.artifact_id = a.id"  # pragma: no mutate
            f" WHERE a.id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        written: dict[int, float | None] = {
            artifact_id: 0.0 if flow is None else centrality_value(flow=flow, scale=scale)
            for artifact_id, flow in cursor.fetchall()
        }
        return written | moved
    cursor.execute("SELECT artifact_id, flow FROM comparisons_flowtally")  # pragma: no mutate
    values = centrality_normalise(dict(cursor.fetchall()))
    # No counted evidence at all is "no data"; once there is some, an artifact nobody's
    # search matched has a real share of 0.
    has_graph = bool(values)
    cursor.execute("SELECT id, match_graph FROM catalog_artifact")  # pragma: no mutate
    changed = {}
    for artifact_id, stored in cursor.fetchall():
        wanted = values.get(artifact_id, 0.0) if has_graph else None
        if stored != wanted:
            changed[artifact_id] = wanted
    return changed


def _artifacts_write(
    cursor, *, matched: Mapping[int, int], match_graph: Mapping[int, float | None]
) -> int:
    """Incremental runs: add the span's times matched and set the new match_graph values
    (`_centrality`), reranking those artifacts whose value moves from their stored
    components (nothing else in a rank depends on search events:
    catalog.selectors.artifact_ranks_get), in one UPDATE. Each rewritten artifact row
    costs an entry in every index of catalog_artifact, so writing the two apart doubled
    the step's time. Returns how many artifacts were reranked."""
    ranks = artifact_ranks_get(match_graph=match_graph, moved_only=True)
    rows = []
    for artifact_id in matched.keys() | ranks.keys():
        reranked = artifact_id in ranks
        rank = ranks.get(artifact_id, (0, 0, 0, False))
        value = match_graph[artifact_id] if reranked else None
        rows.append((artifact_id, matched.get(artifact_id, 0), reranked, value, *rank))
    ranked = ("match_graph", "rank", "rank_low", "rank_high", "rank_provisional")
    _rows_load(
        cursor,
        "mg_component",  # pragma: no mutate
        ("id", "matched", "reranked", *ranked),
        rows,
    )
    cursor.execute(
        "UPDATE catalog_artifact SET times_matched"  # pragma: no mutate
        " = catalog_artifact.times_matched + s.matched, "  # pragma: no mutate
        + ", ".join(
            f"{c} = CASE WHEN s.reranked THEN s.{c} ELSE catalog_artifact.{c} END" for c in ranked
        )
        + " FROM mg_component s WHERE catalog_artifact.id = s.id"  # pragma: no mutate
    )
    return len(ranks)


# ---- the state --------------------------------------------------------------------------


def _spam_fingerprint(cursor) -> str:
    cursor.execute(
        "SELECT id FROM comparisons_intent WHERE is_spam = %s ORDER BY id",  # pragma: no mutate
        [True],
    )
    ids = ",".join(str(row[0]) for row in cursor.fetchall())
    return hashlib.sha256(ids.encode()).hexdigest()


def _base_intact(
    cursor, state: MatchGraphState | None, *, spam: str, changes: JournalChanges | None
) -> str:
    """Why the tallies cannot be folded into ("" when they can). `changes`: what the
    journal says changed since the last run's mark (`_changes_since`)."""
    if state is None or state.full_rebuilt_at is None:
        return "no earlier rebuild to build on"
    if state.spam != spam:
        return "intents were marked or unmarked as spam"
    events = _count(
        cursor,
        "SELECT COUNT(*) FROM comparisons_searchevent WHERE id <= %s",  # pragma: no mutate
        [state.search_event_id],
    )
    choices = _count(
        cursor,
        "SELECT COUNT(*) FROM comparisons_choiceevent WHERE id <= %s",  # pragma: no mutate
        [state.choice_event_id],
    )
    if (events, choices) != (state.search_events, state.choice_events):
        return "search or choice events were deleted"
    if _capabilities_moved(cursor, changes):
        return "matched capabilities were deleted or moved to another artifact"
    return ""


# More artifacts than this changed since the last run: every tally is checked.
MOVED_CHECK_ARTIFACTS = 500


def _changes_since(state: MatchGraphState | None) -> JournalChanges | None:
    """What the change journal says was written since the last run's mark: None when it
    cannot say (no mark, a bulk write, more than MOVED_CHECK_ARTIFACTS artifacts, a mark
    older than the journal keeps)."""
    if state is None or state.mark_last_id is None or state.marked_at is None:
        return None
    mark = JournalMark(
        last_id=state.mark_last_id,
        snapshot=state.mark_snapshot,
        own=state.mark_own,
        read_at=state.marked_at,
    )
    return catalog_changes_since(mark=mark, limit=MOVED_CHECK_ARTIFACTS)


def _capabilities_moved(cursor, changes: JournalChanges | None) -> int:
    """How many tallies name a capability that no longer exists or is now on another
    artifact. Only the tallies of the artifacts whose capabilities the change journal says
    were written since the last run's mark are read (a capability's move records both its
    artifacts, its deletion its artifact: catalog/versioning.py); every tally when the
    journal cannot say (`changes` is None). Why: the check over every tally joined all of a
    million capabilities, 0.2-0.5 s of each incremental run at 100,000 artifacts."""
    within, params = "", []
    if changes is not None:
        # Artifacts only ever recorded with scope "row" kept every capability where it was.
        edited = sorted(changes.document_artifact_ids)
        if not edited:
            return 0
        within = f" AND m.artifact_id IN ({', '.join(['%s'] * len(edited))})"
        params = edited
    return _count(
        cursor,
        "SELECT COUNT(*) FROM comparisons_matchtally m"  # pragma: no mutate
        " LEFT JOIN catalog_capability c ON c.id = m.capability_id"  # pragma: no mutate
        f" WHERE (c.id IS NULL OR c.artifact_id <> m.artifact_id){within}",
        params,
    )


def _watermark(cursor) -> tuple[int, int]:
    """The highest search and choice event ids, read once no transaction can still commit
    a lower one (see the module docstring)."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            cursor.execute("SET LOCAL lock_timeout = '30s'")
            cursor.execute(
                "LOCK TABLE comparisons_searchevent, comparisons_choiceevent"  # pragma: no mutate
                " IN SHARE MODE"  # pragma: no mutate
            )
        cursor.execute(
            "SELECT (SELECT MAX(id) FROM comparisons_searchevent),"  # pragma: no mutate
            " (SELECT MAX(id) FROM comparisons_choiceevent)"  # pragma: no mutate
        )
        search, choice = cursor.fetchone()
    return search or 0, choice or 0


def _drop_temps(cursor) -> None:
    for name in _TEMPS:
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


# ---- the rebuild ------------------------------------------------------------------------


def match_graph_rebuild(
    *,
    progress: Callable[[str, int, int], None] | None = None,
    incremental: bool = False,
) -> RebuildReport:
    """Recompute every derived counter, the match_graph component and the ranks.

    incremental=True folds in only the events recorded since the last run, when the base
    that run left still holds; otherwise (and by default) every event is counted again.
    Both give the same numbers. progress(step name, step number from 1, len(STEPS)) is
    called before each step. Raises django.db.OperationalError when the event tables stay
    locked for 30 s (PostgreSQL). Bumps the catalog version when anything was written.
    """
    report = RebuildReport()

    def step(index: int, work: Callable[[], object]):
        name = STEPS[index - 1]
        if progress:
            progress(name, index, len(STEPS))
        started = time.perf_counter()
        result = work()
        report.seconds[name] = time.perf_counter() - started
        return result

    with connection.cursor() as cursor:
        search_upto, choice_upto = _watermark(cursor)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Sorts of millions of rows spill to disk at the default 4 MB.
                cursor.execute("SET LOCAL work_mem = '256MB'")
            # One rebuild at a time (a second one then starts from the first's state), and
            # no score recompute writes in between (catalog.services.RANKS_LOCK).
            ranks_lock_take()
            state = MatchGraphState.objects.filter(pk=1).first()
            # Before any capability is read: what changes from here on, the next run's
            # check of moved capabilities sees (`_capabilities_moved`).
            mark = catalog_journal_mark()
            spam = _spam_fingerprint(cursor)
            changes = _changes_since(state) if incremental else None
            if incremental:
                report.reason = _base_intact(cursor, state, spam=spam, changes=changes)
            full = not incremental or bool(report.reason)
            report.mode = "full" if full else "incremental"
            after = (0, 0) if full else (state.search_event_id, state.choice_event_id)  # type: ignore[union-attr]
            span = _Span(
                search_after=after[0],
                search_upto=max(search_upto, after[0]),
                choice_after=after[1],
                choice_upto=max(choice_upto, after[1]),
            )
            report.events = _count(
                cursor, f"SELECT COUNT(*) FROM ({_COUNTED_EVENTS}) counted", span.counted()
            )
            try:
                events = step(1, lambda: _intents(cursor, span, full=full))
                report.matches = step(2, lambda: _matches(cursor, span, full=full))
                step(3, lambda: _capabilities(cursor, full=full))
                matched = step(4, lambda: _artifacts(cursor, full=full))
                report.artifacts_matched = len(matched)
                report.pairs = step(5, lambda: _pairs(cursor, full=full))
                values = step(6, lambda: _centrality_step(cursor, full=full, changes=changes))
                if full:
                    _rows_load(
                        cursor,
                        "mg_component",  # pragma: no mutate
                        ("id", "match_graph"),
                        list(values.items()),
                    )
                    cursor.execute(
                        "UPDATE catalog_artifact"  # pragma: no mutate
                        " SET match_graph = s.match_graph"  # pragma: no mutate
                        " FROM mg_component s WHERE catalog_artifact.id = s.id"  # pragma: no mutate
                    )
                    step(7, lambda: artifact_scores_recompute())
                    report.artifacts_reranked = len(values)
                else:
                    report.artifacts_reranked = step(
                        7, lambda: _artifacts_write(cursor, matched=matched, match_graph=values)
                    )
            finally:
                _drop_temps(cursor)
            choices = _count(
                cursor,
                "SELECT COUNT(*) FROM comparisons_choiceevent"  # pragma: no mutate
                " WHERE id > %s AND id <= %s",  # pragma: no mutate
                [span.choice_after, span.choice_upto],
            )
            now = timezone.now()
            before = (0, 0) if full else (state.search_events, state.choice_events)  # type: ignore[union-attr]
            MatchGraphState.objects.update_or_create(
                pk=1,
                defaults={
                    "search_event_id": span.search_upto,
                    "choice_event_id": span.choice_upto,
                    "search_events": before[0] + events,
                    "choice_events": before[1] + choices,
                    "spam": spam,
                    "mark_last_id": mark.last_id,
                    "mark_snapshot": mark.snapshot,
                    "mark_own": mark.own,
                    "marked_at": mark.read_at,
                    "rebuilt_at": now,
                    **({"full_rebuilt_at": now} if full else {}),
                },
            )
            if events or choices or report.artifacts_reranked:
                # Both runs write only data derived from search events (counters, pair
                # evidence, the match_graph component, ranks; a full run's score recompute
                # also jobs): no document, tag name or field an editor writes. The journal
                # says "ranks", so what it keeps current (term statistics, the browse
                # snapshot, kept candidates) is patched, not read again whole: with "all",
                # the first search of each term after an hourly full run counted it over
                # every document (0.3-0.6 s at a million). A full run moves the facts
                # version too (jobs, and the facts search reads, may have changed), as its
                # score recompute's own bump already does: equal, hence no mutation.
                catalog_version_bump(ranks_only=not full, scope=RANKS)  # pragma: no mutate
    return report
