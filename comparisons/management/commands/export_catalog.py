from pathlib import Path

from django.core.management.base import BaseCommand

from comparisons.backup import catalog_export


class Command(BaseCommand):
    help = (
        "Write the curated catalog (vendors, artifacts, capabilities, tags, weights, "
        "overrides) as versioned JSON."
    )

    def add_arguments(self, parser):
        parser.add_argument("output", nargs="?", default="-", help="File path, or - for stdout.")

    def handle(self, *args, output: str, **options):
        text = catalog_export()
        if output == "-":
            self.stdout.write(text)
        else:
            Path(output).write_text(text, encoding="utf-8")
            self.stderr.write(self.style.SUCCESS(f"Catalog exported to {output}."))
