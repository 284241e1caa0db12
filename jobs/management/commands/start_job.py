"""Queue a background job from the shell or a schedule (cron, systemd timer)."""

from django.core.management.base import BaseCommand, CommandError

from jobs.kinds import KINDS
from jobs.services import JobAlreadyActive, task_run_start


class Command(BaseCommand):
    help = (
        "Queue a background job for the worker (manage.py run_worker). Safe to repeat: when "
        "the same job is already queued or running, nothing is added and the exit status is 0."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="which job")
        parser.add_argument("--url", default="", help="the https:// source of an import job")
        parser.add_argument(
            "--board", default="", help="evaluations_import: the leaderboard (text, vision, image)"
        )
        parser.add_argument(
            "--date", default="", help="evaluations_import: the date of the data, YYYY-MM-DD"
        )

    def handle(self, *args, kind, url, board, date, **options):
        declared = KINDS[kind]
        params = {}
        if declared.source:
            if not url:
                raise CommandError(f"{kind} needs --url https://...")
            params["url"] = url
        elif url:
            raise CommandError(f"{kind} takes no --url")
        for option, value in (("board", board), ("date", date)):
            if value and option not in declared.options:
                raise CommandError(f"{kind} takes no --{option}")
            if value:
                params[option] = value
        try:
            run = task_run_start(kind=kind, params=params)
        except JobAlreadyActive as active:
            self.stdout.write(f"{active}; nothing queued.")
            return
        self.stdout.write(f"Queued {run} ({run.get_state_display().lower()}).")
