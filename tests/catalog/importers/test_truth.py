"""What an import may never get wrong, with the exact inputs of the reports that found the
faults: unknown prices, wrong-shape sources, mass review, delisted artifacts, curated pairs.
Every test runs on SQLite and PostgreSQL (the suite's DATABASE_URL decides)."""

import copy
import io
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command

from catalog.importers import openrouter
from catalog.importers.common import ImportSourceError
from catalog.importers.writer import records_import
from catalog.models import Artifact, PricingModel
from catalog.services import artifact_mark_curated
from tests.catalog.importers.sources import fixture_load
from tests.sitemap_crawl import sitemap_locations

pytestmark = pytest.mark.django_db

ALL_ZERO = {
    "data": [
        {
            "id": "openrouter/free",
            "name": "Free Models Router",
            "created": 1769000000,
            "description": "Routes each request to one of the free models.",
            "context_length": 200000,
            "architecture": {"modality": "text+image->text", "tokenizer": "Router"},
            "pricing": {"prompt": "0", "completion": "0"},
            "supported_parameters": ["tools"],
        },
        {
            "id": "acme/preview-alpha",
            "name": "Preview Alpha",
            "created": 1762000000,
            "description": "A cloaked model offered while feedback is gathered.",
            "context_length": 256000,
            "architecture": {"input_modalities": ["text", "image"], "output_modalities": ["text"]},
            "pricing": {
                "prompt": "0",
                "completion": "0",
                "image": "0",
                "request": "0",
                "web_search": "0",
                "internal_reasoning": "0",
                "discount": 0,
            },
        },
    ]
}
FRONT_END_SHAPE = {
    "data": [
        {
            "slug": "acme/alpha-1",
            "name": "Acme: Alpha 1",
            "author": "acme",
            "description": "A general model.",
            "context_length": 128000,
            "input_modalities": ["text"],
            "output_modalities": ["text"],
            "endpoint": {
                "pricing": {"prompt": "0.000001", "completion": "0.000002"},
                "is_free": False,
            },
        },
        {
            "slug": "acme/beta-2",
            "name": "Acme: Beta 2",
            "author": "acme",
            "description": "Another model.",
            "context_length": 32768,
            "input_modalities": ["text", "image"],
            "output_modalities": ["text"],
            "endpoint": {"pricing": {"prompt": "0", "completion": "0"}, "is_free": True},
        },
    ]
}


def _write(tmp_path, payload, name="source.json") -> str:
    path = tmp_path / name
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    return str(path)


def _command(*args) -> None:
    call_command("import_openrouter", *args, stdout=io.StringIO())


def _catalog_tables() -> dict:
    """Every row of every catalog table, history included, in a stable order."""
    return {
        model._meta.db_table: list(model.objects.order_by("pk").values())
        for model in apps.get_app_config("catalog").get_models()
    }


def _import(payload=None, **options):
    payload = fixture_load("openrouter-models.json") if payload is None else payload
    return records_import(
        source="openrouter", parsed=openrouter.records_parse(payload=payload), **options
    )


# Issue: all-zero prices are not "Paid" ---------------------------------------------------


def test_all_zero_prices_without_a_free_variant_are_price_unknown(tmp_path):
    _command(_write(tmp_path, ALL_ZERO), "--publish")
    for external_id in ("openrouter/free", "acme/preview-alpha"):
        artifact = Artifact.objects.get(external_id=external_id)
        assert artifact.pricing_model == PricingModel.UNKNOWN, external_id
        assert artifact.get_pricing_model_display() == "Price unknown"
        assert (artifact.starting_price, artifact.price_unit) == (None, "")
        assert artifact.input_price is None and artifact.output_price is None
        assert not artifact.price_rows.exists()
    # In neither the free nor the paid facet.
    in_facets = Artifact.objects.filter(pricing_model__in=[PricingModel.FREE, PricingModel.PAID])
    assert not in_facets.exists()


def test_rerank_and_embedding_models_listing_zero_are_price_unknown():
    payload = {
        "data": [
            {
                "id": "cohere/rerank-4-pro",
                "name": "Cohere: Rerank 4 Pro",
                "architecture": {"input_modalities": ["text"], "output_modalities": ["rerank"]},
                "pricing": {"prompt": "0", "completion": "0"},
            },
            {
                "id": "acme/embed-1",
                "name": "Acme: Embed 1",
                "architecture": {"input_modalities": ["text"], "output_modalities": ["embeddings"]},
                "pricing": {"prompt": "0", "completion": "0"},
            },
        ]
    }
    _import(payload)
    assert set(Artifact.objects.values_list("pricing_model", flat=True)) == {"unknown"}


# Issue: a wrong-shape, truncated or empty source changes nothing ---------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (FRONT_END_SHAPE, "none of the 2 record(s) is a usable model: expected OpenRouter's"),
        ('{"data": [{"id": "acme/a", "name": "A"', "the file ends too early: truncated?"),
        ("", "is empty"),
        ({"data": []}, "the source lists no models"),
    ],
    ids=["front-end shape", "truncated", "empty file", "empty list"],
)
def test_a_wrong_shape_truncated_or_empty_source_exits_1_and_changes_nothing(
    tmp_path, content, message
):
    _import()
    before = _catalog_tables()
    flagged = Artifact.objects.filter(needs_review=True).count()
    with pytest.raises(CommandError) as error:
        _command(_write(tmp_path, content))
    text = str(error.value)
    assert message in text
    assert "\n" not in text and text.endswith("Nothing was written.")
    assert _catalog_tables() == before
    assert Artifact.objects.filter(needs_review=True).count() == flagged == 0


def test_the_front_end_shape_names_the_expected_shape_in_one_line():
    with pytest.raises(ImportSourceError) as error:
        openrouter.records_parse(payload=FRONT_END_SHAPE)
    assert '{"data": [{"id": "vendor/model"' in str(error.value)


def _source_of(n: int) -> dict:
    return {
        "data": [
            {
                "id": f"acme/m{i}",
                "name": f"Acme: M{i}",
                "architecture": {"input_modalities": ["text"], "output_modalities": ["text"]},
                "pricing": {"prompt": "0.000001", "completion": "0.000002"},
            }
            for i in range(n)
        ]
    }


@pytest.mark.parametrize(("dropped", "stops"), [(1, False), (2, False), (3, True)])
def test_marking_more_than_a_quarter_of_the_source_stops_and_asks(dropped, stops):
    _import(_source_of(8))
    smaller = _source_of(8)
    smaller["data"] = smaller["data"][dropped:]
    before = _catalog_tables()
    if stops:
        with pytest.raises(ImportSourceError, match=f"would mark {dropped} of the 8 .*--allow"):
            _import(smaller)
        assert _catalog_tables() == before
        report = _import(smaller, allow_mass_review=True)
    else:
        report = _import(smaller)
    assert report.marked_for_review == dropped
    assert Artifact.objects.filter(needs_review=True).count() == dropped


def test_the_mass_review_guard_in_the_command(tmp_path):
    _command(_write(tmp_path, _source_of(4)))
    path = _write(tmp_path, _source_of(2), "smaller.json")
    with pytest.raises(CommandError, match="--allow-mass-review"):
        _command(path)
    assert not Artifact.objects.filter(needs_review=True).exists()
    _command(path, "--allow-mass-review")
    assert Artifact.objects.filter(needs_review=True).count() == 2


@pytest.mark.parametrize(("unusable", "marks"), [(6, True), (7, False), (8, False)])
def test_only_a_run_that_used_most_records_marks_anything(unusable, marks):
    """7 usable records (one model dropped since the first run) and `unusable` records
    without an id: half usable or fewer (7 of 14) marks nothing."""
    _import(_source_of(8))
    later = _source_of(8)
    later["data"] = later["data"][1:] + [{"id": None}] * unusable
    report = _import(later)
    assert report.marked_for_review == (1 if marks else 0)
    assert Artifact.objects.filter(needs_review=True).count() == (1 if marks else 0)


# Issue: delisted artifacts ----------------------------------------------------------------


def _without_vectorco():
    payload = fixture_load("openrouter-models.json")
    payload["data"] = [
        m
        for m in payload["data"]
        if not (isinstance(m, dict) and str(m.get("id", "")).startswith("vectorco/"))
    ]
    return payload


def test_a_delisted_artifact_gets_the_date_and_leaves_listings_until_kept():
    _import(publish=True)
    _import(_without_vectorco())
    gone = Artifact.objects.get(external_id="vectorco/embed-small")
    assert gone.delisted_at is not None and gone.needs_review
    listed = set(Artifact.objects.published().listed().values_list("external_id", flat=True))
    assert "vectorco/embed-small" not in listed and "acme/lumen-flash" in listed
    gone.delisting_kept = True
    gone.save()
    listed = set(Artifact.objects.published().listed().values_list("external_id", flat=True))
    assert "vectorco/embed-small" in listed


def test_an_artifact_stays_flagged_once_while_delisted():
    _import()
    first = _import(_without_vectorco())
    assert first.marked_for_review == 2
    history = Artifact.history.count()
    gone = Artifact.objects.get(external_id="vectorco/embed-small")
    day = gone.delisted_at
    # An editor reviews it and clears the flag: the next import does not flag it again.
    gone.needs_review = False
    gone.save()
    history = Artifact.history.count()
    again = _import(_without_vectorco())
    assert again.marked_for_review == 0
    assert Artifact.history.count() == history
    gone.refresh_from_db()
    assert (gone.needs_review, gone.delisted_at) == (False, day)


def test_a_relisted_artifact_is_current_again():
    _import()
    _import(_without_vectorco())
    Artifact.objects.filter(external_id="vectorco/embed-small").update(delisting_kept=True)
    # It comes back with a new context length: that is written along with the relisting.
    payload = fixture_load("openrouter-models.json")
    embed = next(
        m for m in payload["data"] if isinstance(m, dict) and m.get("id") == "vectorco/embed-small"
    )
    embed["context_length"] = 9000
    report = _import(payload)
    back = Artifact.objects.get(external_id="vectorco/embed-small")
    assert (back.delisted_at, back.delisting_kept, back.needs_review) == (None, False, False)
    assert back.context_length == 9000
    relisted = ("delisted_at", "delisting_kept", "needs_review")
    assert report.changes == [
        ("update", "vectorco/embed-small", ("context_length", *relisted)),
        ("update", "vectorco/rerank-lite", relisted),
    ]


# Curated price and unit move as a pair, in both directions ---------------------------------


def _lumen_curated(fields, **values):
    _import()
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    for name, value in values.items():
        setattr(lumen, name, value)
    artifact_mark_curated(artifact=lumen, fields=fields)
    lumen.save()
    return lumen


def _source_unit_changes():
    payload = fixture_load("openrouter-models.json")
    model = next(
        m for m in payload["data"] if isinstance(m, dict) and m.get("id") == "acme/lumen-flash"
    )
    # The source now charges per output image token instead of per prompt token.
    model["pricing"] = {"prompt": "0", "completion": "0", "image_output": "0.00002"}
    return payload


def test_a_curated_price_keeps_its_unit_when_the_source_changes_the_unit():
    lumen = _lumen_curated(["starting_price"], starting_price=Decimal(10), price_unit="month")
    _import(_source_unit_changes())
    lumen.refresh_from_db()
    assert (lumen.starting_price, lumen.price_unit) == (Decimal(10), "month")


def test_a_curated_unit_keeps_its_price_when_the_source_changes_the_price():
    lumen = _lumen_curated(["price_unit"], starting_price=Decimal(10), price_unit="month")
    payload = fixture_load("openrouter-models.json")
    _import(_source_unit_changes())
    lumen.refresh_from_db()
    assert (lumen.starting_price, lumen.price_unit) == (Decimal(10), "month")
    # And the uncurated facts still follow the source.
    _import(payload)
    lumen.refresh_from_db()
    assert lumen.input_price == Decimal("0.000000065")


def test_a_curated_price_list_is_left_alone():
    lumen = _lumen_curated(["prices"])
    rows = list(lumen.price_rows.values_list("key", "amount"))
    _import(_source_unit_changes())
    assert list(lumen.price_rows.values_list("key", "amount")) == rows


@pytest.mark.parametrize("seed", [7, 11])
def test_the_fixture_imported_in_any_order_gives_the_same_catalog(seed):
    import random

    _import()
    before = {
        a.external_id: (a.starting_price, a.price_unit, a.input_price, a.pricing_model)
        for a in Artifact.objects.all()
    }
    shuffled = copy.deepcopy(fixture_load("openrouter-models.json"))
    random.Random(seed).shuffle(shuffled["data"])
    report = _import(shuffled)
    assert (report.created, report.updated) == (0, 0)
    after = {
        a.external_id: (a.starting_price, a.price_unit, a.input_price, a.pricing_model)
        for a in Artifact.objects.all()
    }
    assert after == before


def test_a_delisted_page_says_the_source_stopped_listing_it_on_that_date(client):
    _import(publish=True)
    _import(_without_vectorco())
    gone = Artifact.objects.get(external_id="vectorco/embed-small")
    page = client.get(gone.get_absolute_url()).content.decode()
    assert f"OpenRouter stopped listing {gone.name} on {gone.delisted_at:%-d %B %Y}" in page
    current = Artifact.objects.get(external_id="acme/lumen-flash")
    assert "stopped listing" not in client.get(current.get_absolute_url()).content.decode()
    # It leaves the sitemap, and comes back when an editor keeps it.
    assert gone.get_absolute_url() not in sitemap_locations(client)
    Artifact.objects.filter(pk=gone.pk).update(delisting_kept=True)
    assert gone.get_absolute_url() in sitemap_locations(client)
