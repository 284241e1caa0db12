"""The one task the queue knows: run a TaskRun (jobs/services.py does the work)."""

from django.tasks import task

from jobs import services


@task()
def task_run_execute(run_id: int) -> str:
    services._RUNNING_HERE.add(run_id)
    try:
        return services.task_run_execute_now(run_id=run_id)
    finally:
        services._RUNNING_HERE.discard(run_id)
