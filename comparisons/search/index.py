"""The search index: one searchable document per capability, kept in sync by the database.

Why a separate table (comparisons_searchdocument) instead of columns on catalog_capability:
tag names live in a many-to-many table, and neither a generated column nor FTS5 can read
across tables. The document table holds the capability's own text plus its tag names,
denormalised; triggers on catalog_capability, catalog_capability_tags and catalog_tag keep
it current whichever code path edits the catalog (admin, importers, the demo loader,
factories). The catalog app stays unaware of search.

- PostgreSQL: a stored generated tsvector over the document with field weights
  (title and tags A, description B, "unique" and "best for" C), built so that it holds
  the words FTS5 holds (see PG_CONFIG and PG_TEXT below), a GIN index on it, and a
  trigram GIN index on lower(artifact name) for typo-tolerant name matches.
- SQLite: an FTS5 external-content table over the document table (porter stemming,
  diacritics folded), synced by the standard insert/delete/update triggers.

`search_index_install` is idempotent. It runs from migration 0003 and again after every
`migrate` (post_migrate), because SQLite rebuilds a table for some schema changes and drops
that table's triggers with it, and a PostgreSQL TRUNCATE (test flushes) skips row triggers.
"""

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "comparisons_searchdocument"
FTS_TABLE = "comparisons_searchdocument_fts"

# ---- PostgreSQL -----------------------------------------------------------------------

# The text search configuration both the index and every query use: the `english`
# config's parser and mappings, with every word stemmed by Snowball's "porter" stemmer
# (Martin Porter's original algorithm, the one FTS5's porter tokenizer implements) and no
# stop words (FTS5 has none; normalise.STOPWORDS drops ours from queries on both engines).
# `english` itself stems with Porter2 and drops stop words, and the two engines then
# disagreed on words such as "generously" or "focus" and on phrases with stop words in them.
PG_CONFIG = "comparisons_porter"
# The function every text goes through before PG_CONFIG reads it, documents and queries
# alike (see _PG_TEXT_FUNCTION).
PG_TEXT = "comparisons_search_text"

_PG_CONFIG_SQL = f"""
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_dict WHERE dictname = '{PG_CONFIG}_stem') THEN
        CREATE TEXT SEARCH DICTIONARY {PG_CONFIG}_stem (TEMPLATE = snowball, Language = porter);
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{PG_CONFIG}') THEN
        CREATE TEXT SEARCH CONFIGURATION {PG_CONFIG} (COPY = english);
        ALTER TEXT SEARCH CONFIGURATION {PG_CONFIG}
            ALTER MAPPING FOR asciiword, word, numword, asciihword, hword, hword_asciipart,
                hword_part, hword_numpart
            WITH {PG_CONFIG}_stem;
    END IF;
END $$;
"""

# Where Snowball's porter and FTS5's porter tokenizer still differ, the text is rewritten
# so that the stemmer's output is FTS5's (checked word by word against FTS5 over the demo,
# OpenRouter and tools catalogs, 290,000 English and code words and 230,000 generated
# ones; see docs/search.md, "Backend parity"). In order:
# 1. ASCII punctuation becomes a space: FTS5's unicode61 tokenizer (and the query's terms)
#    split words there, while PostgreSQL's parser keeps "3.5", "v2.2" and "low-latency"
#    whole (a hyphenated word also takes extra positions, which broke phrase matches).
# 2. FTS5 stems no token under 3 bytes, Snowball does ("vs" to "v", "js" to "j", "ms" to
#    "m", "as" to "a"): the 40 two-character ASCII words it would change become "/vs",
#    which the parser reads as a file path, a token type the config never stems and which
#    no text has once punctuation is gone.
# 3. FTS5 follows Porter's own C version where it departs from the published algorithm:
#    "bli" becomes "ble" and "logi" becomes "log" when the stem before has a measure above
#    0 ("flexibly" and "flexible" are one word, so are "technology" and "technological").
#    Every inflection that step 1 turns into those endings is rewritten to the ending.
# 4. FTS5 undoubles every double consonant left by removing "-ed" or "-ing" (other than
#    l, s and z), Snowball only b, d, f, g, m, n, p, r and t ("trekking" is "trek").
# 5. Three whole words FTS5 stems its own way: "eed" and "eeds" are "e", "ies" is "ie",
#    "sses" is "sse".
# IMMUTABLE, so the generated column can call it; a change to it needs a migration that
# rebuilds the vectors (search_vectors_drop, then search_index_install), as 0009 does.
_M_GT_0 = (
    "(?:[aeiou][b-df-hj-np-tv-z0-9]|[b-df-hj-np-tv-xz0-9]y[b-df-hj-np-tv-z0-9]"
    "|yy[b-df-hj-np-tv-z0-9])"
)
_STEP1_I = "(?:y|i|ies|ys|is|ied|yed|ying|iing)"
_PG_TEXT_REWRITES = [
    (r"[[:punct:]]+", " ", "g"),
    (r"\m([a-rt-z0-9]s|[aeiou]y)\M", r"/\1", "gi"),
    (rf"\m([[:alnum:]]*?{_M_GT_0}[[:alnum:]]*?)bl{_STEP1_I}\M", r"\1ble", "gi"),
    (rf"\m([[:alnum:]]*?{_M_GT_0}[[:alnum:]]*?)log{_STEP1_I}\M", r"\1log", "gi"),
    (
        r"\m([[:alnum:]]*?(?:[aeiou]|[[:alnum:]]y)[[:alnum:]]*?)([chjkqvwx0-9])\2(?:ed|ing)s?\M",
        r"\1\2",
        "gi",
    ),
    (r"\m([[:alnum:]]*?)yy(?:ed|ing)s?\M", r"\1y", "gi"),
    (r"\meeds?\M", "e", "gi"),
    (r"\mies\M", "ie", "gi"),
    (r"\msses\M", "sse", "gi"),
]


def _pg_text_expression(argument: str) -> str:
    expression = argument
    for pattern, replacement, flags in _PG_TEXT_REWRITES:
        expression = f"regexp_replace({expression}, '{pattern}', '{replacement}', '{flags}')"
    return expression


_PG_TEXT_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PG_TEXT}(document text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT {_pg_text_expression("document")} $$;
"""

# A query word's stem in the form rewrite 2 gives a two-character document word, when
# the stem is that short ("uses" -> "/us", which matches a document's "US"), else "": FTS5
# keeps "US" as "us", the very stem of its query "uses". For queries only, so no vector
# depends on it. IMMUTABLE (as PG_TEXT and to_tsvector are), so that with a literal word
# the planner folds it to a constant and estimates the match as for any other word.
PG_SHORT_STEM = "comparisons_short_stem_path"
_PG_SHORT_STEM_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {PG_SHORT_STEM}(word text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
AS $$ SELECT coalesce((
    SELECT '/' || lexeme
      FROM unnest(tsvector_to_array(to_tsvector('{PG_CONFIG}'::regconfig, {PG_TEXT}(word))))
           AS lexeme
     WHERE length(lexeme) < 3 AND left(lexeme, 1) <> '/'
     LIMIT 1), '') $$;
"""


# A placeholder word, one position long, put between two fields and deleted once they are
# joined: `||` numbers the right field's words on from the left field's last one, so
# without a gap a phrase matched across two fields ("up to one million tokens" ending a
# title, "Long context" starting its tags), which FTS5, indexing each column apart, never
# does. No query can ask for it: query words never hold a space.
_PG_FIELD_GAP = "''' '':1'::tsvector"


def _pg_vector() -> str:
    """The weighted tsvector of a document: each field through PG_TEXT, read by PG_CONFIG,
    the fields a position apart (see _PG_FIELD_GAP)."""

    def field(column: str, weight: str) -> str:
        return f"setweight(to_tsvector('{PG_CONFIG}'::regconfig, {PG_TEXT}({column})), '{weight}')"

    fields = [field("title", "A"), field("tags", "A"), field("description", "B")]
    joined = f" || {_PG_FIELD_GAP} || ".join([*fields, field("extra", "C")])
    return f"ts_delete({joined}, ' ')"


_PG_TABLE = f"""
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE IF NOT EXISTS {TABLE} (
    capability_id bigint PRIMARY KEY,
    artifact_id bigint NOT NULL,
    title text NOT NULL DEFAULT '',
    tags text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    extra text NOT NULL DEFAULT ''
);
ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_vector tsvector
    GENERATED ALWAYS AS ({_pg_vector()}) STORED;
CREATE INDEX IF NOT EXISTS searchdocument_vector_gin ON {TABLE} USING gin (search_vector);
CREATE INDEX IF NOT EXISTS searchdocument_artifact ON {TABLE} (artifact_id);
CREATE INDEX IF NOT EXISTS artifact_name_trgm
    ON catalog_artifact USING gin (lower(name) gin_trgm_ops);
"""

_PG_DOCUMENT_SELECT = """
    SELECT c.id, c.artifact_id, c.title,
           coalesce((SELECT string_agg(t.name, ' ' ORDER BY t.name)
                       FROM catalog_capability_tags ct JOIN catalog_tag t ON t.id = ct.tag_id
                      WHERE ct.capability_id = c.id), ''),
           c.description,
           concat_ws(' ', nullif(c."unique", ''), nullif(c.best_for, ''))
      FROM catalog_capability c
"""

_PG_UPSERT_TAIL = """
    ON CONFLICT (capability_id) DO UPDATE SET
        artifact_id = EXCLUDED.artifact_id, title = EXCLUDED.title, tags = EXCLUDED.tags,
        description = EXCLUDED.description, extra = EXCLUDED.extra
"""

_PG_TRIGGERS = f"""
CREATE OR REPLACE FUNCTION comparisons_searchdocument_refresh(cap_ids bigint[])
RETURNS void LANGUAGE sql AS $$
    DELETE FROM {TABLE} d WHERE d.capability_id = ANY(cap_ids)
       AND NOT EXISTS (SELECT 1 FROM catalog_capability c WHERE c.id = d.capability_id);
    INSERT INTO {TABLE} (capability_id, artifact_id, title, tags, description, extra)
    {_PG_DOCUMENT_SELECT} WHERE c.id = ANY(cap_ids)
    {_PG_UPSERT_TAIL};
$$;

CREATE OR REPLACE FUNCTION comparisons_searchdocument_on_capability() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM comparisons_searchdocument_refresh(ARRAY[OLD.id]);
        RETURN OLD;
    END IF;
    PERFORM comparisons_searchdocument_refresh(ARRAY[NEW.id]);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION comparisons_searchdocument_on_capability_tag() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        PERFORM comparisons_searchdocument_refresh(ARRAY[OLD.capability_id]);
        RETURN OLD;
    END IF;
    PERFORM comparisons_searchdocument_refresh(ARRAY[NEW.capability_id]);
    RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION comparisons_searchdocument_on_tag() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM comparisons_searchdocument_refresh(
        ARRAY(SELECT capability_id FROM catalog_capability_tags WHERE tag_id = NEW.id));
    RETURN NEW;
END $$;

DROP TRIGGER IF EXISTS comparisons_searchdoc_capability ON catalog_capability;
CREATE TRIGGER comparisons_searchdoc_capability
    AFTER INSERT OR DELETE OR UPDATE OF title, description, "unique", best_for, artifact_id
    ON catalog_capability FOR EACH ROW
    EXECUTE FUNCTION comparisons_searchdocument_on_capability();

DROP TRIGGER IF EXISTS comparisons_searchdoc_capability_tag ON catalog_capability_tags;
CREATE TRIGGER comparisons_searchdoc_capability_tag
    AFTER INSERT OR DELETE OR UPDATE ON catalog_capability_tags FOR EACH ROW
    EXECUTE FUNCTION comparisons_searchdocument_on_capability_tag();

DROP TRIGGER IF EXISTS comparisons_searchdoc_tag ON catalog_tag;
CREATE TRIGGER comparisons_searchdoc_tag
    AFTER UPDATE OF name ON catalog_tag FOR EACH ROW
    EXECUTE FUNCTION comparisons_searchdocument_on_tag();
"""

_PG_REFILL = f"""
DELETE FROM {TABLE};
INSERT INTO {TABLE} (capability_id, artifact_id, title, tags, description, extra)
{_PG_DOCUMENT_SELECT};
"""

_PG_DROP = f"""
DROP TRIGGER IF EXISTS comparisons_searchdoc_capability ON catalog_capability;
DROP TRIGGER IF EXISTS comparisons_searchdoc_capability_tag ON catalog_capability_tags;
DROP TRIGGER IF EXISTS comparisons_searchdoc_tag ON catalog_tag;
DROP FUNCTION IF EXISTS comparisons_searchdocument_on_capability();
DROP FUNCTION IF EXISTS comparisons_searchdocument_on_capability_tag();
DROP FUNCTION IF EXISTS comparisons_searchdocument_on_tag();
DROP FUNCTION IF EXISTS comparisons_searchdocument_refresh(bigint[]);
DROP INDEX IF EXISTS artifact_name_trgm;
DROP TABLE IF EXISTS {TABLE};
DROP FUNCTION IF EXISTS {PG_SHORT_STEM}(text);
DROP FUNCTION IF EXISTS {PG_TEXT}(text);
DROP TEXT SEARCH CONFIGURATION IF EXISTS {PG_CONFIG};
DROP TEXT SEARCH DICTIONARY IF EXISTS {PG_CONFIG}_stem;
"""

# ---- SQLite ---------------------------------------------------------------------------

_SQLITE_TABLE = f"""
CREATE TABLE IF NOT EXISTS {TABLE} (
    capability_id integer PRIMARY KEY,
    artifact_id integer NOT NULL,
    title text NOT NULL DEFAULT '',
    tags text NOT NULL DEFAULT '',
    description text NOT NULL DEFAULT '',
    extra text NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS searchdocument_artifact ON {TABLE} (artifact_id);
CREATE VIRTUAL TABLE IF NOT EXISTS {FTS_TABLE} USING fts5(
    title, tags, description, extra,
    content='{TABLE}', content_rowid='capability_id',
    tokenize='porter unicode61 remove_diacritics 2'
);
"""


def _sqlite_upsert(where: str) -> str:
    return f"""
    INSERT INTO {TABLE} (capability_id, artifact_id, title, tags, description, extra)
    SELECT c.id, c.artifact_id, c.title,
           coalesce((SELECT group_concat(name, ' ') FROM (
                SELECT t.name AS name FROM catalog_capability_tags ct
                  JOIN catalog_tag t ON t.id = ct.tag_id
                 WHERE ct.capability_id = c.id ORDER BY t.name)), ''),
           c.description,
           trim(c."unique" || ' ' || c.best_for)
      FROM catalog_capability c WHERE {where}
    ON CONFLICT (capability_id) DO UPDATE SET
        artifact_id = excluded.artifact_id, title = excluded.title, tags = excluded.tags,
        description = excluded.description, extra = excluded.extra;
    """


_FTS_COLUMNS = "title, tags, description, extra"
_TAGGED_WITH_NEW = (
    "c.id IN (SELECT capability_id FROM catalog_capability_tags WHERE tag_id = new.id)"
)

# Each statement is separate: the sqlite3 driver executes one statement per call.
_SQLITE_TRIGGERS = [
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_ai AFTER INSERT ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE} (rowid, {_FTS_COLUMNS})
        VALUES (new.capability_id, new.title, new.tags, new.description, new.extra);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_ad AFTER DELETE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_FTS_COLUMNS})
        VALUES ('delete', old.capability_id, old.title, old.tags, old.description, old.extra);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_au AFTER UPDATE ON {TABLE} BEGIN
        INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {_FTS_COLUMNS})
        VALUES ('delete', old.capability_id, old.title, old.tags, old.description, old.extra);
        INSERT INTO {FTS_TABLE} (rowid, {_FTS_COLUMNS})
        VALUES (new.capability_id, new.title, new.tags, new.description, new.extra);
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_capability_ai
        AFTER INSERT ON catalog_capability BEGIN {_sqlite_upsert("c.id = new.id")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_capability_au
        AFTER UPDATE OF title, description, "unique", best_for, artifact_id ON catalog_capability
        BEGIN {_sqlite_upsert("c.id = new.id")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_capability_ad
        AFTER DELETE ON catalog_capability BEGIN
        DELETE FROM {TABLE} WHERE capability_id = old.id;
    END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_capability_tag_ai
        AFTER INSERT ON catalog_capability_tags
        BEGIN {_sqlite_upsert("c.id = new.capability_id")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_capability_tag_ad
        AFTER DELETE ON catalog_capability_tags
        BEGIN {_sqlite_upsert("c.id = old.capability_id")} END""",
    f"""CREATE TRIGGER IF NOT EXISTS comparisons_searchdoc_tag_au
        AFTER UPDATE OF name ON catalog_tag BEGIN
        {_sqlite_upsert(_TAGGED_WITH_NEW)}
    END""",
]

_SQLITE_TRIGGER_NAMES = [
    "comparisons_searchdoc_ai",
    "comparisons_searchdoc_ad",
    "comparisons_searchdoc_au",
    "comparisons_searchdoc_capability_ai",
    "comparisons_searchdoc_capability_au",
    "comparisons_searchdoc_capability_ad",
    "comparisons_searchdoc_capability_tag_ai",
    "comparisons_searchdoc_capability_tag_ad",
    "comparisons_searchdoc_tag_au",
]


def _sqlite_statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]


def search_short_stem_install(*, connection: BaseDatabaseWrapper) -> None:
    """Create or replace PG_SHORT_STEM (PostgreSQL; nothing elsewhere). No vector depends on
    it, so nothing is reindexed. Also part of `search_index_install`."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PG_SHORT_STEM_FUNCTION)


def search_index_install(*, connection: BaseDatabaseWrapper) -> None:
    """Create (if missing) the document table, its index and triggers, and refill it."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_CONFIG_SQL)
            cursor.execute(_PG_TEXT_FUNCTION)
            cursor.execute(_PG_SHORT_STEM_FUNCTION)
            cursor.execute(_PG_TABLE)
            cursor.execute(_PG_TRIGGERS)
            cursor.execute(_PG_REFILL)
        elif connection.vendor == "sqlite":
            for statement in _sqlite_statements(_SQLITE_TABLE):
                cursor.execute(statement)
            for statement in _SQLITE_TRIGGERS:
                cursor.execute(statement)
            cursor.execute(f"DELETE FROM {TABLE}")
            cursor.execute(_sqlite_upsert("1"))
            # Whatever the delete triggers did to an index that was out of step, rebuild
            # re-reads every document from the content table.
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('rebuild')")


def search_vectors_drop(*, connection: BaseDatabaseWrapper) -> None:
    """Drop the generated tsvector columns (and their indexes) so that the next
    `search_index_install` adds them with the current expression (PostgreSQL only).
    simple_vector is the compounds' own vector from before migration 0009."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector,"
                " DROP COLUMN IF EXISTS simple_vector"
            )


def search_triggers_drop(*, connection: BaseDatabaseWrapper) -> None:
    """Drop the SQLite sync triggers, keeping the index and its data; the next
    `search_index_install` re-creates them and refills the index. Run before every migrate:
    when a migration rebuilds catalog_capability (SQLite's way of altering a table), the
    rename at its end fails on triggers of *other* tables that name it ("error in trigger
    comparisons_searchdoc_capability_tag_ai: no such table: main.catalog_capability"),
    and the migration is rolled back. PostgreSQL alters tables in place: nothing to do."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in _SQLITE_TRIGGER_NAMES:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def search_index_uninstall(*, connection: BaseDatabaseWrapper) -> None:
    search_triggers_drop(connection=connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_DROP)
        elif connection.vendor == "sqlite":
            cursor.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
            cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")


def search_index_installed(*, connection: BaseDatabaseWrapper) -> bool:
    with connection.cursor() as cursor:
        return TABLE in connection.introspection.table_names(cursor)
