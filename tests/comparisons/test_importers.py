"""Parsing a comparisons list (no database)."""

import pytest

from catalog.importers.common import ImportSourceError
from comparisons.compare.pairs_import import PairRecord, comparison_pairs_parse


def test_valid_pairs_and_reasons_for_the_rest():
    pairs, skipped = comparison_pairs_parse(
        payload=[
            {"slug": "a-vs-b", "a": " a ", "b": "b", "group": "x"},
            {"a": "a"},
            {"slug": 7, "a": "a", "b": ""},
            ["a", "b"],
        ]
    )
    assert pairs == [PairRecord(label="a-vs-b", a="a", b="b")]
    assert skipped == [
        ("#1", 'needs two tool slugs in "a" and "b"'),
        ("#2", 'needs two tool slugs in "a" and "b"'),
        ("#3", "not an object"),
    ]


@pytest.mark.parametrize(
    ("payload", "message"),
    [({"pairs": []}, "expected a JSON list"), ([], "is empty"), ("a-vs-b", "expected")],
)
def test_a_payload_of_the_wrong_shape_is_refused(payload, message):
    with pytest.raises(ImportSourceError, match=message):
        comparison_pairs_parse(payload=payload)
