"""Search answers alike on SQLite and PostgreSQL: for any query over the catalog's own
vocabulary, the same first 10 results in the same order.

The suite runs on one backend at a time, so this test starts one worker process per
backend (tests/comparisons/search_parity_worker.py), each over the demo catalog in a
database of its own (a temporary SQLite file; a PostgreSQL database created and dropped
here), and sends every query to both. It needs PostgreSQL, wherever the suite itself runs:
the server of DATABASE_URL when that is PostgreSQL, else SEARCH_PARITY_POSTGRES, else
postgres://postgres@127.0.0.1:5432; it skips, saying why, when none answers.
"""

import json
import os
import string
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.comparisons.search_parity_worker import PREFIX

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"


def _postgres_server() -> str:
    """The PostgreSQL server (URL without a database) the test creates its database on."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        return url.rsplit("/", 1)[0]
    return os.environ.get("SEARCH_PARITY_POSTGRES", DEFAULT_POSTGRES)


@dataclass
class Engine:
    """A running worker: send a query, read its first 10 slugs."""

    name: str
    process: subprocess.Popen
    # The worker's stderr goes to a file: a pipe nobody reads could fill and stall it.
    log: Path

    def _read(self) -> object:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.startswith(PREFIX):
                return json.loads(line[len(PREFIX) :])
        log = self.log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"the {self.name} worker stopped: {log}")

    def ask(self, query: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(query) + "\n")
        self.process.stdin.flush()

    def top_10(self) -> list[str]:
        """The answer to the last query asked."""
        answer = self._read()
        assert isinstance(answer, list)
        return answer


@dataclass
class Engines:
    sqlite: Engine
    postgres: Engine
    vocabulary: dict[str, list[str]]

    def _repr_pretty_(self, printer, cycle) -> None:
        # What Hypothesis prints with a failing example: not the whole vocabulary.
        printer.text("Engines(sqlite, postgresql)")

    def top_10s(self, query: str) -> tuple[list[str], list[str]]:
        """The first 10 slugs on PostgreSQL and on SQLite, both asked before either is read
        (they search at the same time)."""
        self.postgres.ask(query)
        self.sqlite.ask(query)
        return self.postgres.top_10(), self.sqlite.top_10()


def _start(name: str, database_url: str, tmp: Path) -> Engine:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    # Every answer computed afresh, nothing reused from a cache between queries.
    var_dir = tmp / f"{name}-var"
    env.update(DATABASE_URL=database_url, DJANGO_VAR_DIR=str(var_dir), DJANGO_DERIVED_CACHE="0")
    log = tmp / f"{name}.log"
    with log.open("w") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.comparisons.search_parity_worker"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    return Engine(name=name, process=process, log=log)


@pytest.fixture(scope="module")
def engines() -> Iterator[Engines]:
    psycopg = pytest.importorskip("psycopg")
    server = _postgres_server()
    database = f"search_parity_{uuid.uuid4().hex[:12]}"
    try:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{database}"')
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL unreachable at {server} ({error}); the parity test needs both")
    with tempfile.TemporaryDirectory() as tmp:
        workers = [
            _start("sqlite", f"sqlite:///{tmp}/parity.sqlite3", Path(tmp)),
            _start("postgresql", f"{server}/{database}", Path(tmp)),
        ]
        try:
            # Both build their catalog at once; each then says its vocabulary.
            vocabularies = [worker._read() for worker in workers]
            assert vocabularies[0] == vocabularies[1], "the two demo catalogs differ"
            yield Engines(
                sqlite=workers[0],
                postgres=workers[1],
                vocabulary=vocabularies[0],  # type: ignore[arg-type]
            )
        finally:
            for worker in workers:
                worker.process.kill()
                worker.process.communicate()
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def _queries(vocabulary: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """Names with their versions and punctuation, tags, capability titles, single words of
    any catalog text, their first letters (typing), recombinations, and random text."""
    names, tags, titles = vocabulary["names"], vocabulary["tags"], vocabulary["titles"]
    words = vocabulary["words"]
    phrase = st.sampled_from(names + tags + titles)
    piece = st.one_of(phrase, st.sampled_from(words))
    typed = st.tuples(phrase, st.integers(min_value=1, max_value=30)).map(lambda p: p[0][: p[1]])
    mixed = st.lists(piece, min_size=2, max_size=4).map(" ".join)
    noise = st.text(alphabet=string.ascii_letters + string.digits + " -.,'()+#/", max_size=30)
    return st.one_of(phrase, piece, typed, mixed, noise, st.tuples(noise, piece).map(" ".join))


# The same 150 queries on every run (derandomize): a random draw found the divergence
# below in CI; the examples each run checks must not depend on luck, or a red run would
# say nothing about the change that ran it.
@pytest.mark.slow
@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_same_first_10_results_on_sqlite_and_postgresql(engines, data):
    query = data.draw(_queries(engines.vocabulary), label="query")
    postgres, sqlite = engines.top_10s(query)
    assert postgres == sqlite, query


# Found by a random draw on 2026-11-30: both engines stem the query word "uses" to "us";
# FTS5 keeps a document's "US" ("two US cents") as "us", PostgreSQL indexes it as "/us"
# (index.py, rewrite 2), so only SQLite matched it and the 10th result differed. A query
# word with a stem under three bytes now also matches that stem's "/" form.
@pytest.mark.slow
def test_a_query_stem_of_two_letters_matches_a_two_letter_document_word_on_both(engines):
    postgres, sqlite = engines.top_10s("Anthropic API Uses a browser for testing and research")
    assert postgres == sqlite
