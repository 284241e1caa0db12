"""What every importer shares: reading a source safely, the records parsers produce, and
the report a run prints.

Parsers are pure: they turn a decoded JSON payload into `ArtifactRecord`s (or skip a
record with a reason) without touching the database. `catalog.importers.writer` turns
records into rows.
"""

import hashlib
import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_UP, Context, Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

from django.utils.text import slugify

# The OpenRouter catalog is ~1.3 MB; twenty times that is still a sane upper bound.
DEFAULT_MAX_BYTES = 25 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 30
# Artifact.starting_price keeps 12 decimal places; comparing unrounded values would make
# every re-import look like a change.
PRICE_PLACES = Decimal("1e-12")
PRICE_MAX = Decimal("1e8")
# Price rows and model-fact prices keep 28 decimal places: every source price exactly.
PRICE_EXACT_PLACES = Decimal("1e-28")


class ImportSourceError(Exception):
    """The whole source is unusable (unreadable, too big, not JSON, wrong shape): the run
    stops before writing anything."""


class RecordError(ValueError):
    """One record is invalid: it is skipped with this reason while the rest go in."""


@dataclass(frozen=True)
class TagRecord:
    slug: str
    name: str

    @property
    def key(self) -> str:
        return tag_key(self.name)


@dataclass(frozen=True)
class CapabilityRecord:
    title: str
    description: str
    tags: tuple[TagRecord, ...] = ()
    input_types: tuple[str, ...] = ()
    output_types: tuple[str, ...] = ()
    best_for: str = ""
    limitations: str = ""
    # The number the capability rests on, in a CapabilityQuantity unit.
    quantity: Decimal | None = None
    quantity_unit: str = ""


@dataclass(frozen=True)
class PriceRecord:
    """One price as the source lists it (see catalog.models.ArtifactPrice)."""

    key: str
    unit: str
    amount: Decimal | None
    min_prompt_tokens: int = 0
    unit_clear: bool = True

    @property
    def identity(self) -> tuple:
        return (self.key, self.min_prompt_tokens, self.unit, self.amount, self.unit_clear)


@dataclass(frozen=True)
class ArtifactRecord:
    """One artifact as a source describes it. `fields` holds only the Artifact fields this
    source manages; anything else on the row is left alone."""

    external_id: str
    slug: str
    vendor: str
    fields: dict[str, Any]
    capabilities: tuple[CapabilityRecord, ...] = ()
    # The full price list (ArtifactPrice rows); None when the source manages none.
    prices: tuple[PriceRecord, ...] | None = None


@dataclass
class ParseResult:
    records: list[ArtifactRecord] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    # Every id the source still lists, valid or not: artifacts outside it go to review.
    seen_ids: set[str] = field(default_factory=set)
    # Skipped duplicates' ids -> the id of the record kept for the same product.
    aliases: dict[str, str] = field(default_factory=dict)
    # How many records the source holds in all, and how many of them could not be used
    # (not an object, no id, invalid): whether most were usable.
    total: int = 0
    unusable: int = 0


@dataclass
class ImportReport:
    source: str
    dry_run: bool = False
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    marked_for_review: int = 0
    # Related rows: "vendors created", "capabilities updated", "pairs created", ...
    counts: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    # (action, id, changed fields) for each artifact that changes, for --dry-run listings.
    changes: list[tuple[str, str, tuple[str, ...]]] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would be " if self.dry_run else ""
        lines = [
            f"{self.source}: {self.created} {verb}created, {self.updated} {verb}updated, "
            f"{self.unchanged} unchanged, {len(self.skipped)} skipped"
            + (" (dry run: nothing was written)" if self.dry_run else "")
        ]
        if self.marked_for_review:
            lines.append(
                f"  {self.marked_for_review} {verb}marked for review: no longer in the source"
            )
        if self.counts:
            counts = sorted(self.counts.items())
            if self.dry_run:
                counts = [(what.replace(" ", " would be ", 1), n) for what, n in counts]
            lines.append("  " + ", ".join(f"{n} {what}" for what, n in counts))
        lines.extend(f"  note: {note}" for note in self.notes)
        lines.extend(f"  skipped {record_id}: {reason}" for record_id, reason in self.skipped)
        return lines


def source_read(
    *, source: str, max_bytes: int = DEFAULT_MAX_BYTES, timeout: float = FETCH_TIMEOUT_SECONDS
) -> bytes:
    """The raw bytes of a file path or an https:// URL, refusing anything over `max_bytes`."""
    if "://" in source:
        return _url_read(url=source, max_bytes=max_bytes, timeout=timeout)
    path = Path(source)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise ImportSourceError(f"{source} is not a file")
        if size > max_bytes:
            raise ImportSourceError(_too_big(source, max_bytes))
        with path.open("rb") as handle:
            raw = handle.read(max_bytes + 1)
    except FileNotFoundError as error:
        raise ImportSourceError(f"{source}: no such file") from error
    except OSError as error:
        raise ImportSourceError(f"{source} cannot be read: {error.strerror or error}") from error
    if len(raw) > max_bytes:
        raise ImportSourceError(_too_big(source, max_bytes))
    return raw


def _too_big(source: str, max_bytes: int) -> str:
    return f"{source} is larger than the {max_bytes:,}-byte cap (see --max-bytes)"


def _url_read(*, url: str, max_bytes: int, timeout: float) -> bytes:
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.hostname:
        raise ImportSourceError(f"{url}: only https:// URLs are fetched")
    request = Request(url, headers={"Accept": "application/json", "User-Agent": "unfragile"})
    try:
        with urlopen(request, timeout=timeout) as response:
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise ImportSourceError(_too_big(url, max_bytes))
            raw = response.read(max_bytes + 1)
    except HTTPError as error:
        raise ImportSourceError(f"{url} answered HTTP {error.code}") from error
    except (URLError, TimeoutError, OSError) as error:
        reason = getattr(error, "reason", None) or error
        raise ImportSourceError(f"{url} could not be fetched: {reason}") from error
    if len(raw) > max_bytes:
        raise ImportSourceError(_too_big(url, max_bytes))
    return raw


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a JSON number")


def json_parse(*, raw: bytes, label: str) -> Any:
    """Decode and parse, turning every failure into one line that says what is wrong."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportSourceError(f"{label} is not UTF-8 text (bad byte at {error.start})") from error
    if not text.strip():
        raise ImportSourceError(f"{label} is empty")
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as error:
        truncated = error.pos >= len(text.rstrip())
        hint = " (the file ends too early: truncated?)" if truncated else ""
        raise ImportSourceError(
            f"{label} is not valid JSON: {error.msg} at line {error.lineno} "
            f"column {error.colno}{hint}"
        ) from error
    except (ValueError, RecursionError) as error:
        raise ImportSourceError(f"{label} is not valid JSON: {error}") from error


def tag_key(text: str) -> str:
    """Case- and punctuation-insensitive identity: "Open Source", "open-source" and
    "OpenSource" are one tag."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def _slugify(text: str) -> str:
    # "Qwen3.5-Flash" -> "qwen3-5-flash", not "qwen35-flash": punctuation separates words;
    # "Command R+" -> "command-r-plus", so that it stays apart from "Command R".
    return slugify(re.sub(r"[^\w\s-]", " ", text.replace("+", " plus ")))


def _hashed(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"


def _ascii_slug(name: str, *, prefix: str, max_length: int) -> str:
    slug = _slugify(name)[: max_length - 11].strip("-")
    if tag_key(name).isascii():
        return slug or _hashed(prefix, name)
    # Letters of other scripts slugify to nothing: a stable hash of the whole name keeps
    # "AI 开发工具" apart from "AI".
    return f"{slug}-{_hashed(prefix, tag_key(name))}" if slug else _hashed(prefix, tag_key(name))


def tag_slug(name: str) -> str:
    return _ascii_slug(name, prefix="tag", max_length=80)


def vendor_slug(name: str) -> str:
    return _ascii_slug(name, prefix="vendor", max_length=120)


def artifact_slug(name: str, *, fallback: str) -> str:
    """A URL-safe slug that can never be mistaken for an "a-vs-b" comparison URL."""
    for text in (name, fallback.replace("/", "-")):
        slug = _slugify(text)
        while "-vs-" in slug:
            slug = slug.replace("-vs-", "-versus-")
        slug = slug[:120].strip("-")
        if slug:
            return slug
    return _hashed("artifact", fallback)


def text_clean(value: Any, *, what: str, max_length: int | None = None) -> str:
    """A stripped string; None is empty; anything else is a record error."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise RecordError(f"{what} is {type(value).__name__}, not text")
    text = value.replace("\x00", "").strip()
    if max_length is not None and len(text) > max_length:
        raise RecordError(f"{what} is longer than {max_length} characters")
    return text


def text_shorten(text: str, *, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-")
    return f"{cut}…"


def price_decimal(value: Any, *, what: str) -> Decimal:
    """A source price as a Decimal; negative values are returned for the caller to judge."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(f"{what} price is {type(value).__name__}, not a number")
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation as error:
        raise RecordError(f"{what} price {value!r} is not a number") from error
    if not amount.is_finite():
        raise RecordError(f"{what} price {value!r} is not a finite number")
    if amount >= PRICE_MAX:
        raise RecordError(f"{what} price {value!r} is implausibly large")
    return amount


def price_exact(amount: Decimal) -> Decimal:
    """The value an exact price column (28 decimal places) holds, rounded up so a tiny
    charge never becomes zero."""
    return amount.quantize(PRICE_EXACT_PLACES, rounding=ROUND_UP, context=Context(prec=60))


def price_stored(amount: Decimal) -> Decimal:
    """The value Artifact.starting_price will hold, rounded up so a tiny charge never
    becomes zero (zero means free)."""
    return amount.quantize(PRICE_PLACES, rounding=ROUND_UP)


def price_plain(amount: Decimal) -> str:
    """A decimal string without exponent, for the `prices` JSON."""
    text = f"{amount:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
