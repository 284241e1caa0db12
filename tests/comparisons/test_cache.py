"""Whole-page caching: exact invalidation on committed catalog edits, on both backends."""

import uuid

import pytest
from django.core.cache import caches
from django.test import Client, RequestFactory
from django.urls import reverse

from catalog.models import Capability
from catalog.redis_tokens import redis_tokens_server_reads
from catalog.versioning import VERSION_CACHE, catalog_version_bump, catalog_version_get
from comparisons.caching.pages import page_cache_key, response_storable
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory

pytestmark = pytest.mark.django_db

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_answers() -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(REDIS_URL, socket_connect_timeout=0.3).ping())
    except Exception:
        return False


def _backend(name: str) -> dict:
    if name == "redis":
        # A prefix of its own per test: nothing leaks between tests or parallel runs.
        redis = {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
        # Pages in Redis with each worker's copies in its memory in front, as in production.
        local = {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        }
        return {"default": redis, "catalog_version": redis, "pages_local": local}
    return {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"test-{uuid.uuid4().hex}",
        },
        "catalog_version": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "catalog_version_cache",
        },
    }


@pytest.fixture(
    params=[
        "locmem",
        "file",
        pytest.param(
            "redis",
            marks=pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379"),
        ),
    ]
)
def page_cache(request, settings, tmp_path):
    """Pages in local memory with the version in the database or a file, or both in Redis."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = _backend(request.param)
    settings.CATALOG_VERSION_STORE = {"locmem": "database", "file": "file"}.get(
        request.param, "redis"
    )
    settings.PAGE_CACHE_LOCAL_ALIAS = "pages_local" if request.param == "redis" else None
    settings.VAR_DIR = tmp_path
    return request.param


@pytest.fixture
def pair():
    tag = TagFactory(slug="chat", name="Chat")
    a = ArtifactFactory(slug="alpha", name="Alpha", rank=40)
    b = ArtifactFactory(slug="beta", name="Beta", rank=70)
    capability = CapabilityFactory(artifact=a, title="Alpha chats politely", tags=[tag])
    CapabilityFactory(artifact=b, title="Beta chats", tags=[tag])
    return a, b, capability


COMPARE = "/compare/alpha-vs-beta/"


def _capability_form(capability: Capability, **changes) -> dict:
    data = {
        "artifact": capability.artifact_id,
        "title": capability.title,
        "description": capability.description,
        "unique": capability.unique,
        "vs_alternatives": capability.vs_alternatives,
        "best_for": capability.best_for,
        "limitations": capability.limitations,
        "input_types": capability.input_types,
        "output_types": capability.output_types,
        "tags": [t.pk for t in capability.tags.all()],
        "position": capability.position,
        "status": capability.status,
    }
    data.update(changes)
    return data


def test_admin_edit_shows_on_the_very_next_request(
    page_cache, pair, editor_client, django_capture_on_commit_callbacks
):
    visitor = Client()
    first = visitor.get(COMPARE)
    assert first.status_code == 200
    assert first["X-Cache"] == "miss"
    assert "Alpha chats politely" in first.content.decode()
    again = visitor.get(COMPARE)
    assert again["X-Cache"] == "hit"
    assert again.content == first.content

    capability = pair[2]
    url = reverse("admin:catalog_capability_change", args=[capability.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            url, _capability_form(capability, title="Alpha chats in rhyme")
        )
    assert response.status_code == 302, response.content.decode()[:2000]

    after = visitor.get(COMPARE)
    assert after["X-Cache"] == "miss"
    body = after.content.decode()
    assert "Alpha chats in rhyme" in body
    assert "Alpha chats politely" not in body


def test_tag_change_and_delete_invalidate(page_cache, pair, django_capture_on_commit_callbacks):
    visitor = Client()
    visitor.get(COMPARE)
    assert visitor.get(COMPARE)["X-Cache"] == "hit"
    capability = pair[2]
    with django_capture_on_commit_callbacks(execute=True):
        capability.tags.add(TagFactory(slug="reasoning", name="Reasoning"))
    assert visitor.get(COMPARE)["X-Cache"] == "miss"
    assert visitor.get(COMPARE)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        capability.delete()
    after = visitor.get(COMPARE)
    assert after["X-Cache"] == "miss"
    assert "Alpha chats politely" not in after.content.decode()


def test_explicit_bump_for_bulk_writes(page_cache, pair, django_capture_on_commit_callbacks):
    visitor = Client()
    visitor.get(COMPARE)
    # QuerySet.update sends no signal: bulk writers call the service.
    with django_capture_on_commit_callbacks(execute=True):
        Capability.objects.filter(pk=pair[2].pk).update(title="Alpha chats in bulk")
    assert visitor.get(COMPARE)["X-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        catalog_version_bump()
    after = visitor.get(COMPARE)
    assert after["X-Cache"] == "miss"
    assert "Alpha chats in bulk" in after.content.decode()


def test_bump_waits_for_commit(page_cache, db):
    before = catalog_version_get()
    catalog_version_bump()
    # The test's transaction never commits, so the bump never runs: a write that rolls
    # back invalidates nothing.
    assert catalog_version_get() == before


def test_htmx_fragment_and_query_string_are_separate_entries(page_cache, pair):
    visitor = Client()
    full = visitor.get(COMPARE)
    fragment = visitor.get(
        COMPARE, {"all": "a"}, headers={"HX-Request": "true", "HX-Target": "caps-a"}
    )
    assert fragment["X-Cache"] == "miss"
    assert b"<html" not in fragment.content and b"<html" in full.content
    hit = visitor.get(COMPARE, {"all": "a"}, headers={"HX-Request": "true", "HX-Target": "caps-a"})
    assert hit["X-Cache"] == "hit" and hit.content == fragment.content
    # The same path without the htmx headers is the full page, never the fragment.
    page = visitor.get(COMPARE, {"all": "a"})
    assert page["X-Cache"] == "miss" and b"<html" in page.content
    assert "HX-Request" in page["Vary"]


def test_catalog_page_and_fragment(page_cache, pair):
    visitor = Client()
    url = reverse("artifact_list")
    page = visitor.get(url, {"kind": "model"})
    assert page.status_code == 200 and page["X-Cache"] == "miss"
    assert visitor.get(url, {"kind": "model"})["X-Cache"] == "hit"
    fragment = visitor.get(url, {"kind": "model"}, headers={"HX-Request": "true"})
    assert fragment["X-Cache"] == "miss"
    assert fragment.content != page.content
    assert visitor.get(url, {"kind": "model"}, headers={"HX-Request": "true"})["X-Cache"] == "hit"


def test_logged_in_editors_bypass_the_cache(page_cache, pair, editor_client):
    response = editor_client.get(COMPARE)
    assert response.status_code == 200
    assert "X-Cache" not in response
    # Nor do their pages land in the cache for visitors.
    assert Client().get(COMPARE)["X-Cache"] == "miss"


def test_search_and_unknown_pages_are_never_cached(page_cache, pair):
    visitor = Client()
    assert "X-Cache" not in visitor.get("/search/", {"q": "chat"})
    # A 404 is looked up (its URL could have been a page) but never stored.
    visitor.get("/compare/alpha-vs-nothing/")
    assert visitor.get("/compare/alpha-vs-nothing/")["X-Cache"] == "miss"
    assert "X-Cache" not in visitor.get(reverse("home"))


def test_cached_pages_carry_no_per_request_secrets(page_cache, pair):
    visitor = Client()
    for url in [COMPARE, "/artifacts/alpha/", reverse("artifact_list"), reverse("methodology")]:
        response = visitor.get(url)
        assert response.status_code == 200, url
        assert response["X-Cache"] == "miss", url
        body = response.content.decode()
        assert "csrfmiddlewaretoken" not in body and "nonce" not in body, url
        assert not response.cookies, url
        assert "Content-Security-Policy" in response


def test_responses_with_visitor_state_are_not_stored(rf: RequestFactory):
    from django.http import HttpResponse

    request = rf.get("/compare/alpha-vs-beta/")
    plain = HttpResponse("ok")
    plain["Vary"] = "HX-Request, HX-Target"
    assert response_storable(request=request, response=plain)

    with_cookie = HttpResponse("ok")
    with_cookie.set_cookie("csrftoken", "x")
    assert not response_storable(request=request, response=with_cookie)

    per_visitor = HttpResponse("ok")
    per_visitor["Vary"] = "Cookie"
    assert not response_storable(request=request, response=per_visitor)

    private = HttpResponse("ok")
    private["Cache-Control"] = "private"
    assert not response_storable(request=request, response=private)

    assert not response_storable(request=request, response=HttpResponse("x", status=404))


def test_key_varies_on_host_query_and_htmx_headers(rf: RequestFactory):
    base = page_cache_key(request=rf.get("/artifacts/?kind=model"), version="v1")
    assert base != page_cache_key(request=rf.get("/artifacts/?kind=app"), version="v1")
    assert base != page_cache_key(request=rf.get("/artifacts/?kind=model"), version="v2")
    assert base != page_cache_key(
        request=rf.get("/artifacts/?kind=model", headers={"HX-Request": "true"}), version="v1"
    )
    assert base != page_cache_key(
        request=rf.get("/artifacts/?kind=model", headers={"host": "127.0.0.1"}), version="v1"
    )


def test_an_unreachable_version_store_only_costs_the_cache(settings, pair):
    settings.PAGE_CACHE_ENABLED = True
    dead = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
    settings.CACHES = {"default": dead, "catalog_version": dead}
    settings.CATALOG_VERSION_STORE = "redis"
    response = Client().get(COMPARE)
    assert response.status_code == 200
    assert "X-Cache" not in response


def test_a_hit_costs_one_query_for_the_version(
    settings, pair, django_assert_num_queries, page_cache
):
    visitor = Client()
    visitor.get(COMPARE)
    expected = 1 if page_cache == "locmem" else 0  # the version's query, on the database
    with django_assert_num_queries(expected):
        assert visitor.get(COMPARE)["X-Cache"] == "hit"


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379")
def test_with_redis_a_repeated_hit_makes_no_round_trip(
    settings, pair, rf, django_capture_on_commit_callbacks
):
    """The version comes from the copy Redis keeps exact, the page from the worker's memory:
    with the page gone from Redis and no read of the version, the hit is still served; an
    edit still makes the next request a miss."""
    settings.PAGE_CACHE_ENABLED = True
    settings.CACHES = _backend("redis")
    settings.CATALOG_VERSION_STORE = "redis"
    settings.PAGE_CACHE_LOCAL_ALIAS = "pages_local"
    visitor = Client()
    assert visitor.get(COMPARE)["X-Cache"] == "miss"
    version = catalog_version_get()
    reads = redis_tokens_server_reads(alias=VERSION_CACHE)
    shared = page_cache_key(
        request=rf.get(COMPARE, headers={"host": "testserver"}), version=version
    )
    assert caches["default"].delete(shared)  # the page was in Redis; now only in memory
    assert visitor.get(COMPARE)["X-Cache"] == "hit"
    assert redis_tokens_server_reads(alias=VERSION_CACHE) == reads

    with django_capture_on_commit_callbacks(execute=True):
        Capability.objects.filter(artifact__slug="alpha").update(title="Alpha now sings")
        catalog_version_bump()
    response = visitor.get(COMPARE)
    assert response["X-Cache"] == "miss"
    assert "Alpha now sings" in response.content.decode()
