"""What the import commands share: their options, the progress bar and the summary."""

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from catalog.importers.common import (
    DEFAULT_MAX_BYTES,
    ImportReport,
    ImportSourceError,
    json_parse,
    source_read,
)
from config.progress import ProgressCallback


class ProgressBar(ProgressCallback):
    """A bar redrawn in place on a terminal (tqdm); silent when output is redirected."""

    def __init__(self, stream, *, label: str):
        super().__init__(label=label, stream=stream, unit="record")


class ImportCommand(BaseCommand):
    def add_arguments(self, parser):
        parser.add_argument("source", help="a file path or an https:// URL")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument(
            "--publish", action="store_true", help="publish new artifacts (default: drafts)"
        )
        parser.add_argument(
            "--allow-mass-review",
            action="store_true",
            help="mark artifacts for review even when more than a quarter of the source's "
            "artifacts are missing from it",
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=DEFAULT_MAX_BYTES,
            help=f"refuse sources larger than this (default {DEFAULT_MAX_BYTES:,})",
        )

    def payload_read(self, source: str, *, max_bytes: int):
        raw = self.guarded(source_read, source=source, max_bytes=max_bytes)
        return self.guarded(json_parse, raw=raw, label=source)

    def progress(self, label: str) -> ProgressBar:
        return ProgressBar(self.stderr, label=label)

    def guarded(self, step, *args, **kwargs):
        """Run a step, turning a bad source or a database failure into one line and a
        non-zero exit."""
        try:
            return step(*args, **kwargs)
        except ImportSourceError as error:
            raise CommandError(f"{error}. Nothing was written.") from error
        except DatabaseError as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            raise CommandError(
                f"stopped by a database error ({type(error).__name__}: {first_line}); "
                "the batch in progress was rolled back, earlier batches are kept"
            ) from error

    def report_write(self, report: ImportReport, *, list_changes: bool) -> None:
        for line in report.lines():
            self.stdout.write(line)
        if list_changes:
            for action, record_id, fields in report.changes:
                mark = "+" if action == "create" else "~"
                suffix = f": {', '.join(fields)}" if fields else ""
                self.stdout.write(f"  {mark} {record_id}{suffix}")
