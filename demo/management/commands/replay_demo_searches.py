import random
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from catalog.models import Artifact
from comparisons.models import ChoiceEvent, SearchEvent
from comparisons.search.evidence import choice_record, client_key_derive, search_record
from comparisons.search.matchgraph import match_graph_rebuild
from comparisons.search.service import SearchOutcome, search_run
from config.progress import ProgressCallback
from demo.intents import DEMO_INTENTS

# How often people click a result, and which: most choose the first, some look further.
CHOICE_PROBABILITY = 0.35
CHOICE_POSITION_WEIGHTS = (0.5, 0.2, 0.12, 0.1, 0.08)
# Zipf exponent of intent popularity: the head is searched often, the tail rarely.
POPULARITY_EXPONENT = 1.05


def _typed_variant(rng: random.Random, text: str) -> str:
    """How people actually type a query; normalisation folds these into one intent."""
    roll = rng.random()
    if roll < 0.1:
        return text.capitalize()
    if roll < 0.15:
        return f"{text}?"
    if roll < 0.18:
        return text.replace(" ", "  ")
    if roll < 0.2:
        return text.upper()
    return text


class Command(BaseCommand):
    help = (
        "Replay a simulated search history over the demo catalog through the real search "
        "code path (events are flagged is_simulated), then rebuild the match graph. "
        "Replaces the previous simulated history unless --keep is given."
    )

    def add_arguments(self, parser):
        parser.add_argument("--searches", type=int, default=3000)
        parser.add_argument("--clients", type=int, default=400)
        parser.add_argument("--days", type=int, default=90)
        parser.add_argument("--seed", type=int, default=4)
        parser.add_argument("--keep", action="store_true", help="Keep earlier simulated events.")
        parser.add_argument("--no-rebuild", action="store_true")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when a simulated history is already there (for `make run`).",
        )

    def handle(self, *args, searches, clients, days, seed, keep, no_rebuild, if_empty, **options):
        self._bar: ProgressCallback | None = None
        if searches < 1 or clients < 1 or days < 1:
            raise CommandError("--searches, --clients and --days must be positive.")
        if if_empty and SearchEvent.objects.filter(is_simulated=True).exists():
            self.stdout.write("A simulated search history is already there: kept as it is.")
            return
        if not Artifact.objects.published().exists():
            raise CommandError("No published artifacts: run `manage.py load_demo_catalog` first.")
        rng = random.Random(seed)
        weights = [1 / (rank + 1) ** POPULARITY_EXPONENT for rank in range(len(DEMO_INTENTS))]
        client_keys = [
            client_key_derive(address=f"simulated-{n}", user_agent="demo replay")
            for n in range(clients)
        ]
        end = timezone.now()
        start = end - timedelta(days=days)
        moments = sorted(start + (end - start) * rng.random() for _ in range(searches))

        outcomes: dict[str, SearchOutcome] = {}
        artifacts: dict[int, Artifact] = {}
        recorded = chosen = 0
        with transaction.atomic():
            if not keep:
                SearchEvent.objects.filter(is_simulated=True).delete()
                ChoiceEvent.objects.filter(is_simulated=True).delete()
            for done, moment in enumerate(moments, start=1):
                query = _typed_variant(rng, rng.choices(DEMO_INTENTS, weights=weights)[0])
                # The same intent always ranks the same way within one run: search once per
                # distinct typed query, then record each simulated search of it.
                outcome = outcomes.get(query)
                if outcome is None:
                    outcome = outcomes[query] = search_run(query=query, with_page=False)
                client_key = rng.choice(client_keys)
                event = search_record(
                    intent_text=outcome.intent,
                    query=outcome.query,
                    capability_ids=outcome.evidence_capability_ids,
                    result_count=outcome.unfiltered_total,
                    client_key=client_key,
                    is_simulated=True,
                    now=moment,
                )
                recorded += event is not None
                top = outcome.evidence_artifact_ids
                if event is not None and top and rng.random() < CHOICE_PROBABILITY:
                    position = rng.choices(
                        range(len(top)), weights=CHOICE_POSITION_WEIGHTS[: len(top)]
                    )[0]
                    artifact_id = top[position]
                    if artifact_id not in artifacts:
                        artifacts[artifact_id] = Artifact.objects.get(pk=artifact_id)
                    choice = choice_record(
                        intent_text=outcome.intent,
                        query=outcome.query,
                        artifact=artifacts[artifact_id],
                        client_key=client_key,
                        is_simulated=True,
                        now=moment + timedelta(seconds=rng.randint(3, 90)),
                    )
                    chosen += choice is not None
                self._progress(done, searches)
        self.stdout.write(
            f"Replayed {searches} simulated searches of {len(outcomes)} typed queries: "
            f"{recorded} counted (the rest repeated within the dedup window), {chosen} choices."
        )
        if not no_rebuild:
            self.stdout.write("Rebuilding the match graph...")
            report = match_graph_rebuild()
            self.stdout.write(self.style.SUCCESS(f"Match graph rebuilt: {report}."))

    def _progress(self, done: int, total: int) -> None:
        if self._bar is None:
            self._bar = ProgressCallback(
                label="Replaying searches", stream=self.stderr, unit="search"
            )
        self._bar(done, total)
