"""Page numbers from the query string (comparisons/paging.py)."""

import pytest

from comparisons.paging import page_wanted


@pytest.mark.parametrize(
    ("raw", "wanted"),
    [("0", 1), ("-3", 1), (0, 1), ("1", "1"), ("7", "7"), ("abc", "abc"), (None, None)],
)
def test_a_page_below_one_is_the_first_page(raw, wanted):
    assert page_wanted(raw) == wanted
