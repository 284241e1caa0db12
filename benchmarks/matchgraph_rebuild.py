"""Benchmark: the match graph rebuild over a large synthetic search history (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/scratch \\
        .venv/bin/python -m benchmarks.matchgraph_rebuild --events 1000000

Run it against a scratch database that has been migrated and has a catalog loaded
(`manage.py migrate && manage.py load_demo_catalog`). It generates the history with
set-based SQL (intents with a Zipf-like popularity, each matching a fixed handful of
capabilities across up to EVIDENCE_RESULTS artifacts, as real searches do), flags every
event is_simulated, times match_graph_rebuild twice (cold, then the idempotent no-op), and
deletes what it generated unless --keep is given.
"""

import argparse
import os
import time

import django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--intents", type=int, default=20_000)
    parser.add_argument("--artifacts-per-intent", type=int, default=5)
    parser.add_argument("--capabilities-per-artifact", type=int, default=2)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection, transaction

    from comparisons.search.matchgraph import match_graph_rebuild

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (set DATABASE_URL).")

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM catalog_capability")
        if cursor.fetchone()[0] == 0:
            raise SystemExit("No capabilities: run `manage.py load_demo_catalog` first.")
        started = time.perf_counter()
        with transaction.atomic():
            cursor.execute(
                """
                INSERT INTO comparisons_intent (text, example_query, is_spam, search_count,
                                                last_result_count, first_seen)
                SELECT 'bench intent ' || g, 'bench intent ' || g, false, 0, 0, now()
                  FROM generate_series(1, %s) g
                ON CONFLICT (text) DO NOTHING
                """,
                [args.intents],
            )
            # Each intent matches a fixed set of results, as the evidence rule records them:
            # up to 5 artifacts (a per-intent shuffle) and their first capabilities.
            cursor.execute(
                """
                CREATE TEMP TABLE bench_intent_caps AS
                WITH arts AS (
                    SELECT i.id AS intent_id, a.id AS artifact_id,
                           row_number() OVER (PARTITION BY i.id
                                              ORDER BY md5(i.id::text || '-' || a.id::text)) AS n
                      FROM comparisons_intent i CROSS JOIN catalog_artifact a
                     WHERE i.text LIKE 'bench intent %%')
                SELECT arts.intent_id, c.id AS capability_id
                  FROM arts
                  CROSS JOIN LATERAL (
                        SELECT id FROM catalog_capability
                         WHERE artifact_id = arts.artifact_id
                         ORDER BY position, id LIMIT %s) c
                 WHERE arts.n <= %s
                """,
                [args.capabilities_per_artifact, args.artifacts_per_intent],
            )
            # Zipf-like popularity: intent number floor(N ^ u) for uniform u, drawn once per
            # event (materialised, so the join cannot re-draw it).
            cursor.execute(
                """
                WITH picks AS MATERIALIZED (
                    SELECT g, floor(power(%s::float, random()))::int AS k
                      FROM generate_series(1, %s) g)
                INSERT INTO comparisons_searchevent (intent_id, created_at, client_key,
                                                     result_count, is_simulated)
                SELECT i.id, now() - random() * interval '90 days', md5(p.g::text), 10, true
                  FROM picks p JOIN comparisons_intent i ON i.text = 'bench intent ' || p.k
                """,
                [args.intents, args.events],
            )
            cursor.execute(
                """
                INSERT INTO comparisons_searchevent_matched_capabilities (searchevent_id,
                                                                          capability_id)
                SELECT e.id, b.capability_id
                  FROM comparisons_searchevent e
                  JOIN bench_intent_caps b ON b.intent_id = e.intent_id
                """
            )
            cursor.execute("DROP TABLE bench_intent_caps")
        cursor.execute("ANALYZE")
        cursor.execute("SELECT count(*) FROM comparisons_searchevent")
        events = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM comparisons_searchevent_matched_capabilities")
        rows = cursor.fetchone()[0]
    print(f"Generated in {time.perf_counter() - started:.1f}s: {events} events, {rows} matches.")

    for label in ("cold", "again (no changes)"):
        started = time.perf_counter()
        report = match_graph_rebuild()
        elapsed = time.perf_counter() - started
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
        print(f"Rebuild {label}: {elapsed:.1f}s ({report}; {steps})")

    if not args.keep:
        bench = "SELECT id FROM comparisons_intent WHERE text LIKE 'bench intent %%'"
        with transaction.atomic(), connection.cursor() as cursor:
            # Raw SQL, so children first: the foreign keys have no ON DELETE CASCADE.
            cursor.execute(
                "DELETE FROM comparisons_searchevent_matched_capabilities WHERE searchevent_id"
                f" IN (SELECT id FROM comparisons_searchevent WHERE intent_id IN ({bench}))"
            )
            for table in ("comparisons_searchevent", "comparisons_choiceevent",
                          "comparisons_match", "comparisons_pairevidence"):  # fmt: skip
                cursor.execute(f"DELETE FROM {table} WHERE intent_id IN ({bench})")
            cursor.execute(f"DELETE FROM comparisons_intent WHERE id IN ({bench})")
        match_graph_rebuild()
        print("Removed the generated history.")


if __name__ == "__main__":
    main()
