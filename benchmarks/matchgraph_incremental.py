"""Benchmark: the incremental match-graph rebuild against the full one (PostgreSQL).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_perf \\
        .venv/bin/python -m benchmarks.matchgraph_incremental --new 10000

Run it against a database holding a search history (the synthetic catalog of
`generate_catalog`, or the history of `benchmarks.matchgraph_rebuild --keep`). It makes
sure a rebuild has run (a full one when there is no base yet), adds --new events by copying
randomly drawn existing ones (same intents, same matched capabilities, so the popularity
law is the history's own) stamped now, and as many choices as the history has per event,
then times `match_graph_rebuild(incremental=True)`. With --verify it then runs a full
rebuild and checks that both left the same numbers (checksums over every derived column).
The copies are flagged is_simulated and kept: they are ordinary history from then on,
except that their client key starts with COPY_CLIENT, so that `make bench` can leave them
out when it picks its intents by popularity (benchmarks/run.py, `targets_pick`).
With --json the last line printed is a JSON object with the timings and the verdict
(`make bench` reads it: benchmarks/run.py).
"""

import argparse
import json
import os
import time

import django

# The start of every copied event's client key (a keyed hash's place: 64 characters at most).
COPY_CLIENT = "bench-copy:"

CHECKSUMS = {
    "intents": "SELECT COUNT(*), SUM(search_count), SUM(last_result_count),"
    " MAX(last_seen) FROM comparisons_intent",
    "matches": "SELECT COUNT(*), SUM(times_matched), SUM(times_chosen),"
    " SUM(intent_id * 7 + capability_id * times_matched + times_chosen) FROM comparisons_match",
    "capabilities": "SELECT SUM(times_matched), SUM(CAST(match_success_rate AS NUMERIC)),"
    " SUM(id * times_matched) FROM catalog_capability",
    "artifacts": "SELECT SUM(times_matched), SUM(CAST(match_graph AS NUMERIC)), SUM(rank),"
    " SUM(rank_low),"
    " SUM(rank_high), SUM(CASE WHEN rank_provisional THEN id ELSE 0 END),"
    " SUM(id * times_matched) FROM catalog_artifact",
    "flows": "SELECT COUNT(*), SUM(CAST(flow AS NUMERIC)),"
    " SUM(artifact_id * CAST(flow AS NUMERIC)) FROM comparisons_flowtally",
    "pairs": "SELECT COUNT(*), SUM(times_both_matched),"
    " SUM((artifact_a_id + artifact_b_id) * times_both_matched) FROM comparisons_pairevidence",
}


def checksums(cursor) -> dict:
    """Sums over every derived column. Floats are summed as NUMERIC: a float SUM depends on
    the order rows are read in, which differs between a table rewritten in place
    (incremental) and one refilled (full) even when every value is the same."""
    result = {}
    for name, sql in CHECKSUMS.items():
        cursor.execute(sql)
        result[name] = tuple(cursor.fetchone())
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--new", type=int, default=10_000, help="events to add")
    parser.add_argument("--verify", action="store_true", help="then compare with a full run")
    parser.add_argument("--json", action="store_true", help="end with a JSON summary line")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection, transaction

    from comparisons.models import MatchGraphState
    from comparisons.search.matchgraph import match_graph_rebuild

    if connection.vendor != "postgresql":
        raise SystemExit("This benchmark needs PostgreSQL (set DATABASE_URL).")

    summary: dict = {}

    def timed(label: str, **kwargs):
        started = time.perf_counter()
        report = match_graph_rebuild(**kwargs)
        elapsed = time.perf_counter() - started
        steps = ", ".join(f"{k} {v:.2f}s" for k, v in report.seconds.items())
        print(f"{label}: {elapsed:.2f}s ({report}; {steps})", flush=True)
        summary[label] = {"seconds": elapsed, "steps": report.seconds, "report": str(report)}
        return report

    if not MatchGraphState.objects.filter(full_rebuilt_at__isnull=False).exists():
        timed("Full rebuild (no base yet)")

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM comparisons_searchevent")
        history = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM comparisons_choiceevent")
        choices = cursor.fetchone()[0]
        cursor.execute(
            """
            CREATE TEMP TABLE bench_copy ON COMMIT DROP AS
            SELECT old_id,
                   nextval(pg_get_serial_sequence('comparisons_searchevent', 'id')) AS new_id
              FROM (SELECT id AS old_id FROM comparisons_searchevent
                     ORDER BY random() LIMIT %s) drawn
            """,
            [args.new],
        )
        cursor.execute(
            """
            INSERT INTO comparisons_searchevent (id, intent_id, created_at, client_key,
                                                 result_count, is_simulated)
            SELECT c.new_id, e.intent_id, now() + c.new_id * interval '1 microsecond',
                   %s || md5(c.new_id::text), e.result_count, true
              FROM bench_copy c JOIN comparisons_searchevent e ON e.id = c.old_id
            """,
            [COPY_CLIENT],
        )
        cursor.execute(
            """
            INSERT INTO comparisons_searchevent_matched_capabilities (searchevent_id,
                                                                      capability_id)
            SELECT c.new_id, m.capability_id
              FROM bench_copy c
              JOIN comparisons_searchevent_matched_capabilities m ON m.searchevent_id = c.old_id
            """
        )
        new_choices = round(args.new * choices / max(history, 1))
        cursor.execute(
            """
            INSERT INTO comparisons_choiceevent (intent_id, artifact_id, created_at, client_key,
                                                 is_simulated)
            SELECT intent_id, artifact_id, now(), %s || md5(random()::text), true
              FROM comparisons_choiceevent ORDER BY random() LIMIT %s
            """,
            [COPY_CLIENT, new_choices],
        )
    print(f"Added {args.new} events and {new_choices} choices to {history} events.", flush=True)

    summary["events"], summary["choices"], summary["history"] = args.new, new_choices, history
    report = timed("Incremental rebuild", incremental=True)
    summary["mode"], summary["reason"] = report.mode, report.reason
    if report.mode != "incremental":
        if args.json:
            print(json.dumps(summary), flush=True)
        raise SystemExit(f"The run was full: {report.reason}")
    differ: list[str] = []
    if args.verify:
        with connection.cursor() as cursor:
            incremental = checksums(cursor)
            timed("Full rebuild")
            full = checksums(cursor)
        differ = [name for name in CHECKSUMS if incremental[name] != full[name]]
        for name in differ:
            print(f"  {name}: incremental {incremental[name]} != full {full[name]}")
        summary["differ"] = differ
        if not differ:
            print("Incremental and full rebuilds agree on every checksum.")
    if args.json:
        print(json.dumps(summary), flush=True)
    if differ:
        raise SystemExit("Incremental and full rebuilds disagree.")


if __name__ == "__main__":
    main()
