"""The catalog version and the facts version (catalog/versioning.py): a ranks-only bump
moves the first only; search statistics are reused across it and recounted after any
other committed write."""

import uuid
from dataclasses import dataclass

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from catalog.versioning import catalog_version_bump, catalog_version_get, catalog_versions_get
from tests.factories import ArtifactFactory, CapabilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["database", "file"])
def store(request, settings, tmp_path):
    local = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": f"test-{uuid.uuid4().hex}",
    }
    settings.CACHES = {
        "default": local,
        "derived": local,
        "catalog_version": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "catalog_version_cache",
        },
    }
    settings.CATALOG_VERSION_STORE = request.param
    settings.VAR_DIR = tmp_path
    return request.param


def test_ranks_only_bump_keeps_the_facts_version(store, django_capture_on_commit_callbacks):
    version, facts = catalog_versions_get()
    assert catalog_version_get() == version
    with django_capture_on_commit_callbacks(execute=True):
        catalog_version_bump(ranks_only=True)
    ranked, same_facts = catalog_versions_get()
    assert ranked != version and same_facts == facts
    with django_capture_on_commit_callbacks(execute=True):
        catalog_version_bump()
    bumped, new_facts = catalog_versions_get()
    assert bumped not in (version, ranked) and new_facts != facts
    assert catalog_version_get() == bumped


def test_a_rolled_back_bump_moves_nothing(store):
    before = catalog_versions_get()
    catalog_version_bump(ranks_only=True)  # its transaction (the test's) never commits
    catalog_version_bump()
    assert catalog_versions_get() == before


def test_an_unreadable_store_reuses_nothing(settings):
    dead = {"BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0"}  # fmt: skip
    settings.CACHES = {"default": dead, "catalog_version": dead}
    settings.CATALOG_VERSION_STORE = "redis"
    assert catalog_versions_get() is None


@dataclass(frozen=True)
class SearchQueries:
    queries: int
    counts: int  # statements counting documents over the catalog (corpus statistics)


def _search_queries(client, query: str) -> SearchQueries:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/search/", {"q": query}).status_code == 200
    sqls = [q["sql"].lower() for q in captured.captured_queries]
    counts = sum(sql.count("count(") for sql in sqls if "catalog_capability" in sql)
    return SearchQueries(queries=len(sqls), counts=counts)


def test_search_statistics_survive_a_ranks_only_bump(
    client, settings, store, django_capture_on_commit_callbacks
):
    settings.CATALOG_DERIVED_CACHE = True
    with django_capture_on_commit_callbacks(execute=True):
        artifact = ArtifactFactory(slug="scribe", name="Scribe")
        CapabilityFactory(artifact=artifact, title="Transcribes podcasts into text")
    first = _search_queries(client, "transcribe podcasts")
    with django_capture_on_commit_callbacks(execute=True):
        catalog_version_bump(ranks_only=True)
    after_ranks = _search_queries(client, "transcribe podcasts")
    with django_capture_on_commit_callbacks(execute=True):
        catalog_version_bump()
    after_edit = _search_queries(client, "transcribe podcasts")
    # Reused across the ranks-only bump, counted again after the other one (a bump that
    # names nothing: every term is counted again whole, as the first time).
    assert after_ranks.counts == 0
    assert after_edit.counts == first.counts > 0
    assert after_ranks.queries < after_edit.queries
