from django.core.management.base import BaseCommand

from comparisons.search.matchgraph import STEPS, match_graph_rebuild
from config.progress import ProgressCallback


class Command(BaseCommand):
    help = (
        "Recompute the match graph from the stored search events: intent, match, capability "
        "and artifact counters, success rates, pair evidence, the match_graph component and "
        "every artifact's rank. Idempotent. With --incremental, fold in only the events "
        "recorded since the last rebuild (the same numbers; a full rebuild when events were "
        "deleted, spam marks changed or matched capabilities moved since)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--incremental",
            action="store_true",
            help="Fold in only the events since the last rebuild (seconds, not minutes).",
        )

    def handle(self, *args, incremental: bool = False, **options):
        bar = ProgressCallback(label="Rebuilding the match graph", stream=self.stderr, unit="step")

        def progress(step: str, index: int, total: int) -> None:
            bar(index - 1, total, step)  # step `index` starts: the ones before it are done

        report = match_graph_rebuild(progress=progress, incremental=incremental)
        bar(len(STEPS), len(STEPS), "done")
        for step, seconds in report.seconds.items():
            self.stdout.write(f"  {step:<14} {seconds:7.2f}s")
        self.stdout.write(self.style.SUCCESS(f"Match graph rebuilt: {report}."))
