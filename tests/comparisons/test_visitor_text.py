"""Small texts visitors read: why an alternative is listed, how many filters are active."""

from comparisons.templatetags.alternatives import alternative_basis_text
from comparisons.templatetags.browse import filters_active_count


def test_alternative_basis_prefers_evidence_and_counts_in_words():
    assert alternative_basis_text(together=1, shared_total=5) == "Matched together in 1 search"
    assert alternative_basis_text(together=1200, shared_total=None) == (
        "Matched together in 1,200 searches"
    )
    assert alternative_basis_text(together=0, shared_total=1) == "Shares 1 capability tag"
    assert alternative_basis_text(together=None, shared_total=2) == "Shares 2 capability tags"
    assert alternative_basis_text(together=None, shared_total=None) == ""


def test_active_filters_count_each_value_but_not_the_sort_order():
    assert filters_active_count({}) == 0
    assert filters_active_count({"sort": "rank", "q": "", "kind": []}) == 0
    assert filters_active_count({"kind": ["model", "api"], "q": "flux"}) == 3
    assert filters_active_count({"open_weights": False, "min_rank": 0}) == 2
    assert filters_active_count({"vendor": None, "tag": ("chat",)}) == 1


def test_simulated_evidence_says_simulated():
    assert alternative_basis_text(together=3, shared_total=None, simulated=True) == (
        "Matched together in 3 simulated searches"
    )
