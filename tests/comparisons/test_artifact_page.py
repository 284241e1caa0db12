"""The artifact page: facts, score chart, every capability, alternatives, comparisons."""

import json
import re
from decimal import Decimal

import pytest

from tests.factories import (
    ArtifactFactory,
    CapabilityFactory,
    ComparisonOverrideFactory,
    PairEvidenceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def page(client, artifact) -> str:
    response = client.get(artifact.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def artifact():
    chat = TagFactory(slug="chat", name="Chat")
    main = ArtifactFactory(slug="main", name="Main Model", quality=0.5, adoption=None)
    for n in range(7):
        CapabilityFactory(artifact=main, title=f"Main does {n}", tags=[chat])
    return main


def test_facts_chart_and_all_capabilities(client, artifact):
    body = page(client, artifact)
    assert "<h1>Main Model</h1>" in body
    assert body.count('class="capability"') == 7  # all of them, no "+N more"
    assert (
        '<span class="fact-value">$1 / 1M input tokens</span>'
        '<span class="fact-exact">$1.00e-6 per prompt token</span>'
    ) in body
    assert "7 decomposed" in body
    assert '<svg class="score-chart-svg"' in body and "<desc" in body
    # Weights from catalog.ranking.REGISTRY for models: adoption 20%, quality 50%.
    assert re.search(r"<th scope=\"row\">Adoption</th>\s*<td>20%</td>\s*<td>no data</td>", body)
    assert re.search(r"<th scope=\"row\">Quality</th>\s*<td>50%</td>\s*<td>0.50</td>", body)
    assert "Data coverage" in body and "is not part of the rank" in body
    assert "not matched yet" in body


def test_unknown_price_is_price_unknown_and_zero_is_free(client):
    unknown = ArtifactFactory(slug="unknown", starting_price=None, price_unit="")
    assert re.search(
        r"Starting Price</th><td><span class=\"fact-value\">Price unknown", page(client, unknown)
    )
    free = ArtifactFactory(slug="free", starting_price=Decimal(0))
    assert re.search(r"Starting Price</th><td><span class=\"fact-value\">Free", page(client, free))


def test_alternatives_and_comparisons(client, artifact):
    chat = TagFactory(slug="chat")
    rival = ArtifactFactory(slug="rival", name="Rival")
    CapabilityFactory(artifact=rival, tags=[chat])
    stranger = ArtifactFactory(slug="stranger", name="Stranger")
    CapabilityFactory(artifact=stranger, tags=[TagFactory(slug="other")])
    picked = ArtifactFactory(slug="picked", name="Picked")
    ComparisonOverrideFactory(artifact_a=artifact, artifact_b=picked, featured=True)
    evidenced = ArtifactFactory(slug="evidenced", name="Evidenced")
    PairEvidenceFactory(artifact_a=evidenced, artifact_b=artifact, times_both_matched=5)
    hidden = ArtifactFactory(slug="hidden", name="Hidden")
    ComparisonOverrideFactory(artifact_a=artifact, artifact_b=hidden, noindex=True)
    body = page(client, artifact)
    alternatives = body.split('id="alternatives-heading"')[1].split("</section>")[0]
    assert "Rival" in alternatives and "Stranger" not in alternatives
    comparisons = body.split('id="comparisons-heading"')[1].split("</section>")[0]
    assert 'href="/compare/main-vs-picked/"' in comparisons
    assert 'href="/compare/evidenced-vs-main/"' in comparisons
    assert 'href="/compare/main-vs-rival/"' in comparisons
    assert "Hidden" not in comparisons
    assert comparisons.index("Picked") < comparisons.index("Evidenced") < comparisons.index("Rival")


def test_head_and_structured_data(client, artifact):
    body = page(client, artifact)
    assert '<link rel="canonical" href="http://testserver/artifacts/main/">' in body
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    graph = json.loads(block.group(1))["@graph"]
    assert [n["@type"] for n in graph] == ["BreadcrumbList", "SoftwareApplication"]
    assert graph[1]["offers"]["price"] == "0.000001"
    assert "ggregateRating" not in body


@pytest.mark.parametrize("status", ["draft", "archived"])
def test_unpublished_answers_404(client, status):
    hidden = ArtifactFactory(slug="hidden", status=status)
    assert client.get(hidden.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    "path", ["/artifacts/nope/", "/artifacts/" + "a" * 2000 + "/", "/artifacts/%00/"]
)
def test_garbage_answers_404(client, path):
    assert client.get(path).status_code == 404


def test_a_price_that_varies_by_request(client):
    router = ArtifactFactory(
        slug="router", starting_price=None, price_unit="", prices={"request": "varies"}
    )
    assert "Varies by request" in page(client, router)


def test_alternatives_from_the_match_graph_come_first(client, artifact):
    chat = TagFactory(slug="chat")
    rival = ArtifactFactory(slug="rival", name="Rival")
    CapabilityFactory(artifact=rival, tags=[chat])
    strong = ArtifactFactory(slug="strong", name="Strongly matched")
    weak = ArtifactFactory(slug="weak", name="Weakly matched")
    PairEvidenceFactory(artifact_a=strong, artifact_b=artifact, times_both_matched=9)
    PairEvidenceFactory(artifact_a=artifact, artifact_b=strong, times_both_matched=3)
    PairEvidenceFactory(artifact_a=weak, artifact_b=artifact, times_both_matched=2)
    draft = ArtifactFactory(slug="draft-one", name="Draft one", status="draft")
    PairEvidenceFactory(artifact_a=draft, artifact_b=artifact, times_both_matched=50)
    body = page(client, artifact)
    alternatives = body.split('id="alternatives-heading"')[1].split("</section>")[0]
    assert "Draft one" not in alternatives
    assert (
        alternatives.index("Strongly matched")
        < alternatives.index("Weakly matched")
        < alternatives.index("Rival")
    )
    # Only replayed history so far (no real search recorded): the counts say so.
    assert "Matched together in 12 simulated searches" in alternatives
    assert "Matched together in 2 simulated searches" in alternatives
    assert "Shares 1 capability tag" in alternatives


def test_fields_that_do_not_apply_to_a_kind_are_left_out(client):
    library = ArtifactFactory(slug="langchain", kind="library", open_weights=False)
    body = page(client, library)
    assert "Open weights" not in body and "Context window" not in body
    model = ArtifactFactory(slug="model-x", kind="model", context_length=None, license="")
    body = page(client, model)
    # Nobody says whether its weights are published: unknown, not "No".
    assert re.search(r"Open weights</th><td><span class=\"fact-value\">no data<", body)
    assert re.search(r"Context window</th><td><span class=\"fact-value\">no data<", body)
    closed = ArtifactFactory(slug="model-y", kind="model", license="proprietary")
    assert re.search(r"Open weights</th><td><span class=\"fact-value\">No<", page(client, closed))
