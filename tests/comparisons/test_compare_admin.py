"""Editors override a comparison in admin: stored in canonical order, linked to its page."""

import pytest
from django.urls import reverse

from comparisons.models import ComparisonOverride
from tests.factories import ArtifactFactory, ComparisonOverrideFactory

pytestmark = pytest.mark.django_db


def form_data(a, b, **extra) -> dict:
    return {
        "artifact_a": a.pk,
        "artifact_b": b.pk,
        "verdict": "Editors prefer the first for long documents.",
        "approved": "on",
        **extra,
    }


def test_reversed_pair_is_stored_in_canonical_order(editor_client):
    zeta = ArtifactFactory(slug="zeta")
    alpha = ArtifactFactory(slug="alpha")
    response = editor_client.post(
        reverse("admin:comparisons_comparisonoverride_add"), form_data(zeta, alpha)
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    override = ComparisonOverride.objects.get()
    assert (override.artifact_a, override.artifact_b) == (alpha, zeta)


def test_the_same_pair_in_the_other_order_is_a_duplicate(editor_client):
    alpha, zeta = ArtifactFactory(slug="alpha"), ArtifactFactory(slug="zeta")
    ComparisonOverrideFactory(artifact_a=alpha, artifact_b=zeta)
    response = editor_client.post(
        reverse("admin:comparisons_comparisonoverride_add"), form_data(zeta, alpha)
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert ComparisonOverride.objects.count() == 1


def test_a_pair_of_one_artifact_is_refused(editor_client):
    alpha = ArtifactFactory(slug="alpha")
    response = editor_client.post(
        reverse("admin:comparisons_comparisonoverride_add"), form_data(alpha, alpha)
    )
    assert response.status_code == 200
    assert "Pick two different artifacts." in response.content.decode()
    assert not ComparisonOverride.objects.exists()


def test_view_on_site_links_the_comparison_page(editor_client):
    override = ComparisonOverrideFactory(
        artifact_a=ArtifactFactory(slug="alpha"), artifact_b=ArtifactFactory(slug="beta")
    )
    change = reverse("admin:comparisons_comparisonoverride_change", args=[override.pk])
    body = editor_client.get(change).content.decode()
    assert 'href="/compare/alpha-vs-beta/"' in body
    assert editor_client.get("/compare/alpha-vs-beta/").status_code == 200


def test_no_view_on_site_link_when_a_side_is_unpublished(editor_client):
    override = ComparisonOverrideFactory(
        artifact_a=ArtifactFactory(slug="alpha"),
        artifact_b=ArtifactFactory(slug="beta", status="draft"),
    )
    change = reverse("admin:comparisons_comparisonoverride_change", args=[override.pk])
    assert "/compare/alpha-vs-beta/" not in editor_client.get(change).content.decode()


def test_changelist_answers(editor_client):
    ComparisonOverrideFactory(verdict="Own words.")
    response = editor_client.get(reverse("admin:comparisons_comparisonoverride_changelist"))
    assert response.status_code == 200


def _generated(a, b) -> str:
    from comparisons.admin import generated_verdict_get

    return generated_verdict_get(first=a, second=b)


def test_the_add_page_from_a_comparison_starts_from_the_generated_verdict(editor_client):
    alpha, beta = ArtifactFactory(slug="alpha"), ArtifactFactory(slug="beta")
    generated = _generated(alpha, beta)
    assert generated
    add = reverse("admin:comparisons_comparisonoverride_add")
    page = editor_client.get(add, {"artifact_a": alpha.pk, "artifact_b": beta.pk})
    form = page.context["adminform"].form
    assert form.initial["verdict"] == generated
    assert "Generated verdict (now)" in page.content.decode()
    # Saved unchanged, the generated text stays generated (it follows the data later).
    response = editor_client.post(
        add + f"?artifact_a={alpha.pk}&artifact_b={beta.pk}",
        form_data(alpha, beta, verdict=generated + "\n"),
    )
    assert response.status_code == 302
    assert ComparisonOverride.objects.get().verdict == ""


def test_an_edited_verdict_is_kept_and_previewed_as_markdown(editor_client):
    alpha, beta = ArtifactFactory(slug="alpha"), ArtifactFactory(slug="beta")
    override = ComparisonOverrideFactory(artifact_a=alpha, artifact_b=beta, verdict="")
    change = reverse("admin:comparisons_comparisonoverride_change", args=[override.pk])
    form = editor_client.get(change).context["adminform"].form
    assert form.initial["verdict"] == _generated(alpha, beta)
    response = editor_client.post(
        change, form_data(alpha, beta, verdict="Pick **alpha** for long documents.")
    )
    assert response.status_code == 302
    override.refresh_from_db()
    assert override.verdict == "Pick **alpha** for long documents."
    body = editor_client.get(change).content.decode()
    assert "<strong>alpha</strong>" in body
    # The public page renders the same Markdown.
    assert "<strong>alpha</strong>" in editor_client.get("/compare/alpha-vs-beta/").content.decode()


def test_no_generated_verdict_for_an_unpublished_side():
    alpha = ArtifactFactory(slug="alpha")
    draft = ArtifactFactory(slug="beta", status="draft")
    assert _generated(alpha, draft) == ""
    assert _generated(alpha, None) == ""
