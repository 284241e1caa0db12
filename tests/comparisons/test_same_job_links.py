"""Editors link two capabilities as answering the same job; the comparison page then shows
them on one "both" row, which sharing a tag alone never does."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from catalog.models import Capability, CapabilitySameJob
from comparisons.compare.pairs import pair_load
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def caps():
    latency = TagFactory(slug="low-latency", name="Low latency")
    flux = ArtifactFactory(name="FLUX.1 [pro]", slug="flux-1-pro")
    qwen = ArtifactFactory(name="Qwen3.5-Flash", slug="qwen3-5-flash")
    faster = CapabilityFactory(artifact=flux, title="Faster successor variants", tags=[latency])
    cheap = CapabilityFactory(artifact=qwen, title="Very low cost per token", tags=[latency])
    sibling = CapabilityFactory(artifact=flux, title="Simple REST API", tags=[latency])
    return faster, cheap, sibling


def _both_rows(client) -> list[tuple[list[str], list[str]]]:
    response = client.get("/compare/flux-1-pro-vs-qwen3-5-flash/")
    assert response.status_code == 200
    return [
        ([c.title for c in row.a], [c.title for c in row.b])
        for row in response.context["aligned"]
        if row.presence == "both"
    ]


def _capability_form(editor_client, capability: Capability) -> dict:
    url = reverse("admin:catalog_capability_change", args=[capability.pk])
    form = editor_client.get(url).context["adminform"].form
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(artifact=capability.artifact_id, tags=[t.pk for t in capability.tags.all()])
    linked = data.get("same_job_as") or []
    data["same_job_as"] = ",".join(str(getattr(c, "pk", c)) for c in linked)
    return data


def test_a_shared_tag_alone_is_not_both_and_an_editors_link_is(client, editor_client, caps):
    faster, cheap, _ = caps
    assert _both_rows(client) == []

    url = reverse("admin:catalog_capability_change", args=[faster.pk])
    data = _capability_form(editor_client, faster)
    data["same_job_as"] = str(cheap.pk)
    response = editor_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    # Symmetric: stored both ways, so either capability's form shows the other.
    assert list(cheap.same_job_as.all()) == [faster]
    assert _capability_form(editor_client, cheap)["same_job_as"] == str(faster.pk)
    page = editor_client.get(reverse("admin:catalog_capability_change", args=[cheap.pk]))
    assert "FLUX.1 [pro]: Faster successor variants" in page.content.decode()
    assert f'name="same_job_as" value="{faster.pk}"' in page.content.decode()
    assert _both_rows(client) == [(["Faster successor variants"], ["Very low cost per token"])]
    loaded = pair_load(first="flux-1-pro", second="qwen3-5-flash")
    assert loaded.same_job == {faster.pk: frozenset({cheap.pk}), cheap.pk: frozenset({faster.pk})}

    # Unlinking (from the other side) takes the row apart again.
    data = _capability_form(editor_client, cheap)
    data["same_job_as"] = ""
    url = reverse("admin:catalog_capability_change", args=[cheap.pk])
    assert editor_client.post(url, data).status_code == 302
    assert not CapabilitySameJob.objects.exists()
    assert _both_rows(client) == []


def test_the_form_refuses_a_link_within_one_artifact(editor_client, caps):
    faster, _, sibling = caps
    data = _capability_form(editor_client, faster)
    data["same_job_as"] = str(sibling.pk)
    url = reverse("admin:catalog_capability_change", args=[faster.pk])
    response = editor_client.post(url, data)
    assert response.status_code == 200
    assert "is a capability of the same artifact" in response.content.decode()
    assert not CapabilitySameJob.objects.exists()


def test_the_database_refuses_a_self_link_and_a_repeated_one(caps):
    faster, cheap, _ = caps
    with pytest.raises(IntegrityError), transaction.atomic():
        CapabilitySameJob.objects.create(from_capability=faster, to_capability=faster)
    faster.same_job_as.add(cheap)
    assert CapabilitySameJob.objects.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        CapabilitySameJob.objects.create(from_capability=faster, to_capability=cheap)


def test_links_to_a_third_artifact_do_not_leak_into_this_pair(caps):
    faster, cheap, _ = caps
    third = CapabilityFactory(title="Elsewhere")
    faster.same_job_as.add(third)
    loaded = pair_load(first=faster.artifact.slug, second=cheap.artifact.slug)
    assert loaded.same_job == {}
    # The third pair sees it, from either side.
    loaded = pair_load(first=faster.artifact.slug, second=third.artifact.slug)
    assert loaded.same_job == {faster.pk: frozenset({third.pk}), third.pk: frozenset({faster.pk})}
