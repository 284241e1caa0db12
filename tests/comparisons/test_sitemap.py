"""Sitemap and robots.txt: published pages only, and only pairs with a reason to exist."""

import re
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test.utils import CaptureQueriesContext

from catalog.models import Artifact
from comparisons.compare.pairs import shared_tag_pairs_get
from comparisons.pages import sitemaps
from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    PairEvidenceFactory,
    TagFactory,
)
from tests.sitemap_crawl import sitemap_body, sitemap_locations, sitemap_locs

pytestmark = pytest.mark.django_db


def test_published_artifacts_and_pages(client):
    ArtifactFactory(slug="shown")
    ArtifactFactory(slug="drafted", status="draft")
    ArtifactFactory(slug="gone", status="archived")
    locs = sitemap_locations(client)
    assert "/artifacts/shown/" in locs
    assert not [loc for loc in locs if "drafted" in loc or "gone" in loc]
    assert {"/", "/compare/", "/methodology/"} <= set(locs)


def test_only_pairs_with_a_reason(client):
    chat = TagFactory(slug="chat")
    a, b, c, d = (ArtifactFactory(slug=s) for s in ("aa", "bb", "cc", "dd"))
    e, f = ArtifactFactory(slug="ee"), ArtifactFactory(slug="ff")
    CapabilityFactory(artifact=a, tags=[chat])
    CapabilityFactory(artifact=b, tags=[chat])
    PairEvidenceFactory(artifact_a=c, artifact_b=d, times_both_matched=2)
    ComparisonOverrideFactory(artifact_a=e, artifact_b=f)
    pairs = sorted(
        loc for loc in sitemap_locations(client) if loc.startswith("/compare/") and "-vs-" in loc
    )
    assert pairs == ["/compare/aa-vs-bb/", "/compare/cc-vs-dd/", "/compare/ee-vs-ff/"]


def test_noindex_unapproved_and_unpublished_pairs_are_left_out(client):
    chat = TagFactory(slug="chat")
    a, b, c = (ArtifactFactory(slug=s) for s in ("aa", "bb", "cc"))
    draft = ArtifactFactory(slug="dd", status="draft")
    for artifact in (a, b, c, draft):
        CapabilityFactory(artifact=artifact, tags=[chat])
    ComparisonOverrideFactory(artifact_a=a, artifact_b=b, noindex=True)
    ComparisonOverrideFactory(artifact_a=c, artifact_b=a, approved=False)
    # A draft capability's tag doesn't make a pair.
    CapabilityFactory(artifact=a, status="draft", tags=[TagFactory(slug="x")])
    CapabilityFactory(artifact=c, tags=[TagFactory(slug="x")])
    pairs = [loc for loc in sitemap_locations(client) if "-vs-" in loc]
    assert pairs == ["/compare/bb-vs-cc/"]


def _two_dated_artifacts(*, b_slug: str = "bb", a_hour: int = 0) -> None:
    """ "aa" (updated 2025-03-04 at `a_hour` UTC) and `b_slug` (2025-05-06, noon), sharing a
    tag: a pair of the sitemap whose date is b's."""
    chat = TagFactory(slug="chat")
    a, b = ArtifactFactory(slug="aa"), ArtifactFactory(slug=b_slug)
    for artifact in (a, b):
        CapabilityFactory(artifact=artifact, tags=[chat])
    Artifact.objects.filter(pk=a.pk).update(updated_at=datetime(2025, 3, 4, a_hour, tzinfo=UTC))
    Artifact.objects.filter(pk=b.pk).update(updated_at=datetime(2025, 5, 6, 12, tzinfo=UTC))


def test_lastmod_from_real_updates(client):
    _two_dated_artifacts()
    body = sitemap_body(client)
    entry = body.split("<loc>http://testserver/compare/aa-vs-bb/</loc>")[1].split("</url>")[0]
    assert "<lastmod>2025-05-06</lastmod>" in entry
    artifact_entry = body.split("<loc>http://testserver/artifacts/aa/</loc>")[1].split("</url>")[0]
    assert "<lastmod>2025-03-04</lastmod>" in artifact_entry


def test_shared_tag_pairs_in_one_query_and_capped():
    tags = [TagFactory(slug=f"t{i}") for i in range(3)]
    for n in range(6):
        CapabilityFactory(artifact=ArtifactFactory(slug=f"a{n}"), tags=tags[: 1 + n % 3])
    with CaptureQueriesContext(connection) as queries:
        pairs = shared_tag_pairs_get(limit=4)
    assert len(queries.captured_queries) == 1
    assert len(pairs) == 4
    assert pairs[0].basis == "3 shared tags"
    assert all(p.a_slug < p.b_slug for p in pairs)
    assert len(shared_tag_pairs_get()) == 15  # every one of the 6 x 5 / 2 pairs shares t0


def test_sitemap_never_lists_all_pairs(client):
    for n in range(12):
        CapabilityFactory(
            artifact=ArtifactFactory(slug=f"solo-{n:02}"), tags=[TagFactory(slug=f"own-{n}")]
        )
    assert not [loc for loc in sitemap_locations(client) if "-vs-" in loc]


def test_the_index_names_one_sitemap_per_section_and_each_page(client, monkeypatch):
    """A crawler reads /sitemap.xml as an index; each section is a sitemap of its own,
    split in pages of at most Sitemap.limit URLs (50,000 in production), every page named."""
    monkeypatch.setattr(sitemaps.ArtifactSitemap, "limit", 2)
    for n in range(5):
        ArtifactFactory(slug=f"tool-{n}")
    assert sitemap_locs(client, "/sitemap.xml") == [
        "/sitemap-pages.xml",
        "/sitemap-artifacts.xml",
        "/sitemap-artifacts.xml?p=2",
        "/sitemap-artifacts.xml?p=3",
        "/sitemap-comparisons.xml",
    ]
    assert [sitemap_locs(client, f"/sitemap-artifacts.xml?p={p}") for p in (1, 2, 3)] == [
        ["/artifacts/tool-0/", "/artifacts/tool-1/"],
        ["/artifacts/tool-2/", "/artifacts/tool-3/"],
        ["/artifacts/tool-4/"],
    ]


@pytest.mark.parametrize(
    "query",
    ["p=x", "p=0", "p=-1", "p=01", "p=+1", "p=%201", "p=1.5", "p=9" * 30, "p=1&p=1", "p=1&x=y"],
)
def test_a_page_not_written_as_the_index_writes_it_is_not_found_before_anything_is_read(
    client, monkeypatch, query
):
    """Django's paginator reads every pair before it checks the page number, and a 404 is
    not cached: such requests must cost nothing."""
    monkeypatch.setattr(sitemaps, "sitemap_pairs_get", _never_called)
    ArtifactFactory(slug="tool")
    for section in ("artifacts", "comparisons"):
        assert client.get(f"/sitemap-{section}.xml?{query}").status_code == 404, section


def _never_called():
    raise AssertionError("the pairs were read")


def test_the_single_page_of_comparisons_is_its_only_page(client, monkeypatch):
    monkeypatch.setattr(sitemaps, "sitemap_pairs_get", _never_called)
    assert client.get("/sitemap-comparisons.xml?p=2").status_code == 404
    assert client.get("/sitemap-nothing.xml").status_code == 404
    assert client.post("/sitemap-artifacts.xml").status_code == 405


def test_the_first_page_can_be_asked_for_by_number(client):
    ArtifactFactory(slug="tool")
    assert sitemap_locs(client, "/sitemap-artifacts.xml?p=1") == ["/artifacts/tool/"]
    assert client.get("/sitemap-artifacts.xml?p=2").status_code == 404


def test_the_index_dates_each_section_by_its_latest_change(client):
    _two_dated_artifacts()
    with CaptureQueriesContext(connection) as queries:
        body = client.get("/sitemap.xml").content.decode()
    # The artifacts' latest date in one query, not a read of every artifact.
    every_row = [
        q["sql"]
        for q in queries.captured_queries
        if q["sql"].startswith('SELECT "catalog_artifact"."slug" AS "slug"')
    ]
    assert every_row == []
    for section in ("artifacts", "comparisons"):
        entry = body.split(f"/sitemap-{section}.xml</loc>")[1].split("</sitemap>")[0]
        assert "<lastmod>2025-05-06" in entry, section


def _squeezed(xml: str) -> str:
    return re.sub(r">\s+<", "><", xml).strip()


@pytest.mark.parametrize("time_zone", ["UTC", "America/New_York"])
def test_each_section_says_what_djangos_own_sitemap_template_says(client, settings, time_zone):
    """The sections are drawn by a Jinja2 template of ours (templates/jinja2/sitemaps/),
    for speed: what it says is what Django's own sitemap.xml says, dates included, in the
    site's time zone (02:00 UTC is the day before in New York)."""
    settings.TIME_ZONE = time_zone
    _two_dated_artifacts(b_slug="b_b", a_hour=2)
    django_sitemap = get_template("sitemap.xml", using="django")
    for section, sitemap in sitemaps.SITEMAPS.items():
        ours = client.get(f"/sitemap-{section}.xml").content.decode()
        assert ours.startswith('<?xml version="1.0" encoding="UTF-8"?>'), section
        urlset = sitemap().get_urls(site=SimpleNamespace(domain="testserver"), protocol="http")
        assert _squeezed(ours) == _squeezed(django_sitemap.render({"urlset": urlset})), section
    day = "2025-03-03" if time_zone == "America/New_York" else "2025-03-04"
    assert f"/artifacts/aa/</loc><lastmod>{day}</lastmod>" in _squeezed(
        client.get("/sitemap-artifacts.xml").content.decode()
    )


def test_robots(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Disallow: /admin/" in lines and "Disallow: /search/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines


def test_shared_tag_pairs_are_sought_among_the_highest_ranked(monkeypatch):
    monkeypatch.setattr("comparisons.compare.pairs.SHARED_TAG_POOL", 3)
    tags = [TagFactory(slug=f"t{i}") for i in range(3)]
    # The two lowest-ranked share every tag; the three highest share one.
    for slug, rank, shared in (("top", 90, 1), ("mid", 80, 1), ("low", 70, 1)):
        CapabilityFactory(artifact=ArtifactFactory(slug=slug, rank=rank), tags=tags[:shared])
    for slug in ("under-1", "under-2"):
        CapabilityFactory(artifact=ArtifactFactory(slug=slug, rank=10), tags=tags)
    pairs = {(p.a_slug, p.b_slug) for p in shared_tag_pairs_get()}
    assert pairs == {("mid", "top"), ("low", "top"), ("low", "mid")}
