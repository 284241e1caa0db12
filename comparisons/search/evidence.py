"""Search evidence: record searches and choices so that the match graph can be rebuilt.

Rules (docs/search.md explains them for editors):
- The client key is a keyed hash (HMAC-SHA256 with SECRET_KEY) of address + user agent;
  the raw address is never stored.
- The same client repeating the same intent within DEDUP_WINDOW counts once; the same for
  choosing the same artifact for the same intent.
- One client counts for at most CLIENT_SEARCHES_PER_HOUR search events within an hour
  either side of a new one, so a script cycling through intents cannot flood the graph
  either. The check runs under a
  per-client lock (an advisory lock on PostgreSQL; SQLite serialises writers anyway), so
  parallel requests cannot overshoot it.
- Requests that identify as bots, send no user agent, or are browser prefetches never count.
- Recording never breaks a search: `*_record_safely` log and swallow every failure, and run
  inside their own savepoint so a failed write cannot poison the request's transaction.
- Counters are exact under concurrency: the intent row is locked (select_for_update) for the
  dedup check, and counters move with F() increments, never read-modify-write in Python.
"""

import logging
import re
from datetime import datetime, timedelta

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac

from catalog.models import Artifact
from comparisons.models import ChoiceEvent, Intent, Match, SearchEvent
from comparisons.search.normalise import INTENT_MAX_LENGTH

logger = logging.getLogger(__name__)

DEDUP_WINDOW = timedelta(minutes=30)
CLIENT_SEARCHES_PER_HOUR = 60
_CLIENT_KEY_SALT = "comparisons.search.evidence.client_key"

# Substrings of user agents that announce an automated client. Case-insensitive.
_BOT_USER_AGENT = re.compile(
    r"bot\b|bot/|crawl|spider|slurp|scrap|fetch|preview|monitor|check|scan|"
    r"headless|phantomjs|lighthouse|pingdom|uptime|facebookexternalhit|embedly|"
    r"curl|wget|httpie|python-requests|python-urllib|aiohttp|httpx|go-http-client|"
    r"java/|okhttp|libwww|apache-httpclient|node-fetch|axios|postman",
    re.IGNORECASE,
)


def user_agent_is_bot(user_agent: str | None) -> bool:
    """No user agent at all is a script too: every browser sends one."""
    if not user_agent or not user_agent.strip():
        return True
    return bool(_BOT_USER_AGENT.search(user_agent))


def client_key_derive(*, address: str, user_agent: str) -> str:
    """A stable, anonymous key per client: unlinkable to the address without SECRET_KEY."""
    return salted_hmac(_CLIENT_KEY_SALT, f"{address}\n{user_agent}", algorithm="sha256").hexdigest()


def request_client_key(request: HttpRequest) -> str:
    # REMOTE_ADDR only: X-Forwarded-For is client-controlled unless a trusted proxy sets it,
    # and a spoofed header must not let one client look like many.
    return client_key_derive(
        address=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def request_counts(request: HttpRequest) -> bool:
    """Whether this request may count as evidence at all."""
    if user_agent_is_bot(request.META.get("HTTP_USER_AGENT")):
        return False
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    return "prefetch" not in purpose.lower() and "prerender" not in purpose.lower()


def _within_window(now: datetime) -> dict:
    """Events closer than DEDUP_WINDOW to `now` on either side: replays record past moments,
    and a request that waited for the lock may hold an earlier clock reading."""
    return {"created_at__gt": now - DEDUP_WINDOW, "created_at__lt": now + DEDUP_WINDOW}


def _client_over_hourly_cap(*, client_key: str, now: datetime) -> bool:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [client_key])
    # Both sides of `now`, as for the dedup window: a request that waited for this lock read
    # its clock before the one that held it, whose event is then later than `now` and
    # would go uncounted (parallel requests got past the cap on PostgreSQL).
    recent = SearchEvent.objects.filter(
        client_key=client_key,
        created_at__gt=now - timedelta(hours=1),
        created_at__lt=now + timedelta(hours=1),
    )
    return recent.count() >= CLIENT_SEARCHES_PER_HOUR


def _intent_locked(*, intent_text: str, query: str) -> Intent:
    """Get (locked) or create the intent, so that two requests can never both pass the dedup
    check. A new row is locked by its own insert; a concurrent insert of the same text loses
    on the unique constraint and then waits for, and locks, the winner's row."""
    intent = Intent.objects.select_for_update().filter(text=intent_text).first()
    if intent is not None:
        return intent
    try:
        with transaction.atomic():
            return Intent.objects.create(text=intent_text, example_query=query[:INTENT_MAX_LENGTH])
    except IntegrityError:
        return Intent.objects.select_for_update().get(text=intent_text)


def _repeat_committed(*, intent_text: str, client_key: str, now: datetime | None) -> bool:
    """Whether this client's search of the intent already counted within the window, read
    without a lock or a transaction (one indexed query). Reloads, Back and a refined search
    landing on the same intent are mostly such repeats; locking the intent's row for them
    made every one a write (the lock) and a commit waiting for the disk, and made a popular
    intent's searches queue behind one another. Only a committed event is seen here, and an
    event never leaves the window it counts in, so a repeat found stays a repeat; one not
    yet visible is caught by the locked check that follows."""
    return SearchEvent.objects.filter(
        intent__text=intent_text, client_key=client_key, **_within_window(now or timezone.now())
    ).exists()


def search_record(
    *,
    intent_text: str,
    query: str,
    capability_ids: list[int],
    result_count: int,
    client_key: str,
    is_simulated: bool = False,
    now: datetime | None = None,
) -> SearchEvent | None:
    """Store one search and bump the live counters. None when it does not count (a repeat
    within the window, or an empty intent)."""
    if not intent_text:
        return None
    if _repeat_committed(intent_text=intent_text, client_key=client_key, now=now):
        return None
    capability_ids = sorted(set(capability_ids))
    with transaction.atomic():
        intent = _intent_locked(intent_text=intent_text, query=query)
        # The clock is read under the lock, so events of one intent get increasing times.
        now = now or timezone.now()
        repeated = SearchEvent.objects.filter(
            intent=intent, client_key=client_key, **_within_window(now)
        ).exists()
        if repeated or _client_over_hourly_cap(client_key=client_key, now=now):
            return None
        event = SearchEvent.objects.create(
            intent=intent,
            created_at=now,
            client_key=client_key,
            result_count=result_count,
            is_simulated=is_simulated,
        )
        if capability_ids:
            through = SearchEvent.matched_capabilities.through
            through.objects.bulk_create(
                [through(searchevent_id=event.pk, capability_id=c) for c in capability_ids]
            )
            if not intent.is_spam:
                Match.objects.bulk_create(
                    [Match(intent=intent, capability_id=c) for c in capability_ids],
                    ignore_conflicts=True,
                )
                Match.objects.filter(intent=intent, capability_id__in=capability_ids).update(
                    times_matched=F("times_matched") + 1, last_seen=now
                )
        Intent.objects.filter(pk=intent.pk).update(
            search_count=F("search_count") + 1, last_seen=now, last_result_count=result_count
        )
    return event


def choice_record(
    *,
    intent_text: str,
    query: str,
    artifact: Artifact,
    client_key: str,
    is_simulated: bool = False,
    now: datetime | None = None,
) -> ChoiceEvent | None:
    """Store that a searcher chose `artifact` for the intent; None for a repeat."""
    if not intent_text:
        return None
    with transaction.atomic():
        intent = _intent_locked(intent_text=intent_text, query=query)
        now = now or timezone.now()
        repeated = ChoiceEvent.objects.filter(
            intent=intent, client_key=client_key, artifact=artifact, **_within_window(now)
        ).exists()
        if repeated:
            return None
        choice = ChoiceEvent.objects.create(
            intent=intent,
            artifact=artifact,
            created_at=now,
            client_key=client_key,
            is_simulated=is_simulated,
        )
        if not intent.is_spam:
            # A choice can only credit capabilities the intent matched, and never more
            # often than they matched (the rebuild applies the same cap).
            Match.objects.filter(
                intent=intent,
                capability__artifact=artifact,
                times_chosen__lt=F("times_matched"),
            ).update(times_chosen=F("times_chosen") + 1)
    return choice


def search_record_safely(**kwargs) -> SearchEvent | None:
    try:
        return search_record(**kwargs)
    except Exception:
        logger.exception("Could not record a search event; the search itself went on.")
        return None


def choice_record_safely(**kwargs) -> ChoiceEvent | None:
    try:
        return choice_record(**kwargs)
    except Exception:
        logger.exception("Could not record a choice event; the redirect went on.")
        return None
