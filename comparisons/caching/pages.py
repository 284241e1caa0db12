"""Whole-page caching of the public pages, exact to the last committed catalog edit.

Keys hold the catalog version (catalog/versioning.py), so an edit makes every page cached
before it unreachable the moment its transaction commits: no visitor ever gets a page older
than the last committed edit, and nothing has to find and delete stale entries.

What is cached: anonymous GET 200 responses of the views in CACHED_VIEWS, keyed on the
absolute URL (scheme, host, path and the full query string) and on the htmx request headers
in KEYED_HEADERS. A response is stored only if nothing in it is per visitor: no cookie set,
no `Vary` on anything but KEYED_HEADERS (a view that reads the session or the CSRF token
varies on Cookie), no CSP nonce generated, no `Cache-Control: private/no-store`.

Who bypasses it: requests carrying a session cookie (logged-in editors see their edits
and admin links) or a messages cookie, non-GET methods, and everything not in CACHED_VIEWS
(search records every query, so it is never cached).

The middleware sits just after whitenoise and before the session, CSRF and auth
middleware, so a hit skips all of those. Headers added by the middleware outside it
(security headers, CSP) are added to every response, hit or miss, and are not stored.

Where pages live (settings.PAGE_CACHE_ALIAS): each worker's memory, or Redis when REDIS_URL
is set, so that every worker and host shares them. With Redis, each worker also keeps the
pages it served recently in its own memory (settings.PAGE_CACHE_LOCAL_ALIAS) and looks
there first: a key holds the catalog version, so what is stored under it never changes and
a local copy is exactly as fresh as the shared one. With the version read from a copy
Redis keeps exact (catalog/redis_tokens.py), a repeated hit then costs no round trip at all.

Clients are not told to cache anything (no max-age): the exactness promise only holds
for copies whose key this server checks.
"""

import hashlib
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.urls import Resolver404, resolve

from catalog.versioning import catalog_version_get

logger = logging.getLogger(__name__)

CACHED_VIEWS = frozenset(
    {
        "compare",
        "compare_index",
        "artifact_detail",
        "artifact_list",
        "methodology",
        "sitemap",
        "sitemap_section",
    }
)
# htmx request headers our views may answer differently to; a response that varies on
# any other header is not stored.
KEYED_HEADERS = (
    "HX-Request",
    "HX-Target",
    "HX-Trigger",
    "HX-Trigger-Name",
    "HX-Boosted",
    "HX-History-Restore-Request",
)
_KEYED_LOWER = frozenset(h.lower() for h in KEYED_HEADERS)
_META_NAMES = tuple("HTTP_" + h.upper().replace("-", "_") for h in KEYED_HEADERS)
CACHE_STATUS_HEADER = "X-Cache"


def page_cache_key(*, request: HttpRequest, version: str) -> str:
    url = request.build_absolute_uri()
    headers = "\n".join(request.META.get(name, "") for name in _META_NAMES)
    digest = hashlib.sha256(f"{url}\n{headers}".encode()).hexdigest()
    return f"page:{version}:{digest}"


def _bypasses(request: HttpRequest) -> bool:
    if request.method != "GET":
        return True
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return True
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return True
    return match.url_name not in CACHED_VIEWS


def response_storable(*, request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if get_nonce(request):
        return False
    vary = {h.strip().lower() for h in response.get("Vary", "").split(",") if h.strip()}
    if not vary <= _KEYED_LOWER:
        return False
    cache_control = response.get("Cache-Control", "").lower()
    return not any(word in cache_control for word in ("private", "no-store", "no-cache"))


class PageCacheMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not settings.PAGE_CACHE_ENABLED or _bypasses(request):
            return self.get_response(request)
        version = catalog_version_get()
        if version is None:
            return self.get_response(request)
        key = page_cache_key(request=request, version=version)
        local = caches[settings.PAGE_CACHE_LOCAL_ALIAS] if settings.PAGE_CACHE_LOCAL_ALIAS else None
        cached = local.get(key) if local is not None else None
        if cached is None:
            try:
                cached = caches[settings.PAGE_CACHE_ALIAS].get(key)
            except Exception:
                logger.warning("page cache unreadable", exc_info=True)
                return self.get_response(request)
            if cached is not None and local is not None:
                local.set(key, cached, settings.PAGE_CACHE_SECONDS)
        if cached is not None:
            cached[CACHE_STATUS_HEADER] = "hit"
            return cached
        response = self.get_response(request)
        if response_storable(request=request, response=response):
            if local is not None:
                local.set(key, response, settings.PAGE_CACHE_SECONDS)
            try:
                caches[settings.PAGE_CACHE_ALIAS].set(key, response, settings.PAGE_CACHE_SECONDS)
            except Exception:
                logger.warning("page cache unwritable", exc_info=True)
        response[CACHE_STATUS_HEADER] = "miss"
        return response
