"""Pure search rules: normalisation, terms, trigram similarity and scoring (no database)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comparisons.search.backends import _may_stem_short
from comparisons.search.normalise import (
    INTENT_MAX_LENGTH,
    MAX_TERMS,
    Term,
    compound_is,
    intent_normalise,
    query_clean,
    query_terms,
    terms_split,
)
from comparisons.search.scoring import (
    ArtifactInfo,
    CapabilityCandidate,
    NameMatch,
    artifacts_score,
    capability_score,
    idf_compute,
    trigram_similarity,
    trigrams,
)


@pytest.mark.parametrize(
    ("raw", "intent"),
    [
        ("Transcribe  Podcasts!", "transcribe podcasts"),
        ("transcribe podcasts", "transcribe podcasts"),
        ("  TRANSCRIBE\tpodcasts??  ", "transcribe podcasts"),
        ("text-to-speech", "text-to-speech"),
        ("No-Code", "no-code"),
        ("how-to", "how-to"),
        ("low-code", "low-code"),
        ("text--to", "text to"),
        ("-no-code-", "no-code"),
        ("c++", "c++"),
        ("C#", "c#"),
        ("gpt-4o", "gpt 4o"),
        ("Qwen3.5-Flash", "qwen3.5 flash"),
        ("\uff46\uff55\uff4c\uff4c", "full"),  # fullwidth letters
        ("Straße", "strasse"),
        ('"', ""),
        ("*", ""),
        ("😀🎉", ""),
        ("a\x00b", "a b"),
        ("\u202eevil\u202c text", "evil text"),
        ("مرحبا بالعالم", "مرحبا بالعالم"),
        (None, ""),
    ],
)
def test_intent_normalise(raw, intent):
    assert intent_normalise(raw) == intent


def test_query_clean_keeps_text_but_drops_controls():
    assert query_clean("  hello\x00 wor\u200bld \x07") == "hello world"


@given(st.text(max_size=2000))
def test_intent_normalise_is_idempotent_and_bounded(text):
    intent = intent_normalise(text)
    assert len(intent) <= INTENT_MAX_LENGTH
    assert intent_normalise(intent) == intent
    assert "\x00" not in intent


@given(st.text(max_size=500))
def test_query_terms_are_plain_words(text):
    counted, phrase = terms_split(query_terms(intent_normalise(text)))
    assert len(counted) <= MAX_TERMS
    for term in counted:
        if term.compound:
            assert all(w.isalnum() for w in term.word.split(" ")) and " " in term.word
        else:
            assert all(w.isalnum() for w in term.words)
    if phrase is not None:
        assert len(counted) >= 2


def test_query_terms_drop_stopwords_and_add_synonyms_and_prefix():
    terms = query_terms("cheap model with a long context window")
    counted, phrase = terms_split(terms)
    assert [t.word for t in counted] == ["cheap", "model", "long", "context", "window"]
    assert "low" in counted[0].alternatives
    assert counted[-1].prefix and not counted[0].prefix
    assert phrase is not None and phrase.word == "cheap model with a long context window"


def test_single_word_has_no_phrase_term():
    assert [t.phrase for t in query_terms("transcr")] == [False]
    assert query_terms("the of and") == []


def test_query_terms_at_one_two_and_three_words():
    """A repeated word is one term (it would otherwise weigh twice in the score), and the
    phrase bonus starts at two distinct words: exact terms at one, two and three."""
    podcast = ("audio", "speech")
    assert query_terms("podcast podcast") == [
        Term(word="podcast", alternatives=podcast, prefix=True)
    ]
    assert query_terms("podcast summary") == [
        Term(word="podcast", alternatives=podcast),
        Term(word="summary", alternatives=(), prefix=True),
        Term(word="podcast summary", alternatives=(), phrase=True),
    ]
    assert query_terms("podcast summary tool") == [
        Term(word="podcast", alternatives=podcast),
        Term(word="summary", alternatives=()),
        Term(word="tool", alternatives=(), prefix=True),
        Term(word="podcast summary tool", alternatives=(), phrase=True),
    ]


def test_trigrams_follow_pg_trgm():
    # PostgreSQL: show_trgm('flux.1 [pro]')
    assert trigrams("FLUX.1 [pro]") == {
        "  1", "  f", "  p", " 1 ", " fl", " pr", "flu", "lux", "pro", "ro ", "ux ",
    }  # fmt: skip
    assert trigram_similarity("flx pro", "FLUX.1 [pro]") == pytest.approx(6 / 13)
    assert trigram_similarity("", "anything") == 0.0


def _info(rank=50, name="A"):
    return ArtifactInfo(kind="model", pricing_model="paid", rank=rank, name=name)


def test_capability_score_weights_fields_and_rare_terms():
    # The same two terms: title/tags beat description beat "unique" text.
    assert capability_score(fields=(3, 3), idfs=(1, 1)) == 1.0
    assert capability_score(fields=(2, 2), idfs=(1, 1)) == pytest.approx(0.6)
    assert capability_score(fields=(1, 0), idfs=(1, 1)) == pytest.approx(0.175)
    # Matching the rare term is worth more than matching the common one.
    rare_only = capability_score(fields=(3, 0), idfs=(3, 1))
    common_only = capability_score(fields=(0, 3), idfs=(3, 1))
    assert rare_only > common_only
    assert capability_score(fields=(3, 3), idfs=(1, 1), phrase_field=3) == 1.5


def test_artifacts_score_ranks_best_capability_then_rank_then_name():
    candidates = [
        CapabilityCandidate(1, 10, _info(rank=20, name="Low"), 0.1, (3, 3)),
        CapabilityCandidate(2, 20, _info(rank=90, name="High"), 0.2, (3, 3)),
        CapabilityCandidate(3, 30, _info(rank=99, name="Partial"), 0.9, (3, 0)),
        CapabilityCandidate(4, 20, _info(rank=90, name="High"), 0.1, (0, 0)),
    ]
    scored = artifacts_score(
        candidates=candidates, document_count=100, frequencies=[10, 10], name_matches=[]
    )
    assert [a.artifact_id for a in scored] == [20, 10, 30]
    assert scored[0].capability_ids == [2]  # the capability matching nothing is left out


def test_name_matches_add_to_score_above_threshold_only():
    scored = artifacts_score(
        candidates=[],
        document_count=0,
        frequencies=[],
        name_matches=[
            NameMatch(artifact_id=1, artifact=_info(name="Qwen3.5-Flash"), similarity=0.67),
            NameMatch(artifact_id=2, artifact=_info(name="Other"), similarity=0.1),
        ],
    )
    assert [(a.artifact_id, a.score) for a in scored] == [(1, 0.67)]


@pytest.mark.parametrize(
    ("intent", "words", "compounds"),
    [
        ("no-code", ["no code"], [True]),
        ("low-code app builder", ["low code", "app", "builder"], [True, False, False]),
        ("how-to videos", ["how to", "videos"], [True, False]),
        ("text-to-speech voices", ["text to speech", "voices"], [True, False]),
        # Without a joining hyphen the stopword is only a stopword.
        ("no code", ["code"], [False]),
        # Hyphenated words without a stopword stay separate words.
        ("gpt 4o", ["gpt", "4o"], [False, False]),
    ],
)
def test_compound_terms(intent, words, compounds):
    counted, _ = terms_split(query_terms(intent))
    assert [t.word for t in counted] == words
    assert [t.compound for t in counted] == compounds
    assert all(t.alternatives == () and not t.prefix for t in counted if t.compound)


def test_last_compound_is_not_a_prefix_but_a_last_plain_word_is():
    counted, _ = terms_split(query_terms("tools no-code"))
    assert [t.prefix for t in counted] == [False, False]
    counted, _ = terms_split(query_terms("no-code tools"))
    assert [t.prefix for t in counted] == [False, True]


@pytest.mark.parametrize(
    ("token", "compound"),
    [("no-code", True), ("text-to-speech", True), ("low-code", True), ("gpt-4o", False),
     ("qwen3.5-flash", False), ("nocode", False), ("to", False)],
)  # fmt: skip
def test_compound_is(token, compound):
    assert compound_is(token) is compound


# ---- exact values and boundaries (each would catch a changed constant or comparison) ----


def test_idf_is_exact_and_smoothed():
    assert idf_compute(document_count=99, document_frequency=9) == pytest.approx(math.log(11))
    assert idf_compute(document_count=0, document_frequency=0) == pytest.approx(math.log(2))
    # Rarer is heavier, by exactly the formula.
    assert idf_compute(document_count=100, document_frequency=0) == pytest.approx(math.log(102))


def test_capability_score_exact_mix_of_fields_and_idf():
    # (3 * 1.0 + 1 * 0.6) / 4 = 0.9; plus the phrase in a description: 0.5 * 0.6.
    assert capability_score(fields=(3, 2), idfs=(3, 1)) == pytest.approx(0.9)
    assert capability_score(fields=(3, 2), idfs=(3, 1), phrase_field=2) == pytest.approx(1.2)
    assert capability_score(fields=(1, 1), idfs=(2, 2), phrase_field=1) == pytest.approx(0.525)
    assert capability_score(fields=(3,), idfs=(0,)) == 0.0


def test_artifact_score_adds_exactly_a_share_of_the_second_capability():
    candidates = [
        CapabilityCandidate(1, 10, _info(), 0.5, (3, 3)),  # 1.0
        CapabilityCandidate(2, 10, _info(), 0.4, (3, 0)),  # 0.5
        CapabilityCandidate(3, 10, _info(), 0.3, (2, 0)),  # 0.3: the third never counts
    ]
    scored = artifacts_score(
        candidates=candidates, document_count=9, frequencies=[4, 4], name_matches=[]
    )
    assert scored[0].score == pytest.approx(1.0 + 0.15 * 0.5)
    assert scored[0].capability_ids == [1, 2, 3]


@pytest.mark.parametrize(("similarity", "kept"), [(0.2999, False), (0.3, True), (0.3001, True)])
def test_name_similarity_threshold_boundary(similarity, kept):
    scored = artifacts_score(
        candidates=[],
        document_count=0,
        frequencies=[],
        name_matches=[NameMatch(artifact_id=1, artifact=_info(), similarity=similarity)],
    )
    assert [a.artifact_id for a in scored] == ([1] if kept else [])


def test_name_similarity_adds_to_the_text_score():
    scored = artifacts_score(
        candidates=[CapabilityCandidate(1, 10, _info(), 0.5, (3,))],
        document_count=9,
        frequencies=[4],
        name_matches=[NameMatch(artifact_id=10, artifact=_info(), similarity=0.5)],
    )
    assert scored[0].score == pytest.approx(1.5)
    assert scored[0].name_similarity == 0.5


@pytest.mark.parametrize(
    ("intent", "prefix"), [("ab", False), ("abc", True), ("abcd", True), ("123", False)]
)
def test_prefix_from_three_characters_never_for_numbers(intent, prefix):
    assert query_terms(intent)[0].prefix is prefix


def test_at_most_max_terms():
    words = [f"w{i}x" for i in range(MAX_TERMS + 1)]
    counted, phrase = terms_split(query_terms(" ".join(words)))
    assert [t.word for t in counted] == words[:MAX_TERMS]
    assert phrase is not None
    counted, _ = terms_split(query_terms(" ".join(words[: MAX_TERMS - 1])))
    assert len(counted) == MAX_TERMS - 1


def test_intent_is_cut_at_a_word_to_fit():
    at_limit = " ".join(["abcd"] * 59 + ["abcde"])  # 59 * 5 + 5 = 300 characters
    assert len(at_limit) == INTENT_MAX_LENGTH
    assert intent_normalise(at_limit) == at_limit
    # One character more, and the last word goes whole.
    over = at_limit + "f"
    assert intent_normalise(over) == " ".join(["abcd"] * 59)
    assert intent_normalise(at_limit + " g") == at_limit


@pytest.mark.parametrize(
    ("word", "may"),
    [
        ("uses", True),  # "us", which a document's "US" is indexed as "/us" beside
        ("using", True),
        ("Used", True),
        ("eyes", True),  # "ey"
        ("us", False),  # two bytes: the query text itself is rewritten to "/us"
        ("cheap", False),
        ("ssh", False),  # "ss" is not rewritten: Snowball leaves it alone
        ("summary", False),
    ],
)
def test_only_words_that_can_stem_to_a_rewritten_pair_ask_for_its_form(word, may):
    assert _may_stem_short(word) is may
