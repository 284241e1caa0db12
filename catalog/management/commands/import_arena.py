from datetime import date

from django.core.management.base import CommandError

from catalog.importers import arena
from catalog.importers.cli import ImportCommand
from catalog.importers.common import DEFAULT_MAX_BYTES, ImportSourceError
from catalog.services import evaluations_import


class Command(ImportCommand):
    help = (
        "Import LMArena's published leaderboards (text, vision, text-to-image) as the "
        "quality evidence of models. Every file is checked before anything is written; the "
        "board and the data's date come from the file name (leaderboard-text-2025-12-11.json) "
        "unless --board/--date say otherwise. Safe to re-run: unchanged entries are not "
        "written, editors' aliases are never touched and win over automatic matches."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="leaderboard JSON files (or https:// URLs)")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change; write nothing"
        )
        parser.add_argument("--board", choices=arena.BOARDS, help="the board of every file")
        parser.add_argument(
            "--date", type=date.fromisoformat, help="the date of the data, YYYY-MM-DD"
        )
        parser.add_argument(
            "--max-bytes",
            type=int,
            default=DEFAULT_MAX_BYTES,
            help=f"refuse sources larger than this (default {DEFAULT_MAX_BYTES:,})",
        )

    def _board_of(self, path: str, board: str | None, published_on: date | None):
        if board and published_on:
            return board, published_on
        try:
            named_board, named_date = arena.board_and_date_from_name(path=path)
        except ImportSourceError as error:
            raise CommandError(f"{error}. Nothing was written.") from error
        return board or named_board, published_on or named_date

    def handle(self, *args, files, dry_run, board, date, max_bytes, **options):
        parsed = []
        # Every file is read and checked before anything is written.
        for path in files:
            which, published_on = self._board_of(path, board, date)
            payload = self.payload_read(path, max_bytes=max_bytes)
            parsed.append(
                self.guarded(
                    arena.board_parse, payload=payload, board=which, published_on=published_on
                )
            )
            for other in parsed[:-1]:
                if other.board == which:
                    raise CommandError(
                        f"{path}: a second {which} board in one run. Nothing was written."
                    )
        report = self.guarded(
            evaluations_import,
            boards=parsed,
            dry_run=dry_run,
            progress=self.progress("Importing ratings"),
        )
        label = ", ".join(f"{b.board} board of {b.published_on}" for b in parsed)
        for line in report.lines(label=f"LMArena {label}"):
            self.stdout.write(line)
