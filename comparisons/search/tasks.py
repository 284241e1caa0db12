"""Search jobs run by the background worker (declared in jobs/kinds.py)."""

from typing import Any

from comparisons.search.matchgraph import STEPS, match_graph_rebuild


def match_graph_full_job(*, params: dict[str, Any], upload: bytes | None, progress: Any) -> str:
    """Recompute the whole match graph from the stored search events (one transaction: a
    stopped run leaves the previous graph in place)."""

    def step(name: str, index: int, total: int) -> None:
        progress(index - 1, total, name)

    report = match_graph_rebuild(progress=step)
    progress(len(STEPS), len(STEPS), "done")
    return f"Match graph rebuilt: {report}."


def match_graph_incremental_job(
    *, params: dict[str, Any], upload: bytes | None, progress: Any
) -> str:
    """Fold the search events recorded since the last rebuild into the match graph; falls
    back to a full rebuild (and says so) when earlier evidence changed."""

    def step(name: str, index: int, total: int) -> None:
        progress(index - 1, total, name)

    report = match_graph_rebuild(progress=step, incremental=True)
    progress(len(STEPS), len(STEPS), "done")
    return f"Match graph rebuilt: {report}."
