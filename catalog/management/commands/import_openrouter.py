from catalog.importers import openrouter
from catalog.importers.cli import ImportCommand
from catalog.importers.writer import records_import
from catalog.services import artifact_scores_recompute, capability_claims_recompute


class Command(ImportCommand):
    help = (
        "Import or refresh models from OpenRouter's models endpoint (a saved response or its "
        "https:// URL). Safe to re-run: unchanged models are not written, fields editors "
        "curated are kept, and models the source no longer lists are flagged for review."
    )

    def handle(self, *args, source, dry_run, publish, max_bytes, **options):
        payload = self.payload_read(source, max_bytes=max_bytes)
        parsed = self.guarded(openrouter.records_parse, payload=payload)
        report = self.guarded(
            records_import,
            source=openrouter.SOURCE,
            parsed=parsed,
            dry_run=dry_run,
            publish=publish,
            progress=self.progress("Importing models"),
            allow_mass_review=options["allow_mass_review"],
        )
        self.report_write(report, list_changes=dry_run or options["verbosity"] > 1)
        if not dry_run and (report.created or report.updated):
            count = artifact_scores_recompute()
            self.stdout.write(f"Recomputed the score of {count} artifacts.")
            claims = capability_claims_recompute()
            self.stdout.write(f"Recomputed the computed claims of {claims} capabilities.")
