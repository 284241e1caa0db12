"""The match graph rebuild: formula, idempotence, restoration, spam, and the commands."""

import math
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection

from catalog.models import Artifact, Capability
from catalog.ranking import COMPONENTS, rank_compute, weights_for_kind
from catalog.selectors import weights_by_kind_get
from comparisons.models import ChoiceEvent, Intent, Match, PairEvidence, SearchEvent
from comparisons.search.evidence import choice_record, search_record
from comparisons.search.matchgraph import (
    CHOICE_WEIGHT,
    SCALE_STEP,
    centrality_normalise,
    centrality_scale,
    flows_compute,
    match_graph_compute,
    match_graph_rebuild,
    success_rate_compute,
)
from tests.factories import ArtifactFactory, CapabilityFactory

# ---- the formula (no database) -----------------------------------------------------------


def test_centrality_flows_from_intents_to_artifacts_and_is_normalised():
    # Intent 1 (3 searches) matched capabilities 10 (artifact A) and 11 (artifact B) equally;
    # intent 2 (1 search) matched only capability 12 (artifact B).
    values = match_graph_compute(
        intent_events={1: 3, 2: 1},
        edges={(1, 10): 3, (1, 11): 3, (2, 12): 1},
        capability_artifact={10: 100, 11: 200, 12: 200},
    )
    # A: 3 * 1/2 = 1.5; B: 3 * 1/2 + 1 = 2.5 -> divided by the smallest power of 1.25 at or
    # above the largest flow (1.25**5 = 3125/1024).
    assert values == {200: 0.8192, 100: 0.49152}


def test_choices_shift_the_flow():
    plain = match_graph_compute(
        intent_events={1: 1}, edges={(1, 10): 1, (1, 11): 1}, capability_artifact={10: 1, 11: 2}
    )
    chosen = match_graph_compute(
        intent_events={1: 1}, edges={(1, 10): 1, (1, 11): 3}, capability_artifact={10: 1, 11: 2}
    )
    # Flows 1/2 each (scale 1.25**-3 = 0.512), then 1/4 and 3/4 (scale 1.25**-1 = 0.8).
    assert plain == {1: round(0.5 / 0.512, 6), 2: round(0.5 / 0.512, 6)}
    assert chosen == {1: round(0.25 / 0.8, 6), 2: round(0.75 / 0.8, 6)}


@pytest.mark.parametrize(
    ("top", "scale"),
    [
        (1.0, 1.0),  # at a power
        (1.25, 1.25),
        (1.2500001, 1.5625),  # just above a power: the next one
        (1.2499999, 1.25),  # just below
        (0.5, 0.512),  # below 1: negative powers
        (3.0, 1.25**5),
        (1e6, 1.25**62),
    ],
)
def test_the_scale_is_the_smallest_power_of_the_step_at_or_above_the_largest_flow(top, scale):
    assert centrality_scale(top) == pytest.approx(scale, rel=1e-12)
    assert centrality_scale(top) / SCALE_STEP < top <= centrality_scale(top)


@pytest.mark.parametrize(
    ("top", "scale"),
    [
        # math.log puts the float just above 1.25**7 at exactly 7: one step up.
        (math.nextafter(1.25**7, math.inf), 1.25**8),
        # ... and 1.25**-26 a little above -26: one step back down.
        (1.25**-26, 1.25**-26),
    ],
)
def test_the_scale_settles_where_the_logarithm_is_off_by_one_ulp(top, scale):
    assert centrality_scale(top) == scale


@pytest.mark.parametrize("top", [0.0, -1.0, float("nan")])
def test_the_scale_needs_a_positive_largest_flow(top):
    with pytest.raises(ValueError, match="must be positive"):
        centrality_scale(top)


def test_flows_are_exact_whatever_the_order_of_their_shares():
    shares = [(1, 3, 1, 7), (1, 5, 2, 3), (2, 1, 1, 1), (1, 2, 9, 11), (2, 0, 4, 0)]
    assert flows_compute(shares=shares) == flows_compute(shares=list(reversed(shares)))
    assert flows_compute(shares=shares)[1] == math.fsum([3 / 7, 10 / 3, 18 / 11])
    assert flows_compute(shares=shares)[2] == 1.0  # a zero total is ignored, not a fault


def test_edges_of_an_intent_without_counted_searches_carry_no_flow():
    # Intent 2's events were all spam (no counted searches): its edges lead nowhere, and
    # an intent whose edges weigh nothing sends no one either.
    values = match_graph_compute(
        intent_events={1: 1, 3: 4},
        edges={(1, 10): 1, (2, 11): 5, (3, 12): 0},
        capability_artifact={10: 100, 11: 200, 12: 300},
    )
    assert values == {100: 1.0}


def test_one_match_already_has_a_smoothed_rate():
    # (chosen + 5 * 0.1) / (matched + 5): a single match is evidence, pulled to the prior.
    assert success_rate_compute(matched=1, chosen=1) == 1.5 / 6
    assert success_rate_compute(matched=1, chosen=0) == 0.5 / 6
    assert success_rate_compute(matched=0, chosen=0) is None


def test_no_flow_is_no_data():
    assert centrality_normalise({}) == {}
    assert centrality_normalise({1: 0.0}) == {}


# ---- the rebuild ---------------------------------------------------------------------------


@pytest.fixture
def history(db):
    """Three artifacts, a few intents, searches from several clients, choices and spam."""
    whisper = ArtifactFactory(name="Whisperish", slug="whisperish")
    gram = ArtifactFactory(name="Gramophone", slug="gramophone")
    painter = ArtifactFactory(name="Painter", slug="painter")
    c_w = CapabilityFactory(artifact=whisper, title="Transcribes audio")
    c_w2 = CapabilityFactory(artifact=whisper, title="Subtitles video")
    c_g = CapabilityFactory(artifact=gram, title="Transcribes calls")
    c_p = CapabilityFactory(artifact=painter, title="Paints images")
    plan = [
        ("transcribe audio", [c_w, c_w2, c_g], 5),
        ("transcribe calls", [c_g, c_w], 3),
        ("paint images", [c_p], 2),
        ("spammy spam", [c_w, c_p], 4),
    ]
    for intent, caps, clients in plan:
        for n in range(clients):
            search_record(
                intent_text=intent,
                query=intent,
                capability_ids=[c.pk for c in caps],
                result_count=len(caps),
                client_key=f"client-{n}",
            )
    for n in range(2):
        choice_record(
            intent_text="transcribe audio", query="q", artifact=whisper, client_key=f"client-{n}"
        )
    choice_record(intent_text="transcribe calls", query="q", artifact=gram, client_key="x")
    Intent.objects.filter(text="spammy spam").update(is_spam=True)
    return {"whisper": whisper, "gram": gram, "painter": painter}


def _snapshot() -> dict:
    return {
        "intents": sorted(
            Intent.objects.values_list("text", "search_count", "last_result_count", "last_seen")
        ),
        "matches": sorted(
            Match.objects.values_list(
                "intent__text", "capability_id", "times_matched", "times_chosen", "last_seen"
            )
        ),
        "pairs": sorted(
            PairEvidence.objects.values_list(
                "artifact_a_id", "artifact_b_id", "intent__text", "times_both_matched"
            )
        ),
        "capabilities": sorted(
            Capability.objects.values_list("id", "times_matched", "match_success_rate")
        ),
        "artifacts": sorted(
            Artifact.objects.values_list("id", "times_matched", "match_graph", "rank")
        ),
    }


def test_rebuild_counts_from_events(history):
    report = match_graph_rebuild()
    whisper, gram, painter = history["whisper"], history["gram"], history["painter"]
    assert report.events == 10  # the 4 spam searches do not count

    for artifact in (whisper, gram, painter):
        artifact.refresh_from_db()
    # Times matched = counted searches in which any of the artifact's capabilities matched.
    assert whisper.times_matched == 8 and gram.times_matched == 8 and painter.times_matched == 2
    # Edges (matches + 2 x capped choices) per intent, then searches x share of the intent:
    #   transcribe audio (5): Transcribes audio 5+2*2=9, Subtitles video 9, Transcribes calls 5
    #   transcribe calls (3): Transcribes calls 3+2*1=5, Transcribes audio 3
    #   paint images (2): Paints images 2
    # Whisperish 5*18/23 + 3*3/8 = 927/184; Gramophone 5*5/23 + 3*5/8 = 545/184; Painter 2.
    # Divided by the smallest power of 1.25 at or above the largest flow (927/184 = 5.04).
    scale = SCALE_STEP**8
    assert whisper.match_graph == round(927 / 184 / scale, 6) == 0.845243
    assert gram.match_graph == round(545 / 184 / scale, 6) == 0.496934
    assert painter.match_graph == round(2 / scale, 6) == 0.335544

    transcribe = Intent.objects.get(text="transcribe audio")
    match = Match.objects.get(intent=transcribe, capability__title="Transcribes audio")
    assert (match.times_matched, match.times_chosen) == (5, 2)
    assert not Match.objects.filter(intent__is_spam=True).exists()
    spam = Intent.objects.get(text="spammy spam")
    assert (spam.search_count, spam.last_result_count) == (4, 2)  # still shown to editors
    assert (transcribe.search_count, transcribe.last_result_count) == (5, 3)

    # (chosen + 5 x 0.1) / (matched + 5), chosen capped per intent at matched.
    rates = dict(Capability.objects.values_list("title", "match_success_rate"))
    assert rates == {
        "Transcribes audio": 2.5 / 13,  # matched 5 + 3, chosen 2 + 0
        "Subtitles video": 2.5 / 10,  # matched 5, chosen 2
        "Transcribes calls": 1.5 / 13,  # matched 5 + 3, chosen 0 + 1
        "Paints images": 0.5 / 7,  # matched 2, never chosen
    }
    assert success_rate_compute(matched=8, chosen=2) == 2.5 / 13
    assert success_rate_compute(matched=0, chosen=0) is None

    # Pair evidence: one row per unordered pair and intent, lower id first, exact counts.
    pairs = {
        (p.artifact_a_id, p.artifact_b_id, p.intent.text): p.times_both_matched
        for p in PairEvidence.objects.select_related("intent")
    }
    low, high = sorted([whisper.pk, gram.pk])
    assert pairs == {(low, high, "transcribe audio"): 5, (low, high, "transcribe calls"): 3}


def test_sql_centrality_equals_the_pure_formula(history):
    """The SQL rebuild held to match_graph_compute on the same graph, choices included."""
    match_graph_rebuild()
    counted = Intent.objects.filter(is_spam=False)
    edges = {
        (m.intent_id, m.capability_id): m.times_matched + CHOICE_WEIGHT * m.times_chosen
        for m in Match.objects.filter(intent__in=counted)
    }
    expected = match_graph_compute(
        intent_events=dict(counted.values_list("id", "search_count")),
        edges=edges,
        capability_artifact=dict(Capability.objects.values_list("id", "artifact_id")),
    )
    assert dict(Artifact.objects.values_list("id", "match_graph")) == expected
    assert len(set(expected.values())) == 3  # three distinct values: nothing coincides


def test_ranks_use_the_rebuilt_component(history):
    match_graph_rebuild()
    weights = weights_by_kind_get()
    for artifact in Artifact.objects.all():
        components = {c: getattr(artifact, c) for c in COMPONENTS}
        assert artifact.match_graph is not None
        assert artifact.rank == rank_compute(
            components=components, weights=weights_for_kind(kind=artifact.kind, overrides=weights)
        )


@pytest.mark.parametrize(
    ("choices", "chosen"),
    [(1, 1), (2, 2), (3, 2), (5, 2)],  # below, at, just above and well above times matched
)
def test_rebuild_caps_chosen_at_matched(db, choices, chosen):
    artifact = ArtifactFactory()
    capability = CapabilityFactory(artifact=artifact)
    for n in range(2):
        search_record(
            intent_text="cap me",
            query="cap me",
            capability_ids=[capability.pk],
            result_count=1,
            client_key=f"searcher-{n}",
        )
    for n in range(choices):
        choice_record(intent_text="cap me", query="q", artifact=artifact, client_key=f"c-{n}")
    Match.objects.update(times_chosen=0)  # the rebuild alone must produce the capped value
    match_graph_rebuild()
    match = Match.objects.get()
    assert (match.times_matched, match.times_chosen) == (2, chosen)
    capability.refresh_from_db()
    assert capability.match_success_rate == (chosen + 0.5) / 7


def test_marking_intents_as_spam_withdraws_their_evidence(history):
    """Evidence counted before an editor marked its intents as spam is taken back by the
    next rebuild: counters, rates, pairs and flows of artifacts no counted search reaches."""
    match_graph_rebuild()
    Intent.objects.filter(text__in=["transcribe calls", "paint images"]).update(is_spam=True)
    report = match_graph_rebuild()
    assert (report.events, report.matches, report.pairs, report.artifacts_matched) == (
        5,
        3,
        1,
        2,
    )
    whisper, gram, painter = history["whisper"], history["gram"], history["painter"]
    # Only "transcribe audio" counts: Whisperish 5 x 18/23, Gramophone 5 x 5/23, divided by
    # the smallest power of 1.25 at or above 90/23 (3.91): 1.25**7.
    assert dict(Artifact.objects.values_list("id", "match_graph")) == {
        whisper.pk: round(90 / 23 / SCALE_STEP**7, 6),
        gram.pk: round(25 / 23 / SCALE_STEP**7, 6),
        painter.pk: 0.0,
    }
    assert dict(Artifact.objects.values_list("id", "times_matched")) == {
        whisper.pk: 5,
        gram.pk: 5,
        painter.pk: 0,
    }
    assert dict(Capability.objects.values_list("title", "match_success_rate")) == {
        "Transcribes audio": 2.5 / 10,
        "Subtitles video": 2.5 / 10,
        "Transcribes calls": 0.5 / 10,
        "Paints images": None,
    }
    assert dict(Capability.objects.values_list("title", "times_matched")) == {
        "Transcribes audio": 5,
        "Subtitles video": 5,
        "Transcribes calls": 5,
        "Paints images": 0,
    }
    low, high = sorted([whisper.pk, gram.pk])
    assert sorted(
        PairEvidence.objects.values_list(
            "artifact_a_id", "artifact_b_id", "intent__text", "times_both_matched"
        )
    ) == [(low, high, "transcribe audio", 5)]
    assert not Match.objects.filter(intent__is_spam=True).exists()


def test_pair_evidence_equals_a_direct_count_over_events(history):
    match_graph_rebuild()
    for pair in PairEvidence.objects.all():
        events = SearchEvent.objects.filter(intent=pair.intent, intent__is_spam=False)
        both = (
            events.filter(matched_capabilities__artifact=pair.artifact_a_id)
            .filter(matched_capabilities__artifact=pair.artifact_b_id)
            .distinct()
            .count()
        )
        assert pair.artifact_a_id < pair.artifact_b_id
        assert pair.times_both_matched == both


def test_rebuild_twice_is_identical(history):
    match_graph_rebuild()
    first = _snapshot()
    match_graph_rebuild()
    assert _snapshot() == first


def test_rebuild_after_deleting_derived_data_restores_it(history):
    match_graph_rebuild()
    before = _snapshot()
    Match.objects.all().delete()
    PairEvidence.objects.all().delete()
    Intent.objects.update(search_count=0, last_result_count=0, last_seen=None)
    Capability.objects.update(times_matched=0, match_success_rate=None)
    Artifact.objects.update(times_matched=0, match_graph=None)
    match_graph_rebuild()
    assert _snapshot() == before


def test_live_counters_agree_with_the_rebuild(history):
    Intent.objects.filter(is_spam=True).delete()  # live counters predate the spam mark
    live = sorted(Match.objects.values_list("intent_id", "capability_id", "times_matched"))
    match_graph_rebuild()
    assert sorted(Match.objects.values_list("intent_id", "capability_id", "times_matched")) == live


def test_unmarking_spam_counts_again(history):
    match_graph_rebuild()
    Intent.objects.update(is_spam=False)
    assert match_graph_rebuild().events == 14


def test_no_events_means_no_data(db):
    artifact = ArtifactFactory(match_graph=0.5, times_matched=3)
    match_graph_rebuild()
    artifact.refresh_from_db()
    assert artifact.match_graph is None and artifact.times_matched == 0


def test_rebuild_drops_its_temporary_tables(history):
    match_graph_rebuild()
    with connection.cursor() as cursor:
        names = connection.introspection.table_names(cursor)
    assert not [n for n in names if n.startswith("mg_")]


# ---- commands -------------------------------------------------------------------------------


class _Terminal(StringIO):
    def isatty(self):
        return True


def test_rebuild_command_shows_progress_on_a_terminal_only(history):
    out, terminal = StringIO(), _Terminal()
    call_command("rebuild_match_graph", stdout=out, stderr=terminal)
    drawn = terminal.getvalue()
    assert "Rebuilding the match graph: intents" in drawn and "0/7" in drawn
    assert drawn.rstrip("\n").rsplit("\r", 1)[-1].startswith("Rebuilding the match graph: done")
    assert "7/7" in drawn and "Match graph rebuilt: full: 10 counted events" in out.getvalue()
    redirected = StringIO()
    call_command("rebuild_match_graph", stdout=StringIO(), stderr=redirected)
    assert redirected.getvalue() == ""


def test_replay_demo_searches(demo_catalog):
    out, terminal = StringIO(), _Terminal()
    call_command("replay_demo_searches", searches=400, stdout=out, stderr=terminal)
    assert "Replaying searches: 100%" in terminal.getvalue()
    assert "400/400" in terminal.getvalue()
    assert "Replayed 400 simulated searches" in out.getvalue()
    assert SearchEvent.objects.exists()
    assert not SearchEvent.objects.filter(is_simulated=False).exists()
    assert ChoiceEvent.objects.filter(is_simulated=True).exists()
    assert Intent.objects.count() > 50
    for slug in ("qwen3-5-flash", "flux-1-pro"):
        artifact = Artifact.objects.get(slug=slug)
        direct = (
            SearchEvent.objects.filter(
                intent__is_spam=False, matched_capabilities__artifact=artifact
            )
            .distinct()
            .count()
        )
        assert artifact.times_matched == direct > 0
        assert artifact.match_graph is not None and 0 < artifact.match_graph <= 1
    # A second run replaces the simulated history instead of adding to it.
    first = SearchEvent.objects.count()
    call_command("replay_demo_searches", searches=400, stdout=StringIO())
    assert SearchEvent.objects.count() == first
