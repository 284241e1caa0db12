"""The incremental match-graph rebuild: it folds in only the new events, and agrees with a
full rebuild to the last counter (run on SQLite and PostgreSQL)."""

import re
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog import services
from catalog.journal import ARTIFACT, PATCHABLE, catalog_changes_since, catalog_journal_mark
from catalog.models import Artifact, Capability
from catalog.versioning import catalog_version_bump, catalog_versions_get
from comparisons.browse.snapshot import browse_snapshot_build, browse_snapshot_get
from comparisons.models import (
    ChoiceEvent,
    ChoiceTally,
    FlowTally,
    Intent,
    IntentTally,
    Match,
    MatchGraphState,
    MatchTally,
    PairEvidence,
    SearchEvent,
)
from comparisons.search.backends import backend_get
from comparisons.search.evidence import choice_record, search_record
from comparisons.search.matchgraph import SCALE_STEP, STEPS, match_graph_rebuild
from comparisons.search.normalise import query_terms, terms_split
from comparisons.search.service import search_run
from comparisons.search.stats import corpus_stats
from tests.factories import ArtifactFactory, CapabilityFactory
from tests.snapshot_state import snapshot_state

pytestmark = pytest.mark.django_db

START = timezone.now() - timedelta(days=2)


@pytest.fixture
def graph():
    """Four artifacts with two capabilities each."""
    artifacts = [ArtifactFactory(slug=f"tool-{n}", name=f"Tool {n}") for n in range(4)]
    caps = {a.slug: [CapabilityFactory(artifact=a).pk for _ in range(2)] for a in artifacts}
    return {"artifacts": {a.slug: a for a in artifacts}, "caps": caps}


def _search(intent: str, caps: list[int], client: str, minutes: float, results: int = 3):
    return search_record(
        intent_text=intent,
        query=intent,
        capability_ids=caps,
        result_count=results,
        client_key=client,
        now=START + timedelta(minutes=minutes),
    )


def _choose(intent: str, artifact: Artifact, client: str, minutes: float):
    return choice_record(
        intent_text=intent,
        query=intent,
        artifact=artifact,
        client_key=client,
        now=START + timedelta(minutes=minutes),
    )


def _first_history(graph) -> None:
    caps, arts = graph["caps"], graph["artifacts"]
    for n in range(4):
        _search("edit photos", caps["tool-0"] + caps["tool-1"][:1], f"a{n}", n)
        _search("write code", caps["tool-1"] + caps["tool-2"], f"a{n}", 100 + n, results=4)
    _search("spam me", caps["tool-3"], "s0", 5)
    Intent.objects.filter(text="spam me").update(is_spam=True)
    _choose("edit photos", arts["tool-0"], "a0", 10)
    _choose("write code", arts["tool-2"], "a1", 110)


def _more_history(graph) -> None:
    """New events of old and new intents, choices that hit the cap, spam, an event with no
    match, and events at the same moment as an old one."""
    caps, arts = graph["caps"], graph["artifacts"]
    for n in range(3):
        _search("edit photos", caps["tool-0"] + caps["tool-3"], f"b{n}", 1000 + n, results=7)
        _search("make music", caps["tool-3"] + caps["tool-2"][:1], f"b{n}", 1100 + n)
    _search("write code", caps["tool-1"], "late", 102.5, results=9)  # recorded late, older
    _search("nothing found", [], "b0", 1200, results=0)
    _search("spam me", caps["tool-3"], "s1", 5, results=6)  # same moment as s0's search
    for n in range(6):  # more choices than "make music" matched tool-2: capped at 3
        _choose("make music", arts["tool-2"], f"c{n}", 1150 + n)
    _choose("edit photos", arts["tool-3"], "c0", 1010)
    _choose("spam me", arts["tool-3"], "c0", 1310)


def _state() -> dict:
    """Every number the rebuild derives (score_computed_at aside: a timestamp)."""
    return {
        "intents": sorted(
            Intent.objects.values_list("id", "search_count", "last_result_count", "last_seen")
        ),
        "matches": sorted(
            Match.objects.values_list(
                "intent_id", "capability_id", "times_matched", "times_chosen", "last_seen"
            )
        ),
        "pairs": sorted(
            PairEvidence.objects.values_list(
                "artifact_a_id", "artifact_b_id", "intent_id", "times_both_matched"
            )
        ),
        "capabilities": sorted(
            Capability.objects.values_list("id", "times_matched", "match_success_rate")
        ),
        "artifacts": sorted(
            Artifact.objects.values_list(
                "id",
                "times_matched",
                "match_graph",
                "rank",
                "rank_low",
                "rank_high",
                "rank_provisional",
            )
        ),
        "tallies": (
            sorted(IntentTally.objects.values_list()),
            sorted(MatchTally.objects.values_list(*_fields(MatchTally))),
            sorted(ChoiceTally.objects.values_list(*_fields(ChoiceTally))),
            sorted(FlowTally.objects.values_list()),
        ),
    }


def _fields(model) -> list[str]:
    return [f.name for f in model._meta.fields if f.name != "id"]


def test_incremental_equals_full_to_the_last_counter(graph):
    _first_history(graph)
    match_graph_rebuild()
    last = SearchEvent.objects.order_by("-id").first().id
    _more_history(graph)
    new_events = SearchEvent.objects.filter(id__gt=last)

    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.reason) == ("incremental", "")
    assert report.events == new_events.filter(intent__is_spam=False).count() == 8
    incremental = _state()

    assert match_graph_rebuild().mode == "full"
    assert _state() == incremental

    # The numbers themselves, for the intents the new events touched.
    music = Intent.objects.get(text="make music")
    capped = Match.objects.get(intent=music, capability_id=graph["caps"]["tool-2"][0])
    assert (capped.times_matched, capped.times_chosen) == (3, 3)
    photos = Intent.objects.get(text="edit photos")
    assert (photos.search_count, photos.last_result_count) == (7, 7)
    code = Intent.objects.get(text="write code")  # the late event is not the latest one
    assert (code.search_count, code.last_result_count) == (5, 4)
    spam = Intent.objects.get(text="spam me")  # a tie on the moment: the later id wins
    assert (spam.search_count, spam.last_result_count) == (2, 6)
    assert Intent.objects.get(text="nothing found").search_count == 1


def test_incremental_reranks_only_the_artifacts_whose_flow_moved(graph):
    """A new intent that reaches one artifact rewrites that artifact alone, while the scale
    holds; once the largest flow crosses a step of the scale, every flowing artifact moves."""
    caps = graph["caps"]
    _first_history(graph)
    match_graph_rebuild()
    # Flows: tool-0 4 x 12/16 = 3, tool-1 4 x 4/16 + 4 x 8/20 = 2.6, tool-2 4 x 12/20 = 2.4;
    # the scale is the smallest power of 1.25 at or above 3: 1.25**5.
    before = dict(Artifact.objects.values_list("slug", "match_graph"))
    assert before == {
        "tool-0": round(3 / SCALE_STEP**5, 6),
        "tool-1": round(2.6 / SCALE_STEP**5, 6),
        "tool-2": round(2.4 / SCALE_STEP**5, 6),
        "tool-3": 0.0,
    }

    _search("make music", caps["tool-3"][:1], "m0", 500)
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.artifacts_reranked) == ("incremental", 1)
    after = dict(Artifact.objects.values_list("slug", "match_graph"))
    assert after == {**before, "tool-3": round(1 / SCALE_STEP**5, 6)}
    assert Artifact.objects.get(slug="tool-3").rank > 0

    # One more "edit photos" search: tool-0's flow becomes 5 x 14/19 (3.68 > 1.25**5), so
    # the scale steps to 1.25**6 and all four values are rewritten.
    _search("edit photos", caps["tool-0"] + caps["tool-1"][:1], "m1", 600)
    report = match_graph_rebuild(incremental=True)
    assert report.artifacts_reranked == 4
    assert Artifact.objects.get(slug="tool-0").match_graph == round(5 * 14 / 19 / SCALE_STEP**6, 6)
    incremental = _state()
    assert match_graph_rebuild().mode == "full"
    assert _state() == incremental


def test_incremental_corrects_what_the_live_counters_say(graph):
    """Events written without the live counters (a bulk load), and counters the live code
    moved in between: the incremental run publishes the tallies for everything the new
    events touched, whatever the public rows held."""
    _first_history(graph)
    match_graph_rebuild()
    intent = Intent.objects.get(text="write code")
    for n in range(2):
        event = SearchEvent.objects.create(
            intent=intent, created_at=START + timedelta(hours=30 + n), client_key=f"bulk{n}"
        )
        event.matched_capabilities.set(graph["caps"]["tool-1"])
    Match.objects.filter(intent=intent, capability__in=graph["caps"]["tool-1"]).update(
        times_matched=99
    )
    Intent.objects.filter(pk=intent.pk).update(search_count=99, last_result_count=99)
    match_graph_rebuild(incremental=True)
    incremental = _state()
    match_graph_rebuild()
    assert _state() == incremental
    assert (
        Match.objects.get(intent=intent, capability_id=graph["caps"]["tool-1"][0]).times_matched
        == 6
    )


def test_incremental_without_new_events_changes_nothing(graph):
    _first_history(graph)
    match_graph_rebuild()
    before = _state()
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.events, report.matches, report.pairs) == ("incremental", 0, 0, 0)
    assert _state() == before


def test_incremental_folds_in_only_events_after_the_watermark(graph):
    _first_history(graph)
    match_graph_rebuild()
    state = MatchGraphState.objects.get()
    assert state.search_event_id == SearchEvent.objects.order_by("-id").first().id
    assert state.search_events == SearchEvent.objects.count() == 9
    assert state.choice_events == ChoiceEvent.objects.count() == 2
    _search("edit photos", graph["caps"]["tool-0"], "new", 3000)
    report = match_graph_rebuild(incremental=True)
    assert (report.events, report.matches) == (1, 2)
    full_at = state.full_rebuilt_at
    state.refresh_from_db()
    assert state.search_events == 10
    # The last full rebuild is still the first run's; the last rebuild is this one.
    assert state.full_rebuilt_at == full_at < state.rebuilt_at


def test_a_rebuild_before_any_event_misses_none_of_the_first_ones(graph):
    """The watermark of a rebuild over empty event tables is 0: the very first search and
    choice (which may get id 1) are folded in by the next incremental run."""
    match_graph_rebuild()
    state = MatchGraphState.objects.get()
    assert (state.search_event_id, state.choice_event_id) == (0, 0)
    tool = graph["artifacts"]["tool-0"]
    _search("first ever", graph["caps"]["tool-0"][:1], "f0", 1)
    _choose("first ever", tool, "f0", 2)
    Match.objects.update(times_chosen=0)  # the rebuild alone must count the choice
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.events, report.matches) == ("incremental", 1, 1)
    match = Match.objects.get()
    assert (match.times_matched, match.times_chosen) == (1, 1)
    tool.refresh_from_db()
    assert (tool.times_matched, tool.match_graph) == (1, 1.0)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda g: Intent.objects.filter(text="edit photos").update(is_spam=True),
            "intents were marked or unmarked as spam",
        ),
        (
            lambda g: Intent.objects.filter(text="spam me").update(is_spam=False),
            "intents were marked or unmarked as spam",
        ),
        (  # as many intents marked as spam as before, but not the same ones
            lambda g: (
                Intent.objects.filter(text="edit photos").update(is_spam=True),
                Intent.objects.filter(text="spam me").update(is_spam=False),
            ),
            "intents were marked or unmarked as spam",
        ),
        (
            lambda g: SearchEvent.objects.filter(intent__text="write code").last().delete(),
            "search or choice events were deleted",
        ),
        (
            lambda g: ChoiceEvent.objects.order_by("id").first().delete(),
            "search or choice events were deleted",
        ),
        (
            lambda g: Capability.objects.filter(pk=g["caps"]["tool-1"][0]).delete(),
            "matched capabilities were deleted or moved to another artifact",
        ),
        (  # as an editor moves one in admin
            lambda g: _move(g["caps"]["tool-2"][1], g["artifacts"]["tool-0"]),
            "matched capabilities were deleted or moved to another artifact",
        ),
        (  # a bulk write, which records "anything may have changed"
            lambda g: (
                Capability.objects.filter(pk=g["caps"]["tool-2"][1]).update(
                    artifact=g["artifacts"]["tool-0"]
                ),
                catalog_version_bump(),
            ),
            "matched capabilities were deleted or moved to another artifact",
        ),
    ],
    ids=[
        "spam-marked",
        "spam-unmarked",
        "spam-swapped",
        "event-deleted",
        "choice-deleted",
        "cap-deleted",
        "cap-moved",
        "cap-moved-in-bulk",
    ],
)
def test_a_changed_base_makes_the_run_full(graph, change, reason):
    _first_history(graph)
    match_graph_rebuild()
    # An incremental run first: the base is then its own, and only the artifacts the
    # journal names since it are checked for moved capabilities.
    assert match_graph_rebuild(incremental=True).mode == "incremental"
    _more_history(graph)
    change(graph)
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.reason) == ("full", reason)
    result = _state()
    match_graph_rebuild()
    assert _state() == result


def _move(capability_id: int, artifact: Artifact) -> None:
    capability = Capability.objects.get(pk=capability_id)
    capability.artifact = artifact
    capability.save()


def _moved_checks(queries: CaptureQueriesContext) -> list[str]:
    check = "c.artifact_id <> m.artifact_id"
    return [q["sql"] for q in queries.captured_queries if check in q["sql"]]


def test_only_the_tallies_of_artifacts_edited_since_the_last_run_are_checked(graph):
    """The check that no tallied capability moved reads the tallies of the artifacts the
    change journal names since the last run, not every tally: none at all when the catalog
    did not change (a full run moves no capability: the journal hears only ranks from it),
    and every one when the journal cannot say (a bulk write records "anything may have
    changed")."""
    _first_history(graph)
    match_graph_rebuild()
    with CaptureQueriesContext(connection) as queries:
        assert match_graph_rebuild(incremental=True).mode == "incremental"
    assert _moved_checks(queries) == []
    catalog_version_bump()
    _more_history(graph)
    with CaptureQueriesContext(connection) as queries:
        assert match_graph_rebuild(incremental=True).mode == "incremental"
    (whole,) = _moved_checks(queries)
    assert " IN (" not in whole
    edited = graph["artifacts"]["tool-1"]
    capability = Capability.objects.get(pk=graph["caps"]["tool-1"][0])
    capability.title = "Renamed, still on its artifact"
    capability.save()
    _search("edit photos", graph["caps"]["tool-1"], "later", 2000)
    with CaptureQueriesContext(connection) as queries:
        report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.events) == ("incremental", 1)
    (restricted,) = _moved_checks(queries)
    # Only the edited artifact's tallies (the SQL as run, its parameters inlined).
    assert restricted.endswith(f"m.artifact_id IN ({edited.pk})")
    result = _state()
    match_graph_rebuild()
    assert _state() == result


def test_a_move_the_journal_never_heard_of_is_caught_once_its_mark_is_too_old(graph):
    """A write outside the journal's contract (raw SQL that records nothing) is caught by
    the first run whose mark the journal can no longer vouch for: then every tally is read."""
    _first_history(graph)
    match_graph_rebuild()
    assert match_graph_rebuild(incremental=True).mode == "incremental"
    Capability.objects.filter(pk=graph["caps"]["tool-2"][1]).update(
        artifact=graph["artifacts"]["tool-0"]
    )
    MatchGraphState.objects.update(marked_at=timezone.now() - PATCHABLE - timedelta(minutes=1))
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.reason) == (
        "full",
        "matched capabilities were deleted or moved to another artifact",
    )


def test_first_incremental_run_is_full(graph):
    _first_history(graph)
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.reason) == ("full", "no earlier rebuild to build on")
    # The command prints the report: the reason a run was full is in it, in brackets.
    assert str(report) == (
        f"full (no earlier rebuild to build on): {report.events} counted events, "
        f"{report.matches} matches, {report.pairs} pair rows, {report.artifacts_matched} "
        f"artifacts matched, {report.artifacts_reranked} reranked, in "
        f"{sum(report.seconds.values()):.2f}s"
    )
    assert match_graph_rebuild(incremental=True).mode == "incremental"


def test_command_incremental_flag(graph):
    _first_history(graph)
    call_command("rebuild_match_graph", stdout=StringIO())
    _more_history(graph)
    out = StringIO()
    call_command("rebuild_match_graph", "--incremental", stdout=out)
    assert "Match graph rebuilt: incremental: 8 counted events" in out.getvalue()


def test_an_artifact_matched_again_whose_value_stays_keeps_its_rank_and_counts_the_match(graph):
    """One artifact's flow grows from 4 to 5 searches, by exactly SCALE_STEP, so the scale
    steps with it and its match_graph value stays: the run adds its times matched and
    rewrites neither its value nor its rank."""
    only = graph["artifacts"]["tool-0"]
    cap = graph["caps"]["tool-0"][:1]
    for n in range(4):
        _search("sort photos", cap, f"d{n}", n)
    match_graph_rebuild()
    before = Artifact.objects.values("match_graph", "rank", "times_matched").get(pk=only.pk)
    assert before["times_matched"] == 4
    _search("sort photos", cap, "d4", 10)
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.artifacts_matched, report.artifacts_reranked) == (
        "incremental",
        1,
        0,
    )
    after = Artifact.objects.values("match_graph", "rank", "times_matched").get(pk=only.pk)
    assert after == {**before, "times_matched": 5}
    match_graph_rebuild()
    assert Artifact.objects.values("match_graph", "rank", "times_matched").get(pk=only.pk) == (
        after
    )


def test_progress_is_told_each_step_and_every_step_is_timed(graph):
    _first_history(graph)
    for incremental in (False, True):
        calls: list[tuple[str, int, int]] = []

        def told(*call, calls=calls):
            calls.append(call)

        started = time.perf_counter()
        report = match_graph_rebuild(incremental=incremental, progress=told)
        elapsed = time.perf_counter() - started
        assert calls == [(name, n, 7) for n, name in enumerate(STEPS, start=1)]
        assert list(report.seconds) == list(STEPS)
        # The report's "in 0.12s" is the steps' own time: within the call, never negative.
        assert min(report.seconds.values()) >= 0
        assert sum(report.seconds.values()) <= elapsed


def test_the_journal_hears_ranks_from_either_run(graph, django_capture_on_commit_callbacks):
    _first_history(graph)
    mark = catalog_journal_mark()
    versions = catalog_versions_get()
    with django_capture_on_commit_callbacks(execute=True):
        match_graph_rebuild()
    # A full run recomputes every score (and jobs): ranks anywhere, but no document, tag
    # name or editor's field, so whatever the journal keeps current is patched.
    changes = catalog_changes_since(mark=mark, limit=1000)
    assert (changes.artifact_ids, changes.ranks, changes.tags) == (frozenset(), True, False)
    # And the facts version moves with it: facts a search reads may have changed.
    assert catalog_versions_get()[1] != versions[1]
    versions = catalog_versions_get()
    _more_history(graph)
    mark = catalog_journal_mark()
    with django_capture_on_commit_callbacks(execute=True):
        match_graph_rebuild(incremental=True)
    changes = catalog_changes_since(mark=mark, limit=1000)
    assert (changes.artifact_ids, changes.ranks, changes.tags) == (frozenset(), True, False)
    # An incremental run changes no job: the facts version stays.
    assert catalog_versions_get()[1] == versions[1]
    assert catalog_versions_get()[0] != versions[0]
    # Nothing new: nothing written, nothing recorded.
    mark = catalog_journal_mark()
    match_graph_rebuild(incremental=True)
    changes = catalog_changes_since(mark=mark, limit=1000)
    assert (changes.artifact_ids, changes.ranks, changes.tags) == (frozenset(), False, False)


def test_the_search_watermark_is_not_raised_to_the_choice_watermark(graph):
    """Search and choice ids are numbered apart; a choice id above every search id must not
    move the search watermark past searches still to come (they would never be counted)."""
    caps, tool = graph["caps"]["tool-0"][:1], graph["artifacts"]["tool-0"]
    first = _search("sort photos", caps, "w0", 0)
    ChoiceEvent.objects.create(
        id=first.id + 5,
        intent=first.intent,
        artifact=tool,
        client_key="w0",
        created_at=START + timedelta(minutes=1),
    )
    match_graph_rebuild()
    for n in (1, 2):
        _search("sort photos", caps, f"w{n}", 10 * n)
        report = match_graph_rebuild(incremental=True)
        assert (report.mode, report.reason, report.events) == ("incremental", "", 1)
    state = MatchGraphState.objects.get()
    assert (state.search_event_id, state.choice_event_id) == (
        SearchEvent.objects.order_by("-id").first().id,
        first.id + 5,
    )
    assert Intent.objects.get(text="sort photos").search_count == 3


def test_a_new_choice_alone_is_published_and_heard_by_the_journal(graph):
    """A choice for an intent that reaches one artifact moves no match_graph value (that
    artifact already has the intent's whole flow), but it changes what the match and the
    capability say: the run writes them and the journal hears it (cached pages refresh)."""
    tool, cap = graph["artifacts"]["tool-0"], graph["caps"]["tool-0"][0]
    for n in range(2):
        _search("sort photos", [cap], f"s{n}", n)
    match_graph_rebuild()
    value = Artifact.objects.get(pk=tool.pk).match_graph
    _choose("sort photos", tool, "s0", 5)
    Match.objects.update(times_chosen=0)  # the rebuild alone must count the choice
    mark = catalog_journal_mark()
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.events, report.matches, report.artifacts_reranked) == (
        "incremental",
        0,
        1,
        0,
    )
    assert Match.objects.values_list("times_matched", "times_chosen").get() == (2, 1)
    assert Capability.objects.get(pk=cap).match_success_rate == 1.5 / 7
    assert Artifact.objects.get(pk=tool.pk).match_graph == value == round(2 / SCALE_STEP**4, 6)
    changes = catalog_changes_since(mark=mark, limit=1000)
    assert (changes.artifact_ids, changes.ranks, changes.tags) == (frozenset(), True, False)


def test_a_deleted_state_row_is_written_again_where_the_next_run_reads_it(graph):
    """Deleting the state row (a reset) makes the next run full; the row that run writes is
    the one the run after it reads, so that one folds in only the new events."""
    _first_history(graph)
    match_graph_rebuild()
    MatchGraphState.objects.all().delete()
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.reason) == ("full", "no earlier rebuild to build on")
    _more_history(graph)
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.reason, report.events) == ("incremental", "", 8)
    assert MatchGraphState.objects.count() == 1


@pytest.mark.postgres
def test_the_tables_a_rebuild_updates_keep_room_for_in_place_updates():
    """Migrations 0012 and 0016: pages of the tables whose unindexed counters every run
    rewrites keep free space, so PostgreSQL can update those rows in place (HOT) instead of
    adding an entry to every index of the table for each one."""
    tables = ["comparisons_pairevidence", "comparisons_match", "catalog_capability"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [[*tables, "catalog_artifact"]],
        )
        options = dict(cursor.fetchall())
    assert options == {
        "comparisons_pairevidence": ["fillfactor=80"],
        "comparisons_match": ["fillfactor=80"],
        "catalog_capability": ["fillfactor=90"],
        "catalog_artifact": ["fillfactor=70"],
    }


def _answer(query: str, *, fresh: bool) -> list[tuple]:
    outcome = search_run(query=query, **({"versions": None} if fresh else {}))
    return [(r.artifact.pk, r.score, r.name_similarity) for r in outcome.results]


# Committed writes: the journal's positions are transaction snapshots on PostgreSQL.
@pytest.mark.django_db(transaction=True)
def test_what_the_journal_keeps_current_stays_exact_across_a_full_rebuild(graph, derived_cache):
    """A full run tells the journal only "ranks" (comparisons/search/matchgraph.py): what is
    patched from the journal after it (the browse snapshot, term statistics, the search's
    kept data) must answer as if computed fresh, while the run moved counters and ranks."""
    _first_history(graph)
    match_graph_rebuild()
    snapshot = browse_snapshot_get()
    queries = ("tool", "edit photos")
    for query in queries:
        _answer(query, fresh=False)  # kept under this version
    ranks = dict(Artifact.objects.values_list("pk", "rank"))
    # Earlier evidence changes (an intent no longer spam), then a full run counts it all.
    Intent.objects.filter(text="spam me").update(is_spam=False)
    _more_history(graph)
    assert match_graph_rebuild().mode == "full"
    assert dict(Artifact.objects.values_list("pk", "rank")) != ranks
    patched = browse_snapshot_get()
    assert patched is not snapshot
    assert snapshot_state(patched) == snapshot_state(browse_snapshot_build())
    for query in queries:
        assert _answer(query, fresh=False) == _answer(query, fresh=True), query
    terms = query_terms("edit photos")
    counted, _ = terms_split(terms)
    versions = catalog_versions_get()
    assert corpus_stats(backend=backend_get(), terms=counted, version=versions[0]) == (
        corpus_stats(backend=backend_get(), terms=counted, version=None)
    )


def _artifact_reads(queries: CaptureQueriesContext) -> list[str]:
    """The SELECTs of a run that read catalog_artifact rows (the SQL as run)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith("SELECT") and re.search(r'FROM "?catalog_artifact"?', q["sql"])
    ]


def _unrestricted(reads: list[str]) -> list[str]:
    """Those of `reads` not restricted to listed ids: each reads every artifact."""
    return [sql for sql in reads if " IN (" not in sql and "ANY(" not in sql]


def test_while_the_scale_holds_only_artifacts_whose_flow_was_written_are_read(graph):
    """A new intent reaching one artifact: no read of every artifact, and none of the
    artifacts the journal names when it names none; the values and ranks are a full
    rebuild's."""
    _first_history(graph)
    match_graph_rebuild()
    _search("make music", graph["caps"]["tool-3"][:1], "m0", 500)
    with CaptureQueriesContext(connection) as queries:
        report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.artifacts_reranked) == ("incremental", 1)
    reads = _artifact_reads(queries)
    assert reads and _unrestricted(reads) == []
    assert not any("LEFT JOIN comparisons_flowtally" in sql for sql in reads)
    incremental = _state()
    match_graph_rebuild()
    assert _state() == incremental


def test_artifacts_written_since_the_last_run_are_read_again(graph):
    """Created after a run (no data yet) and reached by no search, an artifact gets 0.0;
    one created and reached in the same span gets its flow's share; one whose value and
    rank another writer changed gets them back. Read among the artifacts the journal
    names; every artifact when it cannot say."""
    _first_history(graph)
    match_graph_rebuild()
    loaded = Artifact.objects.get(slug="tool-3")
    named = ArtifactFactory(slug="new-named")
    reached = CapabilityFactory(artifact=ArtifactFactory(slug="new-reached"))
    assert Artifact.objects.get(pk=named.pk).match_graph is None
    _search("make music", [*graph["caps"]["tool-3"][:1], reached.pk], "m0", 500)
    with CaptureQueriesContext(connection) as queries:
        report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.artifacts_reranked) == ("incremental", 3)
    assert _unrestricted(_artifact_reads(queries)) == []
    assert Artifact.objects.get(pk=named.pk).match_graph == 0.0
    # Half of one search's flow, below the scale of 1.25**5 the first history set.
    assert Artifact.objects.get(pk=reached.artifact_id).match_graph == round(0.5 / SCALE_STEP**5, 6)
    moved = Artifact.objects.get(pk=loaded.pk).match_graph
    assert moved != loaded.match_graph

    # An editor's save of an instance loaded before the run leaves what the run wrote.
    loaded.summary = "Saved from a form loaded before the last run."
    loaded.save()
    assert Artifact.objects.get(pk=loaded.pk).match_graph == moved == loaded.match_graph
    # A write the journal names, whatever it wrote, is read again.
    Artifact.objects.filter(pk=loaded.pk).update(match_graph=0.5)
    catalog_version_bump(scope=ARTIFACT, artifact_ids=[loaded.pk])
    # A search that reaches neither tool-3 nor the largest flow's artifact (the scale holds).
    _search("score films", [reached.pk], "m1", 600)
    with CaptureQueriesContext(connection) as queries:
        assert match_graph_rebuild(incremental=True).mode == "incremental"
    assert _unrestricted(_artifact_reads(queries)) == []
    assert Artifact.objects.get(pk=loaded.pk).match_graph == moved

    unnamed = ArtifactFactory(slug="new-unnamed")
    catalog_version_bump()  # a bulk write: the journal cannot say what changed
    _search("make music", graph["caps"]["tool-3"][:1], "m2", 700)
    with CaptureQueriesContext(connection) as queries:
        assert match_graph_rebuild(incremental=True).mode == "incremental"
    assert _unrestricted(_artifact_reads(queries)) != []
    assert Artifact.objects.get(pk=unnamed.pk).match_graph == 0.0
    incremental = _state()
    match_graph_rebuild()
    assert _state() == incremental


def test_an_artifact_whose_flow_is_written_again_unchanged_is_not_reranked(graph):
    """A choice beyond the cap (chosen already equals matched) touches its intent, so the
    flows it reaches are computed again, to the same values: nothing is reranked."""
    tool = graph["artifacts"]["tool-3"]
    _search("tune audio", graph["caps"]["tool-3"][:1], "t0", 1)
    _choose("tune audio", tool, "t0", 2)
    match_graph_rebuild()
    before = _state()
    _choose("tune audio", tool, "t1", 3)
    report = match_graph_rebuild(incremental=True)
    assert (report.mode, report.artifacts_reranked) == ("incremental", 0)
    assert _state()["artifacts"] == before["artifacts"]
    match_graph_rebuild()
    assert _state()["artifacts"] == before["artifacts"]


def test_a_score_recompute_keeps_the_value_a_rebuild_wrote_after_its_read(graph, monkeypatch):
    """A rebuild that commits while a score recompute computes (after it read the inputs,
    before it writes) keeps its match_graph values and the ranks from them: the recompute
    reads them again before writing. Without that it wrote the old ones back, and the next
    incremental runs, which read only the artifacts whose flow they move, kept them."""
    _first_history(graph)
    match_graph_rebuild()
    _search("make music", graph["caps"]["tool-3"][:1], "m0", 500)
    compute = services.scores_compute

    def compute_then_rebuild(**kwargs):
        results = compute(**kwargs)
        assert match_graph_rebuild(incremental=True).artifacts_reranked == 1
        return results

    monkeypatch.setattr(services, "scores_compute", compute_then_rebuild)
    services.artifact_scores_recompute()
    monkeypatch.setattr(services, "scores_compute", compute)
    assert Artifact.objects.get(slug="tool-3").match_graph == round(1 / SCALE_STEP**5, 6)
    _search("make music", graph["caps"]["tool-2"][:1], "m1", 600)
    match_graph_rebuild(incremental=True)
    incremental = _state()
    match_graph_rebuild()
    assert _state() == incremental
