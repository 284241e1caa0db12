"""PostgreSQL's index holds the words FTS5's porter tokenizer holds, at the same positions.

FTS5 is the reference: an in-memory FTS5 table with the index's tokenizer says what it
makes of a text (fts5vocab), and PostgreSQL's config and text function must make the same.
The one allowed difference is spelling, not matching: a two-character word FTS5 leaves
alone and Snowball would stem is kept as a "/vs" token (see comparisons/search/index.py).
"""

import sqlite3

import pytest
from django.db import connection

from comparisons.models import SearchDocument
from comparisons.search.backends import PostgresBackend
from comparisons.search.index import PG_CONFIG, PG_TEXT, TABLE
from comparisons.search.normalise import Term
from tests.factories import CapabilityFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _fts5_tokens(texts: list[str]) -> list[set[tuple[str, int]]]:
    """(stem, position from 1) of every token of each text, as the FTS5 index holds them."""
    memory = sqlite3.connect(":memory:")
    memory.execute(
        "CREATE VIRTUAL TABLE f USING fts5(t, tokenize='porter unicode61 remove_diacritics 2')"
    )
    memory.execute("CREATE VIRTUAL TABLE v USING fts5vocab(f, instance)")
    memory.executemany("INSERT INTO f (rowid, t) VALUES (?, ?)", list(enumerate(texts, 1)))
    tokens: list[set[tuple[str, int]]] = [set() for _ in texts]
    for term, row, offset in memory.execute("SELECT term, doc, offset FROM v"):
        tokens[row - 1].add((term, offset + 1))
    return tokens


def _postgres_tokens(texts: list[str]) -> list[set[tuple[str, int]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT n, (unnest(to_tsvector('{PG_CONFIG}'::regconfig, {PG_TEXT}(t)))).*
                  FROM unnest(%s::text[]) WITH ORDINALITY AS x(t, n)""",
            [texts],
        )
        rows = cursor.fetchall()
    tokens: list[set[tuple[str, int]]] = [set() for _ in texts]
    for row, lexeme, positions, _weights in rows:
        for position in positions:
            tokens[row - 1].add((lexeme.removeprefix("/"), position))
    return tokens


# Each line is a case where PostgreSQL's english config, or Snowball's porter stemmer on
# its own, disagrees with FTS5.
WORDS = [
    "focus focused focusing",  # Porter2 keeps "focus"; Porter makes it "focu"
    "generously generous",
    "VS Code, Next.js, 200 ms, iOS and macOS, as is",  # 2-letter words FTS5 never stems
    "0s 1s 9s ay ey oy us os",
    "flexibly flexible visibly possibly assembly assemble",  # bli -> ble
    "technology technological archaeology ontologies methodology",  # logi -> log
    "specced trekking revved",  # double consonants Snowball keeps
    "eed eeds ies sses",
    "the to of and a an in on for with",  # stop words: FTS5 keeps them, so must we
    "text-to-speech no-code low-latency qwen3.5 gpt-4o llama3.1:8b",
    "Qwen3-235B-A22B H100s 100k 1M tokens 4o",
    "开发者 文档 自动化 代码",
]


def test_tricky_words_stem_as_fts5_stems_them():
    assert _postgres_tokens(WORDS) == _fts5_tokens(WORDS)


def test_every_text_of_the_demo_catalog_is_indexed_as_fts5_indexes_it(demo_catalog):
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT title, tags, description, extra FROM {TABLE}"
            " UNION ALL SELECT name, '', '', '' FROM catalog_artifact"
        )
        texts = sorted({text for row in cursor.fetchall() for text in row if text})
    assert len(texts) > 300
    postgres, fts5 = _postgres_tokens(texts), _fts5_tokens(texts)
    differing = [text for text, pg, ref in zip(texts, postgres, fts5, strict=True) if pg != ref]
    assert differing == []


@pytest.mark.parametrize("query", ["uses", "used", "using", "US"])
def test_a_word_stemmed_to_two_letters_finds_the_two_letter_word(query):
    """FTS5 keeps a document's "US" as "us", the stem its query "uses" has; PostgreSQL
    indexes it as "/us" (index.py, rewrite 2), which a query word with a stem under three
    bytes also matches (backends._short_stem_path). Found by the parity property test."""
    cents = CapabilityFactory(title="Cheap calls", description="Costs two US cents a call.")
    CapabilityFactory(title="Dear calls", description="Costs two euros a call.")
    found = SearchDocument.objects.filter(
        PostgresBackend().term_match(Term(word=query.lower(), alternatives=()))
    ).values_list("capability_id", flat=True)
    assert list(found) == [cents.id]
