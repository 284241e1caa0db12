"""Editors see an "Edit" link on public pages; visitors do not, and their pages stay cacheable."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from tests.factories import ArtifactFactory, ComparisonOverrideFactory

pytestmark = pytest.mark.django_db


def test_artifact_page_links_an_editor_to_its_admin_page(editor_client):
    artifact = ArtifactFactory(slug="alpha")
    body = editor_client.get("/artifacts/alpha/").content.decode()
    change = reverse("admin:catalog_artifact_change", args=[artifact.pk])
    assert f'<a href="{change}">Edit</a>' in body


def test_visitors_get_no_edit_link_and_a_page_that_does_not_vary_on_cookies(client):
    ArtifactFactory(slug="alpha")
    ArtifactFactory(slug="beta")
    for path in ("/artifacts/alpha/", "/compare/alpha-vs-beta/"):
        response = client.get(path)
        assert "/admin/" not in response.content.decode()
        assert "Cookie" not in response.get("Vary", "")


def test_logged_in_non_editor_gets_no_edit_link(client):
    ArtifactFactory(slug="alpha")
    client.force_login(User.objects.create_user("reader", password="x"))
    assert "/admin/" not in client.get("/artifacts/alpha/").content.decode()


def test_comparison_links_its_override_or_a_new_one_with_both_sides(editor_client):
    alpha, beta = ArtifactFactory(slug="alpha"), ArtifactFactory(slug="beta")
    body = editor_client.get("/compare/alpha-vs-beta/").content.decode()
    add = reverse("admin:comparisons_comparisonoverride_add")
    assert f'href="{add}?artifact_a={alpha.pk}&amp;artifact_b={beta.pk}">Edit</a>' in body

    override = ComparisonOverrideFactory(artifact_a=alpha, artifact_b=beta)
    body = editor_client.get("/compare/alpha-vs-beta/").content.decode()
    change = reverse("admin:comparisons_comparisonoverride_change", args=[override.pk])
    assert f'<a href="{change}">Edit</a>' in body
