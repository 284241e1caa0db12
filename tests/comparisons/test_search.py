"""Search on the demo catalog and the search page; runs on SQLite and on PostgreSQL.

The pinned top-3 lists are the same for both backends: that is the check that the two agree.
If the demo catalog changes, re-pin them from either backend and run the suite on both.
"""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import Artifact, Tag
from comparisons.models import SearchEvent
from comparisons.search.normalise import QUERY_MAX_LENGTH
from comparisons.search.service import search_run
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/131.0"

TOP3 = {
    "generate images from text": ["flux-1-schnell", "imagen-3", "flux-1-pro"],
    "transcribe audio": ["deepgram", "assemblyai", "whisper-large-v3"],
    # Cheapest first by the price per token; open-source models list none (hosting costs
    # vary), so they come after every known price.
    "cheap model with a long context window": [
        "qwen3-5-flash",
        "gpt-4o-mini",
        "gemini-2-5-flash",
    ],
}


@pytest.fixture
def small_catalog(db):
    for title, tag in [
        ("Transcribes audio to text", "speech-to-text"),
        ("Generates images from text prompts", "image-generation"),
        ("Writes C++ and text-to-speech glue code", "code-generation"),
    ]:
        CapabilityFactory(
            title=title,
            description=f'{title}, with NEAR and OR and quotes " in the text.',
            tags=[TagFactory(slug=tag, name=tag.replace("-", " "))],
        )


def _top(query: str, n: int = 3) -> list[Artifact]:
    outcome = search_run(query=query)
    return [r.artifact for r in outcome.results[:n]]


def test_demo_catalog_rankings(demo_catalog):
    # One test, one demo catalog load: loading it dominates the time of every check below.
    for query, expected in TOP3.items():
        # As sets: equal scores are ordered by UnfragileRank, whose freshness part moves
        # with today's date (the same on both backends, but not the same every month).
        assert {a.slug for a in _top(query)} == set(expected), query

    assert all("image" in a.output_modalities for a in _top("generate images from text"))

    speech_to_text = Tag.objects.get(slug="speech-to-text")
    for artifact in _top("transcribe audio"):
        assert "audio" in artifact.input_modalities and "text" in artifact.output_modalities
        assert artifact.capabilities.filter(tags=speech_to_text).exists()

    for artifact in _top("cheap model with a long context window"):
        assert artifact.kind == "model"
        assert artifact.output_modalities == ["text"]
        assert artifact.context_length and artifact.context_length >= 128_000

    # Names with typos still find the artifact (trigram similarity).
    for query, slug in [("flx pro", "flux-1-pro"), ("qwen flash", "qwen3-5-flash"),
                        ("gpt-4o", "gpt-4o")]:  # fmt: skip
        assert _top(query, 1)[0].slug == slug, query

    # A compound is one term: "no-code" is not about code.
    assert _top("no-code", 1)[0].slug == "n8n"

    # "model" is a kind word: only models, until the chip is dropped.
    models = search_run(query="model")
    assert [c.key for c in models.constraints] == ["kind:model"]
    assert models.kind_counts == {"model": models.total}
    everything = search_run(query="model", drop=["kind:model"])
    assert everything.constraints == [] and [c.key for c in everything.dropped] == ["kind:model"]
    assert everything.total > models.total

    # Filters narrow the results; the filter counts describe the unfiltered results.
    only_apps = search_run(query="model", kind="app", drop=["kind:model"])
    assert 0 < only_apps.total < everything.total
    assert all(r.artifact.kind == "app" for r in only_apps.results)
    assert only_apps.kind_counts == everything.kind_counts
    second = search_run(query="model", page_number=2, drop=["kind:model"])
    assert second.page.number == 2
    assert not {r.artifact.pk for r in second.results} & {r.artifact.pk for r in everything.results}
    assert search_run(query="model", page_number="not-a-number").page.number == 1

    # The demo's own complaints: image generation is images only, Imagen above any text
    # model; running locally is open weights, not an MCP server.
    fast = search_run(query="fast image generation")
    assert fast.total == 10
    assert all("image" in r.artifact.output_modalities for r in fast.results)
    assert all(
        r.artifact.slug != "github-mcp-server"
        for r in search_run(query="run a model locally").results
    )


# ---- the index stays in sync with catalog edits ------------------------------------------


@pytest.mark.django_db
def test_index_follows_capability_and_tag_edits():
    artifact = ArtifactFactory(name="Zephyrine")
    tag = TagFactory(name="Quokka wrangling", slug="quokka-wrangling")
    capability = CapabilityFactory(artifact=artifact, title="Herds marsupials", tags=[tag])
    assert _top("marsupials", 1) == [artifact]
    assert _top("quokka", 1) == [artifact]  # tag names are searchable

    tag.name = "Wombat wrangling"
    tag.save()
    assert _top("quokka") == [] and _top("wombat", 1) == [artifact]

    capability.tags.clear()
    assert _top("wombat") == []
    capability.title = "Counts kangaroos"
    capability.save()
    assert _top("marsupials") == [] and _top("kangaroos", 1) == [artifact]

    capability.status = "draft"
    capability.save()
    assert _top("kangaroos") == []  # drafts are never found
    capability.status = "published"
    capability.save()
    artifact.status = "archived"
    artifact.save()
    assert _top("kangaroos") == []
    artifact.status = "published"
    artifact.save()
    capability.delete()
    assert _top("kangaroos") == []


@pytest.mark.django_db
def test_highlights_are_escaped(client):
    artifact = ArtifactFactory(name="Escaper")
    CapabilityFactory(
        artifact=artifact,
        title="<script>alert(1)</script> transcribes audio",
        description="Audio in, <b>text</b> out.",
    )
    body = client.get("/search/", {"q": "transcribes audio"}).content.decode()
    assert "<script>alert(1)" not in body
    assert "&lt;script&gt;" in body
    assert "<mark>" in body.lower()


# ---- the page ----------------------------------------------------------------------------


def test_search_page_renders_results_and_records_once(small_catalog, client):
    url = reverse("search")
    response = client.get(url, {"q": "transcribe audio"}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    body = response.content.decode()
    found = Artifact.objects.get(capabilities__title="Transcribes audio to text")
    assert found.name in body and "<mark>" in body
    assert 'hx-trigger="input changed delay:300ms"' in body
    assert 'name="robots" content="noindex"' in body
    assert reverse("search_choose", args=[found.slug]) in body
    assert response["Vary"].count("HX-Request") == 1
    client.get(url, {"q": "Transcribe  audio!", "page": 2}, HTTP_USER_AGENT=BROWSER)
    assert SearchEvent.objects.count() == 1


def test_search_page_query_count(small_catalog, client, django_assert_max_num_queries):
    # Uncached (as in every test), the reads are the document count and each term's
    # frequency (one statement on SQLite, one each on PostgreSQL), the candidates and their
    # per-term fields (one query on PostgreSQL, two on SQLite), names, the page and its
    # highlights; then the recording: a read for a repeat without a lock first, then a new
    # intent costs a savepoint more than a known one, and the hourly per-client cap costs a
    # count (plus its advisory lock on PostgreSQL).
    # The parsed constraints (input audio, output text) add the catalog's name families,
    # the artifacts meeting them, and the candidates' facts and tags. The capabilities'
    # chosen-result rates (the match-graph prior) come with the candidates.
    # Reused counts and rankings: test_search_scale.py.
    with django_assert_max_num_queries(26):
        response = client.get("/search/", {"q": "transcribe audio"}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    with django_assert_max_num_queries(23):
        client.get("/search/", {"q": "transcribe audio"}, HTTP_USER_AGENT=BROWSER + " 2")
    assert SearchEvent.objects.count() == 2
    with django_assert_max_num_queries(12):
        client.get("/search/", {"q": "generate images from text"})  # not recorded: no agent


def test_htmx_gets_the_partial_and_live_typing_is_not_evidence(small_catalog, client):
    response = client.get(
        "/search/",
        {"q": "transcr"},
        HTTP_USER_AGENT=BROWSER,
        HTTP_HX_REQUEST="true",
        HTTP_HX_TRIGGER="search-q",
        HTTP_HX_TRIGGER_NAME="q",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body and "search-result" in body
    # The filter counts follow the live results as out-of-band option swaps.
    assert 'id="search-kind-model" value="model" hx-swap-oob="true">Model (1)' in body
    assert SearchEvent.objects.count() == 0
    restore = client.get(
        "/search/",
        {"q": "transcr"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_HISTORY_RESTORE_REQUEST="true",
    )
    assert "<html" in restore.content.decode()


def test_empty_query_suggests_what_to_try(db, client):
    body = client.get("/search/").content.decode()
    assert "Try one of these" in body
    nothing = client.get("/search/", {"q": "zzzqqq"}).content.decode()
    assert "Nothing matched" in nothing and "browse the catalog" in nothing


HOSTILE = [
    "",
    "   ",
    '"',
    "'",
    "c++",
    "gpt-4o",
    "text-to-speech",
    "*",
    "OR",
    "AND NOT",
    "NEAR(",
    "NEAR(a b, 2)",
    "title:foo",
    "{title} : x",
    "a AND (b OR",
    "'; DROP TABLE catalog_artifact; --",
    "1 OR 1=1",
    "%",
    "_",
    "\\",
    "a\x00b",
    "\x00",
    "😀 🎉 👩‍👩‍👧",
    "مرحبا بالعالم",
    "\u202etxet esrever\u202c",
    "transcr*",
    "x" * QUERY_MAX_LENGTH,
    "fake:* & !'x'",
    "<->",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_answer_normally(small_catalog, client, query):
    response = client.get("/search/", {"q": query}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    htmx = client.get("/search/", {"q": query}, HTTP_HX_REQUEST="true")
    assert htmx.status_code == 200


def test_overlong_query_is_a_clear_400(db, client):
    response = client.get("/search/", {"q": "x" * 10_000})
    assert response.status_code == 400
    assert f"limited to {QUERY_MAX_LENGTH} characters" in response.content.decode()
    assert client.get("/search/", {"q": "x" * (QUERY_MAX_LENGTH + 1)}).status_code == 400


def test_unknown_filter_is_a_clear_400(db, client):
    response = client.get("/search/", {"q": "audio", "kind": "spaceship"})
    assert response.status_code == 400
    assert "filter does not exist" in response.content.decode()


def test_only_get(db, client):
    assert client.post("/search/", {"q": "x"}).status_code == 405


@pytest.mark.django_db
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(query=st.text(max_size=QUERY_MAX_LENGTH + 20), page=st.text(max_size=5))
def test_random_text_never_fails(client, query, page):
    CapabilityFactory(title="Transcribes audio to text", description="Speech in, text out.")
    response = client.get("/search/", {"q": query, "page": page}, HTTP_USER_AGENT=BROWSER)
    if len(query) > QUERY_MAX_LENGTH:
        assert response.status_code == 400
    else:
        assert response.status_code == 200


@pytest.mark.django_db
def test_compound_terms_match_the_compound_not_its_parts():
    builder = ArtifactFactory(name="Canvasly")
    CapabilityFactory(
        artifact=builder, title="Workflow canvas", description="A no-code canvas for automations."
    )
    for i in range(3):
        CapabilityFactory(
            artifact=ArtifactFactory(name=f"Bugfixer {i}"),
            title="Writes code",
            description="An agent that writes code and fixes bugs, no questions asked.",
        )
    speech = ArtifactFactory(name="Narrator")
    CapabilityFactory(artifact=speech, title="Text to speech", description="Reads text aloud.")
    listener = ArtifactFactory(name="Listener")
    CapabilityFactory(
        artifact=listener, title="Speech to text", description="Transcribes speech to text."
    )
    assert _top("no-code", 10) == [builder]
    assert _top("No-Code canvas", 10) == [builder]
    # Spelled with or without hyphens in the text, a compound matches in its own order.
    assert _top("text-to-speech", 10) == [speech]
    assert _top("speech-to-text", 10) == [listener]
