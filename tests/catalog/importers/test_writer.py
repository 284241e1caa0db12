"""Records into rows: idempotence, curation, review flags, adoption, dry runs, batches."""

import copy
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.importers import openrouter, writer
from catalog.importers.common import (
    ArtifactRecord,
    CapabilityRecord,
    ImportSourceError,
    ParseResult,
    PriceRecord,
    TagRecord,
)
from catalog.importers.writer import records_import
from catalog.journal import catalog_changes_since, catalog_journal_mark
from catalog.models import Artifact, ArtifactPrice, Capability, Status, Tag, Vendor
from catalog.services import artifact_mark_curated
from tests.catalog.importers.sources import fixture_load
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _import(payload=None, **options):
    payload = fixture_load("openrouter-models.json") if payload is None else payload
    parsed = openrouter.records_parse(payload=payload)
    return records_import(source=openrouter.SOURCE, parsed=parsed, **options)


def _history_rows() -> int:
    return Artifact.history.count() + Capability.history.count()


def _model(payload, model_id):
    return next(m for m in payload["data"] if isinstance(m, dict) and m.get("id") == model_id)


def test_a_first_import_creates_drafts_with_vendors_tags_and_capabilities():
    report = _import()
    assert (report.created, report.updated, report.unchanged) == (13, 0, 0)
    assert len(report.skipped) == 5
    assert report.lines()[0] == "openrouter: 13 created, 0 updated, 0 unchanged, 5 skipped"
    assert Artifact.objects.filter(external_source="openrouter").count() == 13
    assert set(Artifact.objects.values_list("status", flat=True)) == {Status.DRAFT}
    lumen = Artifact.objects.select_related("vendor").get(external_id="acme/lumen-flash")
    assert (lumen.name, lumen.slug, lumen.vendor.name) == ("Lumen Flash", "lumen-flash", "Acme")
    assert (lumen.starting_price, lumen.price_unit) == (Decimal("0.000000065"), "prompt_token")
    assert lumen.prices["completion_token"] == "0.00000026"
    assert lumen.input_modalities == ["image", "text", "video"]
    caps = {c.title: c for c in lumen.capabilities.prefetch_related("tags")}
    assert [t.slug for t in caps["Function calling"].tags.all()] == ["function-calling"]
    assert caps["Long context"].status == Status.PUBLISHED
    assert dict(report.counts) == {
        "capabilities created": Capability.objects.count(),
        "vendors created": Vendor.objects.count(),
        "tags created": Tag.objects.count(),
        "price lists written": ArtifactPrice.objects.values("artifact").distinct().count(),
    }
    assert sorted(report.changes) == sorted(
        ("create", external_id, ())
        for external_id in Artifact.objects.values_list("external_id", flat=True)
    )
    # Imports are audited like editor changes.
    assert lumen.history.first().history_change_reason == "Imported from openrouter"


def test_varies_is_not_free_and_a_price_per_image_is_paid():
    _import()
    router = Artifact.objects.get(external_id="openrouter/auto")
    assert router.price_varies and router.starting_price is None
    canvas = Artifact.objects.get(external_id="pixelworks/canvas-2-pro")
    # The source's `image_output` is a price per output image token, not per image.
    assert (canvas.price_unit, canvas.starting_price) == (
        "output_image_token",
        Decimal("0.000007324219"),
    )
    assert not canvas.price_varies


def test_importing_the_same_file_twice_writes_nothing_the_second_time():
    _import()
    history = _history_rows()
    report = _import()
    assert (report.created, report.updated, report.unchanged) == (0, 0, 13)
    assert not report.counts
    assert _history_rows() == history


def test_publish_publishes_what_it_creates_only():
    ArtifactFactory(slug="lumen-flash", status=Status.DRAFT, external_id="")
    _import(publish=True)
    assert Artifact.objects.get(external_id="vectorco/embed-small").status == Status.PUBLISHED
    # An adopted entry keeps the status an editor gave it.
    assert Artifact.objects.get(external_id="acme/lumen-flash").status == Status.DRAFT


def test_a_changed_source_updates_only_what_changed():
    _import()
    payload = fixture_load("openrouter-models.json")
    _model(payload, "acme/lumen-flash")["pricing"]["prompt"] = "0.00000007"
    _model(payload, "acme/lumen-flash")["supported_parameters"].remove("tools")
    report = _import(payload)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 12)
    assert report.changes == [
        (
            "update",
            "acme/lumen-flash",
            (
                "capabilities",
                "input_price",
                "price list",
                "prices",
                "starting_price",
                "supports_tools",
            ),
        )
    ]
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    assert lumen.starting_price == Decimal("0.00000007")
    # A capability the source no longer supports is hidden, not deleted.
    hidden = lumen.capabilities.get(title="Function calling")
    assert hidden.status == Status.DRAFT
    assert report.counts["capabilities hidden"] == 1
    # And it comes back when the source supports it again.
    _import()
    hidden.refresh_from_db()
    assert hidden.status == Status.PUBLISHED


def test_curated_fields_are_never_overwritten():
    _import()
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    lumen.summary = "Our own words about it."
    lumen.starting_price = Decimal("0.0000001")
    artifact_mark_curated(artifact=lumen, fields=["summary", "starting_price"])
    lumen.save()
    payload = fixture_load("openrouter-models.json")
    model = _model(payload, "acme/lumen-flash")
    model["description"] = "The source now says something else."
    model["pricing"]["prompt"] = "0.00000009"
    model["context_length"] = 2_000_000
    report = _import(payload)
    lumen.refresh_from_db()
    assert lumen.summary == "Our own words about it."
    # Price and unit move together, so a curated price keeps its unit too.
    assert (lumen.starting_price, lumen.price_unit) == (Decimal("0.0000001"), "prompt_token")
    assert lumen.context_length == 2_000_000
    assert report.changes == [
        (
            "update",
            "acme/lumen-flash",
            ("capabilities", "context_length", "input_price", "price list", "prices"),
        )
    ]


def test_artifacts_the_source_no_longer_lists_go_to_review_and_come_back():
    _import()
    payload = fixture_load("openrouter-models.json")
    payload["data"] = [
        m
        for m in payload["data"]
        if not (isinstance(m, dict) and m.get("id", "").startswith("vectorco/"))
    ]
    report = _import(payload)
    assert report.marked_for_review == 2
    flagged = Artifact.objects.filter(needs_review=True)
    assert set(flagged.values_list("external_id", flat=True)) == {
        "vectorco/embed-small",
        "vectorco/rerank-lite",
    }
    assert Artifact.objects.count() == 13  # never deleted
    # Invalid but still listed records are not "missing".
    assert not Artifact.objects.filter(
        needs_review=True, external_id__startswith="broken/"
    ).exists()
    report = _import()
    assert report.updated == 2
    assert not Artifact.objects.filter(needs_review=True).exists()


def test_a_dry_run_reports_the_same_numbers_and_writes_nothing(django_assert_max_num_queries):
    history = _history_rows()
    dry = _import(dry_run=True)
    assert Artifact.objects.count() == Vendor.objects.count() == Tag.objects.count() == 0
    assert _history_rows() == history
    assert dry.dry_run
    real = _import()
    assert (dry.created, dry.updated, dry.unchanged) == (real.created, real.updated, real.unchanged)
    assert dry.counts == real.counts
    assert dry.skipped == real.skipped


def test_a_hand_made_entry_with_the_same_slug_is_adopted_and_keeps_its_values():
    acme = VendorFactory(name="Acme Research", slug="acme-research")
    mine = ArtifactFactory(
        slug="lumen-flash",
        name="Lumen Flash",
        vendor=acme,
        summary="Written by an editor.",
        pricing_model="open_source",
        starting_price=None,
        price_unit="",
        context_length=None,
        external_id="",
    )
    report = _import()
    mine.refresh_from_db()
    assert (mine.external_source, mine.external_id) == ("openrouter", "acme/lumen-flash")
    assert mine.summary == "Written by an editor."
    assert mine.vendor == acme
    # Pricing stays whole as the editor wrote it; unset fields are filled in.
    assert (mine.pricing_model, mine.starting_price) == ("open_source", None)
    assert mine.context_length == 1_000_000
    assert mine.curated_fields == [
        "has_free_tier", "input_modalities", "price_unit", "pricing_model", "starting_price",
        "summary", "vendor",
    ]  # fmt: skip
    assert Artifact.objects.filter(slug__startswith="lumen-flash").count() == 1
    assert not Vendor.objects.filter(name="Acme").exists()  # no vendor nobody uses
    assert report.notes[-1] == (
        "1 existing artifact(s) without an external id adopted by slug; the values they "
        "already had are kept as curated"
    )
    assert _import().updated == 0


def test_a_slug_taken_by_another_artifact_gets_the_vendor_appended():
    ArtifactFactory(slug="lumen-flash", external_source="elsewhere", external_id="lumen")
    _import()
    assert Artifact.objects.get(external_id="acme/lumen-flash").slug == "lumen-flash-acme"


def test_existing_tags_and_vendors_are_reused_by_normalised_name():
    TagFactory(slug="function-calling", name="Tool use")
    VendorFactory(name="ACME", slug="acme-inc")
    report = _import()
    tags = Tag.objects.filter(capabilities__title="Function calling").distinct()
    assert [t.name for t in tags] == ["Tool use"]
    assert Artifact.objects.get(external_id="acme/lumen-flash").vendor.slug == "acme-inc"
    assert Vendor.objects.filter(name__iexact="acme").count() == 1
    assert report.counts["vendors created"] == Vendor.objects.count() - 1


def _records(count: int, *, broken_at: int | None = None) -> ParseResult:
    tag = TagRecord(slug="text-generation", name="Text generation")
    records = []
    for n in range(count):
        title = "" if n == broken_at else "Writes text"
        records.append(
            ArtifactRecord(
                external_id=f"bulk/model-{n}",
                slug=f"bulk-model-{n}",
                vendor=f"Vendor {n % 7}",
                fields={"name": f"Bulk Model {n}", "summary": "A generated test record.",
                        "starting_price": Decimal("0.000001"), "price_unit": "prompt_token",
                        "prices": {"prompt_token": "0.000001"}, "context_length": 8192 + n},
                capabilities=(
                    CapabilityRecord(title=title, description="It writes.", tags=(tag,)),
                    CapabilityRecord(title="Reads", description="It reads.", tags=(tag,)),
                ),
            )
        )  # fmt: skip
    return ParseResult(records=records, seen_ids={r.external_id for r in records})


def test_a_database_failure_rolls_back_its_whole_batch():
    parsed = _records(30, broken_at=25)
    with pytest.raises(IntegrityError):
        records_import(source="bulk", parsed=parsed, batch_size=10)
    # Batches one and two went in whole; the third left nothing behind, not even artifacts.
    assert Artifact.objects.count() == 20
    assert Capability.objects.count() == 40
    assert not Artifact.objects.filter(capabilities__isnull=True).exists()


def test_queries_do_not_grow_with_the_number_of_records(django_assert_max_num_queries):
    small, large = _records(10), _records(300)
    with django_assert_max_num_queries(25):
        records_import(source="small", parsed=small, batch_size=500)
    with django_assert_max_num_queries(25):
        records_import(source="large", parsed=large, batch_size=500)
    with django_assert_max_num_queries(10):
        records_import(source="large", parsed=large, batch_size=500)


def _change_form_data(page) -> dict:
    """What the admin change form would post back untouched."""

    def value(v):
        if v is None:
            return ""
        if isinstance(v, list | tuple):
            return [getattr(x, "pk", x) for x in v]
        return getattr(v, "pk", v)

    form = page.context["adminform"].form
    data = {name: value(form.initial.get(name)) for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        for name, v in formset.management_form.initial.items():
            data[f"{formset.prefix}-{name}"] = v
        for sub in formset.forms:
            for name in sub.fields:
                data[f"{sub.prefix}-{name}"] = value(sub.initial.get(name))
            data[f"{sub.prefix}-id"] = sub.instance.pk or ""
    return {k: v for k, v in data.items() if v is not False}


def test_an_editor_edit_in_admin_survives_the_next_import(editor_client):
    _import()
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    url = reverse("admin:catalog_artifact_change", args=[lumen.pk])
    data = _change_form_data(editor_client.get(url))
    data["summary"] = "An editor's summary."
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    lumen.refresh_from_db()
    assert "summary" in lumen.curated_fields
    assert "capabilities" not in lumen.curated_fields
    _import()
    lumen.refresh_from_db()
    assert lumen.summary == "An editor's summary."


def test_an_editor_edit_to_a_capability_hands_them_all_to_editors(editor_client):
    _import()
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    capability = lumen.capabilities.get(title="Function calling")
    url = reverse("admin:catalog_capability_change", args=[capability.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        description="Calls your functions, in our words.",
        tags=[t.pk for t in form.initial["tags"]],
        artifact=lumen.pk,
    )
    assert editor_client.post(url, data).status_code == 302
    lumen.refresh_from_db()
    assert "capabilities" in lumen.curated_fields
    payload = copy.deepcopy(fixture_load("openrouter-models.json"))
    _model(payload, "acme/lumen-flash")["supported_parameters"] = []
    _import(payload)
    capability.refresh_from_db()
    assert capability.description == "Calls your functions, in our words."
    assert capability.status == Status.PUBLISHED


def test_an_adopted_entry_curates_exactly_the_values_it_already_had_that_differ():
    """The editor's own values stay (curated); what agrees with the source, or was never
    filled in (empty text, no value), is the source's from now on: pricing that agrees is
    not held back, a vendor that is the source's own is not curated."""
    vectorco = VendorFactory(name="VectorCo", slug="vectorco")
    ArtifactFactory(
        slug="embed-small", name="Embed Small", vendor=vectorco, summary="",
        pricing_model="paid", starting_price=Decimal("0.00000002"), price_unit="prompt_token",
        input_modalities=["text"], output_modalities=["embedding"], open_weights=True,
        curated_fields=["name"], external_id="",
    )  # fmt: skip
    lumen = ArtifactFactory(slug="lumen-flash", name="Lumen Flash", external_id="")
    CapabilityFactory(artifact=lumen, title="Our own capability")
    report = _import()
    embed = Artifact.objects.get(slug="embed-small")
    assert embed.curated_fields == ["name", "open_weights"]
    assert (embed.summary, embed.open_weights) == ("Turns text into vectors.", True)
    assert (embed.starting_price, embed.input_price) == (Decimal("2E-8"), Decimal("2E-8"))
    assert embed.vendor == vectorco
    lumen.refresh_from_db()
    # A price that differs holds the whole pricing back; its own capabilities and a vendor
    # of its own are the editors'.
    assert lumen.curated_fields == [
        "capabilities", "has_free_tier", "input_modalities", "price_unit", "pricing_model",
        "starting_price", "summary", "vendor",
    ]  # fmt: skip
    assert report.notes[-1] == (
        "2 existing artifact(s) without an external id adopted by slug; the values they "
        "already had are kept as curated"
    )


def test_only_capabilities_or_only_fields_changed_is_reported_as_such():
    _import()
    payload = fixture_load("openrouter-models.json")
    _model(payload, "acme/lumen-flash")["supported_parameters"].remove("tools")
    _model(payload, "oddball/new-timer")["context_length"] += 1
    report = _import(payload)
    assert report.changes == [
        ("update", "acme/lumen-flash", ("capabilities", "supports_tools")),
        ("update", "oddball/new-timer", ("context_length",)),
    ]
    assert (report.created, report.updated, report.unchanged) == (0, 2, 11)


def test_new_capabilities_of_a_known_artifact_are_counted_each():
    payload = fixture_load("openrouter-models.json")
    _model(payload, "acme/lumen-flash")["supported_parameters"] = []
    _import(payload)
    report = _import()
    # Three capabilities are new; the four after them moved down a place.
    assert dict(report.counts) == {
        "capabilities created": 3, "capabilities updated": 4, "tags created": 2
    }  # fmt: skip


def test_capabilities_the_source_drops_are_counted_each():
    _import()
    payload = fixture_load("openrouter-models.json")
    _model(payload, "acme/lumen-flash")["supported_parameters"] = []
    report = _import(payload)
    # Three capabilities hidden; the four after them moved up a place.
    assert dict(report.counts) == {"capabilities hidden": 3, "capabilities updated": 4}
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    assert lumen.capabilities.filter(status=Status.DRAFT).count() == 3


def test_a_tag_of_the_very_slug_wins_over_another_spelled_alike():
    """Two tags an editor made that differ only in punctuation: the source's slug picks
    its own, not the first of the same spelling."""
    TagFactory(slug="open-source", name="Open source")
    exact = TagFactory(slug="opensource", name="OpenSource")
    record = ArtifactRecord(
        external_id="t/free", slug="free", vendor="Acme",
        fields={"name": "Free", "kind": "model", "summary": "A model."},
        capabilities=(
            CapabilityRecord(
                title="Open weights", description="Download them.",
                tags=(TagRecord(slug="opensource", name="OpenSource"),),
            ),
        ),
    )  # fmt: skip
    _import_records(record)
    assert list(Capability.objects.get(title="Open weights").tags.all()) == [exact]


def test_a_duplicate_capability_title_is_hidden_and_the_first_kept():
    _import()
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    first = lumen.capabilities.get(title="Function calling")
    # A second capability of that title, listed after it: the importer keeps the first.
    duplicate = CapabilityFactory(artifact=lumen, title="Function calling", position=99)
    report = _import()
    first.refresh_from_db()
    duplicate.refresh_from_db()
    assert (first.status, duplicate.status) == (Status.PUBLISHED, Status.DRAFT)
    assert dict(report.counts) == {"capabilities hidden": 1}


def test_a_dry_run_counts_new_vendors_and_tags_over_every_batch():
    dry = _import(dry_run=True, batch_size=4)
    real = _import(batch_size=4)
    assert dry.counts["vendors created"] == Vendor.objects.count()
    assert dry.counts["tags created"] == Tag.objects.count()
    assert dry.counts == real.counts


def test_a_vendor_renamed_by_the_source_moves_the_artifact_to_that_vendor():
    _import()
    payload = fixture_load("openrouter-models.json")
    _model(payload, "quietlab/echo-tts")["name"] = "Quiet Labs: Echo TTS"
    report = _import(payload)
    echo = Artifact.objects.select_related("vendor").get(external_id="quietlab/echo-tts")
    assert echo.vendor.name == "Quiet Labs"
    assert report.changes == [("update", "quietlab/echo-tts", ("vendor",))]


def test_a_record_a_field_check_refuses_is_skipped_with_the_reason_in_one_line():
    record = ArtifactRecord(
        external_id="x/bad", slug="bad", vendor="X",
        fields={"name": "Bad", "kind": "model", "summary": "s", "context_length": -5,
                "max_output_tokens": -1, "homepage": "not a url " + "x" * 200},
    )  # fmt: skip
    parsed = ParseResult(records=[record], seen_ids={"x/bad"}, total=1)
    report = records_import(source="test", parsed=parsed)
    # Two messages of one field (the homepage) are one sentence after the other.
    assert report.skipped == [
        (
            "x/bad",
            "homepage: Enter a valid URL. Ensure this value has at most 200 characters (it "
            "has 210).; context_length: Ensure this value is greater than or equal to 0.; "
            "max_output_tokens: Ensure this value is greater than or equal to 0.",
        )
    ]
    assert not Artifact.objects.filter(slug="bad").exists()


def test_capability_changes_alone_are_reported_and_written():
    """Only capabilities change between runs (no artifact field): a new tag, then a new
    description with a tag dropped, then a new capability; each run reports exactly that."""
    pdf, ocr = TagRecord(slug="pdf", name="PDF"), TagRecord(slug="ocr", name="OCR")

    def run(*capabilities: CapabilityRecord):
        record = ArtifactRecord(
            external_id="x/reader", slug="reader", vendor="X",
            fields={"name": "Reader", "kind": "model", "summary": "Reads documents."},
            capabilities=capabilities,
        )  # fmt: skip
        parsed = ParseResult(records=[record], seen_ids={"x/reader"}, total=1)
        return records_import(source="test", parsed=parsed)

    def tags() -> list[str]:
        capability = Capability.objects.get(title="Reads PDFs")
        return sorted(capability.tags.values_list("slug", flat=True))

    def history() -> list[tuple[str, str]]:
        rows = Capability.history.filter(title="Reads PDFs").order_by("history_id")
        return [(row.history_type, row.history_change_reason) for row in rows]

    run(CapabilityRecord(title="Reads PDFs", description="Reads them.", tags=(pdf,)))
    assert history() == [("+", "Imported from test")]
    report = run(CapabilityRecord(title="Reads PDFs", description="Reads them.", tags=(pdf, ocr)))
    assert report.changes == [("update", "x/reader", ("capabilities",))]
    assert dict(report.counts) == {"capabilities updated": 1, "tags created": 1}
    assert tags() == ["ocr", "pdf"]
    # A new tag alone writes the tag links, not the capability's row: no history entry
    # that lists no change.
    assert history() == [("+", "Imported from test")]
    report = run(CapabilityRecord(title="Reads PDFs", description="Reads scans.", tags=(pdf,)))
    assert dict(report.counts) == {"capabilities updated": 1}
    assert history() == [("+", "Imported from test"), ("~", "Imported from test")]
    assert (Capability.objects.get(title="Reads PDFs").description, tags()) == (
        "Reads scans.",
        ["pdf"],
    )
    report = run(
        CapabilityRecord(title="Reads PDFs", description="Reads scans.", tags=(pdf,)),
        CapabilityRecord(title="Reads forms", description="Fills them in."),
    )
    assert report.changes == [("update", "x/reader", ("capabilities",))]
    assert dict(report.counts) == {"capabilities created": 1}
    assert (report.updated, report.unchanged) == (1, 0)
    # Capabilities an editor has taken over: a source change to them is no change at all.
    reader = Artifact.objects.get(external_id="x/reader")
    artifact_mark_curated(artifact=reader, fields=["capabilities"])
    reader.save()
    report = run(CapabilityRecord(title="Reads PDFs", description="Reads anything."))
    assert (report.updated, report.unchanged, report.changes, report.counts) == (0, 1, [], {})


def _named_by(write) -> frozenset[int]:
    """The artifacts the change journal says `write` touched (what each worker's browse
    data re-reads after an import); never "anything may have changed"."""
    mark = catalog_journal_mark()
    write()
    changes = catalog_changes_since(mark=mark, limit=1000)
    assert changes is not None
    assert (changes.ranks, changes.tags) == (False, False)
    return changes.artifact_ids


def _pks(*external_ids: str) -> set[int]:
    return set(Artifact.objects.filter(external_id__in=external_ids).values_list("pk", flat=True))


def test_each_import_names_exactly_the_artifacts_it_wrote():
    assert _named_by(_import) == set(Artifact.objects.values_list("pk", flat=True))
    assert _named_by(_import) == set()
    payload = fixture_load("openrouter-models.json")
    _model(payload, "oddball/new-timer")["context_length"] += 1
    assert _named_by(lambda: _import(payload)) == _pks("oddball/new-timer")
    payload["data"] = [
        m
        for m in payload["data"]
        if not (isinstance(m, dict) and m.get("id", "").startswith("vectorco/"))
    ]
    delisted = _pks("vectorco/embed-small", "vectorco/rerank-lite")
    assert _named_by(lambda: _import(payload)) == delisted


def test_capabilities_tags_and_a_price_list_alone_name_their_artifact():
    """No artifact field changes in these runs, only what hangs on the artifact."""
    pdf, ocr = TagRecord(slug="pdf", name="PDF"), TagRecord(slug="ocr", name="OCR")

    def run(*capabilities: CapabilityRecord, amount: str = "0.000001"):
        price = PriceRecord(key="prompt_token", unit="prompt_token", amount=Decimal(amount))
        records = [
            ArtifactRecord(
                external_id=f"x/{name}", slug=name, vendor="X",
                fields={"name": name.title(), "kind": "model", "summary": "Reads documents."},
                capabilities=capabilities if name == "reader" else (),
                prices=(price,) if name == "reader" else None,
            )
            for name in ("reader", "bystander")
        ]  # fmt: skip
        parsed = ParseResult(records=records, seen_ids={r.external_id for r in records})
        return lambda: records_import(source="test", parsed=parsed)

    first = CapabilityRecord(title="Reads PDFs", description="Reads them.", tags=(pdf,))
    assert len(_named_by(run(first))) == 2
    reader = _pks("x/reader")
    retagged = CapabilityRecord(title="Reads PDFs", description="Reads them.", tags=(ocr,))
    assert _named_by(run(retagged)) == reader
    described = CapabilityRecord(title="Reads PDFs", description="Reads scans.", tags=(ocr,))
    assert _named_by(run(described)) == reader
    added = CapabilityRecord(title="Reads forms", description="Fills them in.")
    assert _named_by(run(described, added)) == reader
    assert _named_by(run(described, added, amount="0.000002")) == reader
    assert ArtifactPrice.objects.get(artifact__external_id="x/reader").amount == Decimal("0.000002")


def _one(external_id: str, slug: str, vendor: str = "Acme") -> ArtifactRecord:
    return ArtifactRecord(
        external_id=external_id, slug=slug, vendor=vendor,
        fields={"name": slug.title(), "kind": "model", "summary": "A model."},
    )  # fmt: skip


def _import_records(*records: ArtifactRecord, **options):
    parsed = ParseResult(records=list(records), seen_ids={r.external_id for r in records})
    return records_import(source="test", parsed=parsed, **options)


def _slug_of(external_id: str) -> str:
    return Artifact.objects.get(external_source="test", external_id=external_id).slug


def test_a_taken_slug_tries_the_vendor_then_numbers_and_never_a_comparison_url():
    ArtifactFactory(slug="alpha", external_source="elsewhere", external_id="alpha")
    ArtifactFactory(slug="alpha-acme", external_source="elsewhere", external_id="alpha-acme")
    ArtifactFactory(slug="alpha-2", external_source="elsewhere", external_id="alpha-2")
    ArtifactFactory(slug="beta", external_source="elsewhere", external_id="beta")
    report = _import_records(
        _one("t/alpha", "alpha"),  # its slug and the vendor's are taken: the first number free
        _one("t/beta", "beta", vendor="VS Labs"),  # "beta-vs-labs" would read as a comparison
        _one("t/gamma", "gamma"),
        _one("t/gamma-again", "gamma"),  # the same slug twice in one run
        _one("t/gamma-third", "gamma"),
    )
    assert report.skipped == []
    assert [
        _slug_of(i) for i in ("t/alpha", "t/beta", "t/gamma", "t/gamma-again", "t/gamma-third")
    ] == ["alpha-3", "beta-2", "gamma", "gamma-acme", "gamma-2"]


def test_long_slugs_are_cut_to_fit_before_the_suffix():
    base_119, base_118 = "a" * 118 + "b", "c" * 117 + "d"
    for slug in (base_119, base_118):
        ArtifactFactory(slug=slug, external_source="elsewhere", external_id=slug)
    _import_records(_one("t/long", base_119), _one("t/longer", base_118))
    # 119 characters and "-acme" cut at 120 leave the taken slug itself (a cut never
    # leaves a trailing hyphen); the number goes after the first 115 characters.
    assert _slug_of("t/long") == "a" * 115 + "-2"
    assert _slug_of("t/longer") == base_118 + "-a"


def test_a_record_with_no_free_slug_is_skipped_with_the_reason():
    taken = ["delta", "delta-acme", *(f"delta-{n}" for n in range(2, 100))]
    vendor = VendorFactory()
    Artifact.objects.bulk_create(
        [
            Artifact(
                name=slug,
                slug=slug,
                vendor=vendor,
                kind="model",
                summary="Taken.",
                external_source="elsewhere",
                external_id=slug,
            )
            for slug in taken
        ]
    )
    report = _import_records(_one("t/delta", "delta"))
    assert report.skipped == [("t/delta", "no free slug near delta")]
    # A skipped record leaves no vendor behind (no vendor page nobody's artifact is on).
    assert not Vendor.objects.filter(name="Acme").exists()
    assert (report.created, dict(report.counts)) == (0, {})
    report = _import_records(_one("t/delta", "delta"), _one("t/epsilon", "epsilon"))
    assert report.skipped == [("t/delta", "no free slug near delta")]
    assert (report.created, _slug_of("t/epsilon")) == (1, "epsilon")
    assert not Artifact.objects.filter(slug="delta-100").exists()


def test_every_row_an_import_writes_says_so_in_its_history():
    """The history an editor reads in admin: who changed a row, and why."""

    def reasons(model) -> set[tuple[str, str]]:
        return {(r.history_type, r.history_change_reason) for r in model.history.all()}

    _import()
    for model in (Vendor, Tag, Artifact, Capability):
        assert reasons(model) == {("+", "Imported from openrouter")}, model
    payload = fixture_load("openrouter-models.json")
    _model(payload, "acme/lumen-flash")["supported_parameters"].remove("tools")
    payload["data"] = [
        m
        for m in payload["data"]
        if not (isinstance(m, dict) and m.get("id", "").startswith("vectorco/"))
    ]
    _import(payload)
    assert reasons(Artifact) == {
        ("+", "Imported from openrouter"),
        ("~", "Imported from openrouter"),
        ("~", "No longer listed by openrouter"),
    }
    assert reasons(Capability) == {
        ("+", "Imported from openrouter"),
        ("~", "Imported from openrouter"),
    }


def test_a_vendor_known_by_its_slug_alone_and_a_tag_by_its_name_alone_are_reused():
    acme = VendorFactory(name="Acme, Inc.", slug="acme")
    tool_use = TagFactory(slug="tool-use", name="Function Calling")
    report = _import()
    lumen = Artifact.objects.get(external_id="acme/lumen-flash")
    assert lumen.vendor == acme
    calling = lumen.capabilities.get(title="Function calling")
    assert list(calling.tags.all()) == [tool_use]
    assert not Tag.objects.filter(slug="function-calling").exists()
    assert report.counts["vendors created"] == Vendor.objects.count() - 1
    assert report.counts["tags created"] == Tag.objects.count() - 1


def _tagged_records(count: int) -> ParseResult:
    """Records of a vendor and a tag each, so that vendors and tags grow with the count."""
    records = [
        ArtifactRecord(
            external_id=f"many/model-{n}",
            slug=f"many-model-{n}",
            vendor=f"Maker {n}",
            fields={"name": f"Many Model {n}", "kind": "model", "summary": "A model."},
            capabilities=(
                CapabilityRecord(
                    title="Writes",
                    description="It writes.",
                    tags=(TagRecord(slug=f"topic-{n}", name=f"Topic {n}"),),
                ),
            ),
        )
        for n in range(count)
    ]
    return ParseResult(records=records, seen_ids={r.external_id for r in records})


def test_a_run_that_changes_nothing_costs_the_same_queries_for_any_number_of_vendors_and_tags():
    small = _tagged_records(3)
    records_import(source="small", parsed=small)
    with CaptureQueriesContext(connection) as few:
        assert records_import(source="small", parsed=small).unchanged == 3
    records_import(source="large", parsed=_tagged_records(40))  # 37 vendors and tags more
    with CaptureQueriesContext(connection) as many:
        assert records_import(source="small", parsed=small).unchanged == 3
    assert len(many.captured_queries) == len(few.captured_queries)


class _PostgresStatements:
    """A stand-in connection that says it is PostgreSQL and keeps the statements sent."""

    vendor = "postgresql"

    def __init__(self):
        self.statements: list[str] = []

    def cursor(self):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def execute(self, sql, params=None):
        self.statements.append(sql)


def test_on_postgresql_an_import_refreshes_the_statistics_of_every_table_it_writes(monkeypatch):
    """Without it the planner took a freshly imported artifact table for empty (see
    `_statistics_refresh`); SQLite has no such statistics and is left alone."""
    recorder = _PostgresStatements()
    monkeypatch.setattr(writer, "connection", recorder)
    writer._statistics_refresh()
    assert recorder.statements == [
        "ANALYZE catalog_vendor, catalog_artifact, catalog_capability, "
        "catalog_capability_tags, catalog_artifactprice"
    ]


def test_the_progress_bar_is_told_each_record_and_each_batch_done():
    calls: list[tuple[int, int]] = []
    records_import(
        source="bulk", parsed=_records(10), batch_size=4, progress=lambda *c: calls.append(c)
    )
    # Before each record its index; after each batch how many are done (never past 10).
    assert calls == [
        (0, 10), (1, 10), (2, 10), (3, 10), (4, 10),
        (4, 10), (5, 10), (6, 10), (7, 10), (8, 10),
        (8, 10), (9, 10), (10, 10),
    ]  # fmt: skip


def test_statistics_are_refreshed_after_a_run_that_wrote_artifacts_only(monkeypatch):
    refreshed: list[str] = []
    monkeypatch.setattr(writer, "_statistics_refresh", lambda: refreshed.append("analyze"))
    _import(dry_run=True)
    assert refreshed == []
    _import()  # creates
    assert refreshed == ["analyze"]
    _import()  # changes nothing
    assert refreshed == ["analyze"]
    payload = fixture_load("openrouter-models.json")
    _model(payload, "oddball/new-timer")["context_length"] += 1
    _import(payload)  # updates one, creates none
    assert refreshed == ["analyze", "analyze"]


def test_a_new_capability_is_written_with_everything_the_source_says():
    record = ArtifactRecord(
        external_id="t/scribe", slug="scribe", vendor="Acme",
        fields={"name": "Scribe", "kind": "model", "summary": "A model."},
        capabilities=(
            CapabilityRecord(
                title="Transcribes", description="Speech to text.",
                input_types=("audio",), output_types=("text",),
                best_for="Meetings.", limitations="One speaker at a time.",
                quantity=Decimal("128000"), quantity_unit="context_tokens",
            ),
        ),
    )  # fmt: skip
    _import_records(record)
    capability = Capability.objects.get(title="Transcribes")
    assert (
        capability.description, capability.input_types, capability.output_types,
        capability.best_for, capability.limitations, capability.position,
        capability.status, capability.quantity, capability.quantity_unit,
    ) == (
        "Speech to text.", ["audio"], ["text"], "Meetings.", "One speaker at a time.", 0,
        Status.PUBLISHED, Decimal("128000"), "context_tokens",
    )  # fmt: skip


def test_a_hand_made_entry_is_adopted_by_one_record_only():
    mine = ArtifactFactory(slug="lumen", external_id="")
    _import_records(_one("t/lumen", "lumen"), _one("t/lumen-too", "lumen"))
    mine.refresh_from_db()
    assert mine.external_id == "t/lumen"
    assert _slug_of("t/lumen-too") == "lumen-acme"


def _four(*, keep: int = 4, **parse) -> ParseResult:
    records = [_one(f"t/m{n}", f"m{n}") for n in range(keep)]
    return ParseResult(records=records, seen_ids={r.external_id for r in records}, **parse)


def test_a_run_that_used_half_of_the_source_or_less_marks_nothing_and_says_so():
    records_import(source="test", parsed=_four())
    # The source's own count: 3 of its 6 records usable.
    report = records_import(source="test", parsed=_four(keep=3, total=6, unusable=3))
    assert (report.marked_for_review, report.notes) == (
        0,
        [
            "only 3 of 6 records were usable: nothing was marked for review (the 1 "
            "artifact(s) not seen may still be listed)"
        ],
    )
    # Without a count from the source: the records and the skipped ones, 3 of 6 usable.
    skipped = [(f"t/bad{n}", "no name") for n in range(3)]
    report = records_import(source="test", parsed=_four(keep=3, skipped=skipped, unusable=3))
    assert report.notes == [
        "only 3 of 6 records were usable: nothing was marked for review (the 1 "
        "artifact(s) not seen may still be listed)"
    ]
    assert not Artifact.objects.filter(needs_review=True).exists()


def test_a_mass_review_is_refused_with_the_whole_reason():
    records_import(source="test", parsed=_four())
    with pytest.raises(ImportSourceError) as refused:
        records_import(source="test", parsed=_four(keep=2))
    assert str(refused.value) == (
        "this run would mark 2 of the 4 artifacts listed by test for review (more than a "
        "quarter): check the source, or run again with --allow-mass-review"
    )


def test_the_parser_notes_and_skips_lead_the_report():
    parsed = _four(keep=1, notes=["2 duplicates imported once"], skipped=[("t/x", "no name")])
    report = records_import(source="test", parsed=parsed)
    assert (report.notes, report.skipped) == (["2 duplicates imported once"], [("t/x", "no name")])
