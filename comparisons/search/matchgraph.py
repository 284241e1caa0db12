"""The match graph rebuild: every derived number, recomputed from the stored events.

Events (SearchEvent and its matched capabilities, ChoiceEvent) are the source of truth.
The rebuild is set-based SQL (aggregates into temporary tables, then upserts), the same
statements on PostgreSQL and SQLite, in one transaction, and idempotent: rows only change
when their value does, so a second rebuild writes nothing and gives identical results.
Events of intents marked as spam are left out of everything but the intent's own count.

Steps:
1. intents: search count, last seen, last result count (spam included, for editors);
2. matches (intent x capability): times matched, times chosen (choices of the capability's
   artifact for that intent, capped at times matched), last seen;
3. capabilities: times matched, smoothed success rate;
4. artifacts: times matched (searches in which any of its capabilities matched);
5. pair evidence: for two artifacts, the searches per intent in which both matched;
6. the match_graph score component (see `match_graph_compute`);
7. every artifact's rank, through catalog.services.artifact_scores_recompute.
"""

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import connection, transaction

from catalog.models import Artifact
from catalog.services import artifact_scores_recompute

# A choice is stronger evidence than a match: it weighs this many matches in the graph.
CHOICE_WEIGHT = 2
# Success rate = (chosen + PRIOR_STRENGTH * prior) / (matched + PRIOR_STRENGTH), where the
# prior is the catalog-wide chosen/matched ratio: a capability matched twice and chosen once
# is not "50% successful" yet, it is pulled towards the average until evidence accumulates.
PRIOR_STRENGTH = 5.0
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
    events: int = 0
    matches: int = 0
    pairs: int = 0
    artifacts_matched: int = 0
    seconds: dict[str, float] = field(default_factory=dict)

    def __str__(self) -> str:
        total = sum(self.seconds.values())
        return (
            f"{self.events} counted events, {self.matches} matches, {self.pairs} pair rows, "
            f"{self.artifacts_matched} artifacts matched, in {total:.2f}s"
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
    propagation pass gives it; the result is divided by the largest value.

    This pure version documents and tests the formula; the rebuild computes the same flow
    in SQL (`_centrality`).
    """
    totals: dict[int, int] = {}
    for (intent, _capability), weight in edges.items():
        totals[intent] = totals.get(intent, 0) + weight
    flow: dict[int, float] = {}
    for (intent, capability), weight in edges.items():
        if not totals.get(intent) or intent not in intent_events:
            continue
        artifact = capability_artifact[capability]
        share = intent_events[intent] * weight / totals[intent]
        flow[artifact] = flow.get(artifact, 0.0) + share
    return centrality_normalise(flow)


def centrality_normalise(flow: Mapping[int, float | Decimal]) -> dict[int, float]:
    top = max((float(v) for v in flow.values()), default=0.0)
    if top <= 0:
        return {}
    return {k: round(float(v) / top, COMPONENT_DIGITS) for k, v in flow.items()}


_COUNTED_EVENTS = """
    SELECT e.id AS event_id, e.intent_id, e.created_at
      FROM comparisons_searchevent e
      JOIN comparisons_intent i ON i.id = e.intent_id
     WHERE i.is_spam = %s
"""


def _temp(cursor, name: str, select: str, params: list, *, index: str) -> None:
    """A temporary aggregate with an index and fresh statistics: without ANALYZE the planner
    knows nothing about a new table (autovacuum never visits temporary ones) and may pick
    nested loops over millions of rows."""
    cursor.execute(f"DROP TABLE IF EXISTS {name}")
    cursor.execute(f"CREATE TEMPORARY TABLE {name} AS {select}", params)
    cursor.execute(f"CREATE INDEX {name}_key ON {name} ({index})")
    cursor.execute(f"ANALYZE {name}")


def _intents(cursor) -> None:
    cursor.execute(
        """
        UPDATE comparisons_intent SET search_count = 0, last_result_count = 0, last_seen = NULL
         WHERE (search_count <> 0 OR last_seen IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM comparisons_searchevent e
                            WHERE e.intent_id = comparisons_intent.id)
        """
    )
    cursor.execute(
        """
        UPDATE comparisons_intent
           SET search_count = s.n, last_seen = s.last_seen,
               last_result_count = (SELECT e.result_count FROM comparisons_searchevent e
                                     WHERE e.intent_id = comparisons_intent.id
                                     ORDER BY e.created_at DESC, e.id DESC LIMIT 1)
          FROM (SELECT intent_id, COUNT(*) AS n, MAX(created_at) AS last_seen
                  FROM comparisons_searchevent GROUP BY intent_id) s
         WHERE comparisons_intent.id = s.intent_id
           AND (comparisons_intent.search_count <> s.n
                OR comparisons_intent.last_seen IS NULL
                OR comparisons_intent.last_seen <> s.last_seen)
        """
    )


def _matches(cursor) -> int:
    _temp(
        cursor,
        "mg_match",
        f"""
        SELECT m.intent_id, m.capability_id, m.n AS times_matched,
               CASE WHEN COALESCE(ch.n, 0) < m.n THEN COALESCE(ch.n, 0) ELSE m.n END
                   AS times_chosen,
               m.last_seen
          FROM (SELECT ev.intent_id, em.capability_id, COUNT(*) AS n,
                       MAX(ev.created_at) AS last_seen
                  FROM comparisons_searchevent_matched_capabilities em
                  JOIN ({_COUNTED_EVENTS}) ev ON ev.event_id = em.searchevent_id
                 GROUP BY ev.intent_id, em.capability_id) m
          JOIN catalog_capability c ON c.id = m.capability_id
          LEFT JOIN (SELECT intent_id, artifact_id, COUNT(*) AS n
                       FROM comparisons_choiceevent GROUP BY intent_id, artifact_id) ch
                 ON ch.intent_id = m.intent_id AND ch.artifact_id = c.artifact_id
        """,
        [False],
        index="intent_id, capability_id",
    )
    cursor.execute(
        """
        INSERT INTO comparisons_match (intent_id, capability_id, times_matched, times_chosen,
                                       last_seen)
        SELECT intent_id, capability_id, times_matched, times_chosen, last_seen
          FROM mg_match WHERE 1 = 1
        ON CONFLICT (intent_id, capability_id) DO UPDATE
           SET times_matched = excluded.times_matched, times_chosen = excluded.times_chosen,
               last_seen = excluded.last_seen
         WHERE comparisons_match.times_matched <> excluded.times_matched
            OR comparisons_match.times_chosen <> excluded.times_chosen
            OR comparisons_match.last_seen IS NULL
            OR comparisons_match.last_seen <> excluded.last_seen
        """
    )
    cursor.execute(
        """
        DELETE FROM comparisons_match
         WHERE NOT EXISTS (SELECT 1 FROM mg_match t
                            WHERE t.intent_id = comparisons_match.intent_id
                              AND t.capability_id = comparisons_match.capability_id)
        """
    )
    # Later steps join this table; its statistics must describe what was just written.
    cursor.execute("ANALYZE comparisons_match")
    cursor.execute("SELECT COUNT(*) FROM mg_match")
    return cursor.fetchone()[0]


def _capabilities(cursor) -> None:
    cursor.execute("SELECT SUM(times_matched), SUM(times_chosen) FROM comparisons_match")
    matched, chosen = cursor.fetchone()
    prior = (chosen or 0) / matched if matched else 0.0
    cursor.execute(
        """
        UPDATE catalog_capability SET times_matched = 0, match_success_rate = NULL
         WHERE (times_matched <> 0 OR match_success_rate IS NOT NULL)
           AND NOT EXISTS (SELECT 1 FROM comparisons_match m
                            WHERE m.capability_id = catalog_capability.id)
        """
    )
    cursor.execute(
        """
        UPDATE catalog_capability
           SET times_matched = s.n, match_success_rate = (s.chosen + %s * %s) / (s.n + %s)
          FROM (SELECT capability_id, SUM(times_matched) AS n, SUM(times_chosen) AS chosen
                  FROM comparisons_match GROUP BY capability_id) s
         WHERE catalog_capability.id = s.capability_id
        """,
        [PRIOR_STRENGTH, prior, PRIOR_STRENGTH],
    )


def _artifacts(cursor) -> int:
    _temp(
        cursor,
        "mg_event_artifact",
        f"""
        SELECT DISTINCT ev.event_id, ev.intent_id, c.artifact_id
          FROM comparisons_searchevent_matched_capabilities em
          JOIN ({_COUNTED_EVENTS}) ev ON ev.event_id = em.searchevent_id
          JOIN catalog_capability c ON c.id = em.capability_id
        """,
        [False],
        index="event_id, artifact_id",
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
    cursor.execute("SELECT COUNT(DISTINCT artifact_id) FROM mg_event_artifact")
    return cursor.fetchone()[0]


def _pairs(cursor) -> int:
    _temp(
        cursor,
        "mg_pair",
        """
        SELECT x.artifact_id AS artifact_a_id, y.artifact_id AS artifact_b_id, x.intent_id,
               COUNT(*) AS n
          FROM mg_event_artifact x
          JOIN mg_event_artifact y ON y.event_id = x.event_id AND x.artifact_id < y.artifact_id
         GROUP BY x.artifact_id, y.artifact_id, x.intent_id
        """,
        [],
        index="artifact_a_id, artifact_b_id, intent_id",
    )
    cursor.execute(
        """
        INSERT INTO comparisons_pairevidence (artifact_a_id, artifact_b_id, intent_id,
                                              times_both_matched)
        SELECT artifact_a_id, artifact_b_id, intent_id, n FROM mg_pair WHERE 1 = 1
        ON CONFLICT (artifact_a_id, artifact_b_id, intent_id) DO UPDATE
           SET times_both_matched = excluded.times_both_matched
         WHERE comparisons_pairevidence.times_both_matched <> excluded.times_both_matched
        """
    )
    cursor.execute(
        """
        DELETE FROM comparisons_pairevidence
         WHERE NOT EXISTS (SELECT 1 FROM mg_pair t
                            WHERE t.artifact_a_id = comparisons_pairevidence.artifact_a_id
                              AND t.artifact_b_id = comparisons_pairevidence.artifact_b_id
                              AND t.intent_id = comparisons_pairevidence.intent_id)
        """
    )
    cursor.execute("SELECT COUNT(*) FROM mg_pair")
    return cursor.fetchone()[0]


def _centrality(cursor) -> None:
    _temp(
        cursor,
        "mg_intent",
        """
        SELECT ev.intent_id, ev.n, w.total
          FROM (SELECT e.intent_id, COUNT(*) AS n
                  FROM comparisons_searchevent e
                  JOIN comparisons_intent i ON i.id = e.intent_id
                 WHERE i.is_spam = %s GROUP BY e.intent_id) ev
          JOIN (SELECT intent_id, SUM(times_matched + %s * times_chosen) AS total
                  FROM comparisons_match GROUP BY intent_id) w ON w.intent_id = ev.intent_id
         WHERE w.total > 0
        """,
        [False, CHOICE_WEIGHT],
        index="intent_id",
    )
    cursor.execute(
        """
        SELECT c.artifact_id,
               SUM(t.n * 1.0 * (m.times_matched + %s * m.times_chosen) / t.total)
          FROM comparisons_match m
          JOIN mg_intent t ON t.intent_id = m.intent_id
          JOIN catalog_capability c ON c.id = m.capability_id
         GROUP BY c.artifact_id
        """,
        [CHOICE_WEIGHT],
    )
    values = centrality_normalise(dict(cursor.fetchall()))
    # No counted evidence at all is "no data"; once there is some, an artifact nobody's
    # search matched has a real share of 0.
    has_graph = bool(values)
    changed = []
    for artifact in Artifact.objects.only("id", "match_graph"):
        wanted = values.get(artifact.id, 0.0) if has_graph else None
        if artifact.match_graph != wanted:
            artifact.match_graph = wanted
            changed.append(artifact)
    Artifact.objects.bulk_update(changed, ["match_graph"], batch_size=1000)


def _drop_temps(cursor) -> None:
    for name in ("mg_match", "mg_event_artifact", "mg_pair", "mg_intent"):
        cursor.execute(f"DROP TABLE IF EXISTS {name}")


def match_graph_rebuild(
    *, progress: Callable[[str, int, int], None] | None = None
) -> RebuildReport:
    """Recompute every derived counter, the match_graph component and the ranks."""
    report = RebuildReport()

    def step(index: int, name: str, work: Callable[[], object]):
        if progress:
            progress(name, index, len(STEPS))
        started = time.perf_counter()
        result = work()
        report.seconds[name] = time.perf_counter() - started
        return result

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM ({_COUNTED_EVENTS}) counted", [False])
        report.events = cursor.fetchone()[0]
        try:
            step(1, STEPS[0], lambda: _intents(cursor))
            report.matches = step(2, STEPS[1], lambda: _matches(cursor))
            step(3, STEPS[2], lambda: _capabilities(cursor))
            report.artifacts_matched = step(4, STEPS[3], lambda: _artifacts(cursor))
            report.pairs = step(5, STEPS[4], lambda: _pairs(cursor))
            step(6, STEPS[5], lambda: _centrality(cursor))
        finally:
            _drop_temps(cursor)
        step(7, STEPS[6], lambda: artifact_scores_recompute())
    return report
