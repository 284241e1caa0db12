"""A worker with one job kind more, for the tests only: the real match-graph rebuild, which
stops inside its transaction (after it has rewritten intents and matches) while the file named
by $PAUSE_FILE exists, and says so by creating $PAUSE_FILE.reached.

Run as `python -m tests.jobs.paused_jobs run_worker ...`."""

import os
import sys
import time
from pathlib import Path

from jobs.kinds import KINDS, JobKind

KINDS["test_paused_rebuild"] = JobKind(
    key="test_paused_rebuild",
    label="Rebuild the match graph, pausing mid-way (tests)",
    lock="match_graph",
    function="tests.jobs.paused_jobs.paused_rebuild_job",
)


def paused_rebuild_job(*, params, upload, progress) -> str:
    from comparisons.search.matchgraph import match_graph_rebuild

    pause = Path(params["pause_file"])

    def step(name: str, index: int, total: int) -> None:
        progress(index - 1, total, name)
        if index == 4 and pause.exists():
            pause.with_suffix(".reached").touch()
            while pause.exists():
                time.sleep(0.1)

    return f"Match graph rebuilt: {match_graph_rebuild(progress=step)}."


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])
