import pytest
from django.urls import reverse

from tests.factories import ArtifactFactory, CapabilityFactory

pytestmark = pytest.mark.django_db


def test_home_lists_top_published_artifacts(client):
    ArtifactFactory(name="Shown Model", rank=80)
    ArtifactFactory(name="Hidden Draft", status="draft")
    response = client.get("/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Shown Model" in body
    assert "Hidden Draft" not in body
    assert 'role="search"' in body


def test_admin_login_page_answers(client):
    assert client.get("/admin/login/").status_code == 200


def test_artifact_page_shows_published_artifact_only(client):
    artifact = ArtifactFactory(name="Visible")
    CapabilityFactory(artifact=artifact, title="Does things well")
    assert "Does things well" in client.get(artifact.get_absolute_url()).content.decode()
    draft = ArtifactFactory(status="draft")
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert client.get(reverse("artifact_detail", args=["no-such-thing"])).status_code == 404
