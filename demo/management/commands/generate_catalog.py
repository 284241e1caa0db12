"""Load a synthetic catalog of a requested size (see demo/synthetic.py).

    manage.py generate_catalog                      # 100k artifacts, 1M capabilities, 1M searches
    manage.py generate_catalog --size 2000 --seed 7 # smaller; sizes scale with --size

PostgreSQL gets COPY (psycopg 3 `cursor.copy`) with triggers and deferred foreign-key checks
switched off for the load's transaction when the role may do so (the rows are generated
consistent, and the search index is refilled in one statement afterwards); other databases
get bulk_create. The whole load is one transaction: it lands completely or not at all.
"""

import itertools
import json
import time
from array import array
from collections.abc import Iterable, Iterator
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model

from catalog.models import Artifact, Capability, Tag, Vendor
from catalog.versioning import catalog_version_bump
from comparisons.models import ChoiceEvent, Intent, SearchEvent
from comparisons.search import index as search_index
from comparisons.search.index import search_index_installed
from comparisons.search.matchgraph import match_graph_rebuild
from config.progress import progress_bar
from demo.synthetic import JOBS, SLUG_PREFIX, FirstIds, Sizes, SyntheticCatalog

BATCH = 2_000


class Progress:
    """One bar per table on a terminal (tqdm): count, rate and time left; the time taken."""

    def __init__(self, *, label: str, total: int, stream=None) -> None:
        self.bar = progress_bar(label=f"  {label}", total=total, stream=stream, unit="row")
        self.started = time.monotonic()

    def tick(self, n: int = 1) -> None:
        self.bar.update(n)

    def done(self) -> float:
        self.bar.close()
        return time.monotonic() - self.started


class Writer:
    """Streams row dicts into one table."""

    def __init__(self, *, progress_stream) -> None:
        self.progress_stream = progress_stream
        self.timings: dict[str, float] = {}

    def load(self, *, model: type[Model], rows: Iterable[dict], total: int, label: str) -> None:
        progress = Progress(label=label, total=total, stream=self.progress_stream)
        self._write(model=model, rows=self._counted(rows, progress))
        self.timings[label] = progress.done()

    @staticmethod
    def _counted(rows: Iterable[dict], progress: Progress) -> Iterator[dict]:
        for row in rows:
            yield row
            progress.tick()

    def _write(self, *, model: type[Model], rows: Iterable[dict]) -> None:
        raise NotImplementedError


class CopyWriter(Writer):
    def _write(self, *, model: type[Model], rows: Iterable[dict]) -> None:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return
        # Fields the generator does not name get their model default, as the ORM would give
        # them (COPY would write NULL: Django's defaults are not database defaults).
        defaults = {
            field.attname: field.get_default()
            for field in model._meta.concrete_fields
            if not field.primary_key and field.attname not in first
        }
        if defaults:
            rows = ({**defaults, **row} for row in rows)
            first = {**defaults, **first}
        columns = list(first)
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        table = connection.ops.quote_name(model._meta.db_table)
        json_columns = [
            i for i, c in enumerate(columns) if isinstance(first[c], dict | list)
        ]  # JSONField values; everything else psycopg adapts itself.
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
        ):
            for row in itertools.chain((first,), rows):
                values = [row[c] for c in columns]
                for i in json_columns:
                    values[i] = json.dumps(values[i])
                copy.write_row(values)


class BulkWriter(Writer):
    def _write(self, *, model: type[Model], rows: Iterable[dict]) -> None:
        batch: list[Model] = []
        for row in rows:
            batch.append(model(**row))
            if len(batch) == BATCH:
                model.objects.bulk_create(batch)  # type: ignore[attr-defined]
                batch = []
        if batch:
            model.objects.bulk_create(batch)  # type: ignore[attr-defined]


def _next_id(model: type[Model]) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1  # type: ignore[attr-defined]


def _is_superuser() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('is_superuser') = 'on'")
        return cursor.fetchone()[0]


# Their plain indexes are dropped for the load and rebuilt after it: one sorted build is
# many times faster than maintaining an index (a GIN one above all) row by row.
LOADED_TABLES = (
    "catalog_artifact",
    "catalog_capability",
    "catalog_capability_tags",
    "comparisons_intent",
    "comparisons_searchevent",
    "comparisons_searchevent_matched_capabilities",
    "comparisons_choiceevent",
    "comparisons_searchdocument",
)


def _indexes_drop(tables: tuple[str, ...]) -> list[str]:
    """Drop the indexes that back no constraint; return their definitions to rebuild.
    Inside the load's transaction: readers wait, and a failed load restores them."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT i.indexname, i.indexdef FROM pg_indexes i
             WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s)
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
            """,
            [list(tables)],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _, definition in indexes]


def _indexes_create(definitions: list[str]) -> None:
    if not definitions:
        return
    with connection.cursor() as cursor:
        # Deferred foreign-key checks still pending (rows written before the load, or all
        # of them when triggers stayed on) must run first: PostgreSQL refuses to build an
        # index on a table with pending trigger events.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


class Command(BaseCommand):
    help = "Load a deterministic synthetic catalog (slugs 'syn-...') for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--size", type=int, default=100_000, help="Artifacts (default 100,000)."
        )
        parser.add_argument(
            "--capabilities", type=int, help="Capabilities in all (default 10 per artifact)."
        )
        parser.add_argument("--intents", type=int, help="Distinct intents (default size / 2).")
        parser.add_argument("--events", type=int, help="Search events (default 10 per artifact).")
        parser.add_argument("--seed", type=int, default=8, help="Same seed, same catalog.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even though the database holds non-synthetic artifacts (the demo).",
        )
        parser.add_argument(
            "--skip-rebuild", action="store_true", help="Leave derived counters and ranks at 0."
        )

    def handle(self, *args, size, capabilities, intents, events, seed, force, skip_rebuild, **_):
        if size < 1:
            raise CommandError("--size must be at least 1.")
        sizes = Sizes(
            artifacts=size,
            capabilities=capabilities if capabilities is not None else size * 10,
            intents=intents if intents is not None else max(1, size // 2),
            events=events if events is not None else size * 10,
        )
        if sizes.capabilities < sizes.artifacts or sizes.intents < 1 or sizes.events < 0:
            raise CommandError("Need at least one capability per artifact and one intent.")
        if Artifact.objects.filter(slug__startswith=SLUG_PREFIX).exists():
            raise CommandError(
                "This database already holds a synthetic catalog; load into a fresh database."
            )
        if not force and Artifact.objects.exclude(slug__startswith=SLUG_PREFIX).exists():
            raise CommandError(
                "This database holds real (demo or imported) artifacts; synthetic rows would "
                "mix into them. Use a separate database, or --force if you mean it."
            )

        started = time.monotonic()
        self.stderr.write(
            f"Generating {sizes.artifacts:,} artifacts, {sizes.capabilities:,} capabilities, "
            f"{sizes.intents:,} intents, {sizes.events:,} searches (seed {seed}) "
            f"into {connection.vendor}."
        )
        postgres = connection.vendor == "postgresql"
        writer_class = CopyWriter if postgres else BulkWriter
        writer = writer_class(progress_stream=self.stderr)
        with transaction.atomic():
            fast = postgres and _is_superuser()
            deferred = _indexes_drop(LOADED_TABLES) if postgres else []
            if fast:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = replica")
            self._load(writer=writer, sizes=sizes, seed=seed)
            if fast:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL session_replication_role = origin")
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(
                    no_style(),
                    [Vendor, Artifact, Capability, Capability.tags.through, Intent, SearchEvent,
                     SearchEvent.matched_capabilities.through, ChoiceEvent],
                ):  # fmt: skip
                    cursor.execute(statement)
            self._step(writer, "search index", self._search_index_refill, fast)
            self._step(writer, "indexes", _indexes_create, deferred)
            catalog_version_bump()
        self._step(writer, "analyze", self._analyze)
        if not skip_rebuild:
            self._step(writer, "derived counters", self._rebuild)
            # Again: the rebuild rewrote every counter, and plans of the next rebuild's
            # anti-joins go badly wrong on statistics that still say "all zero".
            self._step(writer, "analyze again", self._analyze)
        total = time.monotonic() - started
        self.stdout.write(
            f"Synthetic catalog loaded in {total:.1f}s: "
            + ", ".join(f"{k} {v:.1f}s" for k, v in writer.timings.items())
        )

    def _step(self, writer: Writer, label: str, function, *args) -> None:
        begun = time.monotonic()
        self.stderr.write(f"  {label}...")
        function(*args)
        writer.timings[label] = time.monotonic() - begun
        self.stderr.write(f"  {label} done in {writer.timings[label]:.1f}s")

    def _load(self, *, writer: Writer, sizes: Sizes, seed: int) -> None:
        tag_ids = {}
        for slug, job in JOBS.items():
            tag, _ = Tag.objects.get_or_create(slug=slug, defaults={"name": job.name})
            tag_ids[slug] = tag.id
        first = FirstIds(
            vendor=_next_id(Vendor),
            artifact=_next_id(Artifact),
            capability=_next_id(Capability),
            capability_tag=_next_id(Capability.tags.through),
            intent=_next_id(Intent),
            event=_next_id(SearchEvent),
            event_match=_next_id(SearchEvent.matched_capabilities.through),
            choice=_next_id(ChoiceEvent),
        )
        catalog = SyntheticCatalog(sizes=sizes, seed=seed, tag_ids=tag_ids, first=first)
        writer.load(model=Vendor, rows=catalog.vendors(), total=sizes.vendors, label="vendors")
        writer.load(
            model=Artifact, rows=catalog.artifacts(), total=sizes.artifacts, label="artifacts"
        )
        writer.load(
            model=Capability,
            rows=catalog.capabilities(),
            total=sizes.capabilities,
            label="capabilities",
        )
        writer.load(
            model=Capability.tags.through,
            rows=catalog.capability_tags(),
            total=len(catalog.capability_tag_rows) // 2,
            label="capability tags",
        )
        writer.load(model=Intent, rows=catalog.intents(), total=sizes.intents, label="intents")
        self._load_events(writer=writer, catalog=catalog, sizes=sizes, first=first)

    def _load_events(
        self, *, writer: Writer, catalog: SyntheticCatalog, sizes: Sizes, first: FirstIds
    ) -> None:
        # Events, their matched capabilities and the choices come from one stream; the
        # other two are buffered (matches as flat integer pairs) so each table is one COPY.
        matches = array("q")
        choices: list[dict] = []

        def event_rows():
            for event, matched, chosen in catalog.events():
                for capability_id in matched:
                    matches.extend((event["id"], capability_id))
                if chosen is not None:
                    choices.append(
                        {
                            "id": first.choice + len(choices),
                            "created_at": event["created_at"] + timedelta(seconds=20),
                            "client_key": event["client_key"],
                            "is_simulated": True,
                            "artifact_id": chosen,
                            "intent_id": event["intent_id"],
                        }
                    )
                yield event

        writer.load(model=SearchEvent, rows=event_rows(), total=sizes.events, label="searches")

        def match_rows():
            for n in range(len(matches) // 2):
                yield {
                    "id": first.event_match + n,
                    "searchevent_id": matches[2 * n],
                    "capability_id": matches[2 * n + 1],
                }

        writer.load(
            model=SearchEvent.matched_capabilities.through,
            rows=match_rows(),
            total=len(matches) // 2,
            label="search matches",
        )
        writer.load(model=ChoiceEvent, rows=choices, total=len(choices), label="choices")

    def _search_index_refill(self, enabled: bool) -> None:
        # With triggers off during the load, the document table is refilled in one pass,
        # while its indexes are still dropped (search_index_install would re-create them
        # first and then fill a GIN index row by row: minutes at a million capabilities).
        if enabled and search_index_installed(connection=connection):
            with connection.cursor() as cursor:
                cursor.execute(search_index._PG_REFILL)

    def _analyze(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

    def _rebuild(self) -> None:
        # Counters, pair evidence, the match_graph component and every rank, set-based.
        match_graph_rebuild()
