"""The verdict and the lead claim a lead only when the two rank ranges separate, and never
compare ranks from different groups."""

import pytest

from comparisons.compare.verdict import Evidence, SideFacts, lead_build, rank_compare

A = SideFacts(name="Alpha", rank=70, rank_low=60, rank_high=75, rank_group="models: text")
B = SideFacts(name="Beta", rank=50, rank_low=45, rank_high=59, rank_group="models: text")


@pytest.mark.parametrize(
    ("b_high", "separate"),
    [(59, True), (60, False), (61, False)],  # just below, at and just above A's low end
)
def test_a_lead_is_claimed_only_when_the_ranges_separate(b_high, separate):
    b = SideFacts(name="Beta", rank=50, rank_low=45, rank_high=b_high, rank_group="models: text")
    reason = rank_compare(a=A, b=b)
    lead = lead_build(a=A, b=b, evidence=Evidence())
    if separate:
        assert reason.favours == "a"
        assert reason.sentence == "Alpha scores higher at 70/100 vs Beta at 50/100."
        assert lead.startswith("Alpha ranks higher at 70/100 vs Beta at 50/100.")
    else:
        assert reason.favours is None
        assert reason.sentence == (
            f"Alpha (70/100, could be 60\u201375) and Beta (50/100, could be 45\u2013{b_high}) "
            "are too close to call: their ranges overlap."
        )
        assert lead.startswith(reason.sentence)
        assert "ranks higher" not in lead


def test_the_same_words_whichever_side_is_first():
    assert rank_compare(a=B, b=A).favours == "b"
    overlapping = SideFacts(name="Beta", rank=50, rank_low=45, rank_high=65)
    assert rank_compare(a=overlapping, b=A).favours is None


def test_ranks_from_different_groups_are_not_compared():
    app = SideFacts(name="Gamma", rank=90, rank_low=90, rank_high=90, rank_group="apps")
    reason = rank_compare(a=A, b=app)
    assert reason.favours is None
    assert reason.sentence == (
        "Alpha (70/100 among models: text) and Gamma (90/100 among apps) are ranked in "
        "different groups, so their ranks do not say which is better."
    )
    assert lead_build(a=A, b=app, evidence=Evidence()).startswith(reason.sentence)


def test_the_facts_table_marks_a_better_rank_only_when_the_ranges_separate():
    from comparisons.compare.verdict import facts_build

    def rank_row(a, b):
        return next(row for row in facts_build(a=a, b=b) if row.label == "UnfragileRank")

    assert rank_row(A, B).better == "a"
    overlapping = SideFacts(name="Beta", rank=50, rank_low=45, rank_high=60,
                            rank_group="models: text")  # fmt: skip
    assert rank_row(A, overlapping).better is None
    app = SideFacts(name="Gamma", rank=90, rank_low=90, rank_high=90, rank_group="apps")
    assert rank_row(A, app).better is None
