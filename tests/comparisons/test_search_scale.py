"""Search at catalog scale: AND-first candidates, exact corpus statistics, and the statistics
and rankings reused per catalog version. Runs on SQLite and on PostgreSQL."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.models import Artifact, Status
from catalog.versioning import catalog_version_bump
from comparisons.models import SearchEvent
from comparisons.search import backends, service, views
from comparisons.search.service import PER_PAGE, search_run
from tests.comparisons.test_search import BROWSER
from tests.factories import ArtifactFactory, CapabilityFactory

pytestmark = pytest.mark.django_db

QUERY = "zorblat quixotic"


def _artifact(title: str, **artifact) -> Artifact:
    # Names unlike any query, so that no result comes from name similarity.
    artifact = ArtifactFactory(**artifact)
    CapabilityFactory(artifact=artifact, title=title)
    return artifact


def _catalog(*, both: int, each: int) -> tuple[set[int], set[int], set[int]]:
    """Artifact ids: `both` with a capability holding both query words, then `each` with
    only the first word and `each` with only the second."""
    with_both = {_artifact(f"Zorblat quixotic helper {i}").pk for i in range(both)}
    zorblat = {_artifact(f"Zorblat only {i}").pk for i in range(each)}
    quixotic = {_artifact(f"Quixotic only {i}").pk for i in range(each)}
    return with_both, zorblat, quixotic


def _found(query: str) -> list[int]:
    """Every result's artifact id, best first, over all pages."""
    first = search_run(query=query)
    ids = [r.artifact.pk for r in first.results]
    for number in first.page.paginator.page_range[1:]:
        ids += [r.artifact.pk for r in search_run(query=query, page_number=number).results]
    return ids


@pytest.fixture
def scores_seen(monkeypatch) -> list[dict]:
    """What each search hands the shared scorer."""
    seen: list[dict] = []
    score = service.artifacts_score

    def spy(**kwargs):
        seen.append({**kwargs, "candidates": list(kwargs["candidates"])})
        return score(**kwargs)

    monkeypatch.setattr(service, "artifacts_score", spy)
    return seen


def _counts(queries: CaptureQueriesContext) -> int:
    """Counts over the catalog: the document count and the term frequencies (one statement
    each on PostgreSQL, one statement for all on SQLite), not the version store's own."""
    sqls = [q["sql"].lower() for q in queries.captured_queries]
    return sum(sql.count("count(") for sql in sqls if "catalog_capability" in sql)


# ---- AND first ---------------------------------------------------------------------------


def test_capabilities_with_every_term_are_the_results_when_they_fill_a_page():
    with_both, _, _ = _catalog(both=PER_PAGE + 2, each=3)
    assert set(_found(QUERY)) == with_both


def test_too_few_with_every_term_falls_back_to_any_term_with_those_first():
    with_both, zorblat, quixotic = _catalog(both=PER_PAGE - 1, each=3)
    found = _found(QUERY)
    assert set(found[: len(with_both)]) == with_both
    assert set(found[len(with_both) :]) == zorblat | quixotic


def test_no_capability_with_every_term_still_finds_the_partial_matches():
    _, zorblat, quixotic = _catalog(both=0, each=3)
    assert set(_found(QUERY)) == zorblat | quixotic


def test_a_term_no_capability_contains_does_not_empty_the_results():
    with_both, zorblat, _ = _catalog(both=PER_PAGE + 2, each=3)
    assert set(_found("zorblat nonesuchword quixotic")) == with_both
    assert set(_found("zorblat nonesuchword")) == with_both | zorblat
    assert _found("nonesuchword") == []


def test_frequencies_count_every_published_capability_whatever_the_candidates(
    monkeypatch, scores_seen
):
    monkeypatch.setattr(backends, "CANDIDATE_LIMIT", 2)
    _catalog(both=PER_PAGE + 2, each=3)
    # Never counted: a draft capability and a capability of an archived artifact.
    CapabilityFactory(title="Zorblat quixotic draft", status=Status.DRAFT)
    _artifact("Zorblat quixotic archived", status=Status.ARCHIVED)

    search_run(query=QUERY)
    (seen,) = scores_seen
    assert seen["frequencies"] == [PER_PAGE + 2 + 3, PER_PAGE + 2 + 3]
    assert seen["document_count"] == PER_PAGE + 2 + 6
    assert len(seen["candidates"]) == 2  # the limit holds on both backends
    assert all(c.fields[:2] == (3, 3) for c in seen["candidates"])


def test_phrase_bonus_still_applies(scores_seen):
    _artifact("Zorblat quixotic helper")
    _artifact("Quixotic zorblat helper")
    found = _found(QUERY)
    assert Artifact.objects.get(pk=found[0]).capabilities.get().title.startswith("Zorblat")
    # The phrase is graded as one more term, never counted for idf.
    assert len(scores_seen[0]["frequencies"]) == 2
    assert {c.fields[2] for c in scores_seen[0]["candidates"]} == {3, 0}


# ---- reused per catalog version ----------------------------------------------------------


def test_a_second_identical_search_reuses_statistics_and_ranking(derived_cache):
    _catalog(both=PER_PAGE + 2, each=3)
    with CaptureQueriesContext(connection) as cold:
        first = search_run(query=QUERY)
    with CaptureQueriesContext(connection) as warm:
        second = search_run(query=QUERY)
    assert len(warm) < len(cold)
    assert _counts(cold) == 3 and _counts(warm) == 0  # documents, then one per term
    # The shown page (artifacts and highlights) is reused too: only the version is read.
    assert len(warm) == 1
    assert [r.artifact for r in second.results] == [r.artifact for r in first.results]
    assert [r.capabilities for r in second.results] == [r.capabilities for r in first.results]
    assert second.evidence_capability_ids == first.evidence_capability_ids
    with CaptureQueriesContext(connection) as ranking_only:
        search_run(query=QUERY, with_page=False)
    assert len(ranking_only) <= 1  # the catalog version


def test_each_term_is_counted_once_per_version_whatever_the_intent(derived_cache):
    _catalog(both=PER_PAGE + 2, each=3)
    search_run(query=QUERY)
    with CaptureQueriesContext(connection) as queries:
        search_run(query="zorblat gizmo")
    assert _counts(queries) == 1  # gizmo; the document count and zorblat are known


def test_a_committed_catalog_edit_is_seen_by_the_next_search(
    derived_cache, django_capture_on_commit_callbacks, scores_seen
):
    with_both, _, _ = _catalog(both=PER_PAGE + 2, each=3)
    before = search_run(query=QUERY)
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = _artifact("Zorblat quixotic newcomer")
    after = search_run(query=QUERY)
    assert set(_found(QUERY)) == with_both | {newcomer.pk}
    assert after.total == before.total + 1
    assert scores_seen[-1]["frequencies"] == [PER_PAGE + 2 + 3 + 1] * 2
    assert scores_seen[-1]["document_count"] == PER_PAGE + 2 + 6 + 1


def test_nothing_is_reused_when_the_version_store_is_unreadable(derived_cache, monkeypatch):
    monkeypatch.setattr("comparisons.caching.derived.catalog_version_get", lambda: None)
    monkeypatch.setattr("comparisons.caching.derived.catalog_versions_get", lambda: None)
    _catalog(both=PER_PAGE + 2, each=3)
    search_run(query=QUERY)
    with CaptureQueriesContext(connection) as queries:
        search_run(query=QUERY)
    assert _counts(queries) == 3


def test_a_failing_cache_only_costs_the_reuse(derived_cache, settings, monkeypatch):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    derived = caches[settings.DERIVED_CACHE_ALIAS]  # the same instance for this thread
    monkeypatch.setattr(derived, "get_many", down)
    monkeypatch.setattr(derived, "set_many", down)
    with_both, _, _ = _catalog(both=PER_PAGE + 2, each=3)
    assert set(_found(QUERY)) == with_both


def test_nothing_is_reused_with_the_setting_off():
    _catalog(both=PER_PAGE + 2, each=3)
    search_run(query=QUERY)
    with CaptureQueriesContext(connection) as queries:
        search_run(query=QUERY)
    assert _counts(queries) == 3


def test_a_cached_ranking_still_knows_how_many_capabilities_matched(derived_cache):
    artifact = ArtifactFactory()
    for i in range(5):
        CapabilityFactory(artifact=artifact, title=f"Zorblat helper {i}")
    for _ in range(2):
        (result,) = search_run(query="zorblat").results
        assert len(result.capabilities) == service.SHOWN_CAPABILITIES
        assert result.more_capabilities == 5 - service.SHOWN_CAPABILITIES


def test_every_search_is_still_recorded_when_its_ranking_is_reused(derived_cache, client):
    _catalog(both=PER_PAGE + 2, each=3)
    for agent in (BROWSER, BROWSER + " 2"):
        response = client.get("/search/", {"q": QUERY}, HTTP_USER_AGENT=agent)
        assert response.status_code == 200
    first, second = SearchEvent.objects.order_by("pk")
    assert list(first.matched_capabilities.values_list("pk", flat=True).order_by("pk")) == list(
        second.matched_capabilities.values_list("pk", flat=True).order_by("pk")
    )
    assert first.matched_capabilities.exists()


def test_a_reused_page_shows_a_committed_rename_on_the_next_search(
    derived_cache, django_capture_on_commit_callbacks
):
    _catalog(both=PER_PAGE + 2, each=3)
    shown = search_run(query=QUERY).results[0].artifact
    search_run(query=QUERY)  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(pk=shown.pk).update(name="A renamed one")
        catalog_version_bump()  # what every write without signals does
    names = {r.artifact.pk: r.artifact.name for r in search_run(query=QUERY).results}
    assert names[shown.pk] == "A renamed one"


def test_rendered_results_are_reused_per_version_and_query_string(
    derived_cache, client, django_capture_on_commit_callbacks, monkeypatch
):
    """The results partial is rendered once per catalog version and query string: a full
    page and an htmx request, or two query strings, never share one, and a committed
    rename shows on the next search."""
    _catalog(both=PER_PAGE + 2, each=3)
    renders = []
    render = views.render_to_string
    monkeypatch.setattr(
        views, "render_to_string", lambda *a, **k: renders.append(1) or render(*a, **k)
    )
    htmx = {"HTTP_HX_REQUEST": "true", "HTTP_USER_AGENT": BROWSER}
    page = client.get("/search/", {"q": QUERY}, HTTP_USER_AGENT=BROWSER).content.decode()
    partial = client.get("/search/", {"q": QUERY}, **htmx).content.decode()
    assert 'hx-swap-oob="true"' in partial and 'hx-swap-oob="true"' not in page
    assert partial.count('class="search-result"') == PER_PAGE
    rendered = partial
    assert len(renders) == 2
    assert client.get("/search/", {"q": QUERY}, **htmx).content.decode() == rendered
    assert len(renders) == 2  # reused
    second_page = client.get("/search/", {"q": QUERY, "page": 2}, **htmx).content.decode()
    assert second_page != rendered and "page 2 of 2" in second_page

    shown = Artifact.objects.get(name=re.search(r'rel="nofollow">([^<]+)</a>', rendered)[1])
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(pk=shown.pk).update(name="A renamed one")
        catalog_version_bump()
    assert "A renamed one" in client.get("/search/", {"q": QUERY}, **htmx).content.decode()


def test_a_kept_page_is_answered_without_searching_and_still_recorded(
    derived_cache, client, monkeypatch, django_assert_num_queries
):
    """A whole page is kept per catalog version and query string, with what recording the
    search counts: a repeat gets the same bytes without the search running, and a
    browser's search is recorded exactly as a fresh one is."""
    _catalog(both=PER_PAGE + 2, each=3)
    runs = []
    search = views.search_run
    monkeypatch.setattr(views, "search_run", lambda **k: runs.append(k) or search(**k))
    first = client.get("/search/", {"q": QUERY}).content
    assert len(runs) == 1
    with django_assert_num_queries(1):  # the catalog version
        assert client.get("/search/", {"q": QUERY}).content == first
    # Another order of the same parameters is the same page (its links keep them).
    reordered = client.get(f"/search/?kind=&q={QUERY}").content
    assert client.get(f"/search/?q={QUERY}&kind=").content == reordered != first
    assert len(runs) == 2  # the stored page, then the new query string once
    assert not SearchEvent.objects.exists()  # no user agent: a script

    assert client.get("/search/", {"q": QUERY}, HTTP_USER_AGENT=BROWSER).content == first
    assert len(runs) == 2
    (event,) = SearchEvent.objects.all()
    with django_assert_num_queries(2):  # the version, then the repeat found without a lock
        assert client.get("/search/", {"q": QUERY}, HTTP_USER_AGENT=BROWSER).content == first
    assert SearchEvent.objects.count() == 1
    fresh = search(query=QUERY, with_page=False)
    assert event.intent.text == fresh.intent
    assert event.result_count == fresh.unfiltered_total == PER_PAGE + 2  # AND first
    assert sorted(event.matched_capabilities.values_list("pk", flat=True)) == sorted(
        fresh.evidence_capability_ids
    )
    assert len(fresh.evidence_capability_ids) == service.EVIDENCE_RESULTS


def test_a_stored_page_is_not_served_after_a_committed_edit(
    derived_cache, client, django_capture_on_commit_callbacks
):
    _catalog(both=PER_PAGE + 2, each=3)
    before = client.get("/search/", {"q": QUERY}).content.decode()
    shown = Artifact.objects.get(name=re.search(r'rel="nofollow">([^<]+)</a>', before)[1])
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(pk=shown.pk).update(name="A renamed one")
        catalog_version_bump()
    assert "A renamed one" in client.get("/search/", {"q": QUERY}).content.decode()


def test_a_search_without_an_intent_is_never_stored(derived_cache, client):
    """Its page lists the most searched intents, which move with every search."""
    for _ in range(2):
        response = client.get("/search/", {"q": "  "})
        assert "Try one of these" in response.content.decode()
    assert not [k for k in caches["derived"]._cache if "search-page" in k]
