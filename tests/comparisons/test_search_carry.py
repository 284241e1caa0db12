"""Rankings carried forward across edits that cannot move them (comparisons/search/service.py,
`_moved_by`): after random committed edits of every kind, the ranking a search reads equals
one computed fresh, and an edit elsewhere in the catalog costs no ranking query.
Runs on SQLite and on PostgreSQL."""

import pickle
import random
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from catalog.journal import JournalMark
from catalog.models import Artifact, Capability
from catalog.versioning import catalog_version_bump
from comparisons.caching.derived import derived_cache_versions
from comparisons.search import backends, facts, service
from comparisons.search.normalise import Term, intent_normalise, query_clean, query_terms
from comparisons.search.scoring import ArtifactInfo, CapabilityCandidate
from tests.comparisons.test_snapshot_patch import Editor, _catalog
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory

TITLES = ["Transcribe audio", "Generate images", "Summarise text", "Capability"]
QUERIES = [
    "transcribe audio",
    "generate images",
    "cheap image generator",
    "free text summariser",
    "alpha",
    "summarise long text with an api",
]


@pytest.fixture
def computed(monkeypatch) -> list[int]:
    """One entry per ranking computed (rather than carried or read back)."""
    calls: list[int] = []
    ranking = service._ranking
    monkeypatch.setattr(service, "_ranking", lambda **k: calls.append(1) or ranking(**k))
    return calls


class TitlingEditor(Editor):
    """The snapshot tests' random editor, plus capability titles from the queries' words."""

    def retitle(self) -> None:
        capability = self._capability()
        if capability is not None:
            capability.title = self.rng.choice(TITLES)
            capability.save()

    EDITS = [*Editor.EDITS, (retitle, 6)]


def _titled_catalog(seed: int) -> TitlingEditor:
    """The snapshot tests' random catalog with titles from the queries' words, and its
    editor."""
    rng = random.Random(seed)
    _catalog(rng)
    for capability in Capability.objects.order_by("pk"):
        capability.title = rng.choice(TITLES)
        capability.save()
    return TitlingEditor(rng)


def _rows(query: str, *, fresh: bool) -> list[tuple]:
    intent = intent_normalise(query_clean(query))
    versions = None if fresh else derived_cache_versions()
    parsed = service.intent_parsed(intent=intent, facts=versions[1] if versions else None)
    ranking = service._scored(
        intent=intent, terms=query_terms(intent), versions=versions, parsed=parsed
    )
    return ranking.rows


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(4))
def test_the_ranking_read_after_random_edits_equals_a_fresh_one(seed, derived_cache, monkeypatch):
    carried = []
    moved_by = service._moved_by

    def recorded(**kwargs):
        reason = moved_by(**kwargs)
        carried.append(reason is None)
        return reason

    monkeypatch.setattr(service, "_moved_by", recorded)
    editor = _titled_catalog(seed)
    for query in QUERIES:
        _rows(query, fresh=False)
    for n in range(16):
        editor.round()
        for query in QUERIES:
            assert _rows(query, fresh=False) == _rows(query, fresh=True), (seed, n, query)
    # Both ways were taken: a test where nothing is ever carried could not fail.
    assert True in carried and False in carried


@pytest.mark.django_db(transaction=True)
def test_an_edit_elsewhere_carries_the_ranking_and_an_edit_that_matches_moves_it(
    derived_cache, computed
):
    found = [CapabilityFactory(title=f"Zorblat helper {i}").artifact for i in range(3)]
    elsewhere = CapabilityFactory(title="Quixotic widget").artifact
    assert {row[0] for row in _rows("zorblat", fresh=False)} == {a.pk for a in found}
    assert len(computed) == 1

    with transaction.atomic():
        elsewhere.summary = "Edited by an editor."
        elsewhere.save()
    _rows("zorblat", fresh=False)
    assert len(computed) == 1  # carried forward

    with transaction.atomic():
        capability = elsewhere.capabilities.get()
        capability.title = "Zorblat widget"
        capability.save()
    assert {row[0] for row in _rows("zorblat", fresh=False)} == {a.pk for a in [*found, elsewhere]}
    assert len(computed) == 2

    with transaction.atomic():
        named = ArtifactFactory(name="Zorblat")  # no capability: found by its name alone
    assert named.pk in {row[0] for row in _rows("zorblat", fresh=False)}
    assert len(computed) == 3


@pytest.mark.django_db(transaction=True)
def test_an_artifact_whose_documents_now_hold_every_term_is_ranked(derived_cache):
    """The corpus counts alone cannot tell: two capabilities trading words keep every
    term's count, but one of them now holds both words, which the all-terms search finds."""
    for i in range(service.PER_PAGE + 2):
        CapabilityFactory(title=f"Zorblat quixotic helper {i}")
    traded = ArtifactFactory()
    first = CapabilityFactory(artifact=traded, title="Zorblat one")
    second = CapabilityFactory(artifact=traded, title="Quixotic two")
    assert traded.pk not in {row[0] for row in _rows("zorblat quixotic", fresh=False)}
    with transaction.atomic():
        first.title = "Zorblat quixotic one"
        first.save()
        second.title = "Plain two"
        second.save()
    rows = _rows("zorblat quixotic", fresh=False)
    assert traded.pk in {row[0] for row in rows}
    assert rows == _rows("zorblat quixotic", fresh=True)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("query", ["free image generator", "cheap image generator"])
def test_an_artifact_that_now_meets_the_constraints_is_ranked(derived_cache, query):
    """No word of the intent in it: the constraints alone bring it in."""
    painter = ArtifactFactory(
        name="Quuxel", pricing_model="free", input_modalities=["text"], output_modalities=["image"]
    )
    writer = ArtifactFactory(
        name="Blorp", pricing_model="free", input_modalities=["text"], output_modalities=["text"]
    )
    assert [row[0] for row in _rows(query, fresh=False)] == [painter.pk]
    with transaction.atomic():
        writer.output_modalities = ["image"]
        writer.save()
    rows = _rows(query, fresh=False)
    assert {row[0] for row in rows} == {painter.pk, writer.pk}
    assert rows == _rows(query, fresh=True)


@pytest.mark.django_db(transaction=True)
def test_an_artifact_renamed_away_from_the_intent_leaves_it(derived_cache):
    named = ArtifactFactory(name="Zorblat")  # found by its name alone
    CapabilityFactory(title="Zorblat helper")
    assert named.pk in {row[0] for row in _rows("zorblat", fresh=False)}
    with transaction.atomic():
        named.name = "Quuxel"
        named.save()
    rows = _rows("zorblat", fresh=False)
    assert named.pk not in {row[0] for row in rows}
    assert rows == _rows("zorblat", fresh=True)


@pytest.mark.django_db(transaction=True)
def test_new_ranks_reorder_a_kept_ranking(derived_cache):
    """Equal scores are ordered by UnfragileRank: a match-graph rebuild that swaps two
    ranks (no artifact named, ranks only) must reorder them."""
    low, high = (CapabilityFactory(title="Zorblat helper").artifact for _ in range(2))
    Artifact.objects.filter(pk=low.pk).update(rank=10)
    Artifact.objects.filter(pk=high.pk).update(rank=90)
    assert [row[0] for row in _rows("zorblat", fresh=False)] == [high.pk, low.pk]
    with transaction.atomic():
        Artifact.objects.filter(pk=low.pk).update(rank=95)
        catalog_version_bump(ranks_only=True)
    assert [row[0] for row in _rows("zorblat", fresh=False)] == [low.pk, high.pk]


# PostgreSQL only: SQLite's bm25 puts a document holding both terms, however weakly, above
# any document holding one, so no edit of this kind moves an artifact across the cut there.
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_with_any_term_matching_an_edited_artifact_holding_one_term_is_scored_again(
    derived_cache, monkeypatch
):
    """Any-term mode with the candidates cut at CANDIDATE_LIMIT: an artifact holding one
    term, below the cut, that an edit makes more relevant without changing any count."""
    monkeypatch.setattr(backends, "CANDIDATE_LIMIT", 2)
    monkeypatch.setattr(service, "CANDIDATE_SPARE", 0)
    for i in range(2):
        CapabilityFactory(
            title=f"Helper {i}",
            description="Plain and long, describing many other things at length.",
            unique="Zorblat quixotic.",
        )
    below = ArtifactFactory()
    one = CapabilityFactory(artifact=below, title="Plain helper", description="Has zorblat.")
    CapabilityFactory(artifact=below, title="Plain tool", description="Has quixotic.")
    assert below.pk not in {row[0] for row in _rows("zorblat quixotic", fresh=False)}
    with transaction.atomic():
        one.title = "Zorblat zorblat zorblat"
        one.description = "Zorblat, zorblat and zorblat."
        one.save()
    rows = _rows("zorblat quixotic", fresh=False)
    assert below.pk in {row[0] for row in rows}
    assert rows == _rows("zorblat quixotic", fresh=True)


@pytest.mark.django_db(transaction=True)
def test_the_cheapest_finds_cut_at_their_limit_move_only_when_an_edit_enters_them(
    derived_cache, computed, monkeypatch
):
    """An edited artifact that meets the constraints enters the finds cut at
    SUPPLEMENT_LIMIT only if it sorts ahead of the last one found."""
    monkeypatch.setattr(facts, "SUPPLEMENT_LIMIT", 2)
    monkeypatch.setattr(service, "SUPPLEMENT_LIMIT", 2)
    read: list[int] = []
    constraints_met = service._constraints_met
    monkeypatch.setattr(service, "_constraints_met", lambda p: read.append(1) or constraints_met(p))
    painters = [
        ArtifactFactory(
            name=f"Quuxel {price}",
            pricing_model="paid",
            starting_price=Decimal(price),
            price_unit="output_image",
            output_modalities=["image"],
        )
        for price in ("1", "2", "3")
    ]
    query = "cheap image generator"
    assert [row[0] for row in _rows(query, fresh=False)] == [p.pk for p in painters[:2]]
    dearest = painters[2]
    with transaction.atomic():
        dearest.starting_price = Decimal("5")
        dearest.save()
    assert [row[0] for row in _rows(query, fresh=False)] == [p.pk for p in painters[:2]]
    assert len(computed) == len(read) == 1  # still behind the last one found: carried
    with transaction.atomic():
        dearest.starting_price = Decimal("0.5")
        dearest.save()
    rows = _rows(query, fresh=False)
    assert len(computed) == 2
    assert [row[0] for row in rows] == [dearest.pk, painters[0].pk]
    assert rows == _rows(query, fresh=True)


def _painter(name: str, **fields) -> Artifact:
    return ArtifactFactory(name=name, pricing_model="paid", output_modalities=["image"], **fields)


@pytest.mark.django_db(transaction=True)
def test_new_ranks_reorder_the_finds_of_the_constraints(derived_cache, monkeypatch):
    monkeypatch.setattr(facts, "SUPPLEMENT_LIMIT", 2)
    monkeypatch.setattr(service, "SUPPLEMENT_LIMIT", 2)
    painters = [_painter(f"Quuxel {rank}", rank=rank) for rank in (90, 80, 70)]
    assert [row[0] for row in _rows("image generator", fresh=False)] == [p.pk for p in painters[:2]]
    with transaction.atomic():
        Artifact.objects.filter(pk=painters[2].pk).update(rank=95)
        catalog_version_bump(ranks_only=True)
    rows = _rows("image generator", fresh=False)
    assert [row[0] for row in rows] == [painters[2].pk, painters[0].pk]
    assert rows == _rows("image generator", fresh=True)


@pytest.mark.django_db(transaction=True)
def test_when_nothing_free_is_found_the_cheapest_finds_take_an_edited_artifact_in(
    derived_cache,
):
    """Asking for free with nothing free: the finds are the cheapest doing the job, which
    an artifact newly doing it joins although it is not free either."""
    priced = {"price_unit": "output_image"}
    painters = [_painter(f"Quuxel {p}", starting_price=Decimal(p), **priced) for p in "12"]
    writer = ArtifactFactory(
        name="Blorp", pricing_model="paid", starting_price=Decimal("3"), **priced
    )
    assert [row[0] for row in _rows("free image generator", fresh=False)] == [
        p.pk for p in painters
    ]
    with transaction.atomic():
        writer.output_modalities = ["image"]
        writer.save()
    rows = _rows("free image generator", fresh=False)
    assert [row[0] for row in rows] == [*(p.pk for p in painters), writer.pk]
    assert rows == _rows("free image generator", fresh=True)


@pytest.fixture
def patched(monkeypatch) -> list[bool]:
    """One entry per candidate list asked for: whether it was patched from a kept one."""
    calls: list[bool] = []
    patch = service._candidates_patched
    monkeypatch.setattr(
        service,
        "_candidates_patched",
        lambda **k: calls.append((found := patch(**k)) is not None) or found,
    )
    return calls


# Small limits, so that kept lists are cut, hold edited documents and run out of spare.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("seed", "limit", "spare"), [(0, 3, 2), (1, 4, 1), (2, 2, 6), (3, 5000, 500)]
)
def test_candidates_patched_after_random_edits_equal_a_fresh_read(
    seed, limit, spare, derived_cache, monkeypatch, patched
):
    monkeypatch.setattr(backends, "CANDIDATE_LIMIT", limit)
    monkeypatch.setattr(service, "CANDIDATE_SPARE", spare)
    editor = _titled_catalog(seed)
    for n in range(16):
        editor.round()
        for query in QUERIES:
            assert _rows(query, fresh=False) == _rows(query, fresh=True), (seed, n, query)
    if backends.backend_get().rank_is_per_document:
        # Both ways were taken: patched, and read again (a cut list lost its spare).
        assert True in patched and (False in patched or limit == 5000)
    else:
        assert True not in patched  # bm25 moves every document's relevance: never patched


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_an_edit_of_a_ranked_artifact_reads_only_its_own_documents_again(
    derived_cache, monkeypatch
):
    monkeypatch.setattr(backends, "CANDIDATE_LIMIT", 4)
    monkeypatch.setattr(service, "CANDIDATE_SPARE", 3)
    helpers = [CapabilityFactory(title=f"Zorblat helper {i}") for i in range(9)]
    asked: list = []
    candidates = backends.PostgresBackend.candidates
    monkeypatch.setattr(
        backends.PostgresBackend,
        "candidates",
        lambda self, **k: asked.append(k.get("artifact_ids")) or candidates(self, **k),
    )
    before = _rows("zorblat helper", fresh=False)
    top = before[0][0]
    edited = next(c for c in helpers if c.artifact_id == top)
    with transaction.atomic():
        edited.title = "Plain helper"  # leaves the all-terms match
        edited.save()
    asked.clear()
    rows = _rows("zorblat helper", fresh=False)
    assert asked == [frozenset({top})]  # no query over every document
    assert top not in {row[0] for row in rows}
    assert rows == _rows("zorblat helper", fresh=True)


PATCH_TITLES = [
    "Zorblat zorblat zorblat helper",
    "Zorblat zorblat helper",
    "Zorblat helper",
    "Zorblat quixotic helper",
    "Plain helper",
]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("seed", "plain"), [(0, 0.2), (1, 0.2), (2, 0.5), (3, 0.8), (4, 0.8)])
def test_cut_candidate_lists_patched_after_edits_of_ranked_artifacts_equal_a_fresh_read(
    seed, plain, derived_cache, monkeypatch
):
    """Every edit touches an artifact whose documents may match: kept lists cut at 3 + 2
    spare lose documents, gain them, run out of spare and are read again; lists holding
    every match (mostly plain titles at first) grow past their length and become cut."""
    monkeypatch.setattr(backends, "CANDIDATE_LIMIT", 3)
    monkeypatch.setattr(service, "CANDIDATE_SPARE", 2)
    seen: list[tuple[bool, bool, bool]] = []  # (cut, edited documents in it, patched)
    patch = service._candidates_patched

    def spy(**kwargs):
        found = patch(**kwargs)
        if (reuse := kwargs["reuse"]) is not None:
            holds = any(c.artifact_id in reuse.edited for c in reuse.kept.candidates)
            seen.append((reuse.kept.cut, holds, found is not None))
        return found

    monkeypatch.setattr(service, "_candidates_patched", spy)
    rng = random.Random(seed)

    def title() -> str:
        return "Plain helper" if rng.random() < plain else rng.choice(PATCH_TITLES)

    # Two documents per artifact: one edit can free two places, or fill two.
    artifacts = [ArtifactFactory() for _ in range(8)]
    for artifact in artifacts:
        for _ in range(2):
            CapabilityFactory(artifact=artifact, title=title(), description="A helper.")
    queries = ["zorblat", "zorblat helper", "quixotic helper"]
    for query in queries:
        _rows(query, fresh=False)
    for n in range(40):
        edited = list(rng.choice(artifacts).capabilities.order_by("pk"))
        with transaction.atomic():
            for capability in rng.sample(edited, rng.choice([1, 2])):
                if rng.random() < 0.2:
                    published = capability.status == "published"
                    capability.status = "draft" if published else "published"
                else:
                    capability.title = rng.choice(PATCH_TITLES)
                capability.save()
        for query in queries:
            assert _rows(query, fresh=False) == _rows(query, fresh=True), (seed, n, query)
    assert (True, True, True) in seen  # a cut list holding edited documents, patched
    assert any(not patched for _, _, patched in seen)  # and one read again


@pytest.mark.django_db(transaction=True)
def test_the_match_graph_prior_read_with_the_candidates_orders_equal_text(derived_cache):
    """Two artifacts whose capabilities read the same: searchers' chosen-result rate decides,
    and a rebuild that swaps the rates (ranks only) swaps them, with or without reuse."""
    first, second = (CapabilityFactory(title="Zorblat helper") for _ in range(2))
    Capability.objects.filter(pk=first.pk).update(match_success_rate=0.9)
    Capability.objects.filter(pk=second.pk).update(match_success_rate=0.1)
    expected = [first.artifact_id, second.artifact_id]
    assert [row[0] for row in _rows("zorblat helper", fresh=False)] == expected
    assert [row[0] for row in _rows("zorblat helper", fresh=True)] == expected
    with transaction.atomic():
        Capability.objects.filter(pk=first.pk).update(match_success_rate=None)
        Capability.objects.filter(pk=second.pk).update(match_success_rate=0.5)
        catalog_version_bump(ranks_only=True)
    expected.reverse()
    assert [row[0] for row in _rows("zorblat helper", fresh=False)] == expected
    assert [row[0] for row in _rows("zorblat helper", fresh=True)] == expected


def _shown(rows: list[tuple], artifact) -> tuple[int, ...]:
    """The capabilities a ranking shows under one artifact."""
    (capabilities,) = [row[5] for row in rows if row[0] == artifact.pk]
    return capabilities


def _found_by_the_constraint_alone() -> tuple:
    """An artifact no word of "agentic zorblat" matches, found by its constraint (feature
    function-calling) alone: its first capability plain, its second tagged; and the two
    tags. A word match that does not meet the constraint ranks below it."""
    CapabilityFactory(title="Zorblat helper")
    found = ArtifactFactory(name="Quuxel")
    calling, other = TagFactory(slug="function-calling"), TagFactory(slug="other-thing")
    plain = CapabilityFactory(artifact=found, title="Plain one", position=0, tags=[other])
    tagged = CapabilityFactory(artifact=found, title="Second two", position=1, tags=[calling])
    assert _shown(_rows("agentic zorblat", fresh=False), found) == (tagged.pk, plain.pk)
    return found, plain, tagged, calling, other


@pytest.mark.django_db(transaction=True)
def test_a_constraint_find_whose_capabilities_were_edited_shows_its_new_best_ones(
    derived_cache, computed
):
    """The capabilities that answer the constraints best are kept with the ranking for the
    artifacts the constraints alone find (Ranking.met_capabilities), but never for an
    artifact edited since: the tag moved to its other capability, that one is shown first."""
    found, plain, tagged, calling, _ = _found_by_the_constraint_alone()
    with transaction.atomic():
        tagged.tags.remove(calling)
        plain.tags.add(calling)
    rows = _rows("agentic zorblat", fresh=False)
    assert len(computed) == 2  # computed again, not carried
    assert _shown(rows, found) == (plain.pk, tagged.pk)
    assert rows == _rows("agentic zorblat", fresh=True)


@pytest.mark.django_db(transaction=True)
def test_renamed_tags_choose_a_constraint_find_capabilities_again(derived_cache):
    """Tag slugs decide which capability answers a feature constraint: after the two tags
    swap slugs (the journal says "tags", naming no artifact), none is carried."""
    found, plain, tagged, calling, other = _found_by_the_constraint_alone()
    with transaction.atomic():
        calling.slug = "renamed"
        calling.save()
        other.slug = "function-calling"
        other.save()
    rows = _rows("agentic zorblat", fresh=False)
    assert _shown(rows, found) == (plain.pk, tagged.pk)
    assert rows == _rows("agentic zorblat", fresh=True)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_change_chooses_a_constraint_find_capabilities_again(derived_cache):
    """A write that records only "anything may have changed" (a bulk load): nothing kept is
    trusted, the kept capabilities of the constraints' finds included."""
    found, plain, tagged, calling, _ = _found_by_the_constraint_alone()
    through = Capability.tags.through
    with transaction.atomic():
        through.objects.filter(capability=tagged, tag=calling).delete()
        through.objects.create(capability=plain, tag=calling)
        catalog_version_bump()
    rows = _rows("agentic zorblat", fresh=False)
    assert _shown(rows, found) == (plain.pk, tagged.pk)
    assert rows == _rows("agentic zorblat", fresh=True)


@pytest.mark.django_db(transaction=True)
def test_an_edit_elsewhere_reads_no_constraint_find_capabilities_again(
    derived_cache, computed, monkeypatch
):
    """A word match edited: the ranking is computed again, but the capabilities of the
    constraints' finds no edit touched are the kept ones, not read again (30-40 ms of the
    first search after such an edit at 100,000 artifacts)."""
    found, plain, tagged, *_ = _found_by_the_constraint_alone()
    asked: list[list[int]] = []
    read = service.constraint_capabilities_get

    def recorded(**kwargs):
        asked.append(sorted(kwargs["artifact_ids"]))
        return read(**kwargs)

    monkeypatch.setattr(service, "constraint_capabilities_get", recorded)
    with transaction.atomic():
        helper = Capability.objects.get(title="Zorblat helper")
        helper.description = "Zorblat, edited by an editor."
        helper.save()
    rows = _rows("agentic zorblat", fresh=False)
    assert len(computed) == 2  # computed again
    assert not any(found.pk in ids for ids in asked)
    assert _shown(rows, found) == (tagged.pk, plain.pk)
    assert rows == _rows("agentic zorblat", fresh=True)


def test_kept_candidates_read_back_from_the_cache_equal_those_kept():
    """The derived cache pickles kept candidates in a compact form of their own
    (KeptCandidates.__reduce__): every field of every candidate comes back, as the same
    types, whichever cache holds them."""
    info = ArtifactInfo(kind="model", pricing_model="paid", rank=7, name="Alpha")
    other = ArtifactInfo(kind="tool", pricing_model="free", rank=0, name="Beta")
    kept = service.KeptCandidates(
        terms=(Term(word="zorblat", alternatives=("zorb",)),),
        match_terms=(Term(word="zorblat", alternatives=("zorb",)),),
        match_all=False,
        candidates=(
            CapabilityCandidate(1, 10, info, 0.25, (3, 1), 0.2512, 0.5),
            CapabilityCandidate(2, 10, info, 0.125, (0, 2), 0.1249, None),
            CapabilityCandidate(3, 20, other, 0.0, (1, 0), 0.0, 0.0),
        ),
        cut=True,
        mark=JournalMark(last_id=5, snapshot="10:12:", own=-1, read_at=timezone.now()),
    )
    pickled = pickle.dumps(kept)
    assert b"CapabilityCandidate" not in pickled  # plain tuples, not one object each
    read = pickle.loads(pickled)
    assert read == kept
    assert all(type(c) is CapabilityCandidate for c in read.candidates)
    assert {type(c.artifact) for c in read.candidates} == {ArtifactInfo}
