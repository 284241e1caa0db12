"""Editors and the match graph in admin: intents, spam, rebuild, simulated labels."""

import pytest
from django.urls import reverse

from comparisons.models import Intent, Match, SearchEvent
from comparisons.search.evidence import search_record
from tests.factories import CapabilityFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def searched():
    capability = CapabilityFactory(title="Transcribes audio")
    for n in range(3):
        search_record(
            intent_text="transcribe audio",
            query="Transcribe audio",
            capability_ids=[capability.pk],
            result_count=1,
            client_key=f"c{n}",
        )
    search_record(
        intent_text="flying cars",
        query="flying cars",
        capability_ids=[],
        result_count=0,
        client_key="c0",
        is_simulated=True,
    )
    return capability


def test_intents_most_searched_first_and_zero_result_filter(editor_client, searched):
    url = reverse("admin:comparisons_intent_changelist")
    body = editor_client.get(url).content.decode()
    assert body.index("transcribe audio") < body.index("flying cars")
    zero = editor_client.get(url, {"results": "none"}).content.decode()
    assert "flying cars" in zero and "transcribe audio" not in zero


def test_mark_spam_then_rebuild_stops_counting(editor_client, searched, immediate_tasks):
    url = reverse("admin:comparisons_intent_changelist")
    spam = Intent.objects.get(text="transcribe audio")
    response = editor_client.post(
        url, {"action": "mark_spam", "_selected_action": [spam.pk]}, follow=True
    )
    assert response.status_code == 200
    spam.refresh_from_db()
    assert spam.is_spam
    assert Match.objects.filter(intent=spam).exists()  # until the next rebuild
    response = editor_client.post(
        url, {"action": "rebuild_match_graph", "_selected_action": [spam.pk]}, follow=True
    )
    assert "Match graph rebuilt" in response.content.decode()
    assert not Match.objects.filter(intent=spam).exists()
    searched.refresh_from_db()
    assert searched.times_matched == 0


def test_events_are_read_only_and_labelled_simulated(editor_client, searched):
    url = reverse("admin:comparisons_searchevent_changelist")
    body = editor_client.get(url).content.decode()
    assert "Simulated (demo replay)" in body and "Real search" in body
    event = SearchEvent.objects.first()
    change = editor_client.get(reverse("admin:comparisons_searchevent_change", args=[event.pk]))
    assert change.status_code == 200
    assert b'name="client_key"' not in change.content  # shown, never editable
    assert editor_client.get(reverse("admin:comparisons_searchevent_add")).status_code == 403
    for name in ("match", "pairevidence", "choiceevent"):
        assert editor_client.get(reverse(f"admin:comparisons_{name}_changelist")).status_code == 200


def test_intents_cannot_be_deleted_only_marked_as_spam(admin_client, searched):
    intent = Intent.objects.first()
    url = reverse("admin:comparisons_intent_delete", args=[intent.pk])
    assert admin_client.get(url).status_code == 403
    changelist = admin_client.get(reverse("admin:comparisons_intent_changelist"))
    assert b"delete_selected" not in changelist.content
    assert b"mark_spam" in changelist.content
    assert Intent.objects.filter(pk=intent.pk).exists()
