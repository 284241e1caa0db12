"""LMArena's published leaderboards (text, vision, text-to-image) as evaluation entries,
and the rules that link leaderboard keys to catalog models.

Pure functions: payloads, keys and plain artifact facts go in; entries, links and the
report's lists come out. The rules, each documented in docs/importers.md:

- a file is `{category: {model_key: {"rating", "rating_q025", "rating_q975"}}}` with a
  `full` category; anything else stops the run before any write;
- kept categories: `full` of every board, plus `coding` of the text board (code models);
- an entry's position is the share of the category's other entries rated below it
  (ties count half), from 0 (last) to 1 (first); its interval is the position of the two
  ends of its rating's 95% interval among the same others;
- a key links to a model when its normalised form equals the model's normalised name
  (best) or slug, or equals it once a trailing date (`-20241022`, `-2024-05-13`, `-0709`)
  and `-instruct` are removed; several models at the best level make the key ambiguous;
  several keys for one model on one board are settled by the date equal to the model's
  release date, else the model is ambiguous; an ambiguous key or model is listed and
  never guessed;
- an editor's alias (EvaluationAlias) wins over every automatic match; an alias with no
  artifact keeps the key linked to nothing.
"""

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from catalog.importers.common import ImportSourceError

SOURCE = "lmarena"
SOURCE_URL = "https://github.com/lmarena/arena-catalog"
BOARDS = ("text", "vision", "image")
KEPT_CATEGORIES: dict[str, tuple[str, ...]] = {
    "text": ("full", "coding"),
    "vision": ("full",),
    "image": ("full",),
}
EXPECTED_SHAPE = (
    'expected {category: {model_key: {"rating", "rating_q025", "rating_q975"}}} '
    'with a "full" category'
)
_FILE_NAME = re.compile(r"leaderboard-(text|vision|image)-(\d{4}-\d{2}-\d{2})")
_MAX_KEY = 200


@dataclass(frozen=True)
class Entry:
    board: str
    category: str
    key: str
    rating: float
    rating_low: float
    rating_high: float
    position: float
    position_low: float
    position_high: float
    board_size: int


@dataclass
class ParsedBoard:
    board: str
    published_on: date
    entries: list[Entry] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def board_and_date_from_name(*, path: str) -> tuple[str, date]:
    """("text", 2025-12-11) from `lmarena-leaderboard-text-2025-12-11.json`; raises
    ImportSourceError when the name does not say which board and date it holds."""
    found = _FILE_NAME.search(Path(path).name)
    if not found:
        raise ImportSourceError(
            f"{path}: cannot tell the board and date from the file name "
            "(expected leaderboard-<text|vision|image>-YYYY-MM-DD.json; see --board/--date)"
        )
    try:
        return found.group(1), date.fromisoformat(found.group(2))
    except ValueError as error:
        raise ImportSourceError(f"{path}: {found.group(2)} is not a date") from error


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _shape_check(payload: Any) -> None:
    if not isinstance(payload, dict) or not payload:
        got = type(payload).__name__ if payload or isinstance(payload, dict) else "nothing"
        raise ImportSourceError(f"{EXPECTED_SHAPE}, got {got}")
    full = payload.get("full")
    if not isinstance(full, dict) or not full:
        raise ImportSourceError(f'{EXPECTED_SHAPE}, got no usable "full" category')
    for category, models in payload.items():
        if not isinstance(models, dict):
            raise ImportSourceError(
                f"{EXPECTED_SHAPE}, got {type(models).__name__} for category {category!r}"
            )
    if not any(
        isinstance(item, dict) and _number(item.get("rating")) is not None for item in full.values()
    ):
        raise ImportSourceError(f'{EXPECTED_SHAPE}, got no rated model in "full"')


def position_among(*, value: float, others: Sequence[float]) -> float:
    """The share of `others` below `value` (ties count half): 0 = last, 1 = first. With no
    others, 0.5 (neither first nor last of anything)."""
    if not others:
        return 0.5
    below = sum(1 for other in others if other < value)
    equal = sum(1 for other in others if other == value)
    return (below + 0.5 * equal) / len(others)


def board_parse(*, payload: Any, board: str, published_on: date) -> ParsedBoard:
    """Entries of the kept categories of one leaderboard file. The whole payload's shape
    is checked first (ImportSourceError); a malformed entry is skipped with its reason."""
    if board not in BOARDS:
        raise ImportSourceError(f"unknown board {board!r} (expected one of {', '.join(BOARDS)})")
    _shape_check(payload)
    result = ParsedBoard(board=board, published_on=published_on)
    for category in KEPT_CATEGORIES[board]:
        rated: list[tuple[str, float, float, float]] = []
        for key, item in (payload.get(category) or {}).items():
            label = f"{category}/{key}"
            if not isinstance(key, str) or not key.strip() or len(key) > _MAX_KEY:
                result.skipped.append((label[:80], "no usable model key"))
                continue
            if not isinstance(item, dict):
                result.skipped.append((label, "not an object"))
                continue
            rating = _number(item.get("rating"))
            low, high = _number(item.get("rating_q025")), _number(item.get("rating_q975"))
            if rating is None or low is None or high is None:
                result.skipped.append((label, "rating or its interval is not a number"))
                continue
            if not low <= rating <= high:
                result.skipped.append((label, "the 95% interval does not hold the rating"))
                continue
            rated.append((key.strip(), rating, low, high))
        ratings = sorted(r for _, r, _, _ in rated)
        for key, rating, low, high in rated:
            others = list(ratings)
            others.remove(rating)
            result.entries.append(
                Entry(
                    board=board,
                    category=category,
                    key=key,
                    rating=rating,
                    rating_low=low,
                    rating_high=high,
                    position=position_among(value=rating, others=others),
                    position_low=position_among(value=low, others=others),
                    position_high=position_among(value=high, others=others),
                    board_size=len(rated),
                )
            )
    return result


# --- linking keys to models ----------


def name_normalise(text: str) -> str:
    """Case, punctuation and spacing folded: "Gemini 2.5 Pro", "gemini-2.5-pro" and
    "gemini_2_5_pro" are one name; "+" reads "plus" ("Command R+")."""
    folded = unicodedata.normalize("NFKC", text).casefold().replace("+", " plus ")
    return re.sub(r"[^0-9a-z]+", "-", folded).strip("-")


_DATE_TAIL = re.compile(r"-(\d{8}|\d{4}-\d{2}-\d{2}|\d{2}-\d{4}|\d{4})$")


def _is_date_token(token: str) -> bool:
    digits = token.replace("-", "")
    if len(token) == 8 and token.isdigit():
        return 1 <= int(token[4:6]) <= 12 and 1 <= int(token[6:]) <= 31
    if len(token) == 10:
        return 1 <= int(token[5:7]) <= 12 and 1 <= int(token[8:]) <= 31
    if len(token) == 7:  # MM-YYYY
        return 1 <= int(token[:2]) <= 12
    mm_dd = 1 <= int(digits[:2]) <= 12 and 1 <= int(digits[2:]) <= 31
    yy_mm = 22 <= int(digits[:2]) <= 39 and 1 <= int(digits[2:]) <= 12
    return mm_dd or yy_mm


def key_undated(key: str) -> tuple[str, str]:
    """(normalised key without its trailing date and "-instruct", the date token or "")."""
    normal = name_normalise(key)
    found = _DATE_TAIL.search(normal)
    if not found or not _is_date_token(found.group(1)):
        return normal, ""
    base = normal[: found.start()]
    base = base.removesuffix("-instruct")
    return base, found.group(1)


def date_token_matches(*, token: str, released: date | None) -> bool:
    """Whether a key's date token names the model's release date."""
    if not token or released is None:
        return False
    forms = {
        released.strftime("%Y%m%d"),
        released.isoformat(),
        released.strftime("%m-%Y"),
        released.strftime("%m%d"),
        released.strftime("%y%m"),
    }
    return token in forms


@dataclass(frozen=True)
class ModelFacts:
    id: int
    slug: str
    name: str
    release_date: date | None = None


@dataclass(frozen=True)
class EntryKey:
    board: str
    category: str
    key: str


@dataclass
class LinkResult:
    links: dict[EntryKey, int | None] = field(default_factory=dict)
    # key -> how it was linked ("alias", "name", "slug", "dated")
    matched: dict[str, tuple[str, str]] = field(default_factory=dict)
    unmatched: set[str] = field(default_factory=set)
    # key -> the slugs it fits equally well
    ambiguous_keys: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # model slug -> the keys that fit it equally well on one board
    ambiguous_models: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # key -> the model another key of the same board fits better (not linked)
    superseded: dict[str, str] = field(default_factory=dict)
    # How many stored links a relink changed (set by the service that writes them).
    changed: int = 0

    def lines(self) -> list[str]:
        lines = [
            f"  keys matched: {len(self.matched)}, unmatched: {len(self.unmatched)}, "
            f"ambiguous: {len(self.ambiguous_keys) + len(self.ambiguous_models)}, "
            f"superseded: {len(self.superseded)}"
        ]
        lines += [
            f"  matched {key} -> {slug} ({how})"
            for key, (slug, how) in sorted(self.matched.items())
        ]
        lines += [
            f"  ambiguous key {key}: fits {', '.join(slugs)} equally; not linked"
            for key, slugs in sorted(self.ambiguous_keys.items())
        ]
        lines += [
            f"  ambiguous model {slug}: keys {', '.join(keys)} fit equally; none linked "
            "(add an alias in admin)"
            for slug, keys in sorted(self.ambiguous_models.items())
        ]
        lines += [
            f"  superseded {key}: another key fits {slug} better; not linked"
            for key, slug in sorted(self.superseded.items())
        ]
        if self.unmatched:
            lines.append(f"  unmatched: {', '.join(sorted(self.unmatched))}")
        return lines


_TIERS = ("name", "slug", "dated")


def _candidates(key: str, models: Sequence[ModelFacts], index: Mapping) -> tuple[int, list]:
    """(tier, models) for the best tier at which `key` fits any model; (3, []) if none."""
    normal = name_normalise(key)
    for tier, lookup in ((0, index["name"]), (1, index["slug"])):
        if normal in lookup:
            return tier, lookup[normal]
    base, token = key_undated(key)
    if token:
        found = index["name"].get(base, []) + [
            m for m in index["slug"].get(base, []) if m not in index["name"].get(base, [])
        ]
        if found:
            return 2, found
    return 3, []


def links_compute(
    *,
    entries: Iterable[EntryKey],
    models: Sequence[ModelFacts],
    aliases: Mapping[str, int | None],
) -> LinkResult:
    """Which model each leaderboard entry belongs to (None = none), by the rules in the
    module docstring. `aliases` maps a key to a model id, or to None for "no model"."""
    by_id = {m.id: m for m in models}
    index: dict[str, dict[str, list[ModelFacts]]] = {"name": {}, "slug": {}}
    for model in models:
        index["name"].setdefault(name_normalise(model.name), []).append(model)
        index["slug"].setdefault(name_normalise(model.slug), []).append(model)
    result = LinkResult()
    # (board, category, model id) -> [(tier, date fits, entry)]
    claims: dict[tuple[str, str, int], list[tuple[int, bool, EntryKey]]] = {}
    for entry in entries:
        result.links[entry] = None
        if entry.key in aliases:
            target = aliases[entry.key]
            if target is not None and target in by_id:
                claims.setdefault((entry.board, entry.category, target), []).append(
                    (-1, True, entry)
                )
                result.matched[entry.key] = (by_id[target].slug, "alias")
            continue
        tier, found = _candidates(entry.key, models, index)
        if not found:
            result.unmatched.add(entry.key)
            continue
        if len(found) > 1:
            result.ambiguous_keys[entry.key] = tuple(sorted(m.slug for m in found))
            continue
        model = found[0]
        _, token = key_undated(entry.key)
        fits_date = date_token_matches(token=token, released=model.release_date)
        claims.setdefault((entry.board, entry.category, model.id), []).append(
            (tier, fits_date, entry)
        )
    for (_, _, model_id), claimed in claims.items():
        best = min(tier for tier, _, _ in claimed)
        top = [(fits, entry) for tier, fits, entry in claimed if tier == best]
        if len(top) > 1:
            dated = [entry for fits, entry in top if fits]
            top = [(True, dated[0])] if len(dated) == 1 else top
        slug = by_id[model_id].slug
        if len(top) > 1:
            keys = tuple(sorted(entry.key for _, entry in top))
            result.ambiguous_models[slug] = keys
            for key in keys:
                result.matched.pop(key, None)
            continue
        entry = top[0][1]
        for _, _, other in claimed:
            if other.key != entry.key:
                result.superseded[other.key] = slug
        result.links[entry] = model_id
        how = "alias" if best < 0 else _TIERS[best]
        result.matched[entry.key] = (slug, how)
    # A key linked on one board counts as matched even where another board lost it.
    for key in list(result.matched):
        result.unmatched.discard(key)
        result.superseded.pop(key, None)
    return result
