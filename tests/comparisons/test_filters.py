from datetime import date
from decimal import Decimal

import pytest
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from catalog.models import ArtifactKind, PriceUnit, Status
from comparisons.browse.filters import (
    MAX_TAGS,
    ArtifactFilter,
    artifact_facets_count,
    artifacts_top_tags_attach,
    vendors_shown,
)
from comparisons.browse.snapshot import browse_snapshot_build
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _filter(query: str) -> ArtifactFilter:
    return ArtifactFilter(QueryDict(query))


def _slugs(query: str) -> list[str]:
    return [a.slug for a in _filter(query).qs]


def test_lists_published_artifacts_only_by_rank_by_default():
    ArtifactFactory(slug="low", rank=10)
    ArtifactFactory(slug="high", rank=90)
    ArtifactFactory(slug="draft", rank=99, status=Status.DRAFT)
    ArtifactFactory(slug="gone", rank=99, status=Status.ARCHIVED)
    assert _slugs("") == ["high", "low"]


def test_kind_values_combine_with_or():
    ArtifactFactory(slug="m", kind=ArtifactKind.MODEL)
    ArtifactFactory(slug="a", kind=ArtifactKind.APP)
    ArtifactFactory(slug="x", kind=ArtifactKind.MCP_SERVER)
    assert _slugs("kind=model") == ["m"]
    assert sorted(_slugs("kind=model&kind=mcp_server")) == ["m", "x"]


def test_unknown_kind_is_an_error_and_leaves_kind_unfiltered_while_others_apply():
    ArtifactFactory(slug="free-model", has_free_tier=True)
    ArtifactFactory(slug="free-app", kind=ArtifactKind.APP, has_free_tier=True)
    ArtifactFactory(slug="paid-model")
    filterset = _filter("kind=robot&has_free_tier=true")
    assert sorted(a.slug for a in filterset.qs) == ["free-app", "free-model"]
    assert "kind" in filterset.errors


def test_a_field_repeated_beyond_its_choices_is_an_error():
    ArtifactFactory()
    filterset = _filter("kind=model&" * 9)
    assert filterset.errors["kind"] == ["Pick at most 8 kinds."]
    assert len(filterset.qs) == 1


def test_vendor_pricing_model_free_tier_and_open_weights():
    acme = VendorFactory(slug="acme", name="Acme")
    ArtifactFactory(slug="acme-open", vendor=acme, pricing_model="open_source", open_weights=True)
    ArtifactFactory(slug="acme-free", vendor=acme, pricing_model="freemium", has_free_tier=True)
    ArtifactFactory(slug="other", pricing_model="freemium")
    assert sorted(_slugs("vendor=acme")) == ["acme-free", "acme-open"]
    assert sorted(_slugs("pricing_model=freemium")) == ["acme-free", "other"]
    assert _slugs("has_free_tier=true") == ["acme-free"]
    assert sorted(_slugs("has_free_tier=false")) == ["acme-open", "other"]
    assert _slugs("open_weights=true") == ["acme-open"]
    assert "vendor" in _filter("vendor=nobody").errors


def test_vendor_choices_only_list_vendors_with_published_artifacts():
    ArtifactFactory(vendor=VendorFactory(slug="shown"))
    ArtifactFactory(vendor=VendorFactory(slug="hidden"), status=Status.DRAFT)
    choices = [value for value, _ in _filter("").form.fields["vendor"].choices if value]
    assert choices == ["shown"]


def test_modalities_must_all_be_present():
    ArtifactFactory(slug="vision", input_modalities=["image", "text"], output_modalities=["text"])
    ArtifactFactory(slug="painter", input_modalities=["text"], output_modalities=["image"])
    assert _slugs("input=image") == ["vision"]
    assert sorted(_slugs("input=text")) == ["painter", "vision"]
    assert _slugs("input=text&input=image") == ["vision"]
    assert _slugs("output=image") == ["painter"]
    assert _slugs("input=audio") == []
    assert "input" in _filter("input=smell").errors


def test_tags_must_all_be_present_on_published_capabilities():
    draw, cheap = TagFactory(slug="draw"), TagFactory(slug="cheap")
    both = ArtifactFactory(slug="both")
    CapabilityFactory(artifact=both, tags=[draw])
    CapabilityFactory(artifact=both, tags=[cheap])
    CapabilityFactory(artifact=ArtifactFactory(slug="draws"), tags=[draw])
    CapabilityFactory(artifact=ArtifactFactory(slug="draft-cap"), tags=[draw], status=Status.DRAFT)
    assert sorted(_slugs("tag=draw")) == ["both", "draws"]
    assert _slugs("tag=draw&tag=cheap") == ["both"]


def test_unknown_tag_and_too_many_tags_are_errors():
    TagFactory(slug="used")
    CapabilityFactory(tags=[TagFactory(slug="draw")])
    assert "tag" in _filter("tag=nope").errors
    assert "tag" in _filter("tag=draw&" * (MAX_TAGS + 1)).errors
    # A tag no published capability carries is not offered, so it is not a valid value.
    assert "tag" in _filter("tag=used").errors


def test_price_ceiling_counts_only_prices_in_that_unit_at_the_human_scale():
    ArtifactFactory(slug="cheap", starting_price=Decimal("0.0000001"))  # $0.10 / 1M
    ArtifactFactory(slug="dear", starting_price=Decimal("0.00001"))  # $10 / 1M
    ArtifactFactory(slug="free", starting_price=Decimal(0))
    ArtifactFactory(slug="per-image", starting_price=Decimal("0.01"), price_unit=PriceUnit.IMAGE)
    ArtifactFactory(slug="unknown", starting_price=None, price_unit="")
    assert sorted(_slugs("price_unit=prompt_token&max_price=1")) == ["cheap", "free"]
    assert sorted(_slugs("price_unit=prompt_token")) == ["cheap", "dear", "free"]
    assert _slugs("price_unit=image&max_price=0.05") == ["per-image"]
    assert _slugs("price_unit=image&max_price=0.001") == []


@pytest.mark.parametrize(
    "query",
    [
        "price_unit=prompt_token&max_price=-1",
        "price_unit=prompt_token&max_price=abc",
        "price_unit=prompt_token&max_price=NaN",
        "price_unit=prompt_token&max_price=Infinity",
        "price_unit=prompt_token&max_price=1e400",
        "max_price=1",
    ],
)
def test_bad_price_ceilings_are_errors_on_the_price_field(query):
    ArtifactFactory()
    filterset = _filter(query)
    assert list(filterset.errors) == ["max_price"]
    assert len(filterset.qs) == 1


def test_unknown_unit_is_an_error():
    assert "price_unit" in _filter("price_unit=galleon").errors


def test_minimum_rank_and_context():
    ArtifactFactory(slug="r50", rank=50, context_length=8_000)
    ArtifactFactory(slug="r80", rank=80, context_length=1_000_000)
    ArtifactFactory(slug="no-context", rank=90, context_length=None)
    assert sorted(_slugs("min_rank=60")) == ["no-context", "r80"]
    assert _slugs("min_context=128000") == ["r80"]
    for bad in ("min_rank=abc", "min_rank=101", "min_rank=-1", "min_rank=2.5"):
        assert list(_filter(bad).errors) == ["min_rank"], bad
    assert list(_filter(f"min_context={10**30}").errors) == ["min_context"]


def test_text_matches_names_and_summaries_word_by_word():
    ArtifactFactory(slug="qwen", name="Qwen3.5-Flash", summary="A fast multilingual model.")
    ArtifactFactory(slug="flux", name="FLUX.1 [pro]", summary="Image generation from text.")
    assert _slugs("q=qwen") == ["qwen"]
    assert _slugs("q=IMAGE") == ["flux"]
    assert _slugs("q=fast+multilingual") == ["qwen"]
    assert _slugs("q=fast+image") == []
    assert sorted(_slugs("q=%25")) == []  # LIKE wildcards are escaped, not matched
    assert "q" in _filter("q=" + "x" * 201).errors
    assert "q" in _filter("q=a%00b").errors


def test_sort_options():
    ArtifactFactory(
        slug="b-old", name="beta", rank=50, times_matched=9, release_date=date(2023, 1, 1)
    )
    ArtifactFactory(
        slug="a-new", name="Alpha", rank=70, times_matched=1, release_date=date(2025, 1, 1)
    )
    ArtifactFactory(slug="c-undated", name="Gamma", rank=60, times_matched=5, release_date=None)
    assert _slugs("sort=-rank") == ["a-new", "c-undated", "b-old"]
    assert _slugs("sort=-times_matched") == ["b-old", "c-undated", "a-new"]
    assert _slugs("sort=newest") == ["a-new", "b-old", "c-undated"]
    assert _slugs("sort=name") == ["a-new", "b-old", "c-undated"]
    filterset = _filter("sort=drop+table")
    assert "sort" in filterset.errors
    assert [a.slug for a in filterset.qs] == ["a-new", "c-undated", "b-old"]


def test_price_sort_puts_free_first_groups_units_and_unknown_last():
    ArtifactFactory(slug="unknown", starting_price=None, price_unit="")
    ArtifactFactory(slug="image", starting_price=Decimal("0.001"), price_unit=PriceUnit.IMAGE)
    ArtifactFactory(slug="token-dear", starting_price=Decimal("0.00001"))
    ArtifactFactory(slug="token-cheap", starting_price=Decimal("0.0000001"))
    ArtifactFactory(slug="free", starting_price=Decimal(0), price_unit=PriceUnit.MONTH)
    # Open source with no price on record reads "Free (open source)": it sorts with free.
    ArtifactFactory(slug="open", pricing_model="open_source", starting_price=None, price_unit="")
    assert _slugs("sort=price") == [
        "free", "open", "token-cheap", "token-dear", "image", "unknown",
    ]  # fmt: skip


def test_facet_counts_or_fields_ignore_their_own_selection():
    ArtifactFactory(kind=ArtifactKind.MODEL, has_free_tier=True)
    ArtifactFactory(kind=ArtifactKind.MODEL)
    ArtifactFactory(kind=ArtifactKind.APP, has_free_tier=True)
    facets = artifact_facets_count(filterset=_filter("kind=model&has_free_tier=true"))
    kinds = {option.value: option.count for option in facets.kind}
    # Counts per kind among free-tier artifacts, whatever kind is chosen.
    assert kinds["model"] == 1
    assert kinds["app"] == 1
    assert kinds["agent"] == 0
    assert [o.value for o in facets.kind if o.selected] == ["model"]
    # Free tier counts within the current results (models only).
    assert facets.has_free_tier.count == 1
    assert facets.has_free_tier.selected


def test_facet_counts_for_vendors_and_tags():
    acme = VendorFactory(slug="acme")
    draw = TagFactory(slug="draw")
    CapabilityFactory(artifact=ArtifactFactory(vendor=acme), tags=[draw])
    CapabilityFactory(artifact=ArtifactFactory(vendor=acme), tags=[draw])
    CapabilityFactory(artifact=ArtifactFactory(kind=ArtifactKind.APP), tags=[draw])
    facets = artifact_facets_count(filterset=_filter("vendor=acme"))
    vendors = {option.value: option.count for option in facets.vendor}
    assert vendors["acme"] == 2
    assert sum(vendors.values()) == 3
    assert {option.value: option.count for option in facets.tag} == {"draw": 2}


def test_facets_survive_invalid_input():
    ArtifactFactory()
    facets = artifact_facets_count(filterset=_filter("kind=robot&min_rank=abc&tag=nope"))
    assert sum(option.count for option in facets.kind) == 1


def test_active_params_keep_only_known_non_empty_values():
    filterset = _filter("q=&kind=model&kind=app&utm_source=x&min_rank=+&page=3")
    assert filterset.active_params == {"kind": ["model", "app"]}


def test_top_tags_are_the_most_used_on_published_capabilities():
    artifact = ArtifactFactory()
    a, b, c, d = (TagFactory(slug=s, name=s.upper()) for s in ("a", "b", "c", "d"))
    CapabilityFactory(artifact=artifact, tags=[b, c])
    CapabilityFactory(artifact=artifact, tags=[b, d])
    CapabilityFactory(artifact=artifact, tags=[a, d])
    CapabilityFactory(artifact=artifact, tags=[c, c], status=Status.DRAFT)
    bare = ArtifactFactory()
    artifacts_top_tags_attach(artifacts=[artifact, bare])
    assert [t["slug"] for t in artifact.top_tags] == ["b", "d", "a"]
    assert bare.top_tags == []


@pytest.fixture
def catalog_of_two():
    CapabilityFactory(artifact=ArtifactFactory(), tags=[TagFactory(slug="draw")])
    ArtifactFactory(kind=ArtifactKind.APP, starting_price=None, price_unit="")


FIELDS = [
    "q",
    "sort",
    "kind",
    "vendor",
    "pricing_model",
    "has_free_tier",
    "open_weights",
    "input",
    "output",
    "tag",
    "price_unit",
    "max_price",
    "min_rank",
    "min_context",
    "page",
]


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(FIELDS),
            st.one_of(
                st.text(max_size=40),
                st.sampled_from(["model", "-rank", "price", "image", "1e9", "-0", "0x10"]),
            ),
        ),
        max_size=12,
    )
)
def test_any_input_filters_without_raising(catalog_of_two, pairs):
    query = QueryDict(mutable=True)
    for key, value in pairs:
        query.appendlist(key, value)
    filterset = ArtifactFilter(query)
    assert isinstance(filterset.errors, dict)
    list(filterset.qs)
    artifact_facets_count(filterset=filterset)


def test_vendor_options_are_those_with_results_capped_and_the_selected_one(monkeypatch):
    monkeypatch.setattr("comparisons.browse.filters.VENDORS_SHOWN", 2)
    vendors = [(slug, slug.title()) for slug in ("acme", "bolt", "cyan", "dune", "echo", "fern")]
    counts = [3, 0, 9, 0, 3, 1]
    shown = vendors_shown(vendors=vendors, counts=counts, selected="bolt")
    # The two with most results (a tie goes to the name), the selected one, in name order.
    assert [(o.value, o.count, o.selected) for o in shown] == [
        ("acme", 3, False),
        ("bolt", 0, True),
        ("cyan", 9, False),
    ]
    assert vendors_shown(vendors=vendors, counts=[0] * 6, selected="") == []


def test_a_selected_vendor_with_results_takes_no_place_of_the_busiest(monkeypatch):
    monkeypatch.setattr("comparisons.browse.filters.VENDORS_SHOWN", 2)
    vendors = [(slug, slug.title()) for slug in ("acme", "bolt", "cyan", "dune", "echo", "fern")]
    counts = [3, 0, 9, 0, 2, 1]
    shown = vendors_shown(vendors=vendors, counts=counts, selected="cyan")
    # The two busiest besides the selected one, then the selected one, in name order.
    assert [(o.value, o.count, o.selected) for o in shown] == [
        ("acme", 3, False),
        ("cyan", 9, True),
        ("echo", 2, False),
    ]


def test_model_fact_filters_keep_only_what_the_source_states():
    ArtifactFactory(
        slug="tools-long",
        supports_tools=True,
        max_output_tokens=128_000,
        output_price=Decimal("0.00001"),
        knowledge_cutoff=date(2025, 3, 1),
    )
    ArtifactFactory(
        slug="no-tools",
        supports_tools=False,
        max_output_tokens=8_000,
        output_price=Decimal("0.000002"),
        knowledge_cutoff=date(2024, 1, 1),
    )
    ArtifactFactory(slug="unknown")  # the source says nothing: never passes a fact filter
    assert _slugs("supports=tools") == ["tools-long"]
    assert _slugs("min_output=8000") == sorted(_slugs("min_output=8000"), reverse=True)
    assert sorted(_slugs("min_output=8000")) == ["no-tools", "tools-long"]
    assert _slugs("min_output=8001") == ["tools-long"]
    # US dollars per 1M output tokens: $2 keeps the $2 model, not the $10 one.
    assert _slugs("max_output_price=2") == ["no-tools"]
    assert _slugs("max_output_price=1.99") == []
    assert _slugs("knowledge_after=2025-03-01") == ["tools-long"]
    assert _slugs("knowledge_after=2025-03-02") == []
    assert "supports" in _filter("supports=telepathy").errors


def test_model_fact_sorts_put_unknown_values_last():
    ArtifactFactory(slug="short", name="Short", context_length=8_000, max_output_tokens=1_000)
    ArtifactFactory(slug="long", name="Long", context_length=1_000_000, max_output_tokens=64_000)
    ArtifactFactory(slug="unknown", name="Unknown", context_length=None)
    assert _slugs("sort=-context") == ["long", "short", "unknown"]
    assert _slugs("sort=-max_output") == ["long", "short", "unknown"]


def test_filtersets_over_one_snapshot_share_fields_but_no_request(catalog_of_two):
    snapshot = browse_snapshot_build(version="v1", facts="f1")
    first = ArtifactFilter(QueryDict("kind=model&min_rank=abc"), snapshot=snapshot)
    assert "min_rank" in first.errors
    second = ArtifactFilter(QueryDict("kind=app"), snapshot=snapshot)
    assert second.form.fields is first.form.fields  # made once for the snapshot
    assert not second.errors
    # Each answers with its own values, whichever was made last.
    assert [a.kind for a in first.qs] == [ArtifactKind.MODEL]
    assert [a.kind for a in second.qs] == [ArtifactKind.APP]
    assert 'value="abc"' in str(first.form["min_rank"])
    assert 'value="abc"' not in str(second.form["min_rank"])
    other = ArtifactFilter(QueryDict("kind=app"), snapshot=browse_snapshot_build())
    assert other.form.fields is not first.form.fields  # another snapshot, its own choices


def test_an_error_repeating_the_visitors_input_is_not_kept_per_process(catalog_of_two):
    from comparisons.templatetags.browse import _escaped, field_errors

    filterset = ArtifactFilter(QueryDict("kind=" + "x" * 500))
    before = _escaped.cache_info().currsize
    html = field_errors(filterset.form["kind"], oob=True)
    assert "x" * 500 in html and 'data-hx-swap-oob="true"' in html
    assert _escaped.cache_info().currsize == before
