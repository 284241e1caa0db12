"""Corpus statistics for idf, and the cache keys of everything search reuses across requests.

Why: on a catalog of a million capabilities, counting the published ones took 373 ms on
every search, and counting exactly the documents of a common term ("research": 214,000)
takes up to a second. Both only change when the catalog does, so they are computed once
per catalog version (catalog/versioning.py replaces the version after every committed
catalog write) and kept in the `derived` cache (apart from the pages): the document count
under one key, each term's document frequency under a key of its own, so that intents
sharing a term share its count.

Exactness: a key holds the catalog's *facts version*, which every committed catalog write
replaces except those that change only scores and match counters (catalog/versioning.py:
the incremental match-graph rebuild, which would otherwise make the next search of every
common term recount it every few minutes), so nothing computed before an edit is read
after the edit's transaction commits. With settings.CATALOG_DERIVED_CACHE off (tests,
whose writes never move the version) or the version store unreadable, every search
computes fresh and stores nothing; a failing cache (Redis down) only costs the reuse.
"""

import hashlib
from dataclasses import dataclass

from django.db import connection

from comparisons.caching.derived import (
    derived_cache_get_many,
    derived_cache_set_many,
    derived_cache_versions,
)
from comparisons.search.backends import SearchBackend
from comparisons.search.normalise import Term

# Entries are never stale (the version is in the key); the timeout only bounds memory. A
# count is a few bytes and recounting a common term costs up to a second: keep it a day.
STATISTICS_SECONDS = 24 * 60 * 60


@dataclass(frozen=True)
class CorpusStats:
    document_count: int
    # Per counted term, in order: the published capabilities containing it.
    frequencies: list[int]


def derived_cache_key(*, kind: str, version: str, text: str) -> str:
    """A short key, safe for any cache (memcached: at most 250 printable ASCII characters).
    The vendor is part of it because the two engines stem and count differently."""
    digest = hashlib.sha256(f"{connection.vendor}\n{text}".encode()).hexdigest()
    return f"search:{kind}:{version}:{digest}"


def _term_identity(term: Term) -> str:
    # Everything the term's match depends on: its words (letters and digits only, so a
    # space never occurs inside one, except in a compound's phrase) and how it matches.
    mode = "compound" if term.compound else "prefix" if term.prefix else "exact"
    return f"{mode} {' '.join(term.words)}"


def corpus_stats(*, backend: SearchBackend, terms: list[Term], version: str | None) -> CorpusStats:
    """The published document count and each counted term's document frequency, exact:
    counted over the whole corpus, whatever the candidates are. terms excludes the phrase.
    version None computes fresh and stores nothing; otherwise the counts are reused under
    the facts version (they do not depend on ranks)."""
    versions = derived_cache_versions() if version is not None else None
    if versions is None:
        document_count, *frequencies = backend.document_counts(terms=[None, *terms])
        return CorpusStats(document_count=document_count, frequencies=frequencies)
    facts = versions[1]
    count_key = derived_cache_key(kind="documents", version=facts, text="")
    term_keys = [derived_cache_key(kind="df", version=facts, text=_term_identity(t)) for t in terms]
    found = derived_cache_get_many([count_key, *term_keys])
    wanted = {
        key: term
        for key, term in zip([count_key, *term_keys], [None, *terms], strict=True)
        if key not in found
    }
    if wanted:
        counted = backend.document_counts(terms=list(wanted.values()))
        missing = dict(zip(wanted, counted, strict=True))
        derived_cache_set_many(missing, timeout=STATISTICS_SECONDS)
        found |= missing
    return CorpusStats(document_count=found[count_key], frequencies=[found[k] for k in term_keys])
