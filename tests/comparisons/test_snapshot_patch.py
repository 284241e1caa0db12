"""A browse snapshot patched from the change journal answers exactly like a fresh build:
random edits of every kind (fields, publishing, tags, capabilities, vendors, new artifacts,
deletions, ranks), each round committed, then patched onto the previous round's patch."""

import random
import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from catalog.choices import ArtifactKind, PriceUnit, PricingModel
from catalog.fields import Modality
from catalog.journal import RANKS
from catalog.models import Artifact, Capability, Status, Tag, Vendor
from catalog.versioning import catalog_version_bump
from comparisons.browse.snapshot import (
    BrowseSnapshot,
    browse_snapshot_build,
    browse_snapshot_get,
    browse_snapshot_patch,
)
from comparisons.browse.sorting import SORT_ORDERINGS
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory, VendorFactory
from tests.snapshot_state import snapshot_state

NAMES = ["alpha", "Alpha", "beta", "Gamma", "delta", "epsilon"]
RANKS_DRAWN = [10, 40, 40, 70, 95]  # ties on purpose
MODALITIES = list(Modality.values)


def _orders(snapshot: BrowseSnapshot) -> dict[str, list[int]]:
    mask = snapshot.everything()
    return {sort: snapshot.ordered_ids(mask, sort).tolist() for sort in SORT_ORDERINGS}


def _facts(rng: random.Random) -> dict:
    unit = rng.choice(["", *PriceUnit.values[:3]])
    return {
        "price_unit": unit,  # a price needs its unit, and only a price has one
        "starting_price": Decimal(rng.randrange(3)) / 1_000_000 if unit else None,
        "name": f"{rng.choice(NAMES)} {rng.randrange(3)}",
        "kind": rng.choice(ArtifactKind.values),
        "pricing_model": rng.choice(PricingModel.values),
        "has_free_tier": rng.random() < 0.5,
        "open_weights": rng.random() < 0.3,
        "input_modalities": rng.sample(MODALITIES, rng.randrange(3)),
        "output_modalities": rng.sample(MODALITIES, rng.randrange(3)),
        "rank": rng.choice(RANKS_DRAWN),
        "rank_provisional": rng.random() < 0.5,
        "context_length": rng.choice([None, 8000, 128000]),
        "max_output_tokens": rng.choice([None, 4000]),
        "knowledge_cutoff": rng.choice([None, date(2024, 6, 1), date(2025, 1, 1)]),
        "release_date": rng.choice([None, date(2025, 3, 1)]),
        "supports_tools": rng.choice([None, True, False]),
        "supports_reasoning": rng.choice([None, True]),
    }


class Editor:
    """Random catalog writes, each through the path real writers take (a save with its
    signals, or a bulk write naming what it wrote)."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.serial = 0

    def _artifact(self) -> Artifact:
        return self.rng.choice(list(Artifact.objects.order_by("pk")))

    def _capability(self) -> Capability | None:
        capabilities = list(Capability.objects.order_by("pk"))
        return self.rng.choice(capabilities) if capabilities else None

    def _tags(self) -> list[Tag]:
        tags = list(Tag.objects.order_by("pk"))
        return self.rng.sample(tags, self.rng.randrange(min(3, len(tags)) + 1))

    def create(self) -> None:
        self.serial += 1
        artifact = ArtifactFactory(
            slug=f"new-{self.serial}",
            vendor=self.rng.choice(list(Vendor.objects.order_by("pk"))),
            status=self.rng.choice([Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT]),
            **_facts(self.rng),
        )
        for _ in range(self.rng.randrange(3)):
            CapabilityFactory(artifact=artifact, tags=self._tags())

    def edit_fields(self) -> None:
        artifact = self._artifact()
        facts = _facts(self.rng)
        for name in self.rng.sample(sorted(set(facts) - {"starting_price"}), 4):
            setattr(artifact, name, facts[name])
            if name == "price_unit":
                artifact.starting_price = facts["starting_price"]
        artifact.save()

    def publish_or_withdraw(self) -> None:
        artifact = self._artifact()
        artifact.status = self.rng.choice(Status.values)
        artifact.save()

    def retag(self) -> None:
        capability = self._capability()
        if capability is not None:
            capability.tags.set(self._tags())

    def tag_from_the_tag_side(self) -> None:
        capability = self._capability()
        if capability is not None:
            self.rng.choice(list(Tag.objects.order_by("pk"))).capabilities.add(capability)

    def capability_status(self) -> None:
        capability = self._capability()
        if capability is not None:
            capability.status = self.rng.choice([Status.PUBLISHED, Status.DRAFT])
            capability.save()

    def move_capability(self) -> None:
        """An editor moves a tagged capability: its old artifact may lose the tag."""
        tagged = list(Capability.objects.filter(tags__isnull=False).distinct().order_by("pk"))
        if tagged:
            capability = self.rng.choice(tagged)
            capability.artifact = self._artifact()
            capability.save()

    def delete_capability(self) -> None:
        capability = self._capability()
        if capability is not None:
            capability.delete()

    def delete_artifact(self) -> None:
        if Artifact.objects.count() > 3:
            self._artifact().delete()

    def new_tag(self) -> None:
        self.serial += 1
        tag = TagFactory(slug=f"t{self.serial}", name=self.rng.choice(["Aardvark", "Zebra"]))
        tag.name = f"{tag.name} {self.serial}"
        tag.save()
        capability = self._capability()
        if capability is not None:
            capability.tags.add(tag)

    def rename_tag(self) -> None:
        tag = self.rng.choice(list(Tag.objects.order_by("pk")))
        self.serial += 1
        tag.name = f"{self.rng.choice(['A', 'M', 'z'])} renamed {self.serial}"
        tag.save()

    def delete_tag(self) -> None:
        if Tag.objects.count() > 2:
            self.rng.choice(list(Tag.objects.order_by("pk"))).delete()

    def rename_vendor(self) -> None:
        vendor = self.rng.choice(list(Vendor.objects.order_by("pk")))
        self.serial += 1
        vendor.name = f"{self.rng.choice(['Acme', 'zeta', 'Mid'])} {self.serial}"
        vendor.save()

    def bulk_update(self) -> None:
        """What importers do: an UPDATE without signals, then a bump naming the rows."""
        ids = [a.pk for a in self.rng.sample(list(Artifact.objects.all()), 2)]
        Artifact.objects.filter(pk__in=ids).update(
            kind=self.rng.choice(ArtifactKind.values), rank=self.rng.choice(RANKS_DRAWN)
        )
        catalog_version_bump(artifact_ids=ids)

    def new_ranks(self) -> None:
        """What score recomputes and match-graph rebuilds do: ranks anywhere."""
        for artifact in Artifact.objects.order_by("pk"):
            if self.rng.random() < 0.5:
                Artifact.objects.filter(pk=artifact.pk).update(
                    rank=self.rng.choice(RANKS_DRAWN), rank_provisional=self.rng.random() < 0.5
                )
        catalog_version_bump(**self.rng.choice([{"ranks_only": True}, {"scope": RANKS}]))

    def unscoped(self) -> None:
        """A writer that cannot say what it wrote: the patch must build afresh."""
        Artifact.objects.filter(pk=self._artifact().pk).update(open_weights=True)
        catalog_version_bump()

    EDITS = [
        (create, 3),
        (edit_fields, 6),
        (publish_or_withdraw, 3),
        (retag, 3),
        (tag_from_the_tag_side, 1),
        (capability_status, 2),
        (move_capability, 2),
        (delete_capability, 1),
        (delete_artifact, 1),
        (new_tag, 1),
        (rename_tag, 1),
        (delete_tag, 1),
        (rename_vendor, 1),
        (bulk_update, 2),
        (new_ranks, 1),
        (unscoped, 1),
    ]

    def round(self) -> None:
        edits, weights = zip(*self.EDITS, strict=True)
        for edit in self.rng.choices(edits, weights, k=self.rng.randrange(1, 4)):
            with transaction.atomic():
                edit(self)


def _catalog(rng: random.Random) -> None:
    vendors = [VendorFactory(slug=f"v{n}", name=name) for n, name in enumerate(["b", "A", "c"])]
    tags = [TagFactory(slug=f"tag{n}", name=f"Tag {n}") for n in range(4)]
    for n in range(16):
        artifact = ArtifactFactory(
            slug=f"a{n}",
            vendor=vendors[n % 3],
            status=Status.PUBLISHED if n % 5 else Status.DRAFT,
            **_facts(rng),
        )
        for _ in range(rng.randrange(3)):
            CapabilityFactory(
                artifact=artifact,
                status=rng.choice([Status.PUBLISHED, Status.PUBLISHED, Status.DRAFT]),
                tags=rng.sample(tags, rng.randrange(3)),
            )


# Committed writes (transaction=True): on PostgreSQL the journal's positions are transaction
# snapshots, so only real commits exercise them.
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("seed", range(6))
def test_random_edits_patch_exactly_like_a_fresh_build(seed):
    rng = random.Random(seed)
    _catalog(rng)
    editor = Editor(rng)
    snapshot = browse_snapshot_build(version="v0", facts="f0")
    for n in range(1, 16):
        editor.round()
        snapshot = browse_snapshot_patch(snapshot, version=f"v{n}", facts=f"f{n}")
        fresh = browse_snapshot_build()
        assert snapshot_state(snapshot) == snapshot_state(fresh), (seed, n)
        assert _orders(snapshot) == _orders(fresh), (seed, n)


def _card_slugs(text: str) -> list[str]:
    return re.findall(r'<h3 class="card-title" id="card-([^"]+)"', text)


@pytest.mark.django_db
def test_an_edit_shows_on_the_catalog_page_at_once_without_a_rebuild(
    client, settings, django_capture_on_commit_callbacks
):
    settings.CATALOG_DERIVED_CACHE = True
    tag = TagFactory(slug="voice", name="Voice")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(6):
            artifact = ArtifactFactory(slug=f"a{n}", name=f"Artifact {n}", rank=10 * n)
            CapabilityFactory(artifact=artifact, tags=[tag] if n % 2 else [])
    assert _card_slugs(client.get("/artifacts/").text) == [f"a{n}" for n in range(5, -1, -1)]
    browse_snapshot_get()  # the worker's snapshot exists and is current

    # An editor's save: rename, new rank, another kind, and the tag on its capability.
    edited = Artifact.objects.get(slug="a1")
    with django_capture_on_commit_callbacks(execute=True):
        edited.name = "Renamed"
        edited.rank = 45
        edited.kind = ArtifactKind.APP
        edited.save(update_fields=["name", "rank", "kind"])  # the rank named, as a recompute
        edited.capabilities.get().tags.clear()
    with CaptureQueriesContext(connection) as queries:
        browse_snapshot_get()
    # The versions, the journal, the artifact's fields, its tags, the rows of its rank.
    assert len(queries) == 5
    response = client.get("/artifacts/?kind=app")
    assert _card_slugs(response.text) == ["a1"]
    assert "Renamed" in response.text
    assert _card_slugs(client.get("/artifacts/").text) == ["a5", "a1", "a4", "a3", "a2", "a0"]
    assert _card_slugs(client.get("/artifacts/?tag=voice").text) == ["a5", "a3"]


@pytest.mark.django_db
def test_a_catalog_patched_from_empty_to_one_artifact_and_back():
    snapshot = browse_snapshot_build(version="v0", facts="f0")
    assert snapshot.size == 0
    artifact = ArtifactFactory(slug="only", vendor=VendorFactory(slug="acme", name="Acme"))
    CapabilityFactory(artifact=artifact, tags=[TagFactory(slug="voice", name="Voice")])
    snapshot = browse_snapshot_patch(snapshot, version="v1", facts="f1")
    assert snapshot_state(snapshot) == snapshot_state(browse_snapshot_build())
    assert (snapshot.ids.tolist(), snapshot.tag_choices) == ([artifact.pk], [("voice", "Voice")])
    artifact.delete()
    snapshot = browse_snapshot_patch(snapshot, version="v2", facts="f2")
    assert snapshot_state(snapshot) == snapshot_state(browse_snapshot_build())
    assert (snapshot.size, snapshot.tag_choices, snapshot.vendors) == (0, [], [])


def _catalog_page(client, query: str = "") -> tuple[list[str], str]:
    """The catalog's card slugs for `query` and how the worker's snapshot was brought up
    to date for it (the Server-Timing description; "" when it was current)."""
    response = client.get(f"/artifacts/{query}")
    assert response.status_code == 200
    found = re.search(r'snapshot;desc="([^"]*)"', response.headers.get("Server-Timing", ""))
    return _card_slugs(response.text), found.group(1) if found else ""


@pytest.fixture
def ten_in_order(settings, django_capture_on_commit_callbacks):
    """Ten published artifacts a0..a9 ranked 90..0, each with a capability tagged "voice"
    when its number is even, and a worker snapshot that is current."""
    settings.CATALOG_DERIVED_CACHE = True
    settings.SERVER_TIMING = True
    voice = TagFactory(slug="voice", name="Voice")
    vendor = VendorFactory(slug="acme", name="Acme")
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(10):
            artifact = ArtifactFactory(
                slug=f"a{n}", name=f"Artifact {n}", rank=90 - 10 * n, vendor=vendor
            )
            CapabilityFactory(artifact=artifact, tags=[voice] if n % 2 == 0 else [])
    browse_snapshot_get()
    return voice


@pytest.mark.django_db
def test_a_save_that_keeps_the_place_patches_rows_in_place(
    client, ten_in_order, django_capture_on_commit_callbacks
):
    # Rows 7 and 8 share a byte of every tag's bits: both change in one commit.
    with django_capture_on_commit_callbacks(execute=True):
        seven, eight = Artifact.objects.get(slug="a7"), Artifact.objects.get(slug="a8")
        seven.kind = ArtifactKind.APP
        seven.save()
        seven.capabilities.get().tags.add(ten_in_order)
        eight.summary = "Edited."
        eight.save()
        eight.capabilities.get().tags.clear()
    slugs, how = _catalog_page(client, "?tag=voice")
    assert how == "rows patched in place"
    assert slugs == ["a0", "a2", "a4", "a6", "a7"]
    assert _catalog_page(client, "?kind=app")[0] == ["a7"]
    assert snapshot_state(browse_snapshot_get()) == snapshot_state(browse_snapshot_build())


@pytest.mark.django_db
def test_a_tag_left_on_no_artifact_leaves_the_facets_when_patched_in_place(
    client, ten_in_order, django_capture_on_commit_callbacks
):
    solo = TagFactory(slug="solo", name="Solo")
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.get(slug="a3").capabilities.get().tags.add(solo)
    assert _catalog_page(client, "?tag=solo")[0] == ["a3"]  # a new tag: patched in general
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.get(slug="a3").capabilities.get().tags.remove(solo)
    _, how = _catalog_page(client)
    assert how == "rows patched in place"
    snapshot = browse_snapshot_get()
    assert ("solo", "Solo") not in snapshot.tag_choices
    assert snapshot_state(snapshot) == snapshot_state(browse_snapshot_build())


@pytest.mark.django_db
def test_a_rename_that_moves_the_row_is_not_patched_in_place(
    client, ten_in_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        Artifact.objects.filter(rank__lte=30).update(rank=30)  # a6..a9 share a rank
        catalog_version_bump(scope=RANKS)
    _catalog_page(client)
    with django_capture_on_commit_callbacks(execute=True):
        renamed = Artifact.objects.get(slug="a6")
        renamed.name = "Zebra"
        renamed.save()
    slugs, how = _catalog_page(client)
    assert how == "patched from the journal"
    assert slugs == ["a0", "a1", "a2", "a3", "a4", "a5", "a7", "a8", "a9", "a6"]
    assert snapshot_state(browse_snapshot_get()) == snapshot_state(browse_snapshot_build())


@pytest.mark.django_db
def test_a_vendor_label_that_comes_or_goes_is_not_patched_in_place(
    client, ten_in_order, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        moved = Artifact.objects.get(slug="a4")
        moved.vendor = VendorFactory(slug="bolt", name="Bolt")
        moved.save()
    slugs, how = _catalog_page(client, "?vendor=bolt")
    assert (slugs, how) == (["a4"], "patched from the journal")
    with django_capture_on_commit_callbacks(execute=True):
        moved.vendor = Vendor.objects.get(slug="acme")
        moved.save()
    _, how = _catalog_page(client)
    assert how == "patched from the journal"
    snapshot = browse_snapshot_get()
    assert [slug for slug, _ in snapshot.vendors] == ["acme"]
    assert snapshot_state(snapshot) == snapshot_state(browse_snapshot_build())


@pytest.mark.django_db
def test_a_write_naming_no_artifact_leaves_the_snapshot_as_it_was(
    client, ten_in_order, django_capture_on_commit_callbacks
):
    before = browse_snapshot_get()
    with django_capture_on_commit_callbacks(execute=True):
        VendorFactory(slug="empty", name="Empty")  # a new vendor with no artifacts yet
    slugs, how = _catalog_page(client)
    assert how == "nothing to patch"
    assert slugs == [f"a{n}" for n in range(10)]
    after = browse_snapshot_get()
    assert snapshot_state(after) == snapshot_state(before)
    assert snapshot_state(after) == snapshot_state(browse_snapshot_build())
