"""Editors curate the catalog in admin but cannot manage people."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from catalog.models import Artifact, Capability, Status
from catalog.pricing import price_format
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _inline_management(prefix: str, total: int, initial: int) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def test_editors_group_exists_with_catalog_permissions_only():
    group = Group.objects.get(name="Editors")
    codenames = set(group.permissions.values_list("codename", flat=True))
    assert {"add_capability", "change_artifact", "view_artifact", "add_tag"} <= codenames
    assert not codenames & {"view_user", "change_user", "add_group", "change_group", "view_group"}


def test_editor_can_add_a_capability_in_admin(editor_client):
    tag = TagFactory(slug="image-generation", name="Image generation")
    response = editor_client.post(
        reverse("admin:catalog_capability_add"),
        {
            "artifact": ArtifactFactory(name="Painter").pk,
            "title": "Paints from prompts",
            "description": "Turns a sentence into a picture.",
            "unique": "",
            "vs_alternatives": "",
            "best_for": "",
            "limitations": "",
            "input_types": ["text"],
            "output_types": ["image"],
            "tags": [tag.pk],
            "position": 0,
            "status": "published",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    capability = Capability.objects.get(title="Paints from prompts")
    assert capability.artifact.name == "Painter"
    assert list(capability.tags.all()) == [tag]
    assert capability.output_types == ["image"]


def _artifact_form_data(editor_client, artifact) -> dict:
    """What the artifact's change form posts back untouched, capability rows included."""
    page = editor_client.get(reverse("admin:catalog_artifact_change", args=[artifact.pk]))
    form = page.context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.pop("curated_fields", None)
    data.update(vendor=artifact.vendor.pk, input_modalities=["text"], output_modalities=["text"])
    capabilities = list(artifact.capabilities.order_by("position", "id"))
    data.update(_inline_management("capabilities", len(capabilities), len(capabilities)))
    for number, capability in enumerate(capabilities):
        data.update(
            {
                f"capabilities-{number}-id": capability.pk,
                f"capabilities-{number}-artifact": artifact.pk,
                f"capabilities-{number}-status": capability.status,
                f"capabilities-{number}-position": capability.position,
            }
        )
    return data


def test_capabilities_show_as_compact_rows_linking_to_their_own_page(editor_client):
    artifact = ArtifactFactory()
    tag = TagFactory(name="Image generation")
    capability = CapabilityFactory(artifact=artifact, title="Paints", tags=[tag])
    page = editor_client.get(reverse("admin:catalog_artifact_change", args=[artifact.pk]))
    html = page.content.decode()
    edit = reverse("admin:catalog_capability_change", args=[capability.pk])
    assert f'<a href="{edit}">Paints</a>' in html
    assert "Image generation" in html
    # No description box per capability: the rows stay compact.
    assert 'name="capabilities-0-description"' not in html
    add = reverse("admin:catalog_capability_add") + f"?artifact={artifact.pk}"
    assert f'href="{add}"' in html


def test_capability_rows_change_status_and_position_and_say_so_in_history(editor_client, editor):
    artifact = ArtifactFactory()
    capability = CapabilityFactory(artifact=artifact, title="Reads PDFs", position=0)
    data = _artifact_form_data(editor_client, artifact)
    data.update({"capabilities-0-status": "draft", "capabilities-0-position": "3"})
    url = reverse("admin:catalog_artifact_change", args=[artifact.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    capability.refresh_from_db()
    assert (capability.status, capability.position) == ("draft", 3)
    latest = artifact.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Changed capability “Reads PDFs” (status, position)"


def test_adding_a_capability_from_the_artifact_lands_in_its_history(editor_client, editor):
    artifact = ArtifactFactory(name="Painter")
    before = artifact.history.count()
    add = reverse("admin:catalog_capability_add") + f"?artifact={artifact.pk}"
    response = editor_client.post(
        add,
        {
            "artifact": artifact.pk,
            "title": "Paints from prompts",
            "description": "Turns a sentence into a picture.",
            "input_types": ["text"],
            "output_types": ["image"],
            "position": 0,
            "status": "published",
        },
    )
    # Back to the artifact it was added from.
    assert response.status_code == 302
    assert response.url == reverse("admin:catalog_artifact_change", args=[artifact.pk])
    assert artifact.history.count() == before + 1
    latest = artifact.history.first()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Added capability “Paints from prompts”"
    history = editor_client.get(reverse("admin:catalog_artifact_history", args=[artifact.pk]))
    assert "Added capability “Paints from prompts”" in history.content.decode()


def test_editing_and_deleting_a_capability_land_in_the_artifact_history(editor_client, editor):
    artifact = ArtifactFactory()
    capability = CapabilityFactory(artifact=artifact, title="Old title")
    url = reverse("admin:catalog_capability_change", args=[capability.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(artifact=artifact.pk, title="New title", tags=[])
    assert editor_client.post(url, data).status_code == 302
    assert artifact.history.first().history_change_reason == (
        "Changed capability “New title” (title)"
    )
    delete = reverse("admin:catalog_capability_delete", args=[capability.pk])
    assert editor_client.post(delete, {"post": "yes"}).status_code == 302
    latest = artifact.history.first()
    assert (latest.history_user, latest.history_change_reason) == (
        editor,
        "Deleted capability “New title”",
    )


def test_a_capability_opened_from_elsewhere_saves_as_usual(editor_client):
    artifact = ArtifactFactory()
    response = editor_client.post(
        reverse("admin:catalog_capability_add"),
        {
            "artifact": artifact.pk,
            "title": "Plain add",
            "description": "Added from the capability list.",
            "input_types": ["text"],
            "output_types": ["text"],
            "position": 0,
            "status": "published",
        },
    )
    assert response.url == reverse("admin:catalog_capability_changelist")


def test_admin_shows_scores_with_two_decimals_and_prices_as_the_site_does(editor_client):
    artifact = ArtifactFactory(
        name="Floaty",
        quality=0.4093360343955374,
        adoption=None,
        starting_price=Decimal("0.000000065"),
        price_unit="prompt_token",
        prices={"prompt_token": "0.000000065", "completion_token": "varies"},
    )
    CapabilityFactory(artifact=artifact, match_success_rate=0.123456)
    change = editor_client.get(reverse("admin:catalog_artifact_change", args=[artifact.pk]))
    html = change.content.decode()
    assert "0.4093" not in html
    assert "0.41" in html
    site_price = price_format(amount=Decimal("0.000000065"), unit="prompt_token").headline
    assert site_price in html
    assert "completion token: Varies by request" in html
    listing = editor_client.get(reverse("admin:catalog_artifact_changelist")).content.decode()
    assert site_price in listing
    capabilities = editor_client.get(reverse("admin:catalog_capability_changelist"))
    assert "0.12" in capabilities.content.decode()
    assert "0.123456" not in capabilities.content.decode()


def test_history_diffs_show_two_decimals(editor_client):
    artifact = ArtifactFactory(quality=0.1234567)
    artifact.quality = 0.9876543
    artifact.save(update_fields=["quality"])  # named, as a recompute writes it
    html = editor_client.get(
        reverse("admin:catalog_artifact_history", args=[artifact.pk])
    ).content.decode()
    assert "0.12" in html and "0.99" in html
    assert "0.1234567" not in html and "0.9876543" not in html
    assert "style=" not in html


def test_editor_cannot_open_user_or_group_admin(editor_client):
    assert editor_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    assert editor_client.get(reverse("admin:auth_group_changelist")).status_code == 403
    index = editor_client.get(reverse("admin:index")).content.decode()
    assert "Artifacts" in index
    assert "Users" not in index


def test_editor_changes_are_recorded_in_history(editor_client, editor):
    artifact = ArtifactFactory(name="Before")
    url = reverse("admin:catalog_artifact_change", args=[artifact.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(
        name="After",
        vendor=artifact.vendor.pk,
        input_modalities=["text"],
        output_modalities=["text"],
        **_inline_management("capabilities", 0, 0),
    )
    data.pop("curated_fields", None)
    assert editor_client.post(url, data).status_code == 302
    artifact.refresh_from_db()
    assert artifact.name == "After"
    assert "name" in artifact.curated_fields
    latest = artifact.history.first()
    assert latest.history_user == editor
    assert latest.name == "After"
    history_page = editor_client.get(reverse("admin:catalog_artifact_history", args=[artifact.pk]))
    assert history_page.status_code == 200
    assert "editor" in history_page.content.decode()


def test_bulk_status_actions_and_recompute(editor_client):
    first, second = ArtifactFactory(status=Status.DRAFT), ArtifactFactory(status=Status.DRAFT)
    CapabilityFactory(artifact=first)
    changelist = reverse("admin:catalog_artifact_changelist")
    ids = [first.pk, second.pk]
    editor_client.post(changelist, {"action": "publish", "_selected_action": ids})
    assert set(Artifact.objects.published().values_list("pk", flat=True)) == set(ids)
    editor_client.post(changelist, {"action": "archive", "_selected_action": [second.pk]})
    second.refresh_from_db()
    assert second.status == Status.ARCHIVED
    editor_client.post(changelist, {"action": "recompute_score", "_selected_action": [first.pk]})
    first.refresh_from_db()
    assert first.score_computed_at is not None  # recomputed (quality needs a leaderboard)
    assert first.score_computed_at is not None


def test_admin_lists_search_and_filter(editor_client):
    ArtifactFactory(name="Findable Model", kind="model")
    ArtifactFactory(name="Other App", kind="app")
    page = editor_client.get(reverse("admin:catalog_artifact_changelist"), {"q": "Findable"})
    assert "Findable Model" in page.content.decode()
    assert "Other App" not in page.content.decode()
    page = editor_client.get(reverse("admin:catalog_artifact_changelist"), {"kind__exact": "app"})
    assert "Other App" in page.content.decode()
    assert "Findable Model" not in page.content.decode()


def test_view_on_site_points_to_the_public_page(editor_client):
    artifact = ArtifactFactory(slug="public-page")
    page = editor_client.get(reverse("admin:catalog_artifact_change", args=[artifact.pk]))
    assert "View on site" in page.content.decode()
    assert artifact.get_absolute_url() == "/artifacts/public-page/"


def test_non_staff_cannot_reach_admin(client):
    client.force_login(User.objects.create_user("visitor", password="x"))
    assert client.get(reverse("admin:index")).status_code == 302


@pytest.mark.parametrize(
    ("model_name", "field_name", "term", "found"),
    [
        ("capability", "tags", "speech", "Speech to text"),
        ("capability", "artifact", "paint", "Painter"),
        ("artifact", "vendor", "acme", "Acme Labs"),
        ("comparisonoverride", "artifact_a", "paint", "Painter"),
    ],
)
def test_editors_autocomplete_answers_every_picker(
    editor_client, model_name, field_name, term, found
):
    """The admin's autocomplete_fields ask /admin/autocomplete/ as the editor types. Vendors
    and tags are counted in their admin (a GROUP BY, which drops the model's ordering), and
    an unordered page of results failed there."""
    TagFactory(slug="speech-to-text", name="Speech to text")
    ArtifactFactory(name="Painter", vendor=VendorFactory(name="Acme Labs", slug="acme"))
    app_label = "comparisons" if model_name == "comparisonoverride" else "catalog"
    response = editor_client.get(
        "/admin/autocomplete/",
        {"term": term, "app_label": app_label, "model_name": model_name, "field_name": field_name},
    )
    assert response.status_code == 200, response.content.decode()[:500]
    assert [result["text"] for result in response.json()["results"]] == [found]
