"""Editors curate the catalog in admin but cannot manage people."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from catalog.models import Artifact, Capability, Status
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory

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


def test_editor_can_add_a_capability_inline_on_the_artifact(editor_client):
    artifact = ArtifactFactory()
    url = reverse("admin:catalog_artifact_change", args=[artifact.pk])
    page = editor_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {name: form.initial.get(name, "") for name in form.fields}
    data = {k: ("" if v is None else v) for k, v in data.items()}
    data.update(
        vendor=artifact.vendor.pk,
        input_modalities=["text"],
        output_modalities=["text"],
        starting_price="0.000001",
        **_inline_management("capabilities", 1, 0),
        **{
            "capabilities-0-title": "Answers questions",
            "capabilities-0-description": "Reads a question and writes an answer.",
            "capabilities-0-position": "0",
            "capabilities-0-status": "published",
            "capabilities-0-input_types": ["text"],
            "capabilities-0-output_types": ["text"],
        },
    )
    for key in ("curated_fields",):
        data.pop(key, None)
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["errors"] if response.context else ""
    assert artifact.capabilities.get().title == "Answers questions"


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
