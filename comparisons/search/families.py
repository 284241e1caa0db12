"""The catalog's name families (intent.family_words), kept per process and brought up to
date from the change journal (catalog/journal.py) instead of read again after every edit.

Why: the families come from every published artifact's name; at 100,000 artifacts reading
them and running the two patterns over each took 0.3 s, and 1.3 s under load, on the first
search of every worker after every edit (BENCHMARKS.md). The index keeps, per bucket of
BUCKET_WIDTH consecutive artifact ids, the published names in it, and the counts
family_words reads (intent.families_from_counts); an edit re-reads the names of the
buckets the journal names and moves the counts by the difference.

Exactness: the index's mark is taken before the names it holds were read (as the browse
snapshot's is), so a bucket the journal names no change in since the mark holds the same
names now. When the journal cannot say (a bulk write recorded as "anything", too many
artifacts, a mark older than its retention) the index is read again whole. Without the
version store (tests, settings.CATALOG_DERIVED_CACHE off) nothing is kept: the families are
read fresh every time.
"""

import threading
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Q

from catalog.journal import JournalMark, catalog_changes_since, catalog_journal_mark
from catalog.models import Artifact
from comparisons.search.backends import Buckets
from comparisons.search.intent import families_from_counts, family_parts, family_words

BUCKET_WIDTH = 256
# More changed artifacts than this since the mark: read every name again.
MAX_PATCHED_ARTIFACTS = 1000


@dataclass
class FamilyIndex:
    """The published names, per bucket of artifact ids, and family_words' counts over the
    distinct ones."""

    mark: JournalMark
    bucket_names: dict[int, Counter[str]] = field(default_factory=dict)
    # distinct published name -> how many published artifacts carry it
    names: Counter[str] = field(default_factory=Counter)
    # word before a version number -> distinct names giving it
    versioned_words: Counter[str] = field(default_factory=Counter)
    # first word -> [distinct names starting with it, how many of those carry a version]
    first_words: dict[str, list[int]] = field(default_factory=dict)
    _families: frozenset[str] | None = None

    def bucket_replace(self, bucket: int, names: Counter[str]) -> None:
        """Put `names` (name -> artifacts) in place of what the bucket held."""
        old = self.bucket_names.pop(bucket, Counter())
        for name, artifacts in old.items():
            self._name_move(name, -artifacts)
        for name, artifacts in names.items():
            self._name_move(name, artifacts)
        if names:
            self.bucket_names[bucket] = names

    def _name_move(self, name: str, artifacts: int) -> None:
        before = self.names[name]
        after = before + artifacts
        if after:
            self.names[name] = after
        else:
            del self.names[name]
        if bool(before) == bool(after):
            return  # the distinct names did not change
        step = 1 if after else -1
        parts = family_parts(name)
        if parts.versioned_word:
            self.versioned_words[parts.versioned_word] += step
            if not self.versioned_words[parts.versioned_word]:
                del self.versioned_words[parts.versioned_word]
        if parts.first_word:
            counts = self.first_words.setdefault(parts.first_word, [0, 0])
            counts[0] += step
            counts[1] += step * parts.versioned
            if not counts[0]:
                del self.first_words[parts.first_word]
        self._families = None

    def families(self) -> frozenset[str]:
        if self._families is None:
            self._families = families_from_counts(
                versioned_words=self.versioned_words,
                first_words={word: (n, v) for word, (n, v) in self.first_words.items()},
            )
        return self._families


def _names_by_bucket(*, buckets: frozenset[int] | None) -> dict[int, Counter[str]]:
    """{bucket: Counter(published name -> artifacts)} for the given buckets (None: all)."""
    artifacts = Artifact.objects.published().order_by()
    if buckets is not None:
        within = Q(pk__in=[])
        for low, high in Buckets(width=BUCKET_WIDTH, numbers=buckets).ranges():
            within |= Q(pk__gte=low, pk__lt=high)
        artifacts = artifacts.filter(within)
    found: dict[int, Counter[str]] = {b: Counter() for b in buckets or ()}
    for pk, name in artifacts.values_list("pk", "name").iterator(chunk_size=10_000):
        found.setdefault(pk // BUCKET_WIDTH, Counter())[name] += 1
    return found


def family_index_build() -> FamilyIndex:
    """Every published name read once (one query after the mark)."""
    index = FamilyIndex(mark=catalog_journal_mark())
    for bucket, names in _names_by_bucket(buckets=None).items():
        index.bucket_replace(bucket, names)
    return index


def family_index_patch(index: FamilyIndex) -> FamilyIndex:
    """The index brought up to the current catalog: the changed artifacts' buckets read
    again (two queries), or the whole index built again when the journal cannot say."""
    changes = catalog_changes_since(mark=index.mark, limit=MAX_PATCHED_ARTIFACTS)
    if changes is None:
        return family_index_build()
    buckets = frozenset(pk // BUCKET_WIDTH for pk in changes.artifact_ids)
    if buckets:
        for bucket, names in _names_by_bucket(buckets=buckets).items():
            index.bucket_replace(bucket, names)
    index.mark = changes.mark
    return index


_lock = threading.Lock()
_current: tuple[str, FamilyIndex] | None = None  # (facts version, index)


def family_index_forget() -> None:
    """Drop this process's index (a database replaced under a running process: tests)."""
    global _current
    with _lock:
        _current = None


def catalog_families_get(*, facts: str | None) -> frozenset[str]:
    """The family words of published artifact names (see intent.family_words), exact for
    the catalog under the facts version `facts` (catalog/versioning.py): from this
    process's index, patched when the facts version moved; None (no version store, or
    reuse off) reads them fresh."""
    global _current
    if facts is None:
        return family_words(
            Artifact.objects.published().order_by().values_list("name", flat=True).distinct()
        )
    with _lock:
        if _current is None:
            _current = (facts, family_index_build())
        elif _current[0] != facts:
            _current = (facts, family_index_patch(_current[1]))
        return _current[1].families()
