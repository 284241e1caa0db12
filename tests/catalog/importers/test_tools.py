"""The tools catalog, parsed without a database, on a hand-written fixture with the real
catalog's quirks: inconsistent tag spellings, one product under two slugs, a record with
no description or features."""

from decimal import Decimal

import pytest

from catalog.importers import tools
from catalog.importers.common import ImportSourceError
from tests.catalog.importers.sources import fixture_load


@pytest.fixture(scope="module")
def parsed():
    return tools.records_parse(payload=fixture_load("ai-tools.json"))


@pytest.fixture(scope="module")
def by_id(parsed):
    return {record.external_id: record for record in parsed.records}


def test_valid_tools_become_records(by_id):
    assert sorted(by_id) == ["freebird", "gridcraft", "quillpad", "termite"]


def test_problem_records_are_skipped_with_reasons(parsed):
    assert dict(parsed.skipped) == {
        "termite-burrow": "duplicate of termite (same name and company)",
        "hollow": "no description and no key features: nothing to compare",
        "bad-tags": "tags is not a list of strings",
        "#7": "not an object",
    }
    assert parsed.aliases == {"termite-burrow": "termite"}
    assert "termite-burrow" in parsed.seen_ids


def test_fields_map_to_the_artifact(by_id):
    quill = by_id["quillpad"]
    assert quill.slug == "quillpad"
    assert quill.vendor == "Quill Labs"
    assert quill.fields["name"] == "Quillpad"
    assert quill.fields["summary"].startswith("An editor that drafts")
    assert quill.fields["kind"] == "app"
    assert by_id["gridcraft"].fields["kind"] == "extension"
    assert by_id["termite"].fields["kind"] == "agent"


def test_key_features_become_capabilities_with_best_for_and_limitations(by_id):
    capabilities = by_id["quillpad"].capabilities
    # "Inline Rewrite Suggestions" repeats the first feature in other case: kept once.
    assert [c.title for c in capabilities] == [
        "Inline rewrite suggestions",
        "Drafts whole sections from an outline",
    ]
    assert capabilities[0].description == "Inline rewrite suggestions."
    assert capabilities[1].description == "Drafts whole sections from an outline."
    assert {c.best_for for c in capabilities} == {"Writers who want help without leaving the page."}
    assert {c.limitations for c in capabilities} == {"Teams that need offline use."}


def test_tags_are_normalised_across_the_whole_file(by_id, parsed):
    def tag_slugs(record_id):
        return [t.slug for t in by_id[record_id].capabilities[0].tags]

    # "open-source", "Open Source", "OpenSource", "Open-Source": one tag, first spelling wins a tie.
    open_source = {t for r in by_id.values() for c in r.capabilities for t in c.tags}
    open_source = {t for t in open_source if t.key == "opensource"}
    assert {(t.slug, t.name) for t in open_source} == {("open-source", "open-source")}
    assert tag_slugs("quillpad") == ["writing", "open-source", "ai"]
    assert tag_slugs("freebird") == ["byok"]  # "BYOK" and "byok" on one record: one tag
    termite = tag_slugs("termite")
    assert termite[:3] == ["open-source", "cli", "coding-agent"]
    assert termite[3].startswith("tag-")  # a tag in another script keeps a stable slug
    assert parsed.notes == [
        "14 tag spellings normalised into 9 tags (case and punctuation ignored)",
        "1 duplicate product listing(s) imported once",
    ]


def test_pricing_words_and_text(by_id):
    quill = by_id["quillpad"].fields
    assert (quill["pricing_model"], quill["has_free_tier"]) == ("freemium", True)
    # The $5-$10 range is savings, not a price; $18/mo beats $25 per user.
    assert (quill["starting_price"], quill["price_unit"]) == (Decimal(18), "month")
    assert quill["prices"] == {"month": "18", "seat": "25"}

    grid = by_id["gridcraft"].fields
    assert (grid["pricing_model"], grid["has_free_tier"]) == ("paid", False)
    assert (grid["starting_price"], grid["price_unit"]) == (Decimal(29), "seat")

    # Free and open-source tools cost nothing themselves, whatever add-ons cost.
    for record_id, model in (("termite", "open_source"), ("freebird", "free")):
        fields = by_id[record_id].fields
        assert fields["pricing_model"] == model
        assert (fields["starting_price"], fields["price_unit"]) == (Decimal(0), "month")


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Pro ($20/mo), Teams ($40/user/mo)", {"month": 20, "seat": 40}),
        ("Plans from $19 to $179 per month", {"month": 19}),
        ("$25 per contributing developer per month", {"seat": 25}),
        ("a $10 monthly subscription", {"month": 10}),
        ("$1,200/month for billions of tokens", {"month": 1200}),
        ("up to $100-$200/month in tracked savings", {}),
        ("$20/week, $119.40/year, $3 per million tokens, $0.50 per PR", {}),
        ("¥59/month", {}),
        ("", {}),
    ],
)
def test_monthly_prices_are_read_only_where_stated(text, found):
    assert tools.monthly_price_parse(text) == {k: Decimal(v) for k, v in found.items()}


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"tools": []}, "expected a JSON list"),
        ([], "lists no tools"),
        (["a", 1], "holds no objects"),
    ],
)
def test_a_payload_of_the_wrong_shape_is_refused(payload, message):
    with pytest.raises(ImportSourceError, match=message):
        tools.records_parse(payload=payload)


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"name": ""}, "no name"),
        ({"company": None}, "no company"),
        ({"keyFeatures": "fast"}, "keyFeatures is not a list"),
        ({"name": "x" * 201}, "longer than 200"),
        ({"slug": ""}, "no usable slug"),
    ],
)
def test_hostile_fields_skip_only_their_record(change, reason):
    good = {"slug": "fine", "name": "Fine", "company": "Co", "description": "Does things."}
    bad = {"slug": "bad", "name": "Bad", "company": "Co", "description": "Does.", **change}
    parsed = tools.records_parse(payload=[good, bad])
    assert [r.external_id for r in parsed.records] == ["fine"]
    ((_, message),) = parsed.skipped
    assert reason in message


def test_a_slug_that_is_not_url_safe_gets_one_from_the_name():
    parsed = tools.records_parse(
        payload=[
            {"slug": "Cats vs Dogs!", "name": "Cats vs Dogs", "company": "C", "description": "d"}
        ]
    )
    (record,) = parsed.records
    assert record.external_id == "Cats vs Dogs!"
    assert record.slug == "cats-versus-dogs"
