"""Pure text functions for search: cleaning what people type, intents, and query terms.

Nothing here touches the database, so every rule is unit-tested on its own.
"""

import re
import unicodedata
from dataclasses import dataclass

# What the search accepts, in characters, before it answers 400. The header box has the
# same maxlength; anything longer is a paste or a probe, not an intent.
QUERY_MAX_LENGTH = 200
# Intent.text is a CharField(300); normalising never lengthens text beyond that.
INTENT_MAX_LENGTH = 300
# More terms than this add noise and cost (one index probe per term), not relevance.
MAX_TERMS = 12
# The last term also matches as a prefix ("transcr" finds "transcribe") from this length.
PREFIX_MIN_LENGTH = 3

# Intent tokens: letters and digits, with inner dots ("qwen3.5") and trailing + or #
# ("c++", "c#") kept because they change the meaning; everything else folds to a space.
# Inner hyphens are read too, and kept only where they make a compound (see below).
_INTENT_TOKEN = re.compile(r"[^\W_]+(?:[.\-][^\W_]+)*[+#]*")
# Search terms are plain runs of letters and digits: the only text that both PostgreSQL's
# parser and SQLite's unicode61 tokenizer read the same way.
_TERM = re.compile(r"[^\W_]+")

# English words that carry no intent, dropped from the query's terms. Neither index drops
# stop words (phrases and compounds need them), so this list is the only one: both
# backends score the same terms.
STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if
    in into is it its itself just me more most my myself no nor not now of off on once
    only or other our ours out over own same she should so some such than that the their
    theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you
    your yours yourself yourselves want need like something thing things way help please
    best good using use
    """.split()  # noqa: SIM905 (a word list reads best as text)
)

# A small, curated set of alternatives for the words people type most often for the demo
# catalog's jobs. Each term matches if any of its alternatives does; it still counts once.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "transcribe": ("transcription", "transcript"),
    "transcription": ("transcribe", "transcript"),
    "transcripts": ("transcription", "transcribe"),
    "cheap": ("low", "cost", "inexpensive", "affordable", "price"),
    "cheapest": ("cheap", "low", "cost", "price"),
    "affordable": ("cheap", "low", "cost"),
    "inexpensive": ("cheap", "low", "cost"),
    "picture": ("image",),
    "pictures": ("image",),
    "photo": ("image",),
    "photos": ("image",),
    "img": ("image",),
    "pics": ("image",),
    "voice": ("speech", "audio"),
    "tts": ("speech", "voice"),
    "stt": ("speech", "transcription"),
    "asr": ("speech", "transcription"),
    "podcast": ("audio", "speech"),
    "podcasts": ("audio", "speech"),
    "interview": ("audio", "speech", "meeting"),
    "interviews": ("audio", "speech", "meeting"),
    "recording": ("audio",),
    "recordings": ("audio",),
    "llm": ("model", "language"),
    "coding": ("code",),
    "programming": ("code",),
    "draw": ("image", "generate"),
    "art": ("image",),
    "movie": ("video",),
    "clip": ("video",),
    "pdf": ("document", "file"),
    "pdfs": ("document", "file"),
    "ocr": ("document", "extraction", "text"),
    "rag": ("retrieval",),
    "fast": ("latency", "quick", "speed"),
    "realtime": ("latency", "real", "time"),
    "local": ("locally", "offline", "self"),
    "offline": ("local", "locally"),
    "private": ("privacy", "local"),
    "chatbot": ("chat", "assistant"),
}

# Words that, joined by a hyphen to another word, make a compound with its own meaning:
# "no-code" is not about code, "low-code" not about being low, "text-to-speech" not
# "speech-to-text". Every stopword is one (alone it carries nothing, joined it carries the
# point); so are these few ordinary words people join the same way.
COMPOUND_PARTS = STOPWORDS | {"low", "non", "zero"}

_DROP_CATEGORIES = {"Cf", "Cs", "Co", "Cn"}


def query_clean(raw: str | None) -> str:
    """What a person typed, made safe to store and echo: Unicode-normalised (NFKC), control
    characters (NUL included) turned into spaces, format characters (bidi overrides,
    zero-width) removed, spaces collapsed."""
    if not raw:
        return ""
    text = unicodedata.normalize("NFKC", raw)
    # Zero-width joiners are format characters too; dropping them splits emoji sequences,
    # which is harmless because emoji are never search terms.
    # Controls (NUL, tabs...) separate words; format characters (bidi marks, zero-width
    # joiners) and unassigned or private code points simply vanish.
    text = "".join(
        " " if ch.isspace() or unicodedata.category(ch) == "Cc" else ch
        for ch in text
        if unicodedata.category(ch) not in _DROP_CATEGORIES
    )
    return " ".join(text.split())


def compound_is(token: str) -> bool:
    """Whether a hyphenated token is a compound term: one of its parts is in COMPOUND_PARTS
    ("no-code", "how-to", "text-to-speech"), so splitting it would lose its meaning. Other
    hyphenated tokens ("gpt-4o", "qwen3.5-flash") are plain words joined for layout."""
    parts = token.split("-")
    return len(parts) > 1 and any(part in COMPOUND_PARTS for part in parts)


def _intent_tokens(text: str) -> list[str]:
    tokens: list[str] = []
    for token in _INTENT_TOKEN.findall(text):
        if "-" in token and not compound_is(token):
            tokens.extend(_INTENT_TOKEN.findall(token.replace("-", " ")))
        else:
            tokens.append(token)
    return tokens


def intent_normalise(raw: str | None) -> str:
    """The graph node for a query: "Transcribe  Podcasts!" and "transcribe podcasts" are one.

    Clean, case-fold, keep word tokens (see _INTENT_TOKEN; a hyphen only inside a compound,
    see compound_is), join with single spaces, and cut at a token boundary to fit
    Intent.text.
    """
    text = query_clean(raw).casefold()
    # Case folding can itself produce compatibility characters (e.g. the Kelvin sign).
    text = unicodedata.normalize("NFKC", text)
    tokens = _intent_tokens(text)
    result: list[str] = []
    length = 0
    for token in tokens:
        token = token[:INTENT_MAX_LENGTH]
        extra = len(token) + (1 if result else 0)
        if length + extra > INTENT_MAX_LENGTH:
            break
        result.append(token)
        length += extra
    return " ".join(result)


@dataclass(frozen=True)
class Term:
    """One slot of the query: matched if any alternative matches; counted once."""

    word: str
    alternatives: tuple[str, ...]
    prefix: bool = False
    # The whole query as a phrase: a bonus for capabilities that say it in that order
    # ("text to speech" is not "speech to text"). Never counted as a term of its own.
    phrase: bool = False
    # A compound ("no-code"): word holds its parts joined by spaces ("no code") and matches
    # them as a phrase, hyphenated or not, stopwords included.
    compound: bool = False

    @property
    def words(self) -> tuple[str, ...]:
        return (self.word, *self.alternatives)


def _term_words(intent: str) -> list[tuple[str, bool]]:
    """(word, is_compound) per intent token: compounds whole, other tokens as their word
    runs ("qwen3.5" gives "qwen3" and "5", as both engines read it)."""
    words: list[tuple[str, bool]] = []
    for token in intent.split():
        if "-" in token and compound_is(token):
            words.append((" ".join(_TERM.findall(token)), True))
        else:
            words.extend((word, False) for word in _TERM.findall(token))
    return words


def query_terms(intent: str) -> list[Term]:
    """The terms a backend looks for, from a normalised intent: word runs minus stopwords,
    compounds whole (see compound_is), de-duplicated in order, at most MAX_TERMS; the last
    may also match as a prefix unless it is a compound."""
    seen: set[str] = set()
    words: list[tuple[str, bool]] = []
    for word, compound in _term_words(intent):
        if (word in STOPWORDS and not compound) or word in seen:
            continue
        seen.add(word)
        words.append((word, compound))
        if len(words) == MAX_TERMS:
            break
    if not words:
        return []
    terms = [
        Term(word=w, alternatives=(), compound=True)
        if compound
        else Term(word=w, alternatives=SYNONYMS.get(w, ()))
        for w, compound in words
    ]
    last = terms[-1]
    if not last.compound and len(last.word) >= PREFIX_MIN_LENGTH and not last.word.isdigit():
        terms[-1] = Term(word=last.word, alternatives=last.alternatives, prefix=True)
    if len(words) >= 2:
        phrase = " ".join(_TERM.findall(intent)[:INTENT_MAX_LENGTH])
        terms.append(Term(word=phrase, alternatives=(), phrase=True))
    return terms


def terms_split(terms: list[Term]) -> tuple[list[Term], Term | None]:
    """The counted terms and the phrase bonus term, if any."""
    if terms and terms[-1].phrase:
        return terms[:-1], terms[-1]
    return terms, None
