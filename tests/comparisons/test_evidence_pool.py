"""The most evidenced pairs of the home page and the comparison index, read from the pool
kept between match-graph rebuilds (comparisons/compare/pairs.py, `_most_evidenced_pairs`):
the same pairs, in the same order, as summing every pair's evidence."""

import random
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comparisons.compare import pairs
from comparisons.models import Intent, MatchGraphState, PairEvidence
from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    IntentFactory,
    PairEvidenceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def _everything(limit: int) -> list:
    return pairs._evidence_pairs(PairEvidence.objects.all(), limit=limit)


@pytest.mark.parametrize("seed", range(6))
def test_the_pool_gives_what_summing_every_pair_gives(monkeypatch, seed):
    rng = random.Random(seed)
    monkeypatch.setattr(pairs, "EVIDENCE_POOL", rng.choice([2, 3, 5, 50]))
    artifacts = [
        ArtifactFactory(
            slug=f"a{n:02}-{rng.choice('xyz')}",
            status=rng.choice(["published"] * 4 + ["draft"]),
            delisted_at=datetime(2026, 1, 1, tzinfo=UTC) if rng.random() < 0.15 else None,
        )
        for n in range(9)
    ]
    intents = [IntentFactory(is_spam=rng.random() < 0.2) for _ in range(4)]
    seen = set()
    for _ in range(22):
        a, b = rng.sample(artifacts, 2)
        intent = rng.choice(intents)
        key = (min(a.id, b.id), max(a.id, b.id), intent.id)
        if key in seen:
            continue
        seen.add(key)
        # Few distinct counts: ties, broken by the slugs, at every cut.
        PairEvidenceFactory(
            artifact_a=a, artifact_b=b, intent=intent, times_both_matched=rng.choice([0, 1, 2])
        )
    for limit in (1, 2, 3, 4, 6, 10, 40):
        assert pairs._most_evidenced_pairs(limit=limit) == _everything(limit), limit


def test_the_pool_keeps_every_pair_tied_with_its_last(monkeypatch):
    monkeypatch.setattr(pairs, "EVIDENCE_POOL", 2)
    a, b, c, d = (ArtifactFactory(slug=s) for s in ("aa", "bb", "cc", "dd"))
    PairEvidenceFactory(artifact_a=c, artifact_b=d, times_both_matched=5)
    for first, second in ((a, b), (a, c), (b, c)):
        PairEvidenceFactory(artifact_a=first, artifact_b=second, times_both_matched=2)
    assert len(pairs._evidence_pool_compute()) == 4
    # The pairs tied at 2 come in slug order, whichever the pool's cut met first.
    assert [link.url for link in pairs._most_evidenced_pairs(limit=3)] == [
        "/compare/cc-vs-dd/",
        "/compare/aa-vs-bb/",
        "/compare/aa-vs-cc/",
    ]


def _aggregates(queries) -> int:
    return sum('SUM("comparisons_pairevidence"' in q["sql"] for q in queries.captured_queries)


def test_the_pool_is_summed_once_until_a_rebuild_or_a_spam_mark(derived_cache):
    a, b, c = (ArtifactFactory(slug=s) for s in ("aa", "bb", "cc"))
    spammy = IntentFactory(text="spammy")
    PairEvidenceFactory(artifact_a=a, artifact_b=b, intent=spammy, times_both_matched=9)
    PairEvidenceFactory(artifact_a=b, artifact_b=c, times_both_matched=3)
    MatchGraphState.objects.create(pk=1, rebuilt_at=datetime(2026, 12, 1, tzinfo=UTC))
    with CaptureQueriesContext(connection) as first:
        links = pairs._most_evidenced_pairs(limit=5)
    assert links[0].url == "/compare/aa-vs-bb/"
    with CaptureQueriesContext(connection) as again:
        pairs._most_evidenced_pairs(limit=5)
    assert (_aggregates(first), _aggregates(again)) == (1, 0)
    # An editor's save of an artifact changes nothing the pool holds: still no sum.
    a.name = "Renamed"
    a.save()
    with CaptureQueriesContext(connection) as after_save:
        links = pairs._most_evidenced_pairs(limit=5)
    assert _aggregates(after_save) == 0 and links[0].a_name == "Renamed"
    # Marked as spam, its evidence stops counting at once.
    Intent.objects.filter(pk=spammy.pk).update(is_spam=True)
    with CaptureQueriesContext(connection) as after_spam:
        links = pairs._most_evidenced_pairs(limit=5)
    assert _aggregates(after_spam) == 1
    assert [link.url for link in links] == ["/compare/bb-vs-cc/"]
    # A rebuild (a new state) sums again.
    MatchGraphState.objects.filter(pk=1).update(rebuilt_at=datetime(2026, 12, 2, tzinfo=UTC))
    with CaptureQueriesContext(connection) as after_rebuild:
        pairs._most_evidenced_pairs(limit=5)
    assert _aggregates(after_rebuild) == 1


def test_a_pool_drowned_in_ties_is_not_kept_and_every_pair_is_read(monkeypatch):
    monkeypatch.setattr(pairs, "EVIDENCE_POOL", 2)
    monkeypatch.setattr(pairs, "EVIDENCE_POOL_TIED", 3)
    artifacts = [ArtifactFactory(slug=f"t{n}") for n in range(4)]
    for n in range(3):
        PairEvidenceFactory(artifact_a=artifacts[n], artifact_b=artifacts[n + 1])
    PairEvidenceFactory(artifact_a=artifacts[0], artifact_b=artifacts[3])
    assert pairs._evidence_pool_compute() is None
    assert pairs._most_evidenced_pairs(limit=2) == _everything(2)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (ICU)")
def test_ties_come_in_python_order_under_a_linguistic_collation(monkeypatch):
    """A database whose slugs are in a linguistic collation (ICU here; glibc's en_US is
    another) puts "a_b" before "a1"; Python's sort, which the pool and the merges use, puts
    it after. Summing in SQL must break ties the way the pool does."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_collation WHERE collname = 'en-US-x-icu'")
        if cursor.fetchone() is None:
            pytest.skip("this PostgreSQL was built without ICU")
        cursor.execute(
            'ALTER TABLE catalog_artifact ALTER COLUMN slug TYPE varchar(120) COLLATE "en-US-x-icu"'
        )
        cursor.execute("SELECT 'a_b' < 'a1' COLLATE \"en-US-x-icu\"")
        assert cursor.fetchone() == (True,)
    monkeypatch.setattr(pairs, "EVIDENCE_POOL", 1)
    z, a1, a_b = (ArtifactFactory(slug=s) for s in ("zz", "a1", "a_b"))
    for side in (a1, a_b):
        PairEvidenceFactory(artifact_a=side, artifact_b=z, times_both_matched=3)
    python_order = ["/compare/a1-vs-zz/", "/compare/a_b-vs-zz/"]
    assert [link.url for link in _everything(2)] == python_order
    assert [link.url for link in pairs._most_evidenced_pairs(limit=2)] == python_order
    # The pairs sharing a tag break their ties the same way, and so cut them the same way.
    tag = TagFactory()
    for side in (z, a1, a_b):
        CapabilityFactory(artifact=side, tags=[tag])
    shared = [link.url for link in pairs.shared_tag_pairs_get(limit=2)]
    assert shared == ["/compare/a1-vs-a_b/", "/compare/a1-vs-zz/"]
