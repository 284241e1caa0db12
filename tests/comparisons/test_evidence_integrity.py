"""Gaming the rankings: a flood from one client barely moves the match graph, while the
same searches from many distinct clients do."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comparisons.models import Intent, SearchEvent
from comparisons.search.evidence import CLIENT_SEARCHES_PER_HOUR, search_record
from comparisons.search.matchgraph import SCALE_STEP, match_graph_rebuild
from tests.factories import ArtifactFactory, CapabilityFactory

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"


@pytest.fixture
def pushed_and_honest():
    """Two artifacts: one a flooder wants to push, one that many people search for."""
    pushed = ArtifactFactory(slug="pushed-tool", name="Pushed tool")
    honest = ArtifactFactory(slug="honest-tool", name="Honest tool")
    pushed_caps = [CapabilityFactory(artifact=pushed).pk for _ in range(2)]
    honest_caps = [CapabilityFactory(artifact=honest).pk for _ in range(2)]
    return pushed, honest, pushed_caps, honest_caps


def test_a_flood_from_one_client_barely_moves_the_graph(pushed_and_honest):
    pushed, honest, pushed_caps, honest_caps = pushed_and_honest
    start = timezone.now() - timedelta(hours=2)
    # 10,000 identical searches from one client within one hour...
    for i in range(10_000):
        search_record(
            intent_text="best tool ever",
            query="best tool ever",
            capability_ids=pushed_caps,
            result_count=1,
            client_key="flooder",
            now=start + timedelta(seconds=i * 0.36),
        )
    # ...and 100 distinct people searching once each.
    for i in range(100):
        search_record(
            intent_text="tool for my job",
            query="tool for my job",
            capability_ids=honest_caps,
            result_count=1,
            client_key=f"person-{i}",
            now=start + timedelta(seconds=i),
        )
    match_graph_rebuild()
    pushed.refresh_from_db()
    honest.refresh_from_db()

    flood_events = SearchEvent.objects.filter(client_key="flooder").count()
    # The 30-minute window over one hour of replays: one event at 0:00, one at 0:30.
    assert flood_events == 2
    assert pushed.times_matched == 2
    assert honest.times_matched == 100
    # Centrality follows counted searches: 2 against 100, both divided by the scale (the
    # smallest power of 1.25 at or above 100: 1.25**21, about 108.4).
    assert honest.match_graph == round(100 / SCALE_STEP**21, 6) == 0.922337
    assert pushed.match_graph == round(2 / SCALE_STEP**21, 6) == 0.018447


def test_one_client_cycling_intents_is_capped_per_hour(pushed_and_honest):
    _, _, pushed_caps, _ = pushed_and_honest
    now = timezone.now()
    for i in range(CLIENT_SEARCHES_PER_HOUR * 3):
        search_record(
            intent_text=f"intent number {i}",
            query=f"intent number {i}",
            capability_ids=pushed_caps,
            result_count=1,
            client_key="cycler",
            now=now + timedelta(seconds=i),
        )
    assert SearchEvent.objects.filter(client_key="cycler").count() == CLIENT_SEARCHES_PER_HOUR
    # An hour later the same client counts again.
    later = search_record(
        intent_text="a later intent",
        query="a later intent",
        capability_ids=pushed_caps,
        result_count=1,
        client_key="cycler",
        now=now + timedelta(hours=1, seconds=CLIENT_SEARCHES_PER_HOUR * 3),
    )
    assert later is not None


def test_spam_intents_stop_counting_at_the_next_rebuild(pushed_and_honest):
    pushed, _, pushed_caps, _ = pushed_and_honest
    for i in range(20):
        search_record(
            intent_text="buy pushed tool now",
            query="buy pushed tool now",
            capability_ids=pushed_caps,
            result_count=1,
            client_key=f"sock-{i}",
        )
    match_graph_rebuild()
    pushed.refresh_from_db()
    assert pushed.times_matched == 20
    Intent.objects.filter(text="buy pushed tool now").update(is_spam=True)
    match_graph_rebuild()
    pushed.refresh_from_db()
    assert pushed.times_matched == 0


def test_the_view_applies_the_same_rules(pushed_and_honest):
    flooder = Client(HTTP_USER_AGENT=BROWSER)
    for _ in range(30):
        assert flooder.get("/search/", {"q": "pushed tool"}).status_code == 200
    bot = Client(HTTP_USER_AGENT="Mozilla/5.0 (compatible; Googlebot/2.1)")
    for _ in range(5):
        assert bot.get("/search/", {"q": "pushed tool"}).status_code == 200
    assert SearchEvent.objects.count() == 1
