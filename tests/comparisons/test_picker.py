import pytest
from django.urls import reverse

from catalog.models import ArtifactKind, Status
from comparisons.compare import picker
from tests.factories import ArtifactFactory, VendorFactory

pytestmark = pytest.mark.django_db

PICK = reverse("compare_pick")
SUGGEST = reverse("compare_suggest")
CANONICAL = "/compare/flux-1-pro-vs-qwen3-5-flash/"


@pytest.fixture
def pair():
    qwen = ArtifactFactory(name="Qwen3.5-Flash", slug="qwen3-5-flash", rank=70)
    flux = ArtifactFactory(
        name="FLUX.1 [pro]",
        slug="flux-1-pro",
        kind=ArtifactKind.MODEL,
        vendor=VendorFactory(slug="bfl", name="Black Forest Labs"),
        output_modalities=["image"],
        rank=60,
    )
    return qwen, flux


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("qwen3-5-flash", "FLUX.1 [pro]"),
        ("Qwen3.5-Flash", "FLUX.1 [pro]"),
        ("flux-1-pro", "qwen3-5-flash"),
        ("qwen3-5-flash", "  flux.1 [PRO] "),
        ("QWEN3-5-FLASH", "flux-1-pro"),
    ],
)
def test_picking_two_lands_on_the_canonical_comparison(client, pair, a, b):
    response = client.get(PICK, {"a": a, "b": b})
    assert response.status_code == 302
    assert response.headers["Location"] == CANONICAL


def test_the_comparison_url_is_the_routed_one_when_it_exists():
    assert picker.comparison_url(first="b", second="a") == reverse("compare", args=["a-vs-b"])


def test_the_comparison_url_puts_the_slugs_in_canonical_order():
    assert picker.comparison_url(first="zeta", second="alpha") == "/compare/alpha-vs-zeta/"


def test_an_empty_picker_is_a_page(client):
    response = client.get(PICK)
    assert response.status_code == 200
    assert "Compare any two" in response.text
    assert 'name="a"' in response.text
    assert 'name="b"' in response.text


def test_one_artifact_chosen_asks_for_the_other(client, pair):
    response = client.get(PICK, {"a": "qwen3-5-flash"})
    assert response.status_code == 200
    assert "Compare Qwen3.5-Flash with…" in response.text
    assert '<input type="hidden" name="a" value="qwen3-5-flash">' in response.text


def test_a_catalog_card_opening_its_picker_gets_the_form_alone(client, pair):
    """What a card's "Compare with…" loads when opened: the form with this side chosen,
    ids unique to the card, and no page around it; a history restore gets the page."""
    card = {"HX-Request": "true", "HX-Target": "compare-with-qwen3-5-flash"}
    response = client.get(PICK, {"a": "qwen3-5-flash"}, headers=card)
    assert response.status_code == 200
    text = response.text
    assert '<form class="compare-picker"' in text and "<html" not in text
    assert '<input type="hidden" name="a" value="qwen3-5-flash">' in text
    assert 'id="compare-qwen3-5-flash-b"' in text
    assert "Compare Qwen3.5-Flash with" in text
    assert response.headers["Vary"].count("HX-Target") == 1
    restore = client.get(
        PICK, {"a": "qwen3-5-flash"}, headers={**card, "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.text
    # Another HTMX target (or none) is the picker page, as without JavaScript.
    other = client.get(PICK, {"a": "qwen3-5-flash"}, headers={"HX-Request": "true"})
    assert "Compare Qwen3.5-Flash with…" in other.text and "<html" in other.text
    # An unknown side still answers the page with its message, never a bare form.
    unknown = client.get(PICK, {"a": "nope-nothing"}, headers=card)
    assert unknown.status_code == 400 and "<html" in unknown.text


def test_unknown_artifact_answers_400_with_a_message_and_candidates(client, pair):
    response = client.get(PICK, {"a": "qwen3-5-flash", "b": "flux"})
    assert response.status_code == 400
    assert "“flux” is not in the catalog" in response.text
    assert 'role="alert"' in response.text
    # The near match is offered as a one-click pick keeping the other side.
    assert f"{PICK}?a=qwen3-5-flash&amp;b=flux-1-pro" in response.text


def test_drafts_cannot_be_picked(client, pair):
    ArtifactFactory(name="Secret", slug="secret", status=Status.DRAFT)
    response = client.get(PICK, {"a": "qwen3-5-flash", "b": "secret"})
    assert response.status_code == 400
    assert "is not in the catalog" in response.text


def test_the_same_artifact_twice_is_refused(client, pair):
    response = client.get(PICK, {"a": "qwen3-5-flash", "b": "Qwen3.5-Flash"})
    assert response.status_code == 400
    assert "Pick a different artifact" in response.text
    # It is in the catalog: no "nothing has a name close to it".
    assert "Nothing in the catalog" not in response.text


def test_ambiguous_names_are_not_guessed(client, pair):
    ArtifactFactory(name="Twin", slug="twin-a")
    ArtifactFactory(name="twin", slug="twin-b")
    response = client.get(PICK, {"a": "qwen3-5-flash", "b": "Twin"})
    assert response.status_code == 400
    assert "twin-a" in response.text
    assert "twin-b" in response.text


@pytest.mark.parametrize(
    "query",
    [
        {"a": "qwen3-5-flash", "b": "x" * 5000},
        {"a": "qwen3-5-flash", "b": "a\x00b"},
        {"a": "%", "b": "_"},
        {"a": "-vs-", "b": "../../etc"},
        {"b": "flux-1-pro", "a": ["qwen3-5-flash", "nope"]},
    ],
)
def test_hostile_input_never_errors(client, pair, query):
    assert client.get(PICK, query).status_code == 400


def test_too_many_parameters_answer_400(client, pair):
    response = client.get(PICK + "?" + "&".join(["a=x"] * 5000))
    assert response.status_code == 400


def test_suggestions_fill_the_datalist_of_the_input_that_asked(client, pair):
    ArtifactFactory(name="FLUX draft", status=Status.DRAFT)
    response = client.get(
        SUGGEST, {"b": "flu"}, headers={"HX-Request": "true", "HX-Trigger-Name": "b"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.text.strip() == (
        '<option value="FLUX.1 [pro]">Black Forest Labs · Model</option>'
    )
    assert "HX-Trigger-Name" in response.headers["Vary"]
    # The vendor's name finds its artifacts too.
    by_vendor = client.get(SUGGEST, {"a": "black forest"}, headers={"HX-Trigger-Name": "a"})
    assert "FLUX.1 [pro]" in by_vendor.text


def test_suggestions_without_htmx_read_q_and_are_capped(client):
    for i in range(12):
        ArtifactFactory(name=f"Model {i}", rank=i)
    response = client.get(SUGGEST, {"q": "model"})
    assert response.text.count("<option") == picker.SUGGESTIONS
    assert response.text.index("Model 11") < response.text.index("Model 10")


@pytest.mark.parametrize("term", ["", "   ", "x" * 500, "a\x00b", "%", "zzzz"])
def test_useless_or_hostile_terms_suggest_nothing(client, pair, term):
    response = client.get(SUGGEST, {"q": term})
    assert response.status_code == 200
    assert "<option" not in response.text


def test_home_offers_the_picker_for_any_two(client):
    text = client.get("/").text
    assert "Compare any two" in text
    assert 'id="home-compare-a"' in text
    assert 'id="home-compare-b"' in text
    assert f'hx-get="{SUGGEST}"' in text


def test_picking_in_the_demo_catalog(client, demo_catalog):
    response = client.get(PICK, {"a": "Qwen3.5-Flash", "b": "FLUX.1 [pro]"})
    assert response.status_code == 302
    assert response.headers["Location"] == CANONICAL
