"""Per-artifact parts of the comparison and artifact pages (comparisons/compare/parts.py):
built once per catalog version, reused across pairs and pages, never older than the last
committed edit, and the same page whether built or reused."""

import dataclasses
import itertools
import pickle
import random
import uuid
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from catalog.models import (
    Artifact,
    ArtifactKind,
    ArtifactPrice,
    Capability,
    PriceUnit,
    RankWeights,
    Status,
)
from catalog.ranking import COMPONENTS
from catalog.selectors import weights_by_kind_get
from comparisons.caching.derived import derived_cache_version
from comparisons.compare.alignment import CapabilityFacts
from comparisons.compare.pairs import (
    LINKS_LAYOUT,
    RELATED_SHOWN,
    _evidence_pairs,
    pair_evidence_get,
    pair_load,
    related_pairs_get,
    shared_tag_pairs_get,
)
from comparisons.compare.parts import (
    PARTS_LAYOUT,
    ArtifactPart,
    artifact_parts_get,
    artifacts_for_page,
    model_facts_build,
    side_facts_build,
    side_facts_linked,
)
from comparisons.compare.verdict import ModelFacts, SideFacts
from comparisons.models import PairEvidence, SearchEvent
from tests.comparisons.test_cache import REDIS_URL, _redis_answers
from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    IntentFactory,
    PairEvidenceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

# Queries that read one artifact's part: the artifact, its capabilities, their tags, its
# price tiers, editors' same-job links and overrides.
PART_QUERIES = 6
# Queries that read one artifact's share of related comparisons: its evidenced pairs, and
# (when the evidence falls short, as in these catalogs) the artifacts sharing its tags.
SHARE_QUERIES = 2


@pytest.fixture
def trio():
    tag = TagFactory(slug="chat", name="Chat")
    artifacts = []
    for slug in ("alpha", "beta", "gamma"):
        artifact = ArtifactFactory(slug=slug, name=slug.title())
        CapabilityFactory(
            artifact=artifact,
            title=f"{slug.title()} answers questions",
            description="Answers *questions* in [plain](https://example.com) words.",
            tags=[tag],
        )
        artifacts.append(artifact)
    return artifacts


def _caches_clear(settings) -> None:
    for alias in (settings.DERIVED_CACHE_ALIAS, settings.PARTS_CACHE_ALIAS):
        caches[alias].clear()


def _part_reads(queries) -> list[str]:
    """The reads of artifacts by slug that parts are built from (one per batch)."""
    return [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "catalog_artifact"."id"') and '"slug" IN (' in q["sql"]
    ]


def test_a_part_is_built_once_per_version_and_reused_across_pairs(client, derived_cache, trio):
    derived_cache_version()  # the version store's first write is not the page's
    with CaptureQueriesContext(connection) as first:
        assert client.get("/compare/alpha-vs-beta/").status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get("/compare/alpha-vs-beta/").status_code == 200
    with CaptureQueriesContext(connection) as other_pair:
        assert client.get("/compare/alpha-vs-gamma/").status_code == 200
    with CaptureQueriesContext(connection) as artifact_page:
        assert client.get("/artifacts/gamma/").status_code == 200
    # Both parts in one batch, then reused: the same page less their reads and the weights.
    assert [len(_part_reads(q)) for q in (first, again, other_pair, artifact_page)] == [1, 0, 1, 0]
    # Reused: both parts, the weights, each side's related share and its tag overlap.
    assert len(first) - len(again) == PART_QUERIES + 1 + 2 * SHARE_QUERIES
    # alpha's part is reused and gamma's built: only gamma's row is read.
    (read,) = _part_reads(other_pair)
    assert "'gamma'" in read and "'alpha'" not in read
    assert len(other_pair) == len(again) + PART_QUERIES + SHARE_QUERIES


def test_a_reused_part_renders_the_same_page_as_a_fresh_one(client, settings, trio):
    fresh_compare = client.get("/compare/alpha-vs-beta/").content
    fresh_artifact = client.get("/artifacts/alpha/").content
    settings.CATALOG_DERIVED_CACHE = True
    _caches_clear(settings)
    try:
        client.get("/compare/alpha-vs-beta/")  # builds and stores both parts
        assert client.get("/compare/alpha-vs-beta/").content == fresh_compare
        client.get("/artifacts/alpha/")  # and its links
        assert client.get("/artifacts/alpha/").content == fresh_artifact
    finally:
        _caches_clear(settings)
    page = fresh_compare.decode()
    # Editor text went through the Markdown renderer and its sanitiser once, when built.
    assert "Answers <em>questions</em> in" in page
    assert 'href="https://example.com" rel="nofollow noopener noreferrer">plain</a>' in page


def test_a_committed_edit_is_on_the_next_page(
    client, derived_cache, django_capture_on_commit_callbacks, trio
):
    assert "Alpha answers questions" in client.get("/compare/alpha-vs-beta/").content.decode()
    capability = Capability.objects.get(title="Alpha answers questions")
    with django_capture_on_commit_callbacks(execute=True):
        capability.title = "Alpha drafts letters"
        capability.save()
        beta = Artifact.objects.get(slug="beta")
        beta.name = "Beta Two"
        beta.save()
    compare = client.get("/compare/alpha-vs-beta/").content.decode()
    assert "Alpha drafts letters" in compare
    assert "Alpha answers questions" not in compare
    assert "Beta Two" in compare
    assert "Alpha drafts letters" in client.get("/artifacts/alpha/").content.decode()


def test_an_unpublished_artifact_has_no_part_and_its_pages_are_404(client, derived_cache, trio):
    client.get("/compare/alpha-vs-beta/")
    Artifact.objects.filter(slug="gamma").update(status="draft")
    parts, weights = artifact_parts_get(
        slugs=["alpha", "gamma", "nobody"], version=derived_cache_version()
    )
    assert set(parts) == {"alpha"}
    assert "model" in weights
    assert client.get("/artifacts/gamma/").status_code == 404
    assert client.get("/compare/alpha-vs-gamma/").status_code == 404


def test_nothing_is_reused_without_a_version(client, derived_cache, monkeypatch, trio):
    monkeypatch.setattr("comparisons.caching.derived.catalog_version_get", lambda: None)
    client.get("/compare/alpha-vs-beta/")
    with CaptureQueriesContext(connection) as again:
        client.get("/compare/alpha-vs-beta/")
    assert len(_part_reads(again)) == 1


def test_a_failing_cache_only_costs_the_reuse(client, derived_cache, settings, monkeypatch, trio):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for alias in (settings.DERIVED_CACHE_ALIAS, settings.PARTS_CACHE_ALIAS):
        monkeypatch.setattr(caches[alias], "get_many", down)
        monkeypatch.setattr(caches[alias], "set_many", down)
    response = client.get("/compare/alpha-vs-beta/")
    assert response.status_code == 200
    assert "Alpha answers questions" in response.content.decode()
    assert "Alpha answers questions" in client.get("/artifacts/alpha/").content.decode()


def test_a_part_survives_pickling_with_its_prefetched_rows(trio):
    parts, weights = artifact_parts_get(slugs=["alpha"], version=None)
    part = pickle.loads(pickle.dumps(parts["alpha"]))
    assert pickle.loads(pickle.dumps(weights)) == weights
    with CaptureQueriesContext(connection) as queries:
        capabilities = part.artifact.published_capabilities
        assert [c.title for c in capabilities] == ["Alpha answers questions"]
        assert [t.name for t in capabilities[0].tags.all()] == ["Chat"]
        assert part.artifact.vendor.name
        assert "<em>questions</em>" in capabilities[0].body_html
    assert len(queries) == 0
    assert part.facts == parts["alpha"].facts


def _facts(*ids: int) -> SideFacts:
    return SideFacts(name="Side", capabilities=tuple(CapabilityFacts(i, f"Cap {i}") for i in ids))


def test_same_job_links_are_set_on_the_linked_capabilities_only():
    facts = _facts(1, 2, 3)
    linked = side_facts_linked(facts=facts, same_job={2: frozenset({9}), 7: frozenset({8})})
    assert [c.same_job for c in linked.capabilities] == [frozenset(), {9}, frozenset()]
    assert [c.id for c in linked.capabilities] == [1, 2, 3]
    assert linked.name == "Side"
    # The shared part is never changed in place.
    assert all(c.same_job == frozenset() for c in facts.capabilities)


def test_no_links_for_a_side_leaves_its_facts_as_they_are():
    facts = _facts(1, 2)
    assert side_facts_linked(facts=facts, same_job={}) is facts
    assert side_facts_linked(facts=facts, same_job={5: frozenset({1})}) is facts


# --- related comparisons from each side's share -------------------------------------------


def _related_over_both(pair) -> list:
    """What one query over both sides gives (the rule before each side's share was kept)."""
    a, b = pair.a, pair.b
    evidence = _evidence_pairs(
        PairEvidence.objects.filter(
            Q(artifact_a__in=[a.id, b.id]) | Q(artifact_b__in=[a.id, b.id])
        ),
        limit=RELATED_SHOWN + 1,
        exempt=(a.id, b.id),
    )
    return [link for link in evidence if link.key != (a.slug, b.slug)][:RELATED_SHOWN]


@pytest.mark.parametrize("seed", range(6))
def test_related_comparisons_merge_both_sides_as_one_query_would(seed, settings):
    rng = random.Random(seed)
    artifacts = [ArtifactFactory(slug=f"art-{i:02d}") for i in range(14)]
    intents = [IntentFactory(text=f"need {i}") for i in range(4)]
    for first, second in itertools.combinations(artifacts, 2):
        for intent in rng.sample(intents, rng.randint(0, 2)):
            low, high = sorted([first, second], key=lambda x: x.id)
            # Few distinct counts, so ties are decided by the slugs.
            PairEvidenceFactory(
                artifact_a=low, artifact_b=high, intent=intent, times_both_matched=rng.randint(1, 3)
            )
    for cached in (False, True):
        settings.CATALOG_DERIVED_CACHE = cached
        _caches_clear(settings)
        for first, second in rng.sample(list(itertools.combinations(artifacts, 2)), 12):
            pair = pair_load(first=first.slug, second=second.slug)
            expected = _related_over_both(pair)
            assert len(expected) == RELATED_SHOWN  # the evidence alone fills the list
            assert related_pairs_get(pair=pair) == expected
    _caches_clear(settings)


def test_a_sides_share_is_reused_by_its_next_pair(derived_cache, trio):
    alpha, beta, gamma = trio
    for other in (beta, gamma):
        PairEvidenceFactory(artifact_a=alpha, artifact_b=other, times_both_matched=3)
    related_pairs_get(pair=pair_load(first="alpha", second="beta"))
    with CaptureQueriesContext(connection) as queries:
        links = related_pairs_get(pair=pair_load(first="alpha", second="gamma"))
    evidence_reads = [q for q in queries.captured_queries if "comparisons_pairevidence" in q["sql"]]
    # The pair's own evidence (2 queries) and gamma's share; alpha's is reused.
    shares = [q for q in evidence_reads if "GROUP BY" in q["sql"]]
    assert len(shares) == 1
    # Evidence first, then the tag overlap of each side (gamma shares beta's tag).
    assert [link.key for link in links] == [("alpha", "beta"), ("beta", "gamma")]
    assert links[0].basis == "matched together in 3 simulated searches"


def test_the_tag_overlap_is_asked_once_per_artifact_and_version(derived_cache, trio):
    pair = pair_load(first="alpha", second="beta")
    expected = [("alpha", "gamma"), ("beta", "gamma")]
    assert [link.key for link in related_pairs_get(pair=pair)] == expected
    with CaptureQueriesContext(connection) as queries:
        again = related_pairs_get(pair=pair_load(first="alpha", second="beta"))
    assert [link.key for link in again] == expected
    assert not any("COUNT(DISTINCT" in q["sql"] for q in queries.captured_queries)


# --- the pair's own evidence ----------------------------------------------------------------


@pytest.mark.parametrize("real_for", [None, "need 0", "need 6"])
def test_evidence_totals_count_every_intent_not_only_those_shown(trio, real_for):
    alpha, beta, _ = trio
    for n in range(7):  # 7 intents, EVIDENCE_TOP (5) shown
        intent = IntentFactory(text=f"need {n}")
        PairEvidenceFactory(
            artifact_a=alpha, artifact_b=beta, intent=intent, times_both_matched=n + 1
        )
        SearchEvent.objects.create(
            intent=intent, created_at=timezone.now(), client_key=f"k{n}",
            is_simulated=intent.text != real_for,
        )  # fmt: skip
    PairEvidenceFactory(artifact_a=alpha, artifact_b=beta, times_both_matched=0)  # not evidence
    evidence = pair_evidence_get(a=beta, b=alpha)
    assert [(i.intent, i.times_both_matched) for i in evidence.top] == [
        ("need 6", 7), ("need 5", 6), ("need 4", 5), ("need 3", 4), ("need 2", 3)
    ]  # fmt: skip
    assert (evidence.total_searches, evidence.intent_count) == (28, 7)
    # A real search behind any intent, shown or not, makes the evidence real.
    assert evidence.simulated is (real_for is None)


def test_no_evidence_is_empty_not_simulated(trio):
    alpha, beta, _ = trio
    evidence = pair_evidence_get(a=alpha, b=beta)
    assert (evidence.top, evidence.total_searches, evidence.intent_count) == ((), 0, 0)
    assert evidence.simulated is False


# --- the artifact page's links ----------------------------------------------------------------


def test_an_artifact_pages_links_are_kept_per_version_and_follow_an_edit(
    client, derived_cache, django_capture_on_commit_callbacks, trio
):
    alpha, _, gamma = trio
    PairEvidenceFactory(artifact_a=alpha, artifact_b=gamma, times_both_matched=4)
    first = client.get("/artifacts/alpha/").content.decode()
    assert "Gamma" in first and "Beta" in first  # evidence, then the shared tag
    with CaptureQueriesContext(connection) as again:
        assert client.get("/artifacts/alpha/").content.decode() == first
    # Only the catalog version is read: the part and the links are both kept.
    assert len(again) == 1
    with django_capture_on_commit_callbacks(execute=True):
        gamma.name = "Gamma Prime"
        gamma.save()
    after = client.get("/artifacts/alpha/").content.decode()
    assert "Gamma Prime" in after
    assert "Gamma" not in after.replace("Gamma Prime", "")  # no link kept from before


def test_parts_live_apart_from_the_small_derived_entries(client, derived_cache, settings, trio):
    client.get("/compare/alpha-vs-beta/")
    client.get("/artifacts/alpha/")
    version = derived_cache_version()
    parts = caches[settings.PARTS_CACHE_ALIAS]
    kept = [f"artifact-part:{PARTS_LAYOUT}:{version}:{slug}" for slug in ("alpha", "beta")]
    kept.append(f"artifact-links:{LINKS_LAYOUT}:{version}:{trio[0].id}")
    assert set(parts.get_many(kept)) == set(kept)
    assert caches[settings.DERIVED_CACHE_ALIAS].get_many(kept) == {}


def test_an_editors_override_and_same_job_link_reach_a_kept_part(
    client, derived_cache, django_capture_on_commit_callbacks, trio
):
    alpha, beta, _ = trio
    page = client.get("/compare/alpha-vs-beta/").content.decode()
    assert "Written by an editor." not in page
    with django_capture_on_commit_callbacks(execute=True):
        ComparisonOverrideFactory(artifact_a=alpha, artifact_b=beta, verdict="Pick *Alpha*.")
    page = client.get("/compare/alpha-vs-beta/").content.decode()
    assert "Pick <em>Alpha</em>." in page and "Written by an editor." in page
    one, other = (Capability.objects.get(artifact=a) for a in (alpha, beta))
    assert pair_load(first="alpha", second="beta").same_job == {}
    with django_capture_on_commit_callbacks(execute=True):
        other.same_job_as.add(one)
    assert pair_load(first="alpha", second="beta").same_job == {
        one.pk: frozenset({other.pk}),
        other.pk: frozenset({one.pk}),
    }


PAGES_FROM_PARTS = (
    "/compare/alpha-vs-beta/",
    "/compare/alpha-vs-beta/?all=a&show=both",
    "/compare/alpha-vs-gamma/",
    "/artifacts/alpha/",
    "/artifacts/beta/",
)


def test_a_kept_part_is_shared_as_is_and_no_page_changes_it(client, derived_cache, trio):
    """Each worker hands the same part objects to every request of a catalog version
    (comparisons/caching/objects.py): a page that changed one would change the next."""
    version = derived_cache_version()
    client.get("/compare/alpha-vs-beta/")
    parts, _ = artifact_parts_get(slugs=["alpha", "beta"], version=version)
    again, _ = artifact_parts_get(slugs=["alpha", "beta"], version=version)
    assert again["alpha"] is parts["alpha"] and again["beta"] is parts["beta"]
    before = {slug: pickle.dumps(part) for slug, part in parts.items()}
    pages = [client.get(path).content for path in PAGES_FROM_PARTS]
    fragment = client.get("/compare/alpha-vs-beta/?all=a", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert {slug: pickle.dumps(part) for slug, part in parts.items()} == before
    assert [client.get(path).content for path in PAGES_FROM_PARTS] == pages


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_with_a_shared_store_each_worker_reads_its_own_copy_first(
    client, derived_cache, settings, trio
):
    """Parts in Redis (every worker and host) with each worker's own copies in front: a
    part found only in Redis is copied in, and the next request reads that copy."""
    shared = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    local = {
        "BACKEND": "comparisons.caching.objects.ObjectCache",
        "LOCATION": f"test-{uuid.uuid4().hex}",
    }
    settings.CACHES = {**settings.CACHES, "parts": shared, "parts_local": local}
    settings.PARTS_CACHE_LOCAL_ALIAS = "parts_local"
    version = derived_cache_version()
    key = f"artifact-part:{PARTS_LAYOUT}:{version}:alpha"
    page = client.get("/artifacts/alpha/").content
    assert caches["parts"].get(key) is not None and caches["parts_local"].get(key) is not None
    caches["parts_local"].clear()  # another worker: only Redis has the part
    with CaptureQueriesContext(connection) as other_worker:
        assert client.get("/artifacts/alpha/").content == page
    assert _part_reads(other_worker) == []
    copied = caches["parts_local"].get(key)
    caches["parts"].clear()  # its next request never asks Redis
    parts, _ = artifact_parts_get(slugs=["alpha"], version=version)
    assert parts["alpha"] is copied
    assert client.get("/artifacts/alpha/").content == page


def test_pairs_sharing_tags_are_read_once_per_version(derived_cache, trio):
    version = derived_cache_version()
    with CaptureQueriesContext(connection) as first:
        links = shared_tag_pairs_get()
    with CaptureQueriesContext(connection) as again:
        assert shared_tag_pairs_get() == links
    assert [link.url for link in links] == [
        "/compare/alpha-vs-beta/",
        "/compare/alpha-vs-gamma/",
        "/compare/beta-vs-gamma/",
    ]
    # Built: the version and the pairs; then only the version.
    assert len(first) == 2 and len(again) == 1
    assert derived_cache_version() == version


def test_a_models_facts_are_read_from_its_record_and_its_clear_price_tiers():
    """Every fact of a model as the verdict rules read it: the importer's per-token prices
    over the older prices map, a starting price only where no price of its unit is known,
    tiers of clear prompt and completion prices above a threshold, features by name."""
    model = ArtifactFactory(
        slug="tiered",
        prices={"prompt_token": "0.000009", "image": "0.02", "request": "varies"},
        input_price=Decimal("0.000002"),
        output_price=Decimal("0.000008"),
        starting_price=Decimal("0.000005"),
        price_unit=PriceUnit.PROMPT_TOKEN,
        cache_read_price=Decimal("0.0000005"),
        context_length=200_000,
        max_output_tokens=32_000,
        input_modalities=["text", "image"],
        output_modalities=["text"],
        supports_tools=True,
        supports_structured_output=False,
        supports_reasoning=None,
        supports_web_search=True,
        open_weights=False,
        license="Proprietary",
        weights_url="",
        knowledge_cutoff=date(2025, 3, 1),
        release_date=date(2025, 6, 2),
    )
    rows = [
        ("prompt", "prompt_token", "0.000004", 200_000, True),
        ("completion", "completion_token", "0.000016", 200_000, True),
        ("prompt", "prompt_token", "0.000001", 0, True),  # the base price, not a tier
        ("completion", "completion_token", "0.00003", 1_000_000, False),  # unit unclear
        ("image", "image", "0.04", 200_000, True),  # no tier of a token price
        ("prompt", "prompt_token", None, 1_000_000, True),  # no amount on record
    ]
    for key, unit, amount, above, clear in rows:
        ArtifactPrice.objects.create(
            artifact=model,
            key=key,
            unit=unit,
            amount=None if amount is None else Decimal(amount),
            min_prompt_tokens=above,
            unit_clear=clear,
        )
    (loaded,) = artifacts_for_page(slugs=["tiered"])

    assert model_facts_build(artifact=loaded) == ModelFacts(
        context_length=200_000,
        max_output=32_000,
        prices={
            "prompt_token": Decimal("0.000002"),
            "completion_token": Decimal("0.000008"),
            "image": Decimal("0.02"),
        },
        price_tiers=(
            (200_000, "prompt_token", Decimal("0.000004")),
            (200_000, "completion_token", Decimal("0.000016")),
        ),
        cache_read=Decimal("0.0000005"),
        input_modalities=("image", "text"),  # as stored: in a fixed order
        output_modalities=("text",),
        features={
            "tools": True,
            "structured_output": False,
            "reasoning": None,
            "web_search": True,
        },
        open_weights=False,
        weights_url="",
        knowledge_cutoff=date(2025, 3, 1),
        release_date=date(2025, 6, 2),
    )


def test_a_starting_price_fills_its_unit_and_other_kinds_have_no_model_facts():
    priced = ArtifactFactory(
        slug="per-request",
        prices={},
        starting_price=Decimal("0.01"),
        price_unit=PriceUnit.REQUEST,
        open_weights=True,
        license="",
        weights_url="https://huggingface.co/example/model",
    )
    ArtifactFactory(slug="an-app", kind=ArtifactKind.APP)
    loaded = {a.slug: a for a in artifacts_for_page(slugs=["per-request", "an-app"])}

    facts = model_facts_build(artifact=loaded["per-request"])
    assert facts is not None
    assert facts.prices == {"request": Decimal("0.01")}
    assert facts.price_tiers == ()
    assert (facts.open_weights, facts.weights_url) == (True, priced.weights_url)
    assert facts.features == {
        "tools": None,
        "structured_output": None,
        "reasoning": None,
        "web_search": None,
    }
    assert model_facts_build(artifact=loaded["an-app"]) is None


def test_a_model_read_without_the_pages_prefetch_has_no_tiers():
    """As the admin or a shell would read it: no tiers, and no error."""
    model = ArtifactFactory(slug="unloaded")
    ArtifactPrice.objects.create(
        artifact=model,
        key="prompt",
        unit="prompt_token",
        amount=Decimal("0.000004"),
        min_prompt_tokens=200_000,
    )
    (loaded,) = artifacts_for_page(slugs=["unloaded"])
    facts = model_facts_build(artifact=loaded)
    assert facts is not None
    assert facts.price_tiers == ((200_000, "prompt_token", Decimal("0.000004")),)
    plain = model_facts_build(artifact=Artifact.objects.get(slug="unloaded"))
    assert plain is not None and plain.price_tiers == ()


def test_a_sides_facts_are_read_from_its_record_its_capabilities_and_its_tags():
    """Every plain fact the verdict rules read of one side, from the artifact as a page
    loads it: a model's rank group names its job, capabilities keep their tags in order,
    and a price the source gives per request varies."""
    chat, code = TagFactory(slug="chat", name="Chat"), TagFactory(slug="code", name="Code")
    model = ArtifactFactory(
        slug="coder",
        name="Coder",
        job="code",
        rank=7,
        rank_low=5,
        rank_high=9,
        adoption=0.5,
        quality=None,
        ecosystem=0.25,
        match_graph=0.125,
        freshness=1.0,
        pricing_model="freemium",
        has_free_tier=True,
        open_weights=True,
        starting_price=Decimal("0.5"),
        price_unit=PriceUnit.REQUEST,
        prices={"request": "varies"},
        output_modalities=["text"],
        times_matched=12,
    )
    writes = CapabilityFactory(
        artifact=model, title="Writes code", description="In *any* language.", tags=[code, chat]
    )
    CapabilityFactory(artifact=model, title="Hidden", status=Status.DRAFT)
    (loaded,) = artifacts_for_page(slugs=["coder"])

    facts = side_facts_build(artifact=loaded)
    assert facts == SideFacts(
        name="Coder",
        kind="model",
        kind_label="Model",
        rank=7,
        rank_low=5,
        rank_high=9,
        rank_group="models: code",
        components={
            "adoption": 0.5,
            "quality": None,
            "ecosystem": 0.25,
            "match_graph": 0.125,
            "freshness": 1.0,
        },
        pricing_model="freemium",
        pricing_label="Freemium",
        has_free_tier=True,
        open_weights=True,
        starting_price=Decimal("0.5"),
        price_unit="request",
        price_varies=True,
        output_modalities=("text",),
        capabilities=(
            CapabilityFacts(
                writes.id,
                "Writes code",
                tuple((t.slug, t.name) for t in writes.tags.all()),
                description="In *any* language.",
            ),
        ),
        times_matched=12,
        model=model_facts_build(artifact=loaded),
    )
    assert {slug for slug, _name in facts.capabilities[0].tags} == {"chat", "code"}
    assert facts.model is not None


def test_an_apps_side_reads_as_an_app_ranked_among_apps():
    ArtifactFactory(slug="an-app", kind=ArtifactKind.APP)
    (loaded,) = artifacts_for_page(slugs=["an-app"])
    facts = side_facts_build(artifact=loaded)
    assert (facts.kind, facts.kind_label, facts.rank_group, facts.model) == (
        "app",
        "App",
        "apps",
        None,
    )


def test_a_part_built_alone_holds_its_links_and_overrides_from_either_end(trio):
    """An editor's same-job link and verdict are stored once per pair; each artifact's part,
    even built on its own, holds them from its own end, and a pair joins exactly those."""
    alpha, beta, _ = trio
    alpha_cap, beta_cap = alpha.capabilities.get(), beta.capabilities.get()
    CapabilityFactory(artifact=beta, title="Beta also translates")
    alpha_cap.same_job_as.add(beta_cap)
    override = ComparisonOverrideFactory(artifact_a=alpha, artifact_b=beta, verdict="Pick Alpha.")
    alpha_part, beta_part, gamma_part = (
        artifact_parts_get(slugs=[slug], version=None)[0][slug]
        for slug in ("alpha", "beta", "gamma")
    )
    assert alpha_part.same_job == {alpha_cap.id: frozenset({beta_cap.id})}
    assert beta_part.same_job == {beta_cap.id: frozenset({alpha_cap.id})}
    assert alpha_part.overrides == {beta.id: override}
    assert beta_part.overrides == {alpha.id: override}
    assert gamma_part.same_job == {} and gamma_part.overrides == {}
    linked = {alpha_cap.id: frozenset({beta_cap.id}), beta_cap.id: frozenset({alpha_cap.id})}
    assert alpha_part.same_job_with(beta_part) == linked
    assert beta_part.same_job_with(alpha_part) == linked
    assert alpha_part.same_job_with(gamma_part) == {}


def test_a_part_holds_its_summary_and_both_capability_bodies_rendered(trio):
    alpha = trio[0]
    alpha.summary = "A *fast* model."
    alpha.save()
    capability = alpha.capabilities.get()
    capability.best_for = "Quick *drafts*."
    capability.save()
    part = artifact_parts_get(slugs=["alpha"], version=None)[0]["alpha"]
    assert "A <em>fast</em> model." in part.artifact.summary_html
    (rendered,) = part.artifact.published_capabilities
    # The comparison page's narrow body, and the artifact page's wide one with "Best for".
    assert rendered.body_html.startswith("<h3>Alpha answers questions</h3>")
    assert "Answers <em>questions</em>" in rendered.body_html
    assert "Best for" not in rendered.body_html
    assert rendered.wide_body_html.startswith("<h3>Alpha answers questions</h3>")
    assert "<strong>Best for:</strong> Quick <em>drafts</em>." in rendered.wide_body_html


def test_a_price_tier_starts_above_zero_prompt_tokens():
    """A row from 0 tokens is the base price; one from a single token on is a tier."""
    model = ArtifactFactory(slug="tiny-tier", kind=ArtifactKind.MODEL)
    for above in (0, 1):
        ArtifactPrice.objects.create(
            artifact=model,
            key="prompt",
            unit=PriceUnit.PROMPT_TOKEN,
            amount=Decimal("0.000001") * (above + 1),
            min_prompt_tokens=above,
            unit_clear=True,
        )
    (loaded,) = artifacts_for_page(slugs=["tiny-tier"])
    assert [row.min_prompt_tokens for row in loaded.price_tier_rows] == [1]


def test_rank_weights_are_kept_per_version_and_follow_an_editors_change(
    derived_cache, django_capture_on_commit_callbacks, trio
):
    _, before = artifact_parts_get(slugs=["alpha"], version=derived_cache_version())
    row = RankWeights.objects.get(kind=ArtifactKind.MODEL)
    first, second = COMPONENTS[:2]
    assert getattr(row, first) != getattr(row, second)
    with django_capture_on_commit_callbacks(execute=True):
        # Two weights swapped: the same total, another score.
        values = getattr(row, first), getattr(row, second)
        setattr(row, first, values[1])
        setattr(row, second, values[0])
        row.save()
    _, after = artifact_parts_get(slugs=["alpha"], version=derived_cache_version())
    assert after == weights_by_kind_get() != before


def test_without_a_version_nothing_is_stored_either(
    client, derived_cache, monkeypatch, settings, trio
):
    monkeypatch.setattr("comparisons.caching.derived.catalog_version_get", lambda: None)
    assert client.get("/compare/alpha-vs-beta/").status_code == 200
    parts = caches[settings.PARTS_CACHE_ALIAS]
    assert parts.get_many(["rank-weights:None", f"artifact-part:{PARTS_LAYOUT}:None:alpha"]) == {}


def test_the_parts_layout_names_the_fields_it_was_raised_for():
    # Parts kept in Redis outlive a deploy under the same catalog version: a change to these
    # fields must raise PARTS_LAYOUT (then update this list), or old parts would be read.
    def names(cls):
        return [f.name for f in dataclasses.fields(cls)]

    assert PARTS_LAYOUT == 2
    assert names(ArtifactPart) == ["artifact", "facts", "same_job", "overrides"]
    assert names(CapabilityFacts) == ["id", "title", "tags", "description", "same_job", "tag_slugs"]
    assert names(SideFacts) == [
        "name", "kind", "kind_label", "rank", "rank_low", "rank_high", "rank_group",
        "components", "pricing_model", "pricing_label", "has_free_tier", "open_weights",
        "starting_price", "price_unit", "price_varies", "output_modalities", "capabilities",
        "times_matched", "model",
    ]  # fmt: skip
    assert names(ModelFacts) == [
        "context_length", "max_output", "prices", "price_tiers", "cache_read",
        "input_modalities", "output_modalities", "features", "open_weights", "weights_url",
        "knowledge_cutoff", "release_date",
    ]  # fmt: skip
