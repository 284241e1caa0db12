import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from catalog.services import artifact_scores_recompute
from demo.catalog import demo_catalog_load


class Command(BaseCommand):
    help = "Load (or refresh) the demo catalog of real AI models and tools. Safe to re-run."

    def handle(self, *args, **options):
        try:
            report = demo_catalog_load()
        except (json.JSONDecodeError, KeyError, ValueError, ValidationError) as error:
            raise CommandError(f"The demo catalog data is invalid: {error}") from error
        self.stdout.write(f"Demo catalog: {report}.")
        if report.changed:
            count = artifact_scores_recompute()
            self.stdout.write(f"Recomputed the score of {count} artifacts.")
        # "Up to date" only when this run found nothing to change; otherwise say it is loaded.
        done = "Demo catalog loaded." if report.changed else "Demo catalog is up to date."
        self.stdout.write(self.style.SUCCESS(done))
