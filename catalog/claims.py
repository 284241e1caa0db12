"""Unique and vs-alternatives lines computed from the catalog, for model capabilities.

Pure functions: the facts of every published model go in, one `Claim` per capability
comes out. Each claim states one fact and the comparison set it rests on ("Lowest input
price among the 61 published models that read images and write text"); its numbers go
in `basis`, the "how we know" note. Never vendor prose: only stored facts are used. An
editor's `unique` / `vs_alternatives` text always wins over these (Capability.unique_text).
"""

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import median

MODALITY_NOUNS = {
    "text": "text",
    "image": "images",
    "audio": "audio",
    "video": "video",
    "file": "files",
    "embedding": "embeddings",
    "code": "code",
}
FEATURES = {
    "Function calling": ("tools", "Supports function calling"),
    "Structured output": ("structured_output", "Supports structured output"),
    "Reasoning": ("reasoning", "Reasons step by step before answering"),
    "Web search": ("web_search", "Can search the web"),
}
# Titles with a rule of their own above; any other title is counted across the catalog.
HANDLED = {"Text generation", "Long context", "Image generation", "Embeddings", *FEATURES}
INPUT_CAPABILITIES = {
    "Image understanding": "image",
    "Video understanding": "video",
    "Document input": "file",
    "Audio understanding": "audio",
    "Speech to text": "audio",
}


@dataclass(frozen=True)
class ModelFacts:
    """What the claims compare: one published model's stored facts. Prices are US dollars
    per token; None is "the source says nothing" and keeps the model out of that set."""

    id: int
    inputs: frozenset[str]
    outputs: frozenset[str]
    context_length: int | None = None
    max_output_tokens: int | None = None
    input_price: Decimal | None = None
    output_image_token_price: Decimal | None = None
    supports: dict[str, bool | None] = field(default_factory=dict)
    titles: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Claim:
    unique: str = ""
    vs_alternatives: str = ""
    basis: str = ""


def _nouns(modalities: Iterable[str]) -> str:
    names = [MODALITY_NOUNS.get(m, m) for m in sorted(modalities)]
    return " and ".join([", ".join(names[:-1]), names[-1]]) if len(names) > 1 else names[0]


def set_name(*, reads: frozenset[str] = frozenset(), writes: frozenset[str]) -> str:
    """ "models that read images and write text": the comparison set in words."""
    if reads:
        return f"models that read {_nouns(reads)} and write {_nouns(writes)}"
    return f"models that write {_nouns(writes)}"


def tokens_short(count: int | Decimal) -> str:
    """1050000 -> "1.05M", 131072 -> "131K", 800 -> "800"."""
    count = int(count)
    for size, suffix in ((1_000_000, "M"), (1_000, "K")):
        if count >= size:
            text = f"{count / size:.2f}".rstrip("0").rstrip(".")
            if "." in text and len(text.split(".")[0]) >= 2:
                text = f"{count / size:.1f}".rstrip("0").rstrip(".")
            if len(text.split(".")[0]) >= 3:
                text = str(round(count / size))
            return f"{text}{suffix}"
    return str(count)


def per_million(amount: Decimal) -> str:
    """US dollars per token as "$2.50 per 1M" (cents kept, no scientific notation)."""
    value = Decimal(amount) * 1_000_000
    if value >= 1:
        text = f"{value.quantize(Decimal('0.01')):f}".removesuffix(".00")
    else:
        digits = max(2, 2 - value.adjusted())
        text = f"{value.quantize(Decimal(1).scaleb(-digits)):f}".rstrip("0").rstrip(".")
    return f"${text}"


@dataclass(frozen=True)
class Standing:
    """Where one value stands among n: `better` of the others beat it, `worse` it beats."""

    n: int
    better: int
    worse: int

    @property
    def rank(self) -> int:
        return self.better + 1

    @property
    def top_percent(self) -> int:
        """The smallest whole percentage of the set this value's rank falls in."""
        return max(1, math.ceil(100 * self.rank / self.n))


def standing(*, value, values: list, lower_is_better: bool) -> Standing:
    """`values` includes `value` itself once."""
    if lower_is_better:
        better = sum(1 for v in values if v < value)
        worse = sum(1 for v in values if v > value)
    else:
        better = sum(1 for v in values if v > value)
        worse = sum(1 for v in values if v < value)
    return Standing(n=len(values), better=better, worse=worse)


def _price_claim(
    *, label: str, value: Decimal, values: list[Decimal], set_words: str, unit: str
) -> tuple[str, str]:
    place = standing(value=value, values=values, lower_is_better=True)
    middle = per_million(median(values))
    if place.better == 0 and place.worse == place.n - 1 and place.n > 1:
        sentence = f"Lowest {label} among the {place.n} published {set_words}"
    elif place.worse == 0 and place.better == place.n - 1 and place.n > 1:
        sentence = f"Highest {label} among the {place.n} published {set_words}"
    elif place.top_percent <= 50:
        sentence = (
            f"{label.capitalize()} in the cheapest {place.top_percent}% of the {place.n} "
            f"published {set_words}"
        )
    else:
        dearer = max(1, math.ceil(100 * (place.worse + 1) / place.n))
        sentence = (
            f"{label.capitalize()} in the most expensive {dearer}% of the {place.n} "
            f"published {set_words}"
        )
    sentence += f" ({per_million(value)} {unit}; median {middle})"
    basis = (
        f"{label.capitalize()}: {per_million(value)} {unit}, rank {place.rank} of {place.n} "
        f"(1 = cheapest) among the published {set_words} that state one; median {middle}."
    )
    return sentence, basis


def _share_lacking(*, feature: str, peers: list[ModelFacts]) -> tuple[int, int]:
    known = [p for p in peers if p.supports.get(feature) is not None]
    return sum(1 for p in known if not p.supports[feature]), len(known)


def claims_compute(
    *, model: ModelFacts, titles: list[str], catalog: list[ModelFacts]
) -> dict[str, Claim]:
    """The claims for each capability title of `model`, against the published `catalog`
    (which may or may not include `model`; it is counted once). Titles with nothing to
    say get no entry."""
    others = [m for m in catalog if m.id != model.id]
    everyone = [*others, model]
    text_writers = [m for m in everyone if "text" in m.outputs]
    claims: dict[str, Claim] = {}

    def add(title: str, **parts: str) -> None:
        old = claims.get(title, Claim())
        claims[title] = Claim(
            unique=parts.get("unique", old.unique),
            vs_alternatives=parts.get("vs_alternatives", old.vs_alternatives),
            basis=" ".join(b for b in (old.basis, parts.get("basis", "")) if b),
        )

    def price_line(title: str, peers: list[ModelFacts], words: str, get: Callable) -> None:
        value = get(model)
        values = [get(p) for p in peers if get(p) is not None]
        if value is None or len(values) < 2:
            return
        sentence, basis = _price_claim(
            label="input price" if get is _input else "output image token price",
            value=value,
            values=values,
            set_words=words,
            unit="per 1M input tokens" if get is _input else "per 1M output image tokens",
        )
        add(title, vs_alternatives=sentence, basis=basis)

    for title in titles:
        if title == "Text generation" and "text" in model.outputs:
            words = set_name(writes=frozenset({"text"}))
            price_line("Text generation", text_writers, words, _input)
            _output_length(model, text_writers, add)
        elif title == "Long context" and model.context_length:
            values = [m.context_length for m in text_writers if m.context_length]
            if len(values) >= 2:
                place = standing(value=model.context_length, values=values, lower_is_better=False)
                middle = tokens_short(median(values))  # type: ignore[arg-type]
                add(
                    title,
                    vs_alternatives=(
                        f"Context window in the top {place.top_percent}% of the {place.n} "
                        f"published {set_name(writes=frozenset({'text'}))} "
                        f"({tokens_short(model.context_length)} tokens; median {middle})"
                    ),
                    basis=(
                        f"Context window: {model.context_length:,} tokens, rank {place.rank} of "
                        f"{place.n} (1 = longest) among published models that write text and "
                        f"state one; median {middle}."
                    ),
                )
        elif title in INPUT_CAPABILITIES and INPUT_CAPABILITIES[title] in model.inputs:
            modality = INPUT_CAPABILITIES[title]
            writes = frozenset(model.outputs) or frozenset({"text"})
            peers = [m for m in everyone if writes <= m.outputs]
            having = sum(1 for m in peers if modality in m.inputs)
            words, noun = set_name(writes=writes), MODALITY_NOUNS[modality]
            lacking = 100 - _percent(having, len(peers))
            add(
                title,
                unique=(
                    f"Reads {noun}, which {lacking}% of the {len(peers)} published {words} do not"
                    if having < len(peers)
                    else f"Reads {noun}, like all {len(peers)} published {words}"
                ),
                basis=f"{having} of {len(peers)} published {words} read {noun}.",
            )
            if modality == "image" and "text" in model.outputs:
                readers = [m for m in text_writers if "image" in m.inputs]
                price_line(
                    title, readers, set_name(reads=frozenset({"image"}), writes=writes), _input
                )
        elif title in FEATURES and "text" in model.outputs:
            feature, phrase = FEATURES[title]
            lacking, known = _share_lacking(feature=feature, peers=text_writers)
            if known >= 2 and model.supports.get(feature):
                words = set_name(writes=frozenset({"text"}))
                add(
                    title,
                    unique=f"{phrase}, which {_percent(lacking, known)}% of the {known} "
                    f"published {words} that list their features do not",
                    basis=f"{known - lacking} of {known} published {words} whose features the "
                    f"source lists support it.",
                )
        elif title == "Image generation" and "image" in model.outputs:
            writers = [m for m in everyone if "image" in m.outputs]
            words = set_name(writes=frozenset({"image"}))
            price_line(title, writers, words, _image_token)
            _one_of(title, model, writers, words, add)
        elif title == "Embeddings" and "embedding" in model.outputs:
            writers = [m for m in everyone if "embedding" in m.outputs]
            words = set_name(writes=frozenset({"embedding"}))
            price_line(title, writers, words, _input)
            _one_of(title, model, writers, words, add)
        elif model.outputs - {"text"}:
            # Audio, video, speech...: how rare the output is.
            rare = sorted(model.outputs - {"text"})
            writes = frozenset(rare[:1])
            writers = [m for m in everyone if writes <= m.outputs]
            _one_of(title, model, writers, set_name(writes=writes), add)
        if title not in claims and title not in HANDLED and title not in INPUT_CAPABILITIES:
            # Anything else (reranking...): how many published models share the capability.
            peers = [m for m in others if title in m.titles] + [model]
            _one_of(title, model, peers, f"models with {title.lower()}", add)
    return claims


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


def _input(model: ModelFacts) -> Decimal | None:
    return model.input_price


def _image_token(model: ModelFacts) -> Decimal | None:
    return model.output_image_token_price


def _output_length(model: ModelFacts, peers: list[ModelFacts], add: Callable) -> None:
    if not model.max_output_tokens:
        return
    values = [m.max_output_tokens for m in peers if m.max_output_tokens]
    if len(values) < 2:
        return
    place = standing(value=model.max_output_tokens, values=values, lower_is_better=False)
    shorter = _percent(place.worse, place.n)
    add(
        "Text generation",
        unique=(
            f"Returns up to {model.max_output_tokens:,} tokens per reply, more than {shorter}% "
            f"of the {place.n} published models that write text and state a limit"
        )
        if place.worse
        else (
            f"Returns up to {model.max_output_tokens:,} tokens per reply; the median of the "
            f"{place.n} published models that write text and state a limit is "
            f"{tokens_short(median(values))}"  # type: ignore[arg-type]
        ),
        basis=f"Maximum output: {model.max_output_tokens:,} tokens, rank {place.rank} of "
        f"{place.n} (1 = longest); median {tokens_short(median(values))}.",  # type: ignore[arg-type]
    )


def _one_of(title: str, model: ModelFacts, peers: list, words: str, add: Callable) -> None:
    if not peers:
        return
    add(
        title,
        unique=f"One of {len(peers)} published {words} in the catalog"
        if len(peers) > 1
        else f"The only published one of the {words} in the catalog",
        basis=f"{len(peers)} published {words}, this one included.",
    )
