from catalog.importers import tools
from catalog.importers.cli import ImportCommand
from catalog.importers.writer import records_import
from catalog.services import artifact_scores_recompute
from comparisons.compare.pairs_import import comparison_pairs_import, comparison_pairs_parse


class Command(ImportCommand):
    help = (
        "Import or refresh a JSON list of AI tools (slug, name, company, pricing, description, "
        "keyFeatures, bestFor, notIdealFor, tags) and, with --comparisons, its list of "
        '{"a": slug, "b": slug} pairs as editor-approved comparisons. Safe to re-run.'
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--comparisons", metavar="SOURCE", help='a JSON list of {"a": slug, "b": slug} pairs'
        )

    def handle(self, *args, source, dry_run, publish, max_bytes, comparisons, **options):
        # Both sources are read and checked before anything is written.
        payload = self.payload_read(source, max_bytes=max_bytes)
        parsed = self.guarded(tools.records_parse, payload=payload)
        pairs = None
        if comparisons:
            pairs_payload = self.payload_read(comparisons, max_bytes=max_bytes)
            pairs = self.guarded(comparison_pairs_parse, payload=pairs_payload)
        report = self.guarded(
            records_import,
            source=tools.SOURCE,
            parsed=parsed,
            dry_run=dry_run,
            publish=publish,
            progress=self.progress("Importing tools"),
            allow_mass_review=options["allow_mass_review"],
        )
        self.report_write(report, list_changes=dry_run or options["verbosity"] > 1)
        if pairs is not None:
            valid, skipped = pairs
            pair_report = self.guarded(
                comparison_pairs_import,
                source=tools.SOURCE,
                pairs=valid,
                skipped=skipped,
                aliases=parsed.aliases,
                pending={r.external_id for r in parsed.records} if dry_run else set(),
                dry_run=dry_run,
            )
            self.report_write(pair_report, list_changes=False)
        if not dry_run and (report.created or report.updated):
            count = artifact_scores_recompute()
            self.stdout.write(f"Recomputed the score of {count} artifacts.")
