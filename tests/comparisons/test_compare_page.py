"""The comparison page: URLs, every part of the seed page, HTMX fragments, structured data."""

import json
import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Capability
from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    IntentFactory,
    PairEvidenceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

SEED = "/compare/flux-1-pro-vs-qwen3-5-flash/"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def text_of(body: str) -> str:
    """Visible-ish text: tags removed, whitespace folded."""
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def jsonld(body: str) -> dict:
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return json.loads(block.group(1))


def published_count(slug: str) -> int:
    return Capability.objects.published().filter(artifact__slug=slug).count()


def fact_row(body: str, label: str) -> str:
    match = re.search(rf'<th scope="row">{re.escape(label)}.*?</tr>', body, re.S)
    assert match, f"no facts row {label!r}"
    return text_of(match.group(0))


@pytest.fixture
def pair():
    tag = TagFactory(slug="chat", name="Chat")
    a = ArtifactFactory(slug="alpha", name="Alpha", rank=40)
    b = ArtifactFactory(slug="beta", name="Beta", rank=70)
    CapabilityFactory(artifact=a, title="Alpha chats", tags=[tag])
    CapabilityFactory(artifact=b, title="Beta chats", tags=[tag])
    return a, b


# --- the seed pair, with the demo catalog ---------------------------------------------------


def test_seed_pair_renders_every_part(client, demo_catalog):
    body = html(client.get(SEED))
    text = text_of(body)
    assert "<title>FLUX.1 [pro] vs Qwen3.5-Flash" in body
    h1 = text_of(re.search(r"<h1>.*?</h1>", body, re.S).group(0)).strip()
    assert h1 == "FLUX.1 [pro] vs Qwen3.5-Flash"
    # An image model and a text model: their ranks come from different groups.
    assert re.search(
        r"FLUX\.1 \[pro\] \(\d+/100 among models: image generation\) and Qwen3\.5-Flash "
        r"\(\d+/100 among models: text\) are ranked in different groups",
        text,
    )
    for label in [
        "Type", "UnfragileRank", "Adoption", "Quality", "Ecosystem", "Match Graph",
        "Pricing", "Starting Price", "Capabilities", "Times Matched",
    ]:  # fmt: skip
        fact_row(body, label)
    price_row = fact_row(body, "Starting Price")
    # The readable form leads, the seed's exact form sits beside it.
    assert price_row.index("$0.065 / 1M input tokens") < price_row.index(
        "$6.50e-8 per prompt token"
    )
    capabilities = fact_row(body, "Capabilities")
    assert re.search(r"\d+ decomposed \d+ decomposed", capabilities)
    assert "better" not in capabilities  # more capabilities written down is not better
    assert "Unique:" in text and "vs alternatives:" in text
    flux_count = published_count("flux-1-pro")
    assert flux_count > 5
    assert f"+{flux_count - 5} more capabilit" in text
    assert "Verdict" in text
    assert "These do different jobs" in text
    assert "Need something different?" in text and "Search the match graph" in text
    assert re.search(r'href="/search/\?q=[^"]+"', body)
    assert "Related comparisons" in text
    assert 'aria-label="Breadcrumb"' in body
    assert "<svg" in body and "<desc" in body


def test_no_scientific_notation_outside_the_exact_form(client, demo_catalog):
    body = html(client.get(SEED))
    without_exact = re.sub(r'<span class="fact-exact">.*?</span>', "", body)
    assert not re.search(r"\$[0-9.]+e-?[0-9]", text_of(without_exact))
    for node in jsonld(body)["@graph"][1:]:
        if "offers" in node:
            assert "e-" not in node["offers"]["description"]


def test_seed_pair_never_calls_flux_free(client, demo_catalog):
    body = html(client.get(SEED))
    pricing = fact_row(body, "Pricing")
    assert "Free" not in pricing and "free tier" not in pricing
    assert "Free" not in fact_row(body, "Starting Price")
    verdict = text_of(
        re.search(r'<section class="compare-section verdict".*?</section>', body, re.S).group(0)
    )
    assert "free" not in verdict.lower()
    assert "neither can be called cheaper" in verdict


def test_seed_pair_reversed_answers_301(client, demo_catalog):
    response = client.get("/compare/qwen3-5-flash-vs-flux-1-pro/?show=diff")
    assert response.status_code == 301
    assert response["Location"] == SEED + "?show=diff"


def test_seed_pair_more_capabilities_with_and_without_js(client, demo_catalog):
    body = html(client.get(SEED))
    link = re.search(
        r'<a href="([^"]+)#cap-(\d+)" data-hx-get="([^"]+)" data-hx-target="#caps-a"', body
    )
    assert link, "no +N more link for FLUX.1 [pro]"
    plain = client.get(link.group(1).replace("&amp;", "&"))
    assert plain["Vary"] and "HX-Request" in plain["Vary"]
    plain_body = html(plain)
    flux_count, qwen_count = published_count("flux-1-pro"), published_count("qwen3-5-flash")
    assert "<html" in plain_body
    assert plain_body.count('class="capability"') == flux_count + min(qwen_count, 5)
    assert f"+{flux_count - 5} more" not in plain_body
    # Without JavaScript the link lands on the first capability that was hidden.
    assert f'id="cap-{link.group(2)}"' in plain_body
    assert f'id="cap-{link.group(2)}" class="capability">' in plain_body
    fragment = client.get(
        link.group(3).replace("&amp;", "&"), headers={"HX-Request": "true", "HX-Target": "caps-a"}
    )
    fragment_body = html(fragment)
    assert "<html" not in fragment_body and "<h1" not in fragment_body
    assert fragment_body.strip().startswith('<div id="caps-a"')
    assert fragment_body.count('class="capability"') == flux_count
    # With it, focus moves to that capability (htmx focuses [autofocus] after the swap).
    assert f'id="cap-{link.group(2)}" class="capability" tabindex="-1" autofocus>' in fragment_body
    assert fragment_body.count("autofocus") == 1
    assert "HX-Request" in fragment["Vary"]


# --- URLs -------------------------------------------------------------------------------------


def test_canonical_order_and_301(client, pair):
    assert client.get("/compare/alpha-vs-beta/").status_code == 200
    response = client.get("/compare/beta-vs-alpha/")
    assert response.status_code == 301 and response["Location"] == "/compare/alpha-vs-beta/"
    assert reverse("compare", kwargs={"pair": "alpha-vs-beta"}) == "/compare/alpha-vs-beta/"


@pytest.mark.parametrize(
    "path",
    [
        "/compare/x-vs-/",
        "/compare/-vs-x/",
        "/compare/alpha-vs-/",
        "/compare/alpha/",
        "/compare/alpha-vs-beta-vs-gamma/",
        "/compare/%00-vs-b/",
        "/compare/alpha-vs-beta%00/",
        "/compare/alpha-vs-alpha/",
        "/compare/beta-vs-beta/",
        "/compare/ALPHA-vs-beta/",
        "/compare/alpha-vs-nope/",
        "/compare/nope-vs-alpha/",
        "/compare/%C3%A9-vs-alpha/",
        "/compare/alpha%20-vs-beta/",
        "/compare/" + "a" * 2000 + "-vs-beta/",
        "/compare/alpha-vs-" + "b" * 2000 + "/",
        "/compare/" + "-vs-" * 500 + "/",
    ],
)
def test_garbage_answers_404(client, pair, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_side_answers_404_in_either_order(client, pair, status):
    ArtifactFactory(slug="gamma", status=status)
    assert client.get("/compare/alpha-vs-gamma/").status_code == 404
    assert client.get("/compare/gamma-vs-alpha/").status_code == 404


def test_post_is_refused(client, pair):
    assert client.post("/compare/alpha-vs-beta/").status_code == 405


def test_hostile_query_strings_fall_back_to_everything(client, pair):
    for query in ["?show=%00", "?tag=<script>", "?all=zzz&all=a", "?show=both&tag=" + "x" * 3000]:
        body = html(client.get("/compare/alpha-vs-beta/" + query))
        assert "<script>" not in body.split("</head>")[1]


# --- head: canonical, Open Graph, JSON-LD ---------------------------------------------------------


def test_head_has_canonical_open_graph_and_jsonld(client, pair):
    body = html(client.get("/compare/alpha-vs-beta/?show=diff"))
    assert '<link rel="canonical" href="http://testserver/compare/alpha-vs-beta/">' in body
    assert '<meta property="og:title" content="Alpha vs Beta">' in body
    assert 'property="og:url" content="http://testserver/compare/alpha-vs-beta/"' in body
    data = jsonld(body)
    types = [node["@type"] for node in data["@graph"]]
    assert types == ["BreadcrumbList", "SoftwareApplication", "SoftwareApplication"]
    assert "AggregateRating" not in body and "aggregateRating" not in body
    alpha = data["@graph"][1]
    assert alpha["name"] == "Alpha" and alpha["offers"]["priceCurrency"] == "USD"
    assert alpha["offers"]["price"] == "0.000001"
    assert alpha["offers"]["description"] == "$1 / 1M input tokens"
    crumbs = [item["name"] for item in data["@graph"][0]["itemListElement"]]
    assert crumbs == ["Home", "Compare", "Alpha vs Beta"]
    assert 'name="robots"' not in body  # they share a tag: indexable


def test_offers_only_when_a_price_is_known(client, pair):
    _, b = pair
    b.starting_price, b.price_unit = None, ""
    b.save()
    data = jsonld(html(client.get("/compare/alpha-vs-beta/")))
    assert "offers" in data["@graph"][1] and "offers" not in data["@graph"][2]


def test_jsonld_escapes_script_breakers(client, pair):
    a, _ = pair
    a.summary = "</script><script>alert(1)</script>"
    a.save()
    body = html(client.get("/compare/alpha-vs-beta/"))
    assert "<script>alert(1)" not in body
    assert jsonld(body)["@graph"][1]["description"] == a.summary


def test_pair_without_any_basis_is_noindex(client):
    ArtifactFactory(slug="lonely-one")
    ArtifactFactory(slug="lonely-two")
    assert '<meta name="robots" content="noindex">' in html(
        client.get("/compare/lonely-one-vs-lonely-two/")
    )


# --- parts ----------------------------------------------------------------------------------


def test_tie_lead_and_better_marks(client, pair):
    a, b = pair
    a.rank = b.rank = 50
    a.rank_low = a.rank_high = b.rank_low = b.rank_high = 50  # nothing unknown: a real tie
    a.quality, b.quality = 0.4, 0.9
    derived = ["rank", "rank_low", "rank_high", "quality"]
    a.save(update_fields=derived)
    b.save(update_fields=derived)
    body = html(client.get("/compare/alpha-vs-beta/"))
    assert "Alpha and Beta rank the same at 50/100." in text_of(body)
    quality = re.search(r'<th scope="row">Quality.*?</tr>', body, re.S).group(0)
    assert quality.count("is-better") == 1 and "(better)" in quality
    assert quality.index("0.40") < quality.index("is-better")
    adoption = re.search(r'<th scope="row">Adoption.*?</tr>', body, re.S).group(0)
    assert adoption.count("no data") == 2 and "is-better" not in adoption


def test_editor_override_replaces_the_verdict_in_either_order(client, pair):
    a, b = pair
    ComparisonOverrideFactory(artifact_a=b, artifact_b=a, verdict="Take Beta for chat.")
    text = text_of(html(client.get("/compare/alpha-vs-beta/")))
    assert "Take Beta for chat." in text and "Written by an editor" in text
    assert "Beta scores higher" not in text


def test_editor_verdict_is_rendered_markdown_and_sanitised(client, pair):
    a, b = pair
    ComparisonOverrideFactory(
        artifact_a=a, artifact_b=b,
        verdict="**Different jobs.** See [docs](https://example.com/x).\n\n<script>x()</script>",
    )  # fmt: skip
    body = html(client.get("/compare/alpha-vs-beta/"))
    verdict = re.search(r'<section class="compare-section verdict".*?</section>', body, re.S)
    section = verdict.group(0)
    assert "<strong>Different jobs.</strong>" in section
    assert '<a href="https://example.com/x" rel="nofollow noopener noreferrer">docs</a>' in section
    assert "**" not in section and "<script>" not in section


def test_the_verdict_says_four_sentences_and_keeps_the_rest_under_why(client, demo_catalog):
    body = html(client.get(SEED))
    section = re.search(r'<section class="compare-section verdict".*?</section>', body, re.S)
    shown = re.search(r"<h2[^>]*>Verdict</h2>\s*<p>(.*?)</p>", section.group(0), re.S).group(1)
    assert shown.startswith("FLUX.1 [pro] for images, Qwen3.5-Flash for text.")
    assert len(re.findall(r"[.!?](?:\s|$)", shown)) <= 4
    assert "<summary>Why</summary>" in section.group(0)


def test_noindex_override(client, pair):
    a, b = pair
    ComparisonOverrideFactory(artifact_a=a, artifact_b=b, noindex=True)
    assert '<meta name="robots" content="noindex">' in html(client.get("/compare/alpha-vs-beta/"))


def test_match_graph_evidence_lists_shared_intents(client, pair):
    a, b = pair
    PairEvidenceFactory(
        artifact_a=b, artifact_b=a, intent=IntentFactory(text="transcribe interviews"),
        times_both_matched=14,
    )  # fmt: skip
    PairEvidenceFactory(artifact_a=a, artifact_b=b, times_both_matched=3)
    PairEvidenceFactory(
        artifact_a=a, artifact_b=b, intent=IntentFactory(text="spam", is_spam=True),
        times_both_matched=99,
    )  # fmt: skip
    text = text_of(html(client.get("/compare/alpha-vs-beta/")))
    assert "both matched in 14 searches for \u201ctranscribe interviews\u201d" in text
    assert "17 searches" in text
    assert "spam" not in text


def test_no_evidence_says_so_without_inventing_any(client, pair):
    text = text_of(html(client.get("/compare/alpha-vs-beta/")))
    assert "No search has matched both of them yet" in text
    assert "both matched in" not in text


@pytest.mark.parametrize(("simulated", "real"), [(2, 0), (1, 1), (0, 1)])
def test_simulated_evidence_is_never_called_real(client, pair, simulated, real):
    from django.utils import timezone

    from comparisons.models import SearchEvent

    a, b = pair
    intent = IntentFactory(text="write emails")
    PairEvidenceFactory(artifact_a=a, artifact_b=b, intent=intent, times_both_matched=12)
    for flag, count in ((True, simulated), (False, real)):
        for n in range(count):
            SearchEvent.objects.create(
                intent=intent, created_at=timezone.now(), client_key=f"k{flag}{n}",
                is_simulated=flag,
            )  # fmt: skip
    text = text_of(html(client.get("/compare/alpha-vs-beta/")))
    assert "real search" not in text
    if real:
        assert "evidence from 12 searches" in text and "simulated" not in text
    else:
        assert "evidence from 12 simulated searches" in text
        assert "both matched in 12 simulated searches for \u201cwrite emails\u201d" in text


def test_search_call_prefilled_from_shared_tags(client, pair):
    body = html(client.get("/compare/alpha-vs-beta/"))
    assert 'href="/search/?q=chat"' in body


def test_related_comparisons_link_canonical_pairs(client, pair):
    a, _ = pair
    tag = a.capabilities.first().tags.first()
    CapabilityFactory(artifact=ArtifactFactory(slug="aardvark", name="Aardvark"), tags=[tag])
    body = html(client.get("/compare/alpha-vs-beta/"))
    assert 'href="/compare/aardvark-vs-' in body


def test_related_comparisons_prefer_match_graph_evidence(client, pair):
    a, _ = pair
    tag = a.capabilities.first().tags.first()
    CapabilityFactory(artifact=ArtifactFactory(slug="aardvark", name="Aardvark"), tags=[tag])
    with CaptureQueriesContext(connection) as without_evidence:
        client.get("/compare/alpha-vs-beta/")
    for n in range(6):
        other = ArtifactFactory(slug=f"evidenced-{n}", name=f"Evidenced {n}")
        PairEvidenceFactory(artifact_a=a, artifact_b=other, times_both_matched=10 - n)
    with CaptureQueriesContext(connection) as with_evidence:
        related = html(client.get("/compare/alpha-vs-beta/")).split("Related comparisons")[1]
    assert related.count('href="/compare/alpha-vs-evidenced-') == 6
    assert "aardvark" not in related
    # Six pairs with evidence fill the list, so the costly tag-overlap lookups are skipped.
    assert len(with_evidence) == len(without_evidence) - 2


def test_different_prices_same_unit_marks_the_cheaper(client, pair):
    _, b = pair
    b.starting_price = Decimal("0.0000001")
    b.save()
    row = re.search(
        r'<th scope="row">Starting Price.*?</tr>', html(client.get("/compare/alpha-vs-beta/")), re.S
    )
    cells = row.group(0).split("<td")
    assert "is-better" in cells[2] and "is-better" not in cells[1]


# --- the aligned capabilities filter ----------------------------------------------------------


@pytest.fixture
def aligned_pair(pair):
    a, b = pair
    CapabilityFactory(
        artifact=a, title="Alpha draws", tags=[TagFactory(slug="drawing", name="Drawing")]
    )
    CapabilityFactory(
        artifact=b, title="Beta sings", tags=[TagFactory(slug="singing", name="Singing")]
    )
    return pair


def test_aligned_filter_without_js_is_a_full_page(client, aligned_pair):
    body = html(client.get("/compare/alpha-vs-beta/?show=diff"))
    assert "<html" in body
    aligned = re.search(r'<div id="aligned".*?</div>', body, re.S).group(0)
    assert "Alpha draws" in aligned and "Beta sings" in aligned and "Alpha chats" not in aligned
    assert '<option value="diff" selected>' in body


def test_aligned_filter_with_htmx_swaps_just_that_section(client, aligned_pair):
    response = client.get(
        "/compare/alpha-vs-beta/?show=all&tag=singing",
        headers={"HX-Request": "true", "HX-Target": "aligned"},
    )
    body = html(response)
    assert "<html" not in body and "<h1" not in body and "Facts" not in body
    assert "Beta sings" in body and "Alpha draws" not in body and "Alpha chats" not in body
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_full_page(client, aligned_pair):
    body = html(
        client.get(
            "/compare/alpha-vs-beta/?show=diff",
            headers={
                "HX-Request": "true",
                "HX-Target": "aligned",
                "HX-History-Restore-Request": "true",
            },
        )
    )
    assert "<html" in body


def test_filter_form_pushes_a_shareable_url(client, aligned_pair):
    body = html(client.get("/compare/alpha-vs-beta/"))
    form = re.search(r'<form class="aligned-filter".*?>', body, re.S).group(0)
    assert 'hx-get="/compare/alpha-vs-beta/"' in form
    assert 'hx-push-url="true"' in form and 'hx-target="#aligned"' in form
    assert 'method="get"' in form


def test_no_inline_styles_or_scripts(client, aligned_pair):
    body = html(client.get("/compare/alpha-vs-beta/"))
    assert " style=" not in body and "hx-on" not in body
    scripts = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", body)
    assert scripts == ['<script type="application/ld+json">']


def test_model_facts_rows_read_the_imported_facts(client):
    """The importer's model facts (issue 20) reach the facts table: output limit, per-token
    prices with their tier, cached input, features, knowledge cutoff; unknown reads no data."""
    from datetime import date

    from catalog.models import ArtifactPrice

    ArtifactFactory(
        slug="opus",
        name="Opus",
        kind="model",
        context_length=1_000_000,
        max_output_tokens=128_000,
        input_price=Decimal("0.000005"),
        output_price=Decimal("0.000025"),
        cache_read_price=Decimal("0.0000005"),
        supports_tools=True,
        supports_structured_output=True,
        supports_reasoning=True,
        supports_web_search=False,
        knowledge_cutoff=date(2025, 5, 1),
    )
    gpt = ArtifactFactory(
        slug="gpt",
        name="GPT",
        kind="model",
        context_length=1_050_000,
        max_output_tokens=None,
        input_price=Decimal("0.0000025"),
        output_price=Decimal("0.000015"),
    )
    ArtifactPrice.objects.create(
        artifact=gpt, key="prompt", unit="prompt_token", amount=Decimal("0.000005"),
        min_prompt_tokens=272_000,
    )  # fmt: skip
    body = html(client.get("/compare/gpt-vs-opus/"))
    assert "128,000 tokens" in fact_row(body, "Maximum output")
    assert "no data" in fact_row(body, "Maximum output")
    assert "$5 above 272K" in fact_row(body, "Input price")
    assert "$2.50 / 1M input tokens" in fact_row(body, "Input price")
    assert "$25 / 1M output tokens" in fact_row(body, "Output price")
    assert "$0.50 / 1M input tokens" in fact_row(body, "Cached input price")
    assert "tool calling, structured output, reasoning" in fact_row(body, "Supports")
    assert "no data" in fact_row(body, "Supports")  # GPT's source says nothing
    assert "1 May 2025" in fact_row(body, "Knowledge cutoff")
