"""Background jobs. With Django's default ImmediateBackend they run inline; configure a
real TASKS backend and the admin's "rebuild" action queues instead of blocking a request."""

from django.tasks import task

from comparisons.search.matchgraph import match_graph_rebuild


@task
def match_graph_rebuild_task() -> str:
    return str(match_graph_rebuild())
