"""Recording search evidence: client keys, bots, the dedup window, failures, concurrency."""

import logging
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from comparisons.models import ChoiceEvent, Intent, Match, SearchEvent
from comparisons.search import evidence
from comparisons.search.evidence import (
    CLIENT_SEARCHES_PER_HOUR,
    DEDUP_WINDOW,
    choice_record,
    choice_record_safely,
    client_key_derive,
    request_client_key,
    request_counts,
    search_record,
    user_agent_is_bot,
)
from tests.factories import ArtifactFactory, CapabilityFactory

BROWSER = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 Safari/605.1.15"


def test_client_key_is_keyed_and_never_contains_the_address(settings):
    key = client_key_derive(address="203.0.113.7", user_agent=BROWSER)
    assert len(key) == 64 and "203.0.113.7" not in key
    assert key == client_key_derive(address="203.0.113.7", user_agent=BROWSER)
    assert key != client_key_derive(address="203.0.113.8", user_agent=BROWSER)
    assert key != client_key_derive(address="203.0.113.7", user_agent=BROWSER + " x")
    settings.SECRET_KEY = "another-secret-for-this-test-only"
    assert key != client_key_derive(address="203.0.113.7", user_agent=BROWSER)


def test_client_keys_stay_the_same_across_releases(settings):
    """Stored events keep their client keys: a changed derivation would let every client
    count again, once more, in the window and the hourly cap after a deploy."""
    settings.SECRET_KEY = "a-fixed-secret-for-this-test-only"
    assert client_key_derive(address="203.0.113.7", user_agent=BROWSER) == (
        "186804bf3f910a96b3caa360f049fa84622515eeb24716b59f176efbf87fc74a"
    )


def test_a_request_without_address_or_agent_is_keyed_by_empty_text():
    request = RequestFactory().get("/search/", HTTP_USER_AGENT=BROWSER)
    del request.META["REMOTE_ADDR"]
    assert request_client_key(request) == client_key_derive(address="", user_agent=BROWSER)
    request = RequestFactory().get("/search/")
    assert "HTTP_USER_AGENT" not in request.META
    assert request_client_key(request) == client_key_derive(address="127.0.0.1", user_agent="")


@pytest.mark.parametrize(
    ("headers", "counts"),
    [
        ({}, True),
        ({"HTTP_SEC_PURPOSE": "prefetch"}, False),
        ({"HTTP_SEC_PURPOSE": "prefetch;prerender"}, False),
        ({"HTTP_PURPOSE": "prefetch"}, False),
        ({"HTTP_PURPOSE": "prerender"}, False),
        ({"HTTP_SEC_PURPOSE": "Prerender"}, False),
        ({"HTTP_PURPOSE": "preview"}, True),
    ],
)
def test_browser_prefetches_and_prerenders_never_count(headers, counts):
    """Both headers browsers send for a page loaded ahead of a click (Sec-Purpose, and the
    older Purpose), prefetch or prerender, in any case."""
    request = RequestFactory().get("/search/", HTTP_USER_AGENT=BROWSER, **headers)
    assert request_counts(request) is counts


@pytest.mark.parametrize(
    ("agent", "bot"),
    [
        (BROWSER, False),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0 Safari/537.36", False),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", True),
        ("Mozilla/5.0 (compatible; bingbot/2.0)", True),
        ("facebookexternalhit/1.1", True),
        ("curl/8.5.0", True),
        ("python-requests/2.32", True),
        ("Mozilla/5.0 HeadlessChrome/120.0", True),
        ("", True),
        (None, True),
        ("   ", True),
    ],
)
def test_bot_user_agents(agent, bot):
    assert user_agent_is_bot(agent) is bot


@pytest.fixture
def capability(db):
    return CapabilityFactory(title="Transcribes audio", description="Speech to text.")


def _record(capability, *, client="c1", now=None, intent="transcribe audio"):
    return search_record(
        intent_text=intent,
        query=intent,
        capability_ids=[capability.pk],
        result_count=1,
        client_key=client,
        now=now,
    )


def test_dedup_window_per_client_and_intent(capability):
    start = timezone.now() - timedelta(hours=5)
    assert _record(capability, now=start) is not None
    assert _record(capability, now=start + timedelta(minutes=5)) is None
    assert _record(capability, client="c2", now=start + timedelta(minutes=5)) is not None
    assert _record(capability, intent="transcribe podcasts", now=start) is not None
    assert _record(capability, now=start + DEDUP_WINDOW + timedelta(seconds=1)) is not None
    intent = Intent.objects.get(text="transcribe audio")
    assert intent.search_count == 3
    assert Match.objects.get(intent=intent, capability=capability).times_matched == 3
    assert SearchEvent.objects.filter(intent=intent).count() == 3


def test_a_repeat_within_the_window_is_one_read_without_a_lock(capability):
    """A repeat takes no row lock and opens no transaction: locking the intent's row made
    every reload a write and a commit, and queued a popular intent's searches."""
    start = timezone.now() - timedelta(hours=5)
    assert _record(capability, now=start) is not None
    with CaptureQueriesContext(connection) as queries:
        assert _record(capability, now=start + timedelta(minutes=5)) is None
    (query,) = queries.captured_queries
    assert "for update" not in query["sql"].lower()
    assert "savepoint" not in query["sql"].lower()
    # Another client's search of the same intent is no repeat.
    assert _record(capability, client="c2", now=start + timedelta(minutes=5)) is not None


def test_a_search_stores_its_count_and_flag_and_moves_only_what_it_matched(capability):
    other = CapabilityFactory(title="Transcribes audio too", description="Speech to text.")
    start = timezone.now() - timedelta(hours=5)
    later = start + timedelta(minutes=1)
    first = search_record(
        intent_text="transcribe audio", query="transcribe audio", result_count=2,
        capability_ids=[capability.pk, other.pk], client_key="c1", now=start, is_simulated=True,
    )  # fmt: skip
    second = search_record(
        intent_text="transcribe audio", query="transcribe audio", result_count=1,
        capability_ids=[capability.pk], client_key="c2", now=later,
    )  # fmt: skip
    stored = SearchEvent.objects.in_bulk([first.pk, second.pk])
    assert (stored[first.pk].result_count, stored[first.pk].is_simulated) == (2, True)
    assert (stored[second.pk].result_count, stored[second.pk].is_simulated) == (1, False)
    intent = Intent.objects.get(text="transcribe audio")
    # The popular searches list reads the latest result count: the second search's.
    assert (intent.search_count, intent.last_seen, intent.last_result_count) == (2, later, 1)
    matched = Match.objects.get(intent=intent, capability=capability)
    unmatched = Match.objects.get(intent=intent, capability=other)
    assert (matched.times_matched, matched.last_seen) == (2, later)
    assert (unmatched.times_matched, unmatched.last_seen) == (1, start)


def test_the_hourly_cap_counts_this_client_within_an_hour_either_side(capability):
    """Only this client's events less than an hour before or after now count: not other
    clients', not one exactly an hour away. Later events count too: a request that waited
    for the lock carries an earlier time than the events stored meanwhile."""
    now = timezone.now() - timedelta(hours=5)
    old = Intent.objects.create(text="older searches")

    def stored(client: str, at, n: int) -> None:
        SearchEvent.objects.bulk_create(
            SearchEvent(intent=old, client_key=client, created_at=at) for _ in range(n)
        )

    stored("someone else", now - timedelta(minutes=10), CLIENT_SEARCHES_PER_HOUR)
    stored("c1", now - timedelta(hours=1), CLIENT_SEARCHES_PER_HOUR)
    stored("c1", now + timedelta(hours=1), CLIENT_SEARCHES_PER_HOUR)
    stored("c1", now - timedelta(minutes=59), 30)
    stored("c1", now + timedelta(minutes=59), CLIENT_SEARCHES_PER_HOUR - 31)
    assert _record(capability, intent="the last one that counts", now=now) is not None
    assert _record(capability, intent="one too many", now=now) is None


def test_choices_dedup_and_never_exceed_matches(capability):
    artifact = capability.artifact
    other = ArtifactFactory()
    assert _record(capability) is not None
    first = choice_record(
        intent_text="transcribe audio", query="q", artifact=artifact, client_key="c1"
    )
    assert first is not None
    again = choice_record(
        intent_text="transcribe audio", query="q", artifact=artifact, client_key="c1"
    )
    assert again is None
    # Another client's choice is stored but cannot push chosen above matched (1).
    choice_record(intent_text="transcribe audio", query="q", artifact=artifact, client_key="c2")
    choice_record(intent_text="transcribe audio", query="q", artifact=other, client_key="c1")
    match = Match.objects.get(capability=capability)
    assert (match.times_matched, match.times_chosen) == (1, 1)
    assert ChoiceEvent.objects.count() == 3


def test_a_choice_credits_only_its_own_intent_and_artifact(capability):
    other = CapabilityFactory(title="Transcribes audio too", description="Speech to text.")
    search_record(
        intent_text="transcribe audio",
        query="transcribe audio",
        capability_ids=[capability.pk, other.pk],
        result_count=2,
        client_key="c1",
    )
    search_record(intent_text="transcribe podcasts", query="transcribe podcasts",
                  capability_ids=[capability.pk], result_count=1, client_key="c1")  # fmt: skip
    artifact = capability.artifact
    assert (
        choice_record(intent_text="transcribe audio", query="q", artifact=artifact, client_key="c1")
        is not None
    )

    def chosen(intent: str, cap) -> int:
        return Match.objects.get(intent__text=intent, capability=cap).times_chosen

    assert (chosen("transcribe audio", capability), chosen("transcribe audio", other)) == (1, 0)
    assert chosen("transcribe podcasts", capability) == 0
    # The same client choosing the same artifact for another intent counts for that intent.
    assert (
        choice_record(
            intent_text="transcribe podcasts", query="q", artifact=artifact, client_key="c1"
        )
        is not None
    )
    assert chosen("transcribe podcasts", capability) == 1


def test_a_choice_first_for_its_intent_keeps_the_query_and_its_simulated_flag(capability):
    artifact = capability.artifact
    real = choice_record(
        intent_text="caption photos", query="Caption photos, please", artifact=artifact,
        client_key="c1",
    )  # fmt: skip
    simulated = choice_record(
        intent_text="caption photos", query="q", artifact=artifact, client_key="c2",
        is_simulated=True,
    )  # fmt: skip
    assert Intent.objects.get(text="caption photos").example_query == "Caption photos, please"
    assert ChoiceEvent.objects.get(pk=real.pk).is_simulated is False
    assert ChoiceEvent.objects.get(pk=simulated.pk).is_simulated is True


def test_a_failed_choice_record_is_logged_and_swallowed(capability, monkeypatch, caplog):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(evidence, "choice_record", broken)
    with caplog.at_level(logging.ERROR, logger="comparisons.search.evidence"):
        result = choice_record_safely(
            intent_text="x", query="x", artifact=capability.artifact, client_key="c1"
        )
    assert result is None
    assert [r.getMessage() for r in caplog.records] == [
        "Could not record a choice event; the redirect went on."
    ]


def test_spam_intents_store_events_but_no_matches(capability):
    Intent.objects.create(text="buy cheap pills", is_spam=True)
    assert _record(capability, intent="buy cheap pills") is not None
    assert not Match.objects.exists()


def test_view_records_browsers_but_not_bots_or_prefetches(capability, client):
    client.get("/search/", {"q": "transcribes audio"}, HTTP_USER_AGENT="Googlebot/2.1")
    client.get("/search/", {"q": "transcribes audio"})
    client.get("/search/", {"q": "transcribes audio"}, HTTP_USER_AGENT=BROWSER,
               HTTP_SEC_PURPOSE="prefetch")  # fmt: skip
    assert SearchEvent.objects.count() == 0
    client.get("/search/", {"q": "transcribes audio"}, HTTP_USER_AGENT=BROWSER)
    event = SearchEvent.objects.get()
    assert list(event.matched_capabilities.all()) == [capability]
    assert event.client_key == client_key_derive(address="127.0.0.1", user_agent=BROWSER)
    assert not event.is_simulated


def test_recording_failure_is_logged_and_search_still_answers(
    capability, client, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(evidence, "search_record", broken)
    with caplog.at_level(logging.ERROR, logger="comparisons.search.evidence"):
        response = client.get("/search/", {"q": "transcribes audio"}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 200
    assert capability.artifact.name in response.content.decode()
    assert [r.getMessage() for r in caplog.records if r.name == evidence.__name__] == [
        "Could not record a search event; the search itself went on."
    ]


def test_choice_redirect_records_and_only_goes_to_our_artifact_pages(capability, client):
    artifact = capability.artifact
    url = f"/search/choose/{artifact.slug}/"
    response = client.get(url, {"q": "transcribes audio"}, HTTP_USER_AGENT=BROWSER)
    assert response.status_code == 302
    assert response["Location"] == artifact.get_absolute_url()
    assert ChoiceEvent.objects.get().artifact == artifact
    assert SearchEvent.objects.count() == 1  # the search behind the click counts too
    evil = client.get(url, {"q": "x", "next": "https://evil.example/"})
    assert evil["Location"] == artifact.get_absolute_url()
    assert client.get("/search/choose/no-such-thing/", {"q": "x"}).status_code == 404
    draft = ArtifactFactory(status="draft")
    assert client.get(f"/search/choose/{draft.slug}/").status_code == 404
    assert client.get("/search/choose/%2F%2Fevil.example/").status_code == 404


# ---- concurrency (PostgreSQL: real row locks between connections) -------------------------


def _parallel(n: int, work) -> None:
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as error:  # reported below, in the test's thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_searches_lose_no_increment():
    capabilities = [
        CapabilityFactory(title=f"Transcribes audio quickly {i}", description="Speech to text.")
        for i in range(3)
    ]
    n = 12

    def search(i: int) -> None:
        response = Client().get(
            "/search/", {"q": "transcribes audio"}, HTTP_USER_AGENT=f"{BROWSER} client/{i}"
        )
        assert response.status_code == 200

    _parallel(n, search)
    intent = Intent.objects.get(text="transcribes audio")
    assert intent.search_count == n
    assert SearchEvent.objects.filter(intent=intent).count() == n
    matches = Match.objects.filter(intent=intent)
    assert {m.capability_id for m in matches} == {c.pk for c in capabilities}
    assert all(m.times_matched == n for m in matches)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_repeats_of_one_client_count_once():
    CapabilityFactory(title="Transcribes audio", description="Speech to text.")

    def search(i: int) -> None:
        Client().get("/search/", {"q": "transcribes audio"}, HTTP_USER_AGENT=BROWSER)

    _parallel(8, search)
    assert SearchEvent.objects.count() == 1
    assert Intent.objects.get().search_count == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_parallel_searches_of_one_client_stop_at_the_hourly_cap():
    """Parallel requests of one client for different intents cannot each see room under the
    cap (the per-client lock): two places left, eight requests, two counted."""
    capability = CapabilityFactory(title="Transcribes audio", description="Speech to text.")
    old = Intent.objects.create(text="older searches")
    now = timezone.now()
    SearchEvent.objects.bulk_create(
        SearchEvent(intent=old, client_key="c1", created_at=now - timedelta(minutes=30))
        for _ in range(CLIENT_SEARCHES_PER_HOUR - 2)
    )

    def search(i: int) -> None:
        search_record(intent_text=f"intent {i}", query=f"intent {i}",
                      capability_ids=[capability.pk], result_count=1, client_key="c1")  # fmt: skip

    _parallel(8, search)
    assert SearchEvent.objects.filter(client_key="c1").count() == CLIENT_SEARCHES_PER_HOUR


# The window is checked both ways: a replayed or delayed request carries an earlier time
# than one already stored, and must not count twice either. Exactly one window apart is
# no longer "within" it.
@pytest.mark.parametrize(
    ("offset", "counts"),
    [
        (-DEDUP_WINDOW - timedelta(seconds=1), True),
        (-DEDUP_WINDOW, True),
        (-DEDUP_WINDOW + timedelta(seconds=1), False),
        (timedelta(0), False),
        (DEDUP_WINDOW - timedelta(seconds=1), False),
        (DEDUP_WINDOW, True),
        (DEDUP_WINDOW + timedelta(seconds=1), True),
    ],
)
def test_dedup_window_both_ways_at_its_boundaries(capability, offset, counts):
    start = timezone.now() - timedelta(hours=5)
    assert _record(capability, now=start) is not None
    assert (_record(capability, now=start + offset) is not None) is counts
    assert Intent.objects.get(text="transcribe audio").search_count == (2 if counts else 1)

    artifact = capability.artifact
    first = choice_record(
        intent_text="transcribe audio", query="q", artifact=artifact, client_key="c1", now=start
    )
    assert first is not None
    second = choice_record(
        intent_text="transcribe audio",
        query="q",
        artifact=artifact,
        client_key="c1",
        now=start + offset,
    )
    assert (second is not None) is counts
    assert ChoiceEvent.objects.count() == (2 if counts else 1)
