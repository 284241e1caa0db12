"""URL paths reversed once per process: the pages build the same few dozen links on every
request (an artifact's address, a pair's, the header's), and Django's `reverse` costs
about 9 microseconds each, a tenth of an uncached comparison page (BENCHMARKS.md).
"""

from functools import lru_cache

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

# Distinct paths kept per process: a page's links and the artifacts and pairs most asked
# for; about 450 bytes each, so at most about 4 MB per worker.
PATHS_KEPT = 8192


@lru_cache(maxsize=PATHS_KEPT)
def _path(urlconf: str, script_prefix: str, viewname: str, kwargs: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, kwargs=dict(kwargs) or None)


def path_reverse(viewname: str, **kwargs: str | int) -> str:
    """`reverse(viewname, kwargs=kwargs)`, for example "/artifacts/gpt-4o/", from a
    per-process cache keyed by everything the answer depends on: the URL patterns in use
    and the script prefix the site is served under.

    Raises django.urls.NoReverseMatch for an unknown name or arguments that match no
    pattern (never cached)."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _path(urlconf, get_script_prefix(), viewname, tuple(sorted(kwargs.items())))
