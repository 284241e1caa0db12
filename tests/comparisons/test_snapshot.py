"""The browse snapshot gives exactly the answers of the FilterSet's SQL (results, their
order, every facet count), and, reused across requests, never outlives a committed write."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.fields import Modality
from catalog.models import Artifact, ArtifactKind, PriceUnit, PricingModel, Status
from catalog.versioning import catalog_version_bump
from comparisons.browse.declarations import CATALOG_FILTERS, FILTERS_BY_NAME
from comparisons.browse.filters import ArtifactFilter, artifact_facets_count
from comparisons.browse.sorting import SORT_ORDERINGS
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory, VendorFactory

pytestmark = pytest.mark.django_db

TAGS = ["chat", "code", "vision"]
VENDORS = ["acme", "globex", "initech"]


@pytest.fixture
def varied_catalog():
    """Fourteen published artifacts differing in every filtered fact, with ties in rank and
    names that differ only by case, plus a draft and an archived one that must never show."""
    tags = {slug: TagFactory(slug=slug, name=slug.title()) for slug in TAGS}
    vendors = {slug: VendorFactory(slug=slug, name=slug.title()) for slug in VENDORS}
    kinds = [ArtifactKind.MODEL, ArtifactKind.API, ArtifactKind.APP, ArtifactKind.MCP_SERVER]
    pricing = list(PricingModel.values)
    modalities = [["text"], ["text", "image"], ["audio"], ["image", "code"], []]
    units = [PriceUnit.PROMPT_TOKEN, PriceUnit.IMAGE, PriceUnit.MONTH]
    names = ["alpha", "Alpha", "beta", "Gamma", "delta", "Epsilon", "zeta"]
    for n in range(14):
        priced = n % 4 != 3
        artifact = ArtifactFactory(
            slug=f"a{n}",
            name=f"{names[n % len(names)]} {n // len(names)}",
            summary=f"Summary {'fast' if n % 2 else 'careful'} helper",
            vendor=vendors[VENDORS[n % 3]],
            kind=kinds[n % len(kinds)],
            pricing_model=pricing[n % len(pricing)],
            has_free_tier=n % 3 == 0,
            open_weights=n % 5 == 0,
            input_modalities=modalities[n % len(modalities)],
            output_modalities=modalities[(n + 2) % len(modalities)],
            rank=[10, 40, 40, 70][n % 4],
            context_length=None if n % 6 == 0 else 8000 * (n + 1),
            starting_price=Decimal(n % 3) / Decimal(1_000_000) if priced else None,
            price_unit=units[n % 3] if priced else "",
            release_date=None if n % 5 == 1 else date(2025, 1 + n % 12, 1),
            times_matched=(n * 7) % 5,
            max_output_tokens=None if n % 4 == 1 else 4000 * (n % 5 + 1),
            output_price=None if n % 5 == 2 else Decimal(n % 4) / Decimal(1_000_000),
            knowledge_cutoff=None if n % 3 == 1 else date(2024, 1 + n % 12, 1),
            supports_tools=[True, False, None][n % 3],
            supports_structured_output=[None, True, True, False][n % 4],
            supports_reasoning=n % 2 == 0,
            supports_web_search=None if n % 2 else n % 4 == 0,
        )
        CapabilityFactory(artifact=artifact, tags=[tags[TAGS[n % 3]]])
        if n % 4 == 0:
            CapabilityFactory(artifact=artifact, tags=[tags[TAGS[(n + 1) % 3]]])
        if n % 5 == 0:  # a tag only on a draft capability does not count
            CapabilityFactory(
                artifact=artifact, status=Status.DRAFT, tags=[tags[TAGS[(n + 2) % 3]]]
            )
    for status in (Status.DRAFT, Status.ARCHIVED):
        hidden = ArtifactFactory(
            slug=f"hidden-{status}", rank=99, vendor=vendors["acme"], status=status
        )
        CapabilityFactory(artifact=hidden, tags=[tags["chat"]])


# Values drawn per parameter; "" (not chosen) for every filter: an empty value must change
# nothing anywhere.
PARAMETER_VALUES: dict[str, list[str]] = {
    "kind": ["model", "api", "app", "mcp_server"],
    "vendor": VENDORS,
    "pricing_model": list(PricingModel.values),
    "has_free_tier": ["true", "false"],
    "open_weights": ["true", "false"],
    "input": list(Modality.values),
    "output": list(Modality.values),
    "tag": TAGS,
    "price_unit": list(PriceUnit.values),
    "max_price": ["0", "0.5", "1", "2"],
    "min_rank": ["0", "40", "41", "70"],
    "min_context": ["0", "16000", "64000"],
    "q": ["alpha", "fast helper", "EPS", "zz"],
    "min_output": ["0", "8000", "12001"],
    "max_output_price": ["0", "1", "2.5"],
    "knowledge_after": ["2024-01-01", "2024-06-01", "2024-12-02"],
    "supports": ["tools", "structured_output", "reasoning", "web_search"],
    "sort": list(SORT_ORDERINGS),
}
PARAMETERS = st.lists(
    st.sampled_from(
        [(name, value) for name, values in PARAMETER_VALUES.items() for value in [*values, ""]]
    ),
    max_size=5,
)


def _query(pairs) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value)
    return query


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pairs=PARAMETERS)
def test_results_order_and_counts_match_the_sql(varied_catalog, pairs):
    filterset = ArtifactFilter(_query(pairs))
    results = filterset.qs
    assert list(filterset.ordered_ids()) == [a.pk for a in results]

    # Every declared filter's counts, held to that filter's own SQL (declarations.py): an OR
    # filter counts each value as if only it were chosen; the others count within the results.
    facets = artifact_facets_count(filterset=filterset)
    result_ids = {a.pk for a in results}
    for declared in CATALOG_FILTERS:
        options = facets.get(declared.name)
        if options is None:
            continue
        for option in options if isinstance(options, list) else [options]:
            if declared.facet == "or":
                others = [(k, v) for k, v in pairs if k != declared.name]
                expected = ArtifactFilter(_query([*others, (declared.name, option.value)])).qs
                assert option.count == expected.count(), (declared.name, option.value, pairs)
            else:
                alone = ArtifactFilter(_query([(declared.name, option.value)])).qs
                expected_ids = result_ids & {a.pk for a in alone}
                assert option.count == len(expected_ids), (declared.name, option.value, pairs)


def test_every_declared_filter_is_drawn_from_the_property_test():
    """A new declaration must be exercised by the snapshot-vs-SQL property above."""
    drawn = set(PARAMETER_VALUES) - {"sort"}
    assert drawn == set(FILTERS_BY_NAME)


def test_snapshot_offers_only_what_published_capabilities_carry(varied_catalog):
    filterset = ArtifactFilter(QueryDict())
    assert [slug for slug, _ in filterset.snapshot.tag_choices] == sorted(TAGS)
    assert [slug for slug, _ in filterset.snapshot.vendors] == VENDORS
    assert len(filterset.ordered_ids()) == 14


def test_an_empty_catalog_answers_with_no_results(client):
    response = client.get("/artifacts/?kind=model&sort=price")
    assert response.status_code == 200
    assert response.context["page_obj"].paginator.count == 0


def _card_slugs(response) -> list[str]:
    return re.findall(r'<h3 class="card-title" id="card-([^"]+)"', response.text)


def _catalog_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_reused_snapshot_is_rebuilt_after_every_committed_write(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CATALOG_DERIVED_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        ArtifactFactory(slug="first", name="First", kind=ArtifactKind.MODEL)
    url = "/artifacts/?kind=model"
    building, response = _catalog_queries(client, url)
    assert _card_slugs(response) == ["first"]
    reusing, response = _catalog_queries(client, url)
    assert reusing < building  # the snapshot's own queries are gone

    # A write whose transaction has not committed (its hooks not run) changes nothing...
    ArtifactFactory(slug="uncommitted", name="Uncommitted", kind=ArtifactKind.MODEL)
    _, response = _catalog_queries(client, url)
    assert response.context["page_obj"].paginator.count == 1
    # ...and the next request after a committed one sees it, in results and counts.
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(slug="first").update(kind=ArtifactKind.APP)
        catalog_version_bump()  # what every bulk write does
    _, response = _catalog_queries(client, url)
    assert _card_slugs(response) == ["uncommitted"]
    kinds = {o.value: o.count for o in response.context["facets"].kind}
    assert kinds["app"] == 1
    assert kinds["model"] == 1


def test_reused_cards_show_a_committed_edit_on_the_next_request(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CATALOG_DERIVED_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        artifact = ArtifactFactory(slug="renamed", name="Old name")
    assert "Old name" in client.get("/artifacts/").text
    _, response = _catalog_queries(client, "/artifacts/")
    assert response.context["cards"] and "Old name" in response.text  # served from the cache
    with django_capture_on_commit_callbacks(execute=True):
        artifact.name = "New name"
        artifact.save()
    text = client.get("/artifacts/").text
    assert "New name" in text
    assert "Old name" not in text


def _columns(snapshot) -> dict:
    return {
        "ids": snapshot.ids.tolist(),
        "tags": snapshot.tags.tolist(),
        **{name: column.tolist() for name, column in snapshot.columns.items()},
    }


def test_new_ranks_patch_to_a_fresh_build(varied_catalog):
    from comparisons.browse.snapshot import browse_snapshot_build, browse_snapshot_patch

    before = browse_snapshot_build(version="v1", facts="f1")
    # New ranks that reorder the catalog (ties included), as a match-graph rebuild writes.
    for n, artifact in enumerate(Artifact.objects.order_by("pk")):
        Artifact.objects.filter(pk=artifact.pk).update(rank=(n * 37) % 90, times_matched=n)
    catalog_version_bump(ranks_only=True)
    patched = browse_snapshot_patch(before, version="v2", facts="f1")
    fresh = browse_snapshot_build(version="v2", facts="f1")
    assert _columns(patched) == _columns(fresh)
    assert _columns(patched) != _columns(before)
    assert (patched.version, patched.facts, patched.orders) == ("v2", "f1", {})
    for sort in SORT_ORDERINGS:  # every other order is asked again, after the new ranks
        mask = fresh.everything()
        assert patched.ordered_ids(mask, sort).tolist() == fresh.ordered_ids(mask, sort).tolist()


def test_a_write_the_journal_missed_is_caught_by_the_patch(varied_catalog):
    """A writer that bumps ranks-only but also withdrew an artifact (without naming it): the
    database holds other rows than the patch expects, and a full build answers."""
    from comparisons.browse.snapshot import browse_snapshot_build, browse_snapshot_patch

    before = browse_snapshot_build(version="v1", facts="f1")
    Artifact.objects.filter(slug="a1").update(status=Status.DRAFT)
    catalog_version_bump(ranks_only=True)
    patched = browse_snapshot_patch(before, version="v2", facts="f1")
    assert patched.size == before.size - 1
    assert _columns(patched) == _columns(browse_snapshot_build())


def _snapshot_queries() -> int:
    from comparisons.browse.snapshot import browse_snapshot_get

    with CaptureQueriesContext(connection) as queries:
        browse_snapshot_get()
    return len(queries)


def test_a_ranks_only_bump_reranks_with_two_queries(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CATALOG_DERIVED_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        ArtifactFactory(slug="low", name="Low", rank=10)
        CapabilityFactory(artifact=ArtifactFactory(slug="high", name="High", rank=60))
    _, response = _catalog_queries(client, "/artifacts/")
    assert _card_slugs(response) == ["high", "low"]
    reusing = _snapshot_queries()  # the versions' read alone

    # What the incremental match-graph rebuild does: new ranks, a ranks-only bump.
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(slug="low").update(rank=90)
        catalog_version_bump(ranks_only=True)
    _, response = _catalog_queries(client, "/artifacts/")
    assert _card_slugs(response) == ["low", "high"]
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(slug="high").update(rank=95)
        catalog_version_bump(ranks_only=True)
    # The journal's read (which says "ranks moved") and every row's rank and place.
    assert _snapshot_queries() == reusing + 2

    # A write naming its artifact is patched in: the journal's read, the artifact's fields,
    # its capabilities' tags, the order of the rows of its rank (four queries)...
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(slug="high").update(kind=ArtifactKind.APP)
        catalog_version_bump(artifact_ids=[Artifact.objects.get(slug="high").pk])
    assert _snapshot_queries() == reusing + 4
    _, response = _catalog_queries(client, "/artifacts/?kind=app")
    assert _card_slugs(response) == ["high"]
    # ...one that cannot say what it wrote builds afresh, even right after a ranks-only bump.
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(slug="low").update(kind=ArtifactKind.APP)
        catalog_version_bump()
    assert _snapshot_queries() >= reusing + 5
    _, response = _catalog_queries(client, "/artifacts/?kind=app")
    assert _card_slugs(response) == ["high", "low"]
