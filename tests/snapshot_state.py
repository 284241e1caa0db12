"""What a catalog filter, a facet count or the default order reads of a browse snapshot,
for the tests that hold a patched snapshot to a fresh build."""

from comparisons.browse.snapshot import BrowseSnapshot


def snapshot_state(snapshot: BrowseSnapshot) -> dict:
    """Every row's id and columns, labels, tag bits and choices, as plain lists and dicts."""
    return {
        "ids": snapshot.ids.tolist(),
        "columns": {name: column.tolist() for name, column in snapshot.columns.items()},
        # tolist() hides a float column that should hold integers: 1.0 == 1.
        "dtypes": {name: str(column.dtype) for name, column in snapshot.columns.items()},
        "labels": snapshot.labels,
        "tags": snapshot.tags.tolist(),
        "tag_choices": snapshot.tag_choices,
        "tag_ids": list(snapshot.tag_ids),
    }
