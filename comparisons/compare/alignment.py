"""Capabilities side by side: which capability of A answers the same job as one of B.

Pure functions over `CapabilityFacts`. Two capabilities are put on one "both" row only
when they answer the same job: an editor linked them, or they share a tag *and* their
titles overlap in meaning (the same content words once numbers, stop words and word
endings are set aside). Sharing a tag alone is not enough: "Faster successor variants"
and "Very low cost per token" both carry "Low latency" and answer different needs.

Each capability appears in exactly one row, under its primary tag for this pair: the
tag it shares with its match, else the first tag it shares with the other side, else
its own first tag. Filtering by a tag lists every capability carrying it.
"""

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

UNTAGGED = ("", "Other")
# Share of the shorter title's content words the two titles must have in common.
SAME_JOB_OVERLAP = 0.5

PRESENCE_ORDER = {"both": 0, "related": 1, "a": 2, "b": 3}

_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "each",
        "for",
        "from",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "per",
        "that",
        "the",
        "their",
        "this",
        "to",
        "up",
        "very",
        "via",
        "with",
        "without",
        "your",
        "you",
        "across",
        "all",
        "also",
        "same",
        "more",
        "most",
        "than",
        "over",
        "under",
        "about",
    ]
)
_ENDINGS = ("ations", "ation", "ings", "ing", "ions", "ion", "ers", "er", "es", "ed", "s", "e")
_WORD = re.compile(r"[a-z]+")
_NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?\s*[kKmMbB]?\b")


@dataclass(frozen=True)
class CapabilityFacts:
    id: int
    title: str
    tags: tuple[tuple[str, str], ...] = ()  # (slug, name), the first is the capability's main tag
    description: str = ""
    same_job: frozenset[int] = field(default_factory=frozenset)  # ids an editor linked
    # The tags' slugs as a set: every pair of capabilities of a comparison intersects them.
    tag_slugs: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "tag_slugs", frozenset(slug for slug, _ in self.tags))


def _stem(word: str) -> str:
    for ending in _ENDINGS:
        if len(word) > len(ending) + 3 and word.endswith(ending):
            return word[: -len(ending)]
    return word


# Pairs of capabilities compare every title with every other: each title is stemmed once.
@functools.lru_cache(maxsize=8192)
def content_stems(*, text: str) -> frozenset[str]:
    """The content words of a title, stemmed: "Generates images from text" ->
    {"generat", "imag", "text"}. Numbers are left out, so quantities never decide."""
    return frozenset(_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP)


def meaning_overlap(*, a: CapabilityFacts, b: CapabilityFacts) -> float:
    """Shared content words over the shorter title's, 0..1 (0 when a title has none)."""
    words_a, words_b = content_stems(text=a.title), content_stems(text=b.title)
    if not words_a or not words_b:
        return 0.0
    return len(words_a & words_b) / min(len(words_a), len(words_b))


def capabilities_same_job(*, a: CapabilityFacts, b: CapabilityFacts) -> bool:
    """An editor linked them, or they share a tag and overlap in meaning."""
    if b.id in a.same_job or a.id in b.same_job:
        return True
    return not a.tag_slugs.isdisjoint(b.tag_slugs) and meaning_overlap(a=a, b=b) >= SAME_JOB_OVERLAP


def _compact(number: str) -> str:
    """ "1,050,000" -> "1.05M", "128000" -> "128K", "0.5" stays."""
    plain = number.replace(",", "").strip()
    if not plain.replace(".", "").isdigit():
        return number.strip()
    value = float(plain)
    for size, suffix in ((1_000_000_000, "B"), (1_000_000, "M"), (1_000, "K")):
        if value >= size:
            shown = f"{value / size:.2f}".rstrip("0").rstrip(".")
            return f"{shown}{suffix}"
    return plain


def difference_describe(*, a: CapabilityFacts, b: CapabilityFacts) -> str:
    """How two same-job capabilities differ, in a few words: "1.05M vs 1M tokens" when
    their titles say the same thing with other numbers; "" when the titles are the same
    words with the same numbers (the row then says "same on both"), or when the titles
    differ in words (each cell then speaks for itself)."""
    numbers_a, numbers_b = _NUMBER.findall(a.title), _NUMBER.findall(b.title)
    if _NUMBER.sub("#", a.title).lower() != _NUMBER.sub("#", b.title).lower():
        return ""
    if [_compact(n) for n in numbers_a] == [_compact(n) for n in numbers_b]:
        return ""
    parts = []
    rest = _NUMBER.split(a.title)
    for index, (na, nb) in enumerate(zip(numbers_a, numbers_b, strict=True)):
        following = rest[index + 1].split()
        unit = following[0].strip(",.;:") if following else ""
        if _compact(na) != _compact(nb):
            parts.append(f"{_compact(na)} vs {_compact(nb)}{' ' + unit if unit else ''}")
    return "; ".join(parts)


@dataclass(frozen=True)
class AlignedRow:
    tag_slug: str
    tag_name: str
    a: tuple[CapabilityFacts, ...]
    b: tuple[CapabilityFacts, ...]
    presence: str = ""  # "both", "related" (same tag, other jobs), "a" or "b"
    difference: str = ""  # on "both" rows: "1.05M vs 1M tokens"

    def __post_init__(self) -> None:
        if not self.presence:
            inferred = "both" if self.a and self.b else ("a" if self.a else "b")
            object.__setattr__(self, "presence", inferred)

    @property
    def same_text(self) -> bool:
        """Both cells would carry the same sentence: shown once, as "same on both"."""
        return (
            self.presence == "both"
            and len(self.a) == len(self.b) == 1
            and self.a[0].title.strip().lower() == self.b[0].title.strip().lower()
        )


def _matches(
    *, a: Sequence[CapabilityFacts], b: Sequence[CapabilityFacts]
) -> list[tuple[CapabilityFacts, CapabilityFacts]]:
    """Greedy one-to-one matching of same-job capabilities, strongest overlap first
    (editor links count as full overlap); ties by position, so the result is stable."""
    candidates = []
    for i, ca in enumerate(a):
        for j, cb in enumerate(b):
            if capabilities_same_job(a=ca, b=cb):
                linked = cb.id in ca.same_job or ca.id in cb.same_job
                score = 2.0 if linked else meaning_overlap(a=ca, b=cb)
                candidates.append((-score, i, j))
    used_a, used_b, pairs = set(), set(), []
    for _, i, j in sorted(candidates):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            pairs.append((a[i], b[j]))
    return pairs


def _primary(capability: CapabilityFacts, *, other_tags: set[str]) -> tuple[str, str]:
    for slug, name in capability.tags:
        if slug in other_tags:
            return slug, name
    return capability.tags[0] if capability.tags else UNTAGGED


def _carrying(capabilities: Sequence[CapabilityFacts], tag: str) -> list[CapabilityFacts]:
    return [c for c in capabilities if tag in c.tag_slugs]


def capabilities_align(
    *, a: Sequence[CapabilityFacts], b: Sequence[CapabilityFacts], tag: str = ""
) -> list[AlignedRow]:
    """Rows of the side-by-side table, each capability in exactly one row. A matched pair
    is a "both" row under a tag they share; what is left of a tag both sides carry is a
    "related" row (same tag, different jobs); the rest are "a" or "b" rows. With `tag`,
    only capabilities carrying that tag, all under it. Order: both, related, a, b; each
    group by tag name, "Other" last."""
    if tag:
        a, b = _carrying(a, tag), _carrying(b, tag)
    tags_a = set().union(*(c.tag_slugs for c in a))
    tags_b = set().union(*(c.tag_slugs for c in b))
    rows: list[AlignedRow] = []
    matched_a, matched_b = set(), set()
    for ca, cb in _matches(a=a, b=b):
        matched_a.add(ca.id)
        matched_b.add(cb.id)
        shared = [(s, n) for s, n in ca.tags if s in cb.tag_slugs]
        if tag:
            slug, name = tag, dict(ca.tags)[tag]
        elif shared:
            slug, name = shared[0]
        else:  # linked by an editor across tags
            slug, name = ca.tags[0] if ca.tags else UNTAGGED
        rows.append(AlignedRow(slug, name, (ca,), (cb,), "both", difference_describe(a=ca, b=cb)))
    names: dict[str, str] = {}
    left: dict[str, dict[str, list[CapabilityFacts]]] = {}
    for key, side, other_tags, matched in (
        ("a", a, tags_b, matched_a),
        ("b", b, tags_a, matched_b),
    ):
        for capability in side:
            if capability.id in matched:
                continue
            if tag:
                slug, name = tag, dict(capability.tags)[tag]
            else:
                slug, name = _primary(capability, other_tags=other_tags)
            names[slug] = name
            left.setdefault(slug, {"a": [], "b": []})[key].append(capability)
    for slug, sides in left.items():
        presence = "related" if sides["a"] and sides["b"] else ("a" if sides["a"] else "b")
        rows.append(AlignedRow(slug, names[slug], tuple(sides["a"]), tuple(sides["b"]), presence))
    return sorted(
        rows,
        key=lambda r: (
            PRESENCE_ORDER[r.presence],
            r.tag_slug == "",
            r.tag_name.lower(),
            [c.id for c in r.a],
            [c.id for c in r.b],
        ),
    )


def aligned_filter(*, rows: Sequence[AlignedRow], show: str) -> list[AlignedRow]:
    """`show`: "all", "both", "a", "b" (rows only that side lists), or "diff" (every row
    that is not "both")."""
    if show == "diff":
        return [row for row in rows if row.presence != "both"]
    if show in {"both", "a", "b"}:
        return [row for row in rows if row.presence == show]
    return list(rows)
