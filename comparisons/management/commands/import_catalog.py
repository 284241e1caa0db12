from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from comparisons.backup import BackupError, catalog_import


class Command(BaseCommand):
    help = "Restore a catalog written by export_catalog. All or nothing; safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A file written by export_catalog.")

    def handle(self, *args, source: str, **options):
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {source}: {error}") from error
        try:
            counts = catalog_import(text=text)
        except (BackupError, KeyError, TypeError, ValidationError, DatabaseError) as error:
            raise CommandError(f"{source} was not imported, nothing changed: {error}") from error
        summary = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Restored {summary}."))
