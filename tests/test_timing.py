"""The Server-Timing header (config/timing.py): where a response's time went, and how a
search got its ranking, as `make bench` reports it beside a request over budget."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.versioning import catalog_version_bump
from comparisons.browse.snapshot import browse_snapshot_forget
from config import timing
from config.timing import Metric, timing_header, timing_note, timing_span
from tests.factories import CapabilityFactory


def _timing(response) -> dict[str, tuple[str, float | None]]:
    """{name: (description, milliseconds)} of the response's Server-Timing header."""
    found = {}
    for entry in re.findall(
        r'(\w[\w-]*)((?:;desc="(?:[^"\\]|\\.)*")?(?:;dur=[\d.]+)?)', response["Server-Timing"]
    ):
        name, rest = entry
        description = re.search(r'desc="((?:[^"\\]|\\.)*)"', rest)
        duration = re.search(r"dur=([\d.]+)", rest)
        found[name] = (
            description.group(1) if description else "",
            float(duration.group(1)) if duration else None,
        )
    return found


def test_the_header_escapes_descriptions_and_gives_milliseconds():
    header = timing_header(
        [
            Metric("total", seconds=0.0123),
            Metric("note", 'say "hi" \\ bye'),
            Metric("db", "2 queries", 0),
        ]
    )
    assert (
        header == 'total;dur=12.3, note;desc="say \\"hi\\" \\\\ bye", db;desc="2 queries";dur=0.0'
    )


@pytest.mark.django_db
def test_notes_outside_a_request_go_nowhere(client, settings):
    # The task worker and management commands run the same code: nothing may pile up.
    timing_note("stray", description="from a command")
    with timing_span("stray-span"):
        pass
    assert timing._metrics.get() is None  # nothing held for them
    settings.SERVER_TIMING = True
    assert "stray" not in _timing(client.get("/healthz"))


@pytest.mark.django_db
def test_no_header_unless_turned_on(client, settings):
    settings.SERVER_TIMING = False
    assert "Server-Timing" not in client.get("/healthz")


@pytest.mark.django_db
def test_the_database_time_counts_every_query_of_the_request(client, settings):
    settings.SERVER_TIMING = True
    CapabilityFactory(title="Zorblat helper")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "zorblat"})
    timing = _timing(response)
    assert len(queries) > 1
    assert timing["db"][0] == f"{len(queries)} queries"
    assert 0 < timing["db"][1] <= timing["total"][1]
    # One query: said in the singular.
    assert _timing(client.get("/healthz"))["db"][0] == "1 query"


@pytest.mark.django_db(transaction=True)
def test_a_search_says_how_it_got_its_ranking(client, settings, derived_cache):
    settings.SERVER_TIMING = True
    CapabilityFactory(title="Zorblat helper")
    elsewhere = CapabilityFactory(title="Quixotic widget")

    def timing(**more) -> dict:
        found = _timing(client.get("/search/", {"q": "zorblat", **more}))
        assert found["page"] == ("rendered", None)
        return found

    def ranking(**more) -> str:
        return timing(**more)["ranking"][0]

    first = timing()
    assert first["ranking"][0] == "computed (none kept in this process)"
    assert first["candidates"] == ("any term: read whole", None)
    # The term and the document count, in the shared table from now on.
    assert first["stats"][0] == (
        "0 current, 0 patched from 0 buckets, 2 counted whole (2 never counted, 0 not patchable)"
    )
    # The same page again is answered as it was rendered; another page of the same
    # search reads the ranking kept.
    again = _timing(client.get("/search/", {"q": "zorblat"}))
    assert again["page"] == ("kept for this catalog version", None)
    assert "ranking" not in again
    assert ranking(page="1") == "kept for this catalog version"
    with transaction.atomic():
        elsewhere.artifact.summary = "Edited by an editor."
        elsewhere.artifact.save()
    carried = timing()
    assert carried["ranking"][0] == "carried past the edits"
    # An artifact's own fields: no document changed, no bucket is counted again.
    assert carried["stats"][0] == (
        "0 current, 2 patched from 0 buckets, 0 counted whole (0 never counted, 0 not patchable)"
    )
    with transaction.atomic():
        elsewhere.title = "Zorblat widget"
        elsewhere.save()
    # Only PostgreSQL ranks each document by itself alone: only there are the kept
    # candidates patched (comparisons/search/service.py, _candidates_patched).
    patched = "kept, edited artifacts read again"
    moved = timing()
    assert moved["ranking"][0] == "computed (the term statistics changed)"
    assert moved["candidates"][0] == (
        f"any term: {patched if connection.vendor == 'postgresql' else 'read whole'}"
    )
    # A write the journal cannot detail (a bulk load's): every term is counted whole.
    catalog_version_bump()
    bulk = timing()
    assert bulk["stats"][0] == (
        "0 current, 0 patched from 0 buckets, 2 counted whole (0 never counted, 2 not patchable)"
    )
    assert bulk["ranking"][0] == "computed (the journal cannot say what changed)"


@pytest.mark.django_db(transaction=True)
def test_the_catalog_says_how_its_snapshot_was_had(client, settings, derived_cache):
    settings.SERVER_TIMING = True
    artifact = CapabilityFactory(title="Zorblat helper").artifact
    browse_snapshot_forget()

    def snapshot() -> tuple[str, float | None] | None:
        return _timing(client.get("/artifacts/")).get("snapshot")

    assert snapshot()[0] == "built whole"
    assert snapshot() is None  # the same version: the process's own, nothing to say
    with transaction.atomic():
        artifact.summary = "Edited by an editor."
        artifact.save()
    assert snapshot()[0] == "rows patched in place"  # its place kept
    catalog_version_bump()  # a write the journal cannot detail
    assert snapshot()[0] == "not patchable: built whole"
