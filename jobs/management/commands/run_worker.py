"""The background worker: recover runs a stopped worker left behind, then work the queue.

Everything else is django-tasks-db's `db_worker` (same options: `--batch`, `--max-tasks`,
`--interval`, `--no-reload`...); run one or more per host beside the web server.
"""

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from jobs.services import task_runs_recover


class Command(DbWorkerCommand):
    help = (
        "Run the background worker (django-tasks-db's db_worker), first requeueing or failing "
        "jobs whose worker stopped mid-run."
    )

    def handle(self, *args, **options):
        self.configure_logging(options["verbosity"])
        for recovery in task_runs_recover():
            self.stdout.write(
                f"job #{recovery.run_id}: {recovery.reason}; "
                + ("requeued." if recovery.retried else "marked failed.")
            )
        return super().handle(*args, **options)
