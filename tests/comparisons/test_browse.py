import re
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import ArtifactKind, PriceUnit, Status
from comparisons.browse.views import PAGE_SIZE
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory, VendorFactory

pytestmark = pytest.mark.django_db

URL = reverse("artifact_list")
HTMX = {"HX-Request": "true"}
CARD_SLUGS = re.compile(r'<h3 class="card-title" id="card-([^"]+)"')


def _cards(response) -> list[str]:
    return CARD_SLUGS.findall(response.content.decode())


def _error(response, field: str) -> str:
    """The text of the error container that sits beside `field`."""
    match = re.search(
        rf'<div class="field-errors" id="err-{field}"[^>]*>(.*?)</div>', response.text
    )
    assert match, f"no error container for {field}"
    return match.group(1)


@pytest.fixture
def catalog():
    """30 published artifacts with tags, vendors, kinds and prices of every sort, plus a draft."""
    tags = [TagFactory(slug=f"tag-{i}", name=f"Tag {i}") for i in range(4)]
    vendors = [VendorFactory(slug=f"v{i}", name=f"V{i}") for i in range(3)]
    kinds = [ArtifactKind.MODEL, ArtifactKind.APP, ArtifactKind.API, ArtifactKind.AGENT]
    for i in range(30):
        artifact = ArtifactFactory(
            name=f"Thing {i:02d}",
            slug=f"thing-{i:02d}",
            kind=kinds[i % 4],
            vendor=vendors[i % 3],
            rank=(i * 37) % 101,
            times_matched=i,
            has_free_tier=i % 3 == 0,
            open_weights=i % 5 == 0,
            starting_price=None if i % 7 == 0 else Decimal(i) / Decimal(10_000_000),
            price_unit="" if i % 7 == 0 else PriceUnit.PROMPT_TOKEN,
            context_length=1000 * i or None,
            input_modalities=["text", "image"] if i % 2 else ["text"],
        )
        CapabilityFactory(artifact=artifact, tags=[tags[i % 4], tags[(i + 1) % 4]])
    ArtifactFactory(slug="draft-thing", status=Status.DRAFT, rank=100)


def test_acceptance_free_tier_models_by_rank_as_fragment_and_as_page(client):
    ArtifactFactory(slug="free-model-low", rank=20, has_free_tier=True)
    ArtifactFactory(slug="free-model-high", rank=80, has_free_tier=True)
    ArtifactFactory(slug="paid-model", rank=99)
    ArtifactFactory(slug="free-app", rank=90, kind=ArtifactKind.APP, has_free_tier=True)
    query = "?kind=model&has_free_tier=true&sort=-rank"

    fragment = client.get(URL + query, headers=HTMX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'id="results"' in fragment.text
    assert _cards(fragment) == ["free-model-high", "free-model-low"]

    page = client.get(URL + query)
    assert page.status_code == 200
    assert page.text.lstrip().lower().startswith("<!doctype html>")
    assert _cards(page) == ["free-model-high", "free-model-low"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kind=model&has_free_tier=true&sort=-rank",
        "kind=app&kind=agent&sort=name",
        "sort=price",
        "sort=newest&input=image",
        "tag=tag-1&tag=tag-2&sort=-times_matched",
        "vendor=v1&open_weights=true",
        "price_unit=prompt_token&max_price=1.5&sort=price",
        "min_rank=40&min_context=5000",
        "q=thing+1",
        "page=2",
        "kind=robot&min_rank=abc",
    ],
)
def test_fragment_and_full_page_show_the_same_results(client, catalog, query):
    fragment = client.get(f"{URL}?{query}", headers=HTMX)
    page = client.get(f"{URL}?{query}")
    assert fragment.status_code == 200
    # An unknown kind and a non-number rank are bad input: 400 for the plain page (htmx keeps 200).
    assert page.status_code == (400 if "kind=robot" in query else 200)
    assert "<html" not in fragment.text
    assert _cards(fragment) == _cards(page)
    assert "draft-thing" not in page.text


def test_responses_vary_on_htmx_and_history_restores_get_the_full_page(client, catalog):
    page = client.get(URL)
    fragment = client.get(URL, headers=HTMX)
    restore = client.get(URL, headers={**HTMX, "HX-History-Restore-Request": "true"})
    for response in (page, fragment, restore):
        assert "HX-Request" in response.headers["Vary"]
    assert "<html" in restore.text
    assert "<html" not in fragment.text


def test_fragment_pushes_a_clean_shareable_url(client, catalog):
    response = client.get(f"{URL}?q=&kind=model&vendor=&min_rank=&utm=1&page=1", headers=HTMX)
    assert response.headers["HX-Push-Url"] == f"{URL}?kind=model"
    response = client.get(f"{URL}?page=2&sort=name", headers=HTMX)
    assert response.headers["HX-Push-Url"] == f"{URL}?sort=name&page=2"


def test_fragment_updates_counts_errors_and_the_live_region_out_of_band(client, catalog):
    response = client.get(f"{URL}?kind=model&min_rank=abc", headers=HTMX)
    text = response.text
    assert '<p id="result-count" data-hx-swap-oob="innerHTML">8 results</p>' in text
    assert 'id="count-f-kind-app" data-hx-swap-oob="true"' in text
    # The vendor options are replaced together: which vendors are offered depends on the
    # filters (only those with results), so they cannot be swapped one by one.
    vendors = re.search(
        r'<select name="vendor" id="id_vendor"[^>]*data-hx-swap-oob="true">(.*?)</select>', text
    )
    assert '<option value="v0">V0 (' in vendors.group(1)
    assert 'id="err-min_rank" data-hx-swap-oob="true"' in text
    assert "Enter a whole number." in _error(response, "min_rank")


def test_full_page_has_form_outside_results_live_region_and_labels(client, catalog):
    text = client.get(URL).text
    form_end, results_start = text.index("</form>"), text.index('<section id="results"')
    assert form_end < results_start
    assert 'aria-live="polite"' in text
    assert "30 results, page 1 of 2" in text
    assert 'hx-sync="this:replace"' in text
    assert 'hx-push-url="true"' in text
    assert 'hx-target="#results"' in text
    assert "hx-indicator" in text
    # Every visible control has a label.
    ids = re.findall(r'<(?:input|select)(?![^>]*type="hidden")[^>]*\bid="([^"]+)"', text)
    assert ids
    for control_id in ids:
        assert f'for="{control_id}"' in text, control_id


def test_pages_carry_the_filters(client, catalog):
    first = client.get(f"{URL}?sort=name&q=thing")
    assert len(_cards(first)) == PAGE_SIZE
    assert _cards(first)[0] == "thing-00"
    assert 'href="/artifacts/?q=thing&amp;sort=name&amp;page=2"' in first.text
    second = client.get(f"{URL}?sort=name&q=thing&page=2")
    assert _cards(second) == [f"thing-{i}" for i in range(24, 30)]
    assert 'href="/artifacts/?q=thing&amp;sort=name"' in second.text  # back to page 1


@pytest.mark.parametrize(
    ("page", "first_card"),
    [
        ("abc", "thing-00"),
        ("0", "thing-00"),  # below 1 is the first page, not the last
        ("-1", "thing-00"),
        ("99999", "thing-24"),  # past the end is the last page
        ("1e9", "thing-00"),
        ("2" * 50, "thing-24"),
    ],
)
def test_any_page_number_answers(client, catalog, page, first_card):
    response = client.get(f"{URL}?sort=name&q=thing&page={page}")
    assert response.status_code == 200
    assert _cards(response)[0] == first_card


@pytest.mark.parametrize(
    ("query", "field", "unfiltered"),
    [
        ("kind=robot", "kind", 30),
        ("min_rank=abc", "min_rank", 30),
        ("price_unit=prompt_token&max_price=-1", "max_price", 25),
        ("max_price=1", "max_price", 30),
        ("tag=no-such-tag", "tag", 30),
        ("q=" + "x" * 1000, "q", 30),
        ("vendor=nobody", "vendor", 30),
        ("sort=;drop", "sort", 30),
        ("input=smell", "input", 30),
        ("min_context=" + "9" * 40, "min_context", 30),
        ("q=a%00b", "q", 30),
        ("tag=tag-1&" * 900, "tag", 30),
    ],
)
def test_bad_input_shows_the_error_beside_the_field_and_ignores_that_field(
    client, catalog, query, field, unfiltered
):
    page = client.get(f"{URL}?{query}")
    assert page.status_code == 400
    assert _error(page, field)
    assert f"{unfiltered} result" in page.text
    fragment = client.get(f"{URL}?{query}", headers=HTMX)
    assert fragment.status_code == 200
    assert _error(fragment, field)
    # htmx swaps nothing on a 400, so a history restore of a bad address gets a 200 page.
    restore = client.get(f"{URL}?{query}", headers={**HTMX, "HX-History-Restore-Request": "true"})
    assert restore.status_code == 200
    assert "<html" in restore.text
    assert _error(restore, field)


def test_five_thousand_repeated_parameters_answer_400_with_the_unfiltered_catalog(client, catalog):
    query = "&".join(["kind=model"] * 5000)
    response = client.get(f"{URL}?{query}")
    assert response.status_code == 400
    assert "too many parameters" in response.text
    assert "30 results" in response.text


def test_only_get(client):
    assert client.post(URL).status_code == 405


@pytest.mark.parametrize(
    "query",
    [
        "",
        "kind=model&has_free_tier=true&sort=-rank",
        "tag=tag-0&tag=tag-1&input=image&sort=price",
        "vendor=v2&pricing_model=paid&price_unit=prompt_token&max_price=2&q=thing",
        "min_rank=10&min_context=1000&open_weights=true&sort=newest&page=2",
        "kind=robot&tag=nope&min_rank=abc",
    ],
)
@pytest.mark.parametrize("headers", [{}, HTMX], ids=["page", "fragment"])
def test_query_budget_is_fixed_whatever_the_filters(
    client, catalog, django_assert_max_num_queries, query, headers
):
    with django_assert_max_num_queries(10):
        response = client.get(f"{URL}?{query}", headers=headers)
    bad_input = "kind=robot" in query and headers != HTMX
    assert response.status_code == (400 if bad_input else 200)


def test_cards_show_vendor_kind_rank_price_tags_and_compare_entry(client):
    artifact = ArtifactFactory(
        name="Qwen3.5-Flash",
        slug="qwen3-5-flash",
        vendor=VendorFactory(slug="qwen", name="Qwen Team"),
        rank=73,
        starting_price=Decimal("0.000000065"),
        has_free_tier=True,
    )
    CapabilityFactory(artifact=artifact, tags=[TagFactory(slug="chat", name="Chat assistant")])
    ArtifactFactory(slug="mystery", starting_price=None, price_unit="")
    text = client.get(URL).text
    assert "Qwen Team" in text
    assert "Model" in text
    assert '73<span class="rank-of">/100</span>' in text
    # The readable price only: no scientific notation on a card.
    assert "From <strong>$0.065 / 1M input tokens</strong>" in text
    assert "e-8" not in text
    assert '<a class="tag" href="/artifacts/?tag=chat">Chat assistant</a>' in text
    assert "Free tier" in text
    assert "Price unknown" in text  # the unknown price is never shown as free
    # "Compare with…" carries a link to the picker with this side chosen (no form until
    # it is opened: test_picker.py has the form it loads).
    assert "Compare with…" in text
    assert '<a href="/compare/pick/?a=qwen3-5-flash">Choose what to compare' in text
    assert '<input type="hidden" name="a" value="qwen3-5-flash">' not in text


def test_empty_results_say_so(client):
    ArtifactFactory()
    response = client.get(f"{URL}?kind=dataset")
    assert "No artifacts match these filters." in response.text
    assert "0 results" in response.text


def test_no_inline_styles_scripts_or_hx_on(client, catalog):
    for response in (client.get(URL), client.get(URL, headers=HTMX)):
        text = response.text
        assert "style=" not in text
        assert "hx-on" not in text
        for script in re.findall(r"<script[^>]*>", text):
            assert "src=" in script


@pytest.mark.parametrize(
    "query",
    [
        "kind=",
        "input=",
        "output=",
        "pricing_model=",
        "tag=",
        "vendor=",
        "price_unit=",
        "min_rank=",
        "min_context=",
        "max_price=",
        "has_free_tier=",
        "open_weights=",
        "q=",
        "kind=&input=&output=&pricing_model=&tag=",
    ],
)
def test_an_empty_filter_value_means_not_chosen(client, query):
    ArtifactFactory(slug="only", name="Only one")
    full = client.get(f"{URL}?{query}")
    assert full.status_code == 200
    assert full.context["page_obj"].paginator.count == 1
    assert not full.context["form"].errors
    fragment = client.get(f"{URL}?{query}", headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    # Left out of the pushed URL: the address is the plain catalog.
    assert fragment["HX-Push-Url"] == URL


def test_an_empty_value_beside_a_chosen_one_keeps_the_chosen_one(client):
    ArtifactFactory(slug="m", kind="model")
    ArtifactFactory(slug="a", kind="app")
    response = client.get(f"{URL}?kind=&kind=app", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert [c.split('"')[0] for c in response.text.split('id="card-')[1:]] == ["a"]
    assert response["HX-Push-Url"] == f"{URL}?kind=app"


@pytest.mark.parametrize(
    "queries",
    [
        ["", "kind=model&min_rank=10", ""],
        ["min_rank=abc&sort=zzz", "min_rank=5&sort=name", "min_rank=abc&sort=zzz"],
        ["q=hello&knowledge_after=bad", "q=hello&knowledge_after=2024-01-01", "q=other"],
    ],
)
def test_filter_widgets_reused_within_a_process_render_as_drawn_afresh(
    client, catalog, monkeypatch, queries
):
    """The filter form's widgets are rendered once per value and error state: every page
    reads exactly as with widgets drawn afresh, values and errors included, in any order."""
    from django import forms

    from comparisons.browse import filters

    monkeypatch.setattr(filters, "_widgets_rendered", {})
    reused = [client.get(f"{URL}?{query}").content for query in queries * 2]
    assert filters._widgets_rendered  # the memo was used
    monkeypatch.setattr(filters.ArtifactFilterForm, "bound_field_class", forms.BoundField)
    afresh = [client.get(f"{URL}?{query}").content for query in queries * 2]
    assert reused == afresh


def test_a_reused_widget_still_shows_its_own_error_state(client, catalog, monkeypatch):
    from comparisons.browse import filters

    monkeypatch.setattr(filters, "_widgets_rendered", {})
    # The same value, in error only without a unit to read it in.
    invalid = re.compile(r'<input[^>]*name="max_price"[^>]*aria-invalid="true"')
    for _ in range(2):
        assert invalid.search(client.get(URL, {"max_price": "1"}).text)
        unit = {"max_price": "1", "price_unit": PriceUnit.MONTH}
        assert not invalid.search(client.get(URL, unit).text)


def test_the_widget_memo_keeps_at_most_its_bound(client, catalog, monkeypatch):
    from comparisons.browse import filters

    monkeypatch.setattr(filters, "_widgets_rendered", {})
    monkeypatch.setattr(filters, "WIDGETS_KEPT", 5)
    for n in range(4):
        client.get(URL, {"q": f"term {n}", "min_rank": n})
    assert len(filters._widgets_rendered) == 5
