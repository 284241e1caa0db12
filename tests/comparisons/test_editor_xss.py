"""Hostile text typed by an editor in admin never reaches a public page as active markup."""

import pytest
from django.urls import reverse

from catalog.models import Artifact
from tests.catalog.test_markup import XSS_PAYLOADS
from tests.factories import ArtifactFactory, CapabilityFactory, TagFactory
from tests.markup_checks import page_active_markup

pytestmark = pytest.mark.django_db

TEXT_FIELDS = ["description", "unique", "vs_alternatives", "best_for", "limitations"]


def _capability_form(artifact: Artifact, tag, payload: str, position: int) -> dict:
    return {
        "artifact": artifact.pk,
        "title": f"Hostile {position} {payload[:40]}",
        **dict.fromkeys(TEXT_FIELDS, payload),
        "input_types": ["text"],
        "output_types": ["text"],
        "tags": [tag.pk],
        "position": position,
        "status": "published",
    }


def test_xss_payloads_entered_in_admin_stay_inert_on_every_page(editor_client, client):
    tag = TagFactory(slug="chat", name="Chat")
    target = ArtifactFactory(slug="target-model", name="Target </script><script>alert(1)</script>")
    Artifact.objects.filter(pk=target.pk).update(
        summary='<img src=x onerror="alert(1)"> [x](javascript:alert(1)) **bold**'
    )
    other = ArtifactFactory(slug="other-model", name="Other model")
    CapabilityFactory(artifact=other, tags=[tag])
    for position, payload in enumerate(XSS_PAYLOADS):
        response = editor_client.post(
            reverse("admin:catalog_capability_add"),
            _capability_form(target, tag, payload, position),
        )
        assert response.status_code == 302, payload
    assert target.capabilities.count() == len(XSS_PAYLOADS)

    pages = [
        target.get_absolute_url(),
        "/compare/other-model-vs-target-model/",
        "/compare/other-model-vs-target-model/?side=b&all=1",
        "/artifacts/",
        "/",
        "/search/?q=hostile",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert page_active_markup(html) == [], url
    # The comparison page's HTMX fragments and the picker, rendered alone.
    pair = "/compare/other-model-vs-target-model/"
    fragments = [
        (f"{pair}?show=both&tag=chat", "aligned"),
        (f"{pair}?all=a", "caps-a"),
        (f"{pair}?all=b", "caps-b"),
        ("/compare/pick/?a=target-model", "compare-with-target-model"),
    ]
    for url, target_id in fragments:
        response = client.get(url, headers={"HX-Request": "true", "HX-Target": target_id})
        assert response.status_code == 200, url
        assert page_active_markup(response.content.decode()) == [], url
    refilled = client.get("/compare/pick/", {"a": '"><script>alert(1)</script>', "b": "x"})
    assert page_active_markup(refilled.content.decode()) == []
    # The allowed subset still renders.
    assert "<strong>bold</strong>" in client.get(target.get_absolute_url()).content.decode()
