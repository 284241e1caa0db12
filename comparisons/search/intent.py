"""What a search asks for, beyond its words: constraints parsed from a curated vocabulary.

"describe what is in a photo" takes an image in and gives text out; "turn text into natural
speech" gives audio out; "cheap model for high volume chat" wants the lowest price per
token first. The parser is a pure function of the normalised intent (and of the catalog's
own name words, passed in), tested without a database; no remote model is asked.

Each parsed constraint is shown above the results as a chip that links to the same search
without it (the `drop` parameter), so a wrong guess costs one click.

Rules, in the order they apply to a token:
- Direction. Words that take something in ("describe", "read", "transcribe", "from",
  "in", "about") make the next modality an input; words that make something ("generate",
  "create", "into", "to" after a modality or "turn"/"convert") make it an output. A
  modality followed by "generation"/"generator"/"editing" is an output, by
  "understanding"/"recognition"/"transcription" an input. "x-to-y" compounds take x in
  and give y out ("x-to-y-to-z": z). "to"/"into" and a reading verb direct one modality,
  and one more after "and" ("video to audio and text"). A speech verb ("narrate") makes
  audio and takes in what it speaks of ("narrate my photos"). A modality with no
  direction is not a constraint (the words still count as text).
- Implied output: describing, reading, transcribing, summarising, chatting, coding and
  the like answer in text, when no other output is named.
- Price: cheap words order by the job's own unit price; "free" keeps free or free-tier.
- Context: a whole book, long documents, a large codebase, or "1m"/"200k" tokens.
- Features: tools and function calling, JSON and structured output, reasoning.
- Open weights: open weights or source, self-host, run locally or offline.
- Kind: API, app, library, MCP server, extension, agent, dataset, model.
- Names: a word with letters and digits ("qwen3.5", "gpt-4o") or a family word of the
  catalog's names ("flux", "claude") keeps results whose name contains it.
- Negation: "without"/"no"/"not"/"except" (and "doesn't", "can't", "never") before a
  cue negates it; "without an API key" means open weights, open source or free, and a
  cost denied ("doesn't cost anything", "costs nothing") is free.
- Purpose: after "for", a modality is what the thing is for, not what goes in or comes
  out ("compose music for a video" makes audio), and so is one after "and" ("music for
  videos and photos") and a kind after it ("a model for building chat apps"); a reading
  verb reaches over "for" ("alt text for images"), and so does the "to" of a converting
  verb (also past "and" and "with": "convert notes and slides to audio").
- Versions: a family word followed by a bare number ("llama 3", "gpt-5") names that
  version; a name also matches its maker ("mistral" finds Mistral's "Ministral 3 8B").
"""

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from comparisons.search.normalise import STOPWORDS

# ---- vocabulary ----------------------------------------------------------------------


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MODALITY_WORDS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "image images photo photos photograph photographs picture pictures pic pics "
            "screenshot screenshots scan scans scanned diagram diagrams chart charts "
            "illustration illustrations artwork logo logos img jpeg jpg png graphics selfie "
            "selfies thumbnail thumbnails icon icons invoice invoices receipt receipts "
            "handwriting handwritten whiteboard art sketch sketches poster posters banner banners "
            "wallpaper wallpapers avatar avatars meme memes infographic infographics"
        ),
        "image",
    ),
    **dict.fromkeys(
        _words(
            "audio sound sounds podcast podcasts recording recordings recorded voice voices "
            "speech spoken music song songs voicemail voicemails audiobook audiobooks mp3 wav "
            "meeting meetings interview interviews lecture lectures narration narrator "
            "narrators"
        ),
        "audio",
    ),
    **dict.fromkeys(
        _words(
            "video videos clip clips movie movies footage film films animation animations youtube"
        ),
        "video",
    ),
    **dict.fromkeys(_words("text texts csv markdown"), "text"),
    **dict.fromkeys(_words("pdf pdfs"), "file"),
    **dict.fromkeys(_words("embedding embeddings vector vectors"), "embedding"),
}
MODALITY_LABELS = {
    "image": "image",
    "audio": "audio",
    "video": "video",
    "text": "text",
    "file": "file (PDF)",
    "embedding": "embeddings",
}

# Several words that read as one ("step by step" is about reasoning, not a "Step" model).
PHRASES = {
    "step by step": "step-by-step",
    "chain of thought": "chain-of-thought",
    "search the web": "web-search",
    "search the internet": "web-search",
    "browse the web": "web-search",
    "web search": "web-search",
    "internet search": "web-search",
    "web browsing": "web-search",
    "function calling": "function-calling",
    "tool calling": "tool-calling",
    "tool use": "tool-calling",
    # A question about what a picture holds is a request to describe it.
    "what s in": "describe",
    "what is in": "describe",
    "alt text": "caption",
    "language model": "llm",
    "language models": "llms",
    # "no cost" is the price, not a negation of what follows.
    "no cost": "no-cost",
    "zero cost": "zero-cost",
    "free of charge": "free",
    "without paying": "free",
    # A cost denied is a price too: "doesn't cost anything" (contractions are read as
    # "not" first, see _CONTRACTED_NEGATION).
    "not cost anything": "free",
    "not cost a thing": "free",
    "not cost a penny": "free",
    "costs nothing": "free",
    "cost nothing": "free",
    "pay nothing": "free",
    "paying nothing": "free",
    "no charge": "free",
    "not have to pay": "free",
    "not want to pay": "free",
    # Answers that need today's information need the web.
    "current information": "web-search",
    "up to date information": "web-search",
    "real time information": "web-search",
    "latest news": "web-search",
    "the internet": "web-search",
    # Answers that cite what a live search found.
    "live search": "web-search",
    "live web": "web-search",
    "search grounding": "web-search",
    "grounded in search": "web-search",
    "with citations": "web-search",
    "cite sources": "web-search",
    "cites sources": "web-search",
    "cite its sources": "web-search",
    "cites its sources": "web-search",
}

# "doesn't", "don't", "can't", "isn't", typed with or without the apostrophe (which
# normalising turns into a space: "doesn t"): a negation like "not".
_CONTRACTED_NEGATION = re.compile(
    r" (?:do|does|did|is|are|was|were|ca|could|wo|would|should|must|has|have|had)(?:n t|nt) "
)

# Verbs and prepositions after which a modality goes in.
INPUT_CUES = _words(
    "describe describes describing read reads reading transcribe transcribes transcribing "
    "understand understands analyze analyse analyzes analyses analyzing analysing caption "
    "captions recognize recognise identify detect summarize summarise summarizing "
    "summarising extract extracts extracting classify interpret explain watch listen ocr "
    "parse from in about inside within convert converting turn turning transform translate "
    "transcript transcripts see sees seeing"
)
# Verbs and prepositions after which a modality comes out.
OUTPUT_CUES = _words(
    "generate generates generating make makes making create creates creating draw draws "
    "paint render produce produces design compose composes synthesize synthesise clone into"
)
# Verbs whose object goes in and comes out changed: "edit a photo".
EDIT_CUES = _words("edit edits editing retouch restyle upscale enhance remix")
# Modalities that only ever go one way when nothing says: "a vision model" reads images,
# "embeddings" are made.
DEFAULT_DIRECTION = {
    "vision": ("input", "image"),
    "visual": ("input", "image"),
    "multimodal": ("input", "image"),
}
# Verbs that set what they are given in motion: "animate a still photo" takes the photo in
# and gives video out.
ANIMATE_CUES = _words("animate animates animating")
# Verbs that read aloud: audio comes out, and what they speak of goes in ("speak text",
# "narrate my photos"), unless it is the audio they make ("narrate an audiobook").
SPEECH_CUES = _words("speak speaks say says narrate narrates")
# Verbs whose object is the source: "turn text into speech", "convert audio to text".
CONVERT_CUES = _words("convert converting turn turning transform translate")
# A modality followed by one of these is an output, or an input.
OUTPUT_NOUNS = _words(
    "generation generator generators generating creation creator maker synthesis editing "
    "editor output outputs cloning"
)
INPUT_NOUNS = _words(
    "understanding recognition analysis analyzer analyser captioning captions transcription "
    "transcriptions transcriber input inputs description descriptions summarization "
    "summaries summary extraction ocr shows show contains depicts"
)
# Jobs whose answer is text when no other output is named.
TEXT_JOBS = _words(
    "describe describes describing read reads reading transcribe transcribes transcribing "
    "transcription transcript transcripts caption captions captioning summarize summarise "
    "summarizing summarising summary summaries extract extraction explain ocr translate "
    "translation chat chats chatbot chatbots assistant write writing writer essay essays "
    "email emails code coding programming programmer completion completions answer "
    "answers questions reasoning math classify classification analyze analyse analysis "
    "analyzing analysing "
    "stt asr recognition transcriber understand understands understanding identify identifies "
    "recognize recognise detect detects interpret llm llms tell subtitle subtitles "
    # A model that sees or hears answers in words: "a vision model", "listen to audio".
    "vision listen listens listening hear hears"
)
# Jobs that start from text someone writes: when no input is named, text goes in (a
# speech-to-text model answers in text too, but is no chat model).
TEXT_IN_JOBS = _words(
    "chat chats chatbot chatbots assistant write writing writer essay essays email emails "
    "code coding programming programmer completion completions reasoning math translate "
    "translation"
)
TRANSCRIBE_WORDS = _words(
    "transcribe transcribes transcribing transcription transcriptions transcriber"
)
# Short forms that carry both directions.
SHORT_FORMS: dict[str, tuple[str | None, str | None]] = {
    "tts": ("text", "audio"),
    "stt": ("audio", "text"),
    "asr": ("audio", "text"),
    "ocr": ("image", "text"),
    "dictation": ("audio", "text"),
    "dictate": ("audio", "text"),
    "voiceover": ("text", "audio"),
    "voiceovers": ("text", "audio"),
    "voice-over": ("text", "audio"),
}
# "an image model", "a video model": what people call a model that makes them.
MADE_BY_MODEL = frozenset({"image", "video", "audio"})

CHEAP_WORDS = _words(
    "cheap cheaper cheapest cheaply affordable budget inexpensive economical low-cost "
    "cost-effective"
)
# Two-word forms, read on adjacent words.
CHEAP_PAIRS = frozenset(
    {("low", "cost"), ("lowest", "cost"), ("low", "price"), ("lowest", "price"),
     ("cost", "effective"), ("high", "volume"), ("least", "expensive")}
)  # fmt: skip
FREE_WORDS = _words("free gratis no-cost zero-cost")

# Minimum context in tokens, by what has to fit.
LONG_CONTEXT_TOKENS = 100_000
BOOK_CONTEXT_TOKENS = 200_000
CODEBASE_CONTEXT_TOKENS = 1_000_000
LONG_WORDS = _words("long lengthy huge large big entire whole full")
# A context window called huge is the largest on offer: a million tokens.
HUGE_WORDS = _words("huge massive enormous gigantic giant largest biggest")
DOCUMENT_WORDS = _words(
    "document documents doc docs report reports contract contracts context texts "
    "transcripts conversations files paper papers"
)
BOOK_WORDS = _words("book books novel novels manuscript manuscripts")
CODEBASE_WORDS = _words("codebase codebases repository repositories repo repos monorepo")
_CONTEXT_NUMBER = re.compile(r"^(\d+(?:\.\d+)?)(k|m)?$")
CONTEXT_UNITS = {"k": 1_000, "m": 1_000_000, "thousand": 1_000, "million": 1_000_000}
CONTEXT_NOUNS = _words("context tokens token window")
# "a 300 page document": pages of prose, at about this many tokens each.
PAGE_WORDS = _words("page pages")
TOKENS_PER_PAGE = 500

FEATURE_LABELS = {
    "function-calling": "Tools / function calling",
    "structured-output": "Structured output (JSON)",
    "reasoning": "Reasoning",
    "web-search": "Searches the web",
}
STRUCTURED_WORDS = _words("json schema schemas structured")
REASONING_WORDS = _words(
    "reasoning reason reasons think thinks thinking step-by-step chain-of-thought"
)
TOOL_WORDS = _words("tool tools function functions")
TOOL_NEIGHBOURS = _words("use using uses call calls calling with")
# "agents that call apis": calling out is function calling.
TOOL_PAIRS = frozenset({("call", "apis"), ("calls", "apis"), ("call", "api"), ("calling", "apis")})

OPEN_WORDS = _words(
    "open-weight open-weights open-source self-host self-hosted self-hosting selfhost "
    "selfhosted locally local offline on-prem on-premise on-premises weights fine-tune "
    "fine-tuning finetune finetuning fine-tuned"
)
OPEN_PAIRS = frozenset(
    {("open", "weights"), ("open", "weight"), ("open", "source"), ("self", "host"),
     ("self", "hosted"), ("self", "hosting"), ("on", "prem"), ("my", "laptop"),
     ("my", "gpu"), ("own", "hardware"), ("own", "server"), ("own", "gpu"),
     ("open", "model"), ("open", "models"), ("fine", "tune"), ("fine", "tuning")}
)  # fmt: skip

KIND_WORDS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("api", "apis"), ("api", "model")),
    **dict.fromkeys(("app", "apps", "application"), ("app",)),
    **dict.fromkeys(("library", "libraries", "sdk", "sdks", "framework"), ("library",)),
    **dict.fromkeys(("mcp",), ("mcp_server",)),
    **dict.fromkeys(("extension", "extensions", "plugin", "plugins", "add-on"), ("extension",)),
    **dict.fromkeys(("agent", "agents"), ("agent",)),
    **dict.fromkeys(("dataset", "datasets"), ("dataset",)),
    **dict.fromkeys(("model", "models", "llm", "llms"), ("model",)),
}
KIND_LABELS = {
    ("api", "model"): "API or model",
    ("app",): "app",
    ("library",): "library",
    ("mcp_server",): "MCP server",
    ("extension",): "extension",
    ("agent",): "agent",
    ("dataset",): "dataset",
    ("model",): "model",
}

NEGATIONS = _words("without no not never except excluding avoid non cannot")
# Negation reaches over at most this many words ("without an API key").
NEGATION_REACH = 3

# Every word the parser reads as a cue; such a word is never a name.
VOCABULARY = (
    frozenset(MODALITY_WORDS)
    | INPUT_CUES
    | OUTPUT_CUES
    | OUTPUT_NOUNS
    | INPUT_NOUNS
    | EDIT_CUES
    | SPEECH_CUES
    | ANIMATE_CUES
    | HUGE_WORDS
    | frozenset(DEFAULT_DIRECTION)
    | TEXT_JOBS
    | frozenset(SHORT_FORMS)
    | CHEAP_WORDS
    | FREE_WORDS
    | LONG_WORDS
    | DOCUMENT_WORDS
    | BOOK_WORDS
    | CODEBASE_WORDS
    | CONTEXT_NOUNS
    | STRUCTURED_WORDS
    | REASONING_WORDS
    | TOOL_WORDS
    | TRANSCRIBE_WORDS
    | frozenset(PHRASES.values())
    | OPEN_WORDS
    | frozenset(KIND_WORDS)
    | NEGATIONS
    | STOPWORDS
)

_NAME_TOKEN = re.compile(r"^(?=.*[a-z])(?=.*\d)[a-z0-9][a-z0-9.\-]*$")
# A version number standing alone after a family word ("llama 3", "gemini 2.5").
_BARE_VERSION = re.compile(r"^\d{1,2}(?:\.\d{1,2})?$")


# ---- result --------------------------------------------------------------------------


@dataclass(frozen=True)
class Constraint:
    """One parsed requirement. field is one of: input, output, price, context, feature,
    open, kind, name, key; value is a modality, "cheap"/"free", a token count, a tag slug,
    "weights", kinds joined by "+", a folded name, "none"."""

    field: str
    value: str
    negated: bool = False

    @property
    def key(self) -> str:
        """Stable identifier used by the chip links (`drop=<key>`)."""
        return f"{'not-' if self.negated else ''}{self.field}:{self.value}"

    @property
    def label(self) -> str:
        text = _label(self.field, self.value)
        return f"Not {text[0].lower()}{text[1:]}" if self.negated else text


def _label(field: str, value: str) -> str:
    if field == "input":
        return f"Input: {MODALITY_LABELS[value]}"
    if field == "output":
        return f"Output: {MODALITY_LABELS[value]}"
    if field == "price":
        return "Cheapest first" if value == "cheap" else "Free or free tier"
    if field == "context":
        return f"Context ≥ {context_label(int(value))}"
    if field == "feature":
        return FEATURE_LABELS[value]
    if field == "open":
        return "Open weights / runs locally"
    if field == "kind":
        return f"Kind: {KIND_LABELS[tuple(value.split('+'))]}"
    if field == "name":
        return f"Name: {value}"
    return "No API key needed"


def context_label(tokens: int) -> str:
    """1000000 -> "1M", 200000 -> "200K", 1500 -> "1.5K" (tokens)."""
    for size, suffix in ((1_000_000, "M"), (1_000, "K")):
        if tokens >= size:
            return f"{tokens / size:g}{suffix}"
    return str(tokens)


@dataclass(frozen=True)
class ParsedIntent:
    constraints: tuple[Constraint, ...] = ()

    def of(self, field: str) -> list[Constraint]:
        return [c for c in self.constraints if c.field == field and not c.negated]

    def without(self, keys: Iterable[str]) -> "ParsedIntent":
        dropped = set(keys)
        return replace(self, constraints=tuple(c for c in self.constraints if c.key not in dropped))

    @property
    def cheapest(self) -> bool:
        return any(c.value == "cheap" for c in self.of("price"))

    @property
    def outputs(self) -> set[str]:
        return {c.value for c in self.of("output")}


# ---- parser --------------------------------------------------------------------------

# Words that end a noun phrase, read backwards from its noun: a stopword, a verb, a kind.
_PHRASE_BREAKS = (
    STOPWORDS | INPUT_CUES | OUTPUT_CUES | EDIT_CUES | TEXT_JOBS | frozenset(KIND_WORDS)
)


def _modifiers(words: list[str], i: int) -> set[str]:
    """The words before words[i] in its noun phrase ("long legal pdf documents": long,
    legal, pdf; "a large number of documents": none; "large llm summarizing documents":
    none)."""
    found = set()
    for word in reversed(words[:i]):
        if word in _PHRASE_BREAKS:
            break
        found.add(word)
    return found


def _context_need(words: list[str]) -> int | None:
    need = None

    def bigger(value: int) -> None:
        nonlocal need
        need = max(need or 0, value)

    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        after = words[i + 2] if i + 2 < len(words) else ""
        number = _CONTEXT_NUMBER.match("1" if word in ("a", "one") else word)
        if number and not number.group(2) and nxt in PAGE_WORDS and word[0].isdigit():
            bigger(int(float(number.group(1)) * TOKENS_PER_PAGE))
        elif number and (number.group(2) or nxt in CONTEXT_UNITS):
            unit = number.group(2) or nxt
            scale = CONTEXT_UNITS[unit]
            following = after if nxt in CONTEXT_UNITS else nxt
            # "200k context", "context window up to 200k".
            if following in CONTEXT_NOUNS or (set(words[:i]) & CONTEXT_NOUNS):
                bigger(int(float(number.group(1)) * scale))
        elif word in BOOK_WORDS:
            bigger(BOOK_CONTEXT_TOKENS)
        elif (word in CODEBASE_WORDS and _modifiers(words, i) & LONG_WORDS) or (
            word in ("context", "window") and _modifiers(words, i) & HUGE_WORDS
        ):
            bigger(CODEBASE_CONTEXT_TOKENS)
        elif (word in DOCUMENT_WORDS and _modifiers(words, i) & LONG_WORDS) or (
            word == "long-context"
        ):
            bigger(LONG_CONTEXT_TOKENS)
    return need


def _negation_reach(negations: list[int]) -> set[int]:
    """Word indices a negation word at each of `negations` (indices) reaches."""
    return {j for n in negations for j in range(n + 1, n + 1 + NEGATION_REACH)}


def intent_parse(intent: str, *, names: Iterable[str] = ()) -> ParsedIntent:
    """Constraints of a normalised intent (see normalise.intent_normalise), in a fixed
    order: kind, input, output, price, context, feature, open, key, name.

    names: the catalog's family words ("qwen", "flux"), lower case; a query word among
    them that is no cue word becomes a name constraint. Never raises.
    """
    text = f" {intent} "
    # Twice: the pattern consumes the space a neighbouring contraction would need.
    for _ in range(2):
        text = _CONTRACTED_NEGATION.sub(" not ", text)
    for phrase, joined in PHRASES.items():
        text = text.replace(f" {phrase} ", f" {joined} ")
    words = text.split()
    found: dict[str, Constraint] = {}
    negations = [i for i, word in enumerate(words) if word in NEGATIONS]
    negated_at = _negation_reach(negations)

    def add(i: int, field: str, value: str) -> None:
        constraint = Constraint(field=field, value=value, negated=i in negated_at)
        found.setdefault(constraint.key, constraint)

    # "without an API key" / "no api key": the one negation with a meaning of its own.
    for i, word in enumerate(words[:-1]):
        if word in ("api", "apis") and words[i + 1] in ("key", "keys") and i in negated_at:
            found.setdefault("key:none", Constraint(field="key", value="none"))
            # The negation is spent on the key: "no api key image generation" asks for
            # image generation.
            negations = [n for n in negations if not n < i <= n + NEGATION_REACH]
            negated_at = _negation_reach(negations)
            words = [*words[:i], "", "", *words[i + 2 :]]

    mode: str | None = None
    once = False
    last_content = ""
    # Modalities with no direction, and whether they stand in a "for" phrase (a purpose).
    undirected: list[tuple[int, str, bool]] = []
    purpose = False
    converting = False  # a converting verb came: its "to", however far, names an output
    # Where a cue that directs one modality last did, and which way.
    directed: tuple[int, str | None] = (-1, None)
    name_words = set(names) - VOCABULARY
    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if not word:
            continue
        if "-to-" in word:
            # "text-to-image-to-video": the first goes in, the last comes out.
            left, *_, right = word.split("-to-")
            if left in MODALITY_WORDS and MODALITY_WORDS[left] != "text":
                add(i, "input", MODALITY_WORDS[left])
            if right in MODALITY_WORDS:
                add(i, "output", MODALITY_WORDS[right])
            mode = None
        elif word in SHORT_FORMS:
            source, target = SHORT_FORMS[word]
            if source and source != "text":
                add(i, "input", source)
            if target:
                add(i, "output", target)
        elif word in MODALITY_WORDS:
            modality = MODALITY_WORDS[word]
            if nxt in OUTPUT_NOUNS:
                direction = "output"
            elif nxt in INPUT_NOUNS:
                direction = "input"
            elif nxt == "aloud":
                direction = None  # "read text aloud": "aloud" gives the output
            elif nxt == "to":
                # "audio to text and video to images": the source of its own "to".
                direction = "input"
            else:
                direction = mode
            if direction is None and nxt in ("model", "models") and modality in MADE_BY_MODEL:
                direction = "output"
            if direction == "speech":
                # "narrate my photos": what a speech verb speaks of has no direction of its
                # own; below, it goes in, unless it is what comes out ("an audiobook").
                direction = None
            if direction is None and modality == "embedding":
                direction = "output"
            if direction == "input" and modality != "text":
                add(i, "input", modality)
            elif direction == "output":
                add(i, "output", modality)
            elif direction == "edit":
                add(i, "input", modality)
                add(i, "output", modality)
            elif direction is None and modality != "text":
                undirected.append((i, modality, purpose))
            if once and direction == mode:
                # "speech to text meeting recordings": "to" directs one modality, not the
                # rest; "and" right after it directs one more ("video to audio and text").
                mode, once, directed = None, False, (i, direction)
            if nxt in ("editing", "editor"):
                add(i, "input", modality)
        elif word in ("aloud",) or (word == "out" and nxt == "loud"):
            add(i, "output", "audio")
        elif word in DEFAULT_DIRECTION:
            add(i, *DEFAULT_DIRECTION[word])
        elif word in EDIT_CUES:
            mode, once = "edit", False
        elif word in ANIMATE_CUES:
            add(i, "output", "video")
            mode, once = "input", True
        elif word in SPEECH_CUES:
            add(i, "output", "audio")
            mode, once = "speech", False
        elif word in OUTPUT_CUES:
            mode, once = "output", word == "into"
        elif word == "to" and last_content in MODALITY_WORDS:
            # "speech to text": what stands before "to" goes in.
            source = MODALITY_WORDS[last_content]
            if i - 1 in negated_at:
                # "no need for speech to text": a negation that reaches the source of the
                # phrase reaches its target too.
                negated_at.add(i + 1)
            if source != "text":
                add(i - 1, "input", source)
            mode, once = "output", True
        elif word == "to" and (last_content in CONVERT_CUES or converting):
            # "convert to audio", and "convert a screenshot of a table to csv": the "to"
            # of a converting verb, however far after it, names what comes out, and so
            # does a later one ("convert pdfs to text and emails to speech").
            mode, once = "output", True
        elif word == "for" and mode != "input":
            # "compose music for a video": what follows "for" is a purpose, out of the
            # reach of a verb that makes something (a modality there has no direction; see
            # the undirected below). A reading verb reaches over it: "alt text for images".
            mode, once, purpose = None, False, True
        elif word == "and" and directed[0] == i - 1 and nxt in MODALITY_WORDS:
            # "video to audio and text": one more modality, directed the same way.
            mode, once = directed[1], True
        elif word in INPUT_CUES:
            # One modality, then a purpose may follow: "transcribe a podcast for my
            # youtube video" reads no video.
            mode, once = "input", True
        if mode is not None or word == "with":
            # A verb, or a new clause, after the purpose; "and" joins another purpose
            # ("music for videos and photos").
            purpose = False
        if word in CONVERT_CUES:
            # Its "to" names an output past "and" ("convert notes and slides to audio")
            # and "with" ("convert a pdf with tables to markdown"), and so does a later one.
            converting = True
        if word not in STOPWORDS:
            last_content = word

    # Implied text output.
    named_output = any(c.field == "output" and not c.negated for c in found.values())
    if not named_output and any(w in TEXT_JOBS for i, w in enumerate(words) if i not in negated_at):
        found.setdefault("output:text", Constraint(field="output", value="text"))
    # "chat with a pdf": once an output is known, a modality with no direction goes in.
    outputs = {c.value for c in found.values() if c.field == "output"}
    if outputs:
        for i, modality, for_purpose in undirected:
            # "a voiceover for my videos": what it is for, not what goes in.
            if modality not in outputs and not for_purpose:
                add(i, "input", modality)
    named_input = any(c.field == "input" and not c.negated for c in found.values())
    if not named_input and any(
        w in TRANSCRIBE_WORDS for i, w in enumerate(words) if i not in negated_at
    ):
        # Transcription is of recorded speech.
        found.setdefault("input:audio", Constraint(field="input", value="audio"))
        named_input = True
    if (
        outputs == {"text"}
        and not named_input
        and any(w in TEXT_IN_JOBS for i, w in enumerate(words) if i not in negated_at)
    ):
        found.setdefault("input:text", Constraint(field="input", value="text"))

    # Two-word cues ("low cost", "open source") are negated like one word: by their first.
    pairs = list(itertools.pairwise(words))
    for i, word in enumerate(words):
        if word in CHEAP_WORDS:
            add(i, "price", "cheap")
        elif word in FREE_WORDS:
            add(i, "price", "free")
    for i, pair in enumerate(pairs):
        if pair in CHEAP_PAIRS:
            add(i, "price", "cheap")

    need = _context_need(words)
    if need:
        found.setdefault(f"context:{need}", Constraint(field="context", value=str(need)))

    for i, word in enumerate(words):
        prev = words[i - 1] if i else ""
        nxt = words[i + 1] if i + 1 < len(words) else ""
        if word in STRUCTURED_WORDS and (word != "structured" or nxt.startswith("output")):
            add(i, "feature", "structured-output")
        elif word in REASONING_WORDS:
            add(i, "feature", "reasoning")
        elif word == "web-search":
            add(i, "feature", "web-search")
        elif (
            word in ("tool-calling", "function-calling", "agentic")
            or (prev, word) in TOOL_PAIRS
            or (word in TOOL_WORDS and (prev in TOOL_NEIGHBOURS or nxt in TOOL_NEIGHBOURS))
        ):
            add(i, "feature", "function-calling")

    for i, word in enumerate(words):
        if word in OPEN_WORDS:
            add(i, "open", "weights")
    for i, pair in enumerate(pairs):
        if pair in OPEN_PAIRS:
            add(i, "open", "weights")

    for i, word in enumerate(words):
        # "a model for agents", "a model for building chat apps": what it is for, not
        # what it is.
        purpose = "for" in words[:i]
        if word in KIND_WORDS and not (purpose and word not in ("api", "apis")):
            add(i, "kind", "+".join(KIND_WORDS[word]))

    for i, word in enumerate(words):
        nxt = words[i + 1] if i + 1 < len(words) else ""
        versioned = bool(_NAME_TOKEN.match(word)) and word not in VOCABULARY
        if word in name_words and _BARE_VERSION.match(nxt):
            # "llama 3", "gpt-5" (read as "gpt 5"), "gemini 2.5": the family at that
            # version, not every version of it.
            add(i, "name", f"{word} {nxt}")
        elif word and (word in name_words or versioned) and not _CONTEXT_NUMBER.match(word):
            add(i, "name", word)

    order = ["kind", "input", "output", "price", "context", "feature", "open", "key", "name"]
    # One kind at most: the first word that is not "model" ("library for building rag
    # apps" wants a library; "model" is what people say of any of them).
    kinds = [c for c in found.values() if c.field == "kind" and not c.negated]
    specific = [c for c in kinds if c.value != "model"]
    for c in kinds:
        if c is not (specific[0] if specific else kinds[0]):
            del found[c.key]
    # One context need: the largest.
    contexts = sorted(
        (c for c in found.values() if c.field == "context"), key=lambda c: -int(c.value)
    )
    for c in contexts[1:]:
        del found[c.key]
    return ParsedIntent(
        constraints=tuple(
            sorted(found.values(), key=lambda c: (order.index(c.field), c.negated, c.value))
        )
    )


def name_key(text: str) -> str:
    """A name folded for containment: lower case, letters and digits only
    ("Qwen3.5-Flash" -> "qwen35flash")."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


_FAMILY = re.compile(r"^([a-z]{3,})[\s.\-]?\d")


_FIRST_WORD = re.compile(r"^([a-z]{3,})(?:\s|$)")


@dataclass(frozen=True)
class FamilyParts:
    """What one catalog name gives family_words: the letters before its version number,
    if any, its first word, if any, and whether it carries a digit (a version)."""

    versioned_word: str | None
    first_word: str | None
    versioned: bool


def family_parts(name: str) -> FamilyParts:
    """The parts of one name family_words reads (see there)."""
    folded = name.casefold()
    match = _FAMILY.match(folded)
    first = _FIRST_WORD.match(folded)
    return FamilyParts(
        versioned_word=match.group(1) if match else None,
        first_word=first.group(1) if first else None,
        versioned=any(c.isdigit() for c in folded),
    )


def families_from_counts(
    *, versioned_words: Iterable[str], first_words: dict[str, tuple[int, int]]
) -> frozenset[str]:
    """family_words from its counts: the words found before a version number, and each
    first word with (distinct names starting with it, how many of those carry a version)."""
    found = set(versioned_words)
    found.update(
        word for word, (count, versioned) in first_words.items() if count >= 2 and versioned
    )
    return frozenset(found) - VOCABULARY


def family_words(names: Iterable[str]) -> frozenset[str]:
    """The family words of catalog names (distinct): the letters before a version number
    ("GPT-4o" -> "gpt", "Qwen3.5-Flash" -> "qwen", "FLUX.1 [pro]" -> "flux"), and a first
    word that two or more names share when one of them carries a version ("DeepSeek V4
    Pro", "DeepSeek V4 Flash" -> "deepseek"; not "GitHub" of "GitHub MCP Server" and
    "GitHub Copilot", products rather than versions of a model), minus any word the
    parser reads as a cue."""
    versioned_words = set()
    # first word -> (names starting with it, how many of them carry a version)
    first_words: dict[str, tuple[int, int]] = {}
    for name in names:
        parts = family_parts(name)
        if parts.versioned_word:
            versioned_words.add(parts.versioned_word)
        if parts.first_word:
            count, versioned = first_words.get(parts.first_word, (0, 0))
            first_words[parts.first_word] = (count + 1, versioned + parts.versioned)
    return families_from_counts(versioned_words=versioned_words, first_words=first_words)


# ---- evaluation ----------------------------------------------------------------------


@dataclass(frozen=True)
class ArtifactFacts:
    """What the constraints read about one artifact (see facts.py for the query)."""

    kind: str
    pricing_model: str
    has_free_tier: bool
    open_weights: bool
    inputs: frozenset[str]
    outputs: frozenset[str]
    context_length: int | None
    # Tag slugs of its published capabilities.
    tags: frozenset[str]
    # Price per unit in US dollars, by unit ("prompt_token", "output_image", ...); only
    # known, fixed prices.
    prices: dict[str, float]
    name: str
    # The maker's name ("Mistral" of "Ministral 3 8B"): a family word names its models too.
    vendor: str = ""


OPEN_TAGS = frozenset({"open-weights", "local-inference"})
FREE_PRICING = frozenset({"free", "open_source"})


def constraint_holds(constraint: Constraint, facts: ArtifactFacts) -> bool:
    """Whether the artifact meets the constraint (negated ones: does not meet it)."""
    return _holds(constraint, facts) != constraint.negated


def _holds(constraint: Constraint, facts: ArtifactFacts) -> bool:
    field, value = constraint.field, constraint.value
    if field == "input":
        return value in facts.inputs
    if field == "output":
        return value in facts.outputs
    if field == "price" and value == "free":
        return facts.pricing_model in FREE_PRICING or facts.has_free_tier
    if field == "price":
        return True  # an order, not a filter
    if field == "context":
        return facts.context_length is not None and facts.context_length >= int(value)
    if field == "feature":
        return value in facts.tags
    if field == "open":
        return facts.open_weights or bool(facts.tags & OPEN_TAGS)
    if field == "kind":
        return facts.kind in value.split("+")
    if field == "name":
        # "mistral models" are Mistral's, "Ministral 3 8B" among them; "deepseek" finds
        # DeepSeek's "R1".
        key = name_key(value)
        return key in name_key(facts.name) or (bool(facts.vendor) and key in name_key(facts.vendor))
    # "key:none": no API key needed.
    return facts.open_weights or facts.pricing_model in FREE_PRICING


# The unit a job is priced in, by its output: the first of these the artifact lists.
JOB_UNITS: dict[str, tuple[tuple[str, ...], ...]] = {
    # Per image where listed; OpenRouter lists image models per output image token.
    "image": (("output_image",), ("image",), ("output_image_token",)),
    "video": (("video",), ("second",)),
    # Speech is priced by the text read in, plus the audio made where that is priced.
    "audio": (
        ("prompt_token", "audio_output_token"),
        ("prompt_token", "completion_token"),
        ("prompt_token",),
        ("character",),
        ("second",),
    ),
    "embedding": (("prompt_token",),),
    "text": (("prompt_token", "completion_token"), ("prompt_token",)),
}


def job_price(parsed: ParsedIntent, facts: ArtifactFacts) -> float | None:
    """The artifact's price for the job, in US dollars per the job's own unit (None when
    unknown): per output image for images, per input plus output token for text, ...
    A free artifact with no listed price costs 0."""
    outputs = [o for o in ("image", "video", "audio", "embedding", "text") if o in parsed.outputs]
    for output in outputs or ["text"]:
        for units in JOB_UNITS[output]:
            if all(u in facts.prices for u in units):
                return sum(facts.prices[u] for u in units)
    if not facts.prices and facts.pricing_model == "free":
        return 0.0
    # Open source with no listed price: running it costs what the hosting costs, unknown.
    return None
