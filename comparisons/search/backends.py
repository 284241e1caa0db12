"""The two search backends behind one interface, chosen by `connection.vendor`.

Each backend answers these questions for the shared ranking in scoring.py:
- document_counts: how many published capabilities there are, and how many contain each
  term, per bucket of artifact ids (the corpus statistics behind idf, kept by stats.py);
- candidates: which published capabilities contain all (or any) of the given terms, and for
  every term the strongest field group it occurs in (plus the engine's own relevance);
- name_matches: which published artifacts have a name similar to the query (typos);
- highlights: the title and a snippet of the shown capabilities, terms marked.

User text never reaches a query parser unquoted: terms are runs of letters and digits
(normalise.py) passed as bound parameters, each one quoted for FTS5 and given to
websearch_to_tsquery one at a time on PostgreSQL.
"""

import functools
import itertools
import operator
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Protocol

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
    SearchVectorExact,
    SearchVectorField,
)
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    Count,
    F,
    Func,
    IntegerField,
    Q,
    QuerySet,
    TextField,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions.text import ConcatPair
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from catalog.models import Artifact, Capability, Status
from comparisons.models import SearchDocument
from comparisons.search.index import FTS_TABLE, PG_CONFIG, PG_SHORT_STEM, PG_TEXT, TABLE
from comparisons.search.normalise import Term
from comparisons.search.scoring import (
    NAME_SIMILARITY_THRESHOLD,
    ArtifactInfo,
    CapabilityCandidate,
    NameMatch,
    trigram_similarity,
)

# Sentinels the engines wrap matched words in; replaced by <mark> after HTML escaping so
# that capability text can never inject markup.
_START, _STOP = "\x01", "\x02"
# The most relevant capabilities (by the engine's own relevance) considered per search. It
# bounds the work of ranking and the size of a cached ranking; term frequencies do not
# depend on it (they are counted separately, over the whole corpus).
CANDIDATE_LIMIT = 5000
SNIPPET_WORDS = 24


@dataclass(frozen=True)
class Buckets:
    """Which buckets of artifact ids to count, and how wide they are: bucket b holds the
    ids b*width to (b+1)*width-1. numbers None: every bucket."""

    width: int
    numbers: frozenset[int] | None = None

    def ranges(self) -> list[tuple[int, int]]:
        """Half-open id ranges [low, high), adjacent buckets merged, in order."""
        merged: list[tuple[int, int]] = []
        for number in sorted(self.numbers or ()):
            low, high = number * self.width, (number + 1) * self.width
            if merged and merged[-1][1] == low:
                merged[-1] = (merged[-1][0], high)
            else:
                merged.append((low, high))
        return merged


@dataclass(frozen=True)
class Highlight:
    title: SafeString
    snippet: SafeString


def highlight_html(text: str) -> SafeString:
    """Escape engine output, then turn the sentinels into <mark> elements."""
    escaped = escape(text.replace(_STOP + _START, ""))
    return mark_safe(escaped.replace(_START, "<mark>").replace(_STOP, "</mark>"))


def _published_documents() -> QuerySet[SearchDocument]:
    """The documents search may return: published capabilities of published artifacts."""
    return SearchDocument.objects.filter(
        capability__status=Status.PUBLISHED, artifact__status=Status.PUBLISHED
    )


def _published_capabilities() -> QuerySet[Capability]:
    # The same set as _published_documents, read from the narrower capability table; no
    # ordering, or a count over it as a subquery would sort every capability first.
    return Capability.objects.published().filter(artifact__status=Status.PUBLISHED).order_by()


class SearchBackend(Protocol):
    def document_counts(
        self, *, terms: Sequence[Term | None], buckets: Buckets
    ) -> list[dict[int, int]]:
        """Per entry, the published capabilities containing the term (None: all of them),
        as {bucket: count} where bucket = artifact id // buckets.width, for the buckets
        asked for (empty ones left out)."""
        ...

    # Whether a document's relevance depends on that document alone (not on corpus
    # statistics), so that edits of some artifacts leave every other document's relevance
    # and order as they were.
    rank_is_per_document: bool

    def candidates(
        self,
        *,
        terms: list[Term],
        match_terms: list[Term],
        match_all: bool,
        artifact_ids: Collection[int] | None = None,
        limit: int = CANDIDATE_LIMIT,
    ) -> list[CapabilityCandidate]:
        """Published capabilities containing every one of match_terms (match_all) or any of
        them, at most `limit` by the engine's relevance (then capability id), graded for
        each of terms; only the given artifacts' when artifact_ids is given."""
        ...

    def documents_match(
        self, *, match_terms: list[Term], match_all: bool, artifact_ids: Collection[int]
    ) -> bool:
        """Whether a published capability of the given artifacts is among the candidates'
        matches: it contains every one of match_terms (match_all) or any of them."""
        ...

    def name_matches(
        self, *, text: str, artifact_ids: Collection[int] | None = None
    ) -> list[NameMatch]:
        """Published artifacts whose name has a trigram similarity to text of at least
        NAME_SIMILARITY_THRESHOLD (0 to 1); only among artifact_ids when given."""
        ...

    def highlights(
        self, *, terms: list[Term], capability_ids: list[int]
    ) -> dict[int, Highlight]: ...


# ---- PostgreSQL -----------------------------------------------------------------------

_VECTOR = RawSQL(f'"{TABLE}"."search_vector"', (), output_field=SearchVectorField())
# At most this many buckets are counted row by row, every term in one pass over their
# documents (`_document_counts_row_by_row`); more through the index, a statement a term.
# 32 buckets of stats.BUCKET_WIDTH (64) ids: about 20,000 documents at ten an artifact.
ROW_BY_ROW_BUCKETS = 32


def _ts_filter(vector: RawSQL, weights: str) -> Func:
    return Func(vector, Value(weights), function="ts_filter", output_field=SearchVectorField())


def _indexed_text(text: str) -> Func:
    """Query text rewritten as the documents were (index.PG_TEXT), so that it stems alike."""
    return Func(Value(text), function=PG_TEXT, output_field=TextField())


# The two-character words index.py's rewrite 2 turns into "/xx" (before stemming).
_REWRITTEN_PAIR = re.compile(r"[a-rt-z0-9]s|[aeiou]y")


def _may_stem_short(word: str) -> bool:
    """Whether the word (three bytes or more) could stem to a two-character word that
    rewrite 2 changed: stemming only ever cuts or changes a word's end, so such a stem is
    the word's first two characters. A cheap test that spares almost every word the extra
    query term (each costs about 0.3 ms to build and compile)."""
    return len(word.encode()) >= 3 and bool(_REWRITTEN_PAIR.fullmatch(word[:2].lower()))


def _short_stem_path(word: str) -> Func:
    """index.PG_SHORT_STEM of the word: "/us" for "uses" (whose stem is under three bytes,
    the form a document's two-character "US" is indexed in), else ""."""
    return Func(Value(word), function=PG_SHORT_STEM, output_field=TextField())


# Stands for the artifact ids in a statement built once (`_candidates_statement`): the
# parameter is found by identity and replaced by each call's ids, or by None for all.
_ARTIFACT_IDS: Any = object()


# A statement is 7.5 KB for four terms, several times that for the longest intents.
@functools.lru_cache(maxsize=128)
def _candidates_statement(
    *,
    terms: tuple[Term, ...],
    match_terms: tuple[Term, ...],
    match_all: bool,
    limit: int,
) -> tuple[str, tuple[Any, ...]]:
    """The SQL and parameters of PostgresBackend.candidates, built once per process and
    match: the _ARTIFACT_IDS parameters (twice) are an array of artifact ids to read only
    theirs, or NULL for every published artifact (PostgreSQL folds the constant test away
    when it plans the statement, so either reads as if written for it alone).

    Why: Django took 15-16 ms to build and compile this statement (7.5 KB: three graded
    matches of every term) for a query PostgreSQL plans and runs in 4 ms, on every ranking
    computed. One statement for both reads: a worker's first search of an intent reads
    the whole catalog, and its first search after an edit of an artifact the intent ranks
    then finds the statement built (with one statement each, every worker built the
    second on that search: 157-175 ms in `make bench`, BENCHMARKS.md)."""
    backend = PostgresBackend()
    match = backend._match(list(match_terms), match_all) & Q(
        RawSQL(
            f'(%s::bigint[] IS NULL OR "{TABLE}"."artifact_id" = ANY(%s::bigint[]))',
            (_ARTIFACT_IDS, _ARTIFACT_IDS),
            output_field=BooleanField(),
        )
    )
    grades = {}
    for i, term in enumerate(terms):
        grades[f"f{i}"] = Case(
            When(backend.term_match(term, _ts_filter(_VECTOR, "{a}")), then=Value(3)),
            When(backend.term_match(term, _ts_filter(_VECTOR, "{b}")), then=Value(2)),
            When(backend.term_match(term), then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    rows = (
        _published_documents()
        .filter(match)
        # Relevance over every term, whichever matched: the same order in both modes.
        .annotate(rank=backend._rank(list(terms)), **grades)
        .values_list(
            "capability_id",
            "artifact_id",
            "artifact__kind",
            "artifact__pricing_model",
            "artifact__rank",
            "artifact__name",
            "rank",
            "capability__match_success_rate",
            *grades,
        )
        .order_by("-rank", "capability_id")[:limit]
    )
    sql, params = rows.query.sql_with_params()
    return sql, tuple(params)


class PostgresBackend:
    # ts_rank reads the document's own vector and the query, no corpus statistics.
    rank_is_per_document = True

    @staticmethod
    def term_query(term: Term, *, rewrite: bool = True) -> SearchQuery:
        """The tsquery of one term. rewrite=False reads the words as they are, for
        headlines, which parse the stored text without index.PG_TEXT's rewrites."""

        def text(value: str) -> Func | str:
            return _indexed_text(value) if rewrite else value

        if term.phrase or term.compound:
            # A compound ("no-code") is a phrase of its words, stop words included: the
            # index keeps every word, as FTS5 does.
            return SearchQuery(text(term.word), search_type="phrase", config=PG_CONFIG)
        queries = [
            SearchQuery(text(w), search_type="websearch", config=PG_CONFIG) for w in term.words
        ]
        if rewrite:
            # A word of three bytes or more with a shorter stem also matches that stem in
            # its two-character form (index.py, rewrite 2), as on FTS5: "uses" finds "US".
            queries += [
                SearchQuery(_short_stem_path(w), search_type="plain", config=PG_CONFIG)
                for w in term.words
                if _may_stem_short(w)
            ]
        if term.prefix:
            # The prefix is stemmed before it is matched, as FTS5's porter tokenizer does
            # ("finance*" finds "financial"): the same documents on both backends.
            prefix = ConcatPair(text(term.word), Value(":*")) if rewrite else f"{term.word}:*"
            queries.append(SearchQuery(prefix, search_type="raw", config=PG_CONFIG))
        return reduce(operator.or_, queries)

    def term_match(self, term: Term, vector: RawSQL | Func = _VECTOR):
        """The condition "the document contains the term" (a boolean expression)."""
        return SearchVectorExact(vector, self.term_query(term))

    def any_query(self, terms: list[Term], *, rewrite: bool = True) -> SearchQuery:
        """Any of the terms (at least one), for the rank (and, unrewritten, for headlines)."""
        return reduce(operator.or_, (self.term_query(t, rewrite=rewrite) for t in terms))

    def document_counts(
        self, *, terms: Sequence[Term | None], buckets: Buckets
    ) -> list[dict[int, int]]:
        # Over every bucket, one statement per term: several in one statement saved nothing
        # measurable (each is planned on its own either way) and, where JIT is on, their
        # summed cost made PostgreSQL compile for 3 s on a million capabilities. A few
        # buckets (after an edit) are cheap, and one UNION ALL saves the round trips.
        width = buckets.width
        within = Q()
        if buckets.numbers is not None:
            if not buckets.numbers:
                return [{} for _ in terms]
            # Id ranges, so that a few buckets are read through the artifact_id index.
            within = reduce(
                operator.or_,
                (Q(artifact_id__gte=low, artifact_id__lt=high) for low, high in buckets.ranges()),
            )
        if buckets.numbers is not None and len(buckets.numbers) <= ROW_BY_ROW_BUCKETS:
            return self._document_counts_row_by_row(terms=terms, width=width, within=within)
        queries = [
            self._documents(term)
            .filter(within)
            .annotate(bucket=F("artifact_id") / width)
            .values("bucket")
            .annotate(documents=Count("*"), term=Value(index, output_field=IntegerField()))
            .values_list("term", "bucket", "documents")
            .order_by()
            for index, term in enumerate(terms)
        ]
        rows: Iterable[tuple[int, int, int]]
        if buckets.numbers is None or len(queries) == 1:
            rows = itertools.chain.from_iterable(queries)
        else:
            parts = [query.query.sql_with_params() for query in queries]
            with connection.cursor() as cursor:
                cursor.execute(
                    " UNION ALL ".join(f"({sql})" for sql, _ in parts),
                    [param for _, params in parts for param in params],
                )
                rows = cursor.fetchall()
        counts: list[dict[int, int]] = [{} for _ in terms]
        for index, bucket, documents in rows:
            counts[index][bucket] = documents
        return counts

    def _documents(self, term: Term | None) -> QuerySet:
        if term is None:
            return _published_capabilities()
        return _published_documents().filter(self.term_match(term))

    def _document_counts_row_by_row(
        self, *, terms: Sequence[Term | None], width: int, within: Q
    ) -> list[dict[int, int]]:
        """`document_counts` for a few buckets: their documents read once through the
        artifact_id index, each checked against every term (one statement)."""
        counted = {
            f"t{index}": Count("pk")
            if term is None
            # A FILTER is checked on each row read, never through an index: the GIN
            # index's list of every document holding a common term is never read.
            else Count("pk", filter=self.term_match(term))
            for index, term in enumerate(terms)
        }
        rows = (
            _published_documents()
            .filter(within)
            .annotate(bucket=F("artifact_id") / width)
            .values("bucket")
            .annotate(**counted)
            .values_list("bucket", *counted)
            .order_by()
        )
        counts: list[dict[int, int]] = [{} for _ in terms]
        for bucket, *per_term in rows:
            for index, documents in enumerate(per_term):
                if documents:
                    counts[index][bucket] = documents
        return counts

    def _rank(self, terms: list[Term]):
        return SearchRank(_VECTOR, self.any_query(terms), weights=[0.2, 0.4, 0.6, 1.0])

    def _match(self, match_terms: list[Term], match_all: bool) -> Q:
        combine = operator.and_ if match_all else operator.or_
        return reduce(combine, (Q(self.term_match(t)) for t in match_terms))

    def documents_match(
        self, *, match_terms: list[Term], match_all: bool, artifact_ids: Collection[int]
    ) -> bool:
        return (
            _published_documents()
            .filter(self._match(match_terms, match_all), artifact_id__in=list(artifact_ids))
            .exists()
        )

    def candidates(
        self,
        *,
        terms: list[Term],
        match_terms: list[Term],
        match_all: bool,
        artifact_ids: Collection[int] | None = None,
        limit: int = CANDIDATE_LIMIT,
    ) -> list[CapabilityCandidate]:
        if artifact_ids is not None and not artifact_ids:
            # The version moved with no artifact named (a vendor without artifacts saved).
            return []
        sql, params = _candidates_statement(
            terms=tuple(terms), match_terms=tuple(match_terms), match_all=match_all, limit=limit
        )
        ids = None if artifact_ids is None else sorted(artifact_ids)
        params = tuple(ids if param is _ARTIFACT_IDS else param for param in params)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [
            CapabilityCandidate(
                capability_id=row[0],
                artifact_id=row[1],
                artifact=ArtifactInfo(kind=row[2], pricing_model=row[3], rank=row[4], name=row[5]),
                native_rank=round(row[6], 6),
                fields=tuple(row[8:]),
                order_rank=row[6],
                success_rate=row[7],
            )
            for row in rows
        ]

    def name_matches(
        self, *, text: str, artifact_ids: Collection[int] | None = None
    ) -> list[NameMatch]:
        # lower(name) % text uses the trigram GIN index; % means similarity >= the
        # pg_trgm threshold, which defaults to NAME_SIMILARITY_THRESHOLD (0.3).
        params: list[Any] = [text, Status.PUBLISHED, text]
        within = ""
        if artifact_ids is not None:
            within, params = " AND id = ANY(%s)", [*params, list(artifact_ids)]
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT id, kind, pricing_model, rank, name, similarity(lower(name), %s) "
                f"FROM catalog_artifact WHERE status = %s AND lower(name) %% %s{within}",
                params,
            )
            rows = cursor.fetchall()
        return [
            NameMatch(
                artifact_id=r[0],
                artifact=ArtifactInfo(kind=r[1], pricing_model=r[2], rank=r[3], name=r[4]),
                similarity=round(float(r[5]), 4),
            )
            for r in rows
        ]

    def highlights(self, *, terms: list[Term], capability_ids: list[int]) -> dict[int, Highlight]:
        if not capability_ids:
            return {}
        # Headlines parse the stored text as it is, so the query's words are read unrewritten
        # too. Compounds are left out, as before: their words alone would mark every "no".
        plain = [t for t in terms if not t.compound]
        query = self.any_query(plain, rewrite=False) if plain else None
        documents = SearchDocument.objects.filter(capability_id__in=capability_ids)
        if query is None:
            rows = documents.values_list("capability_id", "title", "description")
            return {r[0]: Highlight(title=escape(r[1]), snippet=escape(r[2])) for r in rows}
        rows = documents.annotate(
            title_hl=SearchHeadline(
                "title", query, config=PG_CONFIG, start_sel=_START, stop_sel=_STOP,
                highlight_all=True,
            ),
            snippet_hl=SearchHeadline(
                "description", query, config=PG_CONFIG, start_sel=_START, stop_sel=_STOP,
                max_words=SNIPPET_WORDS, min_words=12, max_fragments=2,
                fragment_delimiter=" … ",
            ),
        ).values_list("capability_id", "title_hl", "snippet_hl")  # fmt: skip
        return {
            r[0]: Highlight(title=highlight_html(r[1]), snippet=highlight_html(r[2])) for r in rows
        }


# ---- SQLite (FTS5) --------------------------------------------------------------------

_GROUPS = ((3, "{title tags}"), (2, "{description}"), (1, "{extra}"))


def fts_quote(word: str) -> str:
    """One FTS5 string token: wrapped in double quotes, inner quotes doubled."""
    return '"' + word.replace('"', '""') + '"'


def fts_term(term: Term) -> str:
    if term.phrase:
        return fts_quote(term.word)
    parts = [fts_quote(w) for w in term.words]
    if term.prefix:
        parts.append(fts_quote(term.word) + " *")
    return "(" + " OR ".join(parts) + ")"


class SqliteBackend:
    # bm25 weighs terms by corpus statistics: one edited document moves every other's.
    rank_is_per_document = False

    def document_counts(
        self, *, terms: Sequence[Term | None], buckets: Buckets
    ) -> list[dict[int, int]]:
        # One statement for all terms (no JIT here, unlike PostgreSQL), each branch reading
        # only its own term's index entries.
        width = buckets.width
        within, within_params = "1 = 1", []
        if buckets.numbers is not None:
            if not buckets.numbers:
                return [{} for _ in terms]
            ranges = buckets.ranges()
            within = " OR ".join(["(artifact_id >= %s AND artifact_id < %s)"] * len(ranges))
            within_params = [bound for pair in ranges for bound in pair]
        branches, params = [], []
        for index, term in enumerate(terms):
            sql, term_params = self._documents_sql(term)
            branches.append(
                f"SELECT {index}, artifact_id / {int(width)}, count(*) FROM ({sql}) "
                f"WHERE {within} GROUP BY 2"
            )
            params += [*term_params, *within_params]
        counts: list[dict[int, int]] = [{} for _ in terms]
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(branches), params)
            for index, bucket, documents in cursor.fetchall():
                counts[index][bucket] = documents
        return counts

    @staticmethod
    def _documents_sql(term: Term | None) -> tuple[str, tuple]:
        """The artifact id of every published capability containing the term (None: of
        every published capability), one row each."""
        if term is None:
            return _published_capabilities().values("artifact_id").query.sql_with_params()
        sql = f"""
            SELECT c.artifact_id
              FROM {FTS_TABLE} f
              JOIN catalog_capability c ON c.id = f.rowid
              JOIN catalog_artifact a ON a.id = c.artifact_id
             WHERE {FTS_TABLE} MATCH %s AND c.status = %s AND a.status = %s
        """
        return sql, (fts_term(term), Status.PUBLISHED, Status.PUBLISHED)

    def documents_match(
        self, *, match_terms: list[Term], match_all: bool, artifact_ids: Collection[int]
    ) -> bool:
        ids = sorted(artifact_ids)
        if not ids:
            return False
        match = (" AND " if match_all else " OR ").join(fts_term(t) for t in match_terms)
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT 1
                  FROM {FTS_TABLE} f
                  JOIN catalog_capability c ON c.id = f.rowid
                  JOIN catalog_artifact a ON a.id = c.artifact_id
                 WHERE {FTS_TABLE} MATCH %s AND c.status = %s AND a.status = %s
                   AND a.id IN ({", ".join(["%s"] * len(ids))})
                 LIMIT 1
                """,
                [match, Status.PUBLISHED, Status.PUBLISHED, *ids],
            )
            return cursor.fetchone() is not None

    def candidates(
        self,
        *,
        terms: list[Term],
        match_terms: list[Term],
        match_all: bool,
        artifact_ids: Collection[int] | None = None,
        limit: int = CANDIDATE_LIMIT,
    ) -> list[CapabilityCandidate]:
        fts_terms = [fts_term(t) for t in terms]
        match = (" AND " if match_all else " OR ").join(fts_term(t) for t in match_terms)
        ids = sorted(artifact_ids) if artifact_ids is not None else []
        within = f" AND a.id IN ({', '.join(['%s'] * len(ids))})" if ids else ""
        if artifact_ids is not None and not ids:
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                f"""
                SELECT f.rowid, a.id, a.kind, a.pricing_model, a.rank, a.name,
                       bm25({FTS_TABLE}, 10.0, 10.0, 4.0, 2.0) AS relevance,
                       c.match_success_rate
                  FROM {FTS_TABLE} f
                  JOIN catalog_capability c ON c.id = f.rowid
                  JOIN catalog_artifact a ON a.id = c.artifact_id
                 WHERE {FTS_TABLE} MATCH %s AND c.status = %s AND a.status = %s{within}
                 ORDER BY relevance, f.rowid
                 LIMIT %s
                """,
                [match, Status.PUBLISHED, Status.PUBLISHED, *ids, limit],
            )
            rows = cursor.fetchall()
            # For each term and field group, the documents it occurs in: one UNION ALL.
            branches, params = [], []
            for i, fts in enumerate(fts_terms):
                for grade, columns in _GROUPS:
                    branches.append(
                        f"SELECT {i}, {grade}, rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
                    )
                    params.append(f"{columns} : {fts}")
            cursor.execute(" UNION ALL ".join(branches), params)
            grades: dict[int, list[int]] = {}
            for term_index, grade, rowid in cursor.fetchall():
                per_term = grades.setdefault(rowid, [0] * len(terms))
                per_term[term_index] = max(per_term[term_index], grade)
        return [
            CapabilityCandidate(
                capability_id=r[0],
                artifact_id=r[1],
                artifact=ArtifactInfo(kind=r[2], pricing_model=r[3], rank=r[4], name=r[5]),
                # bm25 is lower-is-better; negate so that higher is better everywhere.
                native_rank=round(-r[6], 6),
                fields=tuple(grades.get(r[0], [0] * len(terms))),
                order_rank=-r[6],
                success_rate=r[7],
            )
            for r in rows
        ]

    def name_matches(
        self, *, text: str, artifact_ids: Collection[int] | None = None
    ) -> list[NameMatch]:
        # SQLite has no trigram index: compare against every published name in Python with
        # the same formula as pg_trgm. Fine at the embedded default's catalog sizes.
        artifacts = Artifact.objects.published()
        if artifact_ids is not None:
            artifacts = artifacts.filter(pk__in=list(artifact_ids))
        rows = artifacts.values_list("id", "kind", "pricing_model", "rank", "name")
        matches = []
        for artifact_id, kind, pricing, rank, name in rows:
            similarity = round(trigram_similarity(text, name), 4)
            if similarity >= NAME_SIMILARITY_THRESHOLD:
                matches.append(
                    NameMatch(
                        artifact_id=artifact_id,
                        artifact=ArtifactInfo(
                            kind=kind, pricing_model=pricing, rank=rank, name=name
                        ),
                        similarity=similarity,
                    )
                )
        return matches

    def highlights(self, *, terms: list[Term], capability_ids: list[int]) -> dict[int, Highlight]:
        if not capability_ids:
            return {}
        placeholders = ", ".join(["%s"] * len(capability_ids))
        with connection.cursor() as cursor:
            if terms:
                # Every asked capability, marked where the terms occur (a capability shown
                # because it meets the parsed constraints may contain none of them).
                cursor.execute(
                    f"""
                    SELECT d.capability_id, coalesce(h.title, d.title),
                           coalesce(h.snippet, d.description)
                      FROM {TABLE} d
                      LEFT JOIN (
                        SELECT rowid, highlight({FTS_TABLE}, 0, %s, %s) AS title,
                               snippet({FTS_TABLE}, 2, %s, %s, '…', {SNIPPET_WORDS}) AS snippet
                          FROM {FTS_TABLE}
                         WHERE {FTS_TABLE} MATCH %s AND rowid IN ({placeholders})
                      ) h ON h.rowid = d.capability_id
                     WHERE d.capability_id IN ({placeholders})
                    """,
                    [
                        _START,
                        _STOP,
                        _START,
                        _STOP,
                        " OR ".join(fts_term(t) for t in terms),
                        *capability_ids,
                        *capability_ids,
                    ],
                )
            else:
                cursor.execute(
                    f"SELECT capability_id, title, description FROM {TABLE} "
                    f"WHERE capability_id IN ({placeholders})",
                    list(capability_ids),
                )
            rows = cursor.fetchall()
        return {
            r[0]: Highlight(title=highlight_html(r[1]), snippet=highlight_html(r[2])) for r in rows
        }


def backend_get() -> SearchBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SqliteBackend()
    raise NotImplementedError(f"No search backend for {connection.vendor}.")
