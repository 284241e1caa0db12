"""The long jobs editors can start from admin (and cron from `manage.py start_job`).

Pure declarations: each kind names the function that does the work by its dotted path, so
this package imports no feature code (catalog and comparisons plug in by name).

A job function is called as ``function(params=dict, upload=bytes | None, progress=Progress)``
and returns a one-line summary for admin. It commits its work in atomic batches of its own:
a worker stopped mid-run loses at most the batch in flight, never half of one.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, note: str = "") -> None: ...


JobFunction = Callable[..., str]


@dataclass(frozen=True)
class JobKind:
    key: str
    label: str
    # Jobs sharing a lock never run at the same time (queued or running: one at most).
    lock: str
    function: str
    # "url_or_upload" or "": whether the admin form asks for a source URL or a file.
    source: str = ""
    # Further parameters the admin form may pass (params keys): "board", "date".
    options: tuple[str, ...] = ()


KINDS: dict[str, JobKind] = {
    kind.key: kind
    for kind in (
        JobKind(
            key="match_graph_full",
            label="Rebuild the match graph (full)",
            lock="match_graph",
            function="comparisons.search.tasks.match_graph_full_job",
        ),
        JobKind(
            key="match_graph_incremental",
            label="Rebuild the match graph (only new searches)",
            lock="match_graph",
            function="comparisons.search.tasks.match_graph_incremental_job",
        ),
        JobKind(
            key="scores_recompute",
            label="Recompute every artifact's score",
            lock="scores",
            function="catalog.tasks.scores_recompute_job",
        ),
        JobKind(
            key="openrouter_import",
            label="Import models from OpenRouter (URL or uploaded file)",
            lock="import_openrouter",
            function="catalog.tasks.openrouter_import_job",
            source="url_or_upload",
        ),
        JobKind(
            key="evaluations_import",
            label="Refresh evaluation data (an LMArena leaderboard file or URL)",
            lock="import_evaluations",
            function="catalog.tasks.evaluations_import_job",
            source="url_or_upload",
            options=("board", "date"),
        ),
    )
}


def kind_get(*, key: str) -> JobKind:
    """The declared kind `key`; KeyError for an unknown one."""
    return KINDS[key]
