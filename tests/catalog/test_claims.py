"""Claims computed from the catalog: pure rules, no database."""

from decimal import Decimal

import pytest

from catalog.claims import (
    ModelFacts,
    claims_compute,
    per_million,
    set_name,
    standing,
    tokens_short,
)

TEXT = frozenset({"text"})


def _model(pk: int, price: str | None = None, context: int | None = None, **extra) -> ModelFacts:
    return ModelFacts(
        id=pk,
        inputs=extra.pop("inputs", TEXT),
        outputs=extra.pop("outputs", TEXT),
        input_price=None if price is None else Decimal(price),
        context_length=context,
        **extra,
    )


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (999, "999"),
        (1_000, "1K"),
        (131_072, "131K"),
        (65_536, "65.5K"),
        (999_999, "1000K"),
        (1_000_000, "1M"),
        (1_050_000, "1.05M"),
    ],
)
def test_tokens_short(count, text):
    assert tokens_short(count) == text


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        ("0.0000025", "$2.50"),
        ("0.000015", "$15"),
        ("0.000000065", "$0.065"),
        ("0.000001", "$1"),
        ("0.00000099", "$0.99"),
    ],
)
def test_per_million_keeps_cents_and_never_uses_exponents(amount, text):
    assert per_million(Decimal(amount)) == text


def test_set_names_say_what_the_models_read_and_write():
    assert set_name(writes=TEXT) == "models that write text"
    assert (
        set_name(reads=frozenset({"image"}), writes=TEXT)
        == "models that read images and write text"
    )
    assert (
        set_name(reads=frozenset({"image", "text", "video"}), writes=frozenset({"embedding"}))
        == "models that read images, text and video and write embeddings"
    )


def test_standing_counts_strictly_better_and_worse():
    place = standing(value=2, values=[1, 2, 2, 3], lower_is_better=True)
    assert (place.n, place.better, place.worse, place.rank) == (4, 1, 1, 2)
    assert place.top_percent == 50
    high = standing(value=2, values=[1, 2, 2, 3], lower_is_better=False)
    assert (high.better, high.worse) == (1, 1)


@pytest.mark.parametrize(
    ("rank", "n", "percent"), [(1, 100, 1), (5, 100, 5), (6, 100, 6), (1, 3, 34)]
)
def test_top_percent_rounds_up_at_the_boundary(rank, n, percent):
    values = list(range(n))
    place = standing(value=rank - 1, values=values, lower_is_better=True)
    assert place.top_percent == percent


def test_the_cheapest_of_several_is_called_lowest_with_its_set_and_median():
    catalog = [_model(1, "0.000001"), _model(2, "0.000002"), _model(3, "0.000004")]
    claims = claims_compute(model=catalog[0], titles=["Text generation"], catalog=catalog)
    assert claims["Text generation"].vs_alternatives == (
        "Lowest input price among the 3 published models that write text "
        "($1 per 1M input tokens; median $2)"
    )
    assert "rank 1 of 3 (1 = cheapest)" in claims["Text generation"].basis


def test_a_tie_for_cheapest_is_not_lowest():
    catalog = [_model(1, "0.000001"), _model(2, "0.000001"), _model(3, "0.000004")]
    line = claims_compute(model=catalog[0], titles=["Text generation"], catalog=catalog)[
        "Text generation"
    ].vs_alternatives
    assert line.startswith("Input price in the cheapest 34% of the 3 published")


def test_the_dearest_is_called_highest_and_the_upper_half_most_expensive():
    catalog = [_model(pk, f"0.00000{pk}") for pk in range(1, 6)]
    claims = {
        m.id: claims_compute(model=m, titles=["Text generation"], catalog=catalog)[
            "Text generation"
        ].vs_alternatives
        for m in catalog
    }
    assert claims[5].startswith("Highest input price among the 5 published")
    assert claims[3].startswith("Input price in the cheapest 60%") is False
    assert claims[3].startswith("Input price in the most expensive 60% of the 5")
    assert claims[2].startswith("Input price in the cheapest 40% of the 5")


def test_no_price_claim_with_fewer_than_two_prices_or_an_unknown_price():
    alone = [_model(1, "0.000001"), _model(2, None)]
    assert "Text generation" not in claims_compute(
        model=alone[0], titles=["Text generation"], catalog=alone
    )
    assert "Text generation" not in claims_compute(
        model=alone[1], titles=["Text generation"], catalog=alone
    )


def test_the_model_itself_counts_once_whether_or_not_it_is_in_the_catalog():
    others = [_model(2, "0.000002"), _model(3, "0.000004")]
    me = _model(1, "0.000001")
    with_me = claims_compute(model=me, titles=["Text generation"], catalog=[me, *others])
    without = claims_compute(model=me, titles=["Text generation"], catalog=others)
    assert with_me == without


def test_context_window_claim_names_its_set_and_median():
    catalog = [_model(pk, context=c) for pk, c in enumerate([8_000, 128_000, 1_050_000], 1)]
    line = claims_compute(model=catalog[2], titles=["Long context"], catalog=catalog)[
        "Long context"
    ].vs_alternatives
    assert line == (
        "Context window in the top 34% of the 3 published models that write text "
        "(1.05M tokens; median 128K)"
    )


def test_a_supported_feature_states_the_share_lacking_it():
    def supports(pk: int, value):
        return _model(pk, supports={"structured_output": value})

    catalog = [supports(1, True), supports(2, False), supports(3, None), supports(4, True)]
    claims = claims_compute(model=catalog[0], titles=["Structured output"], catalog=catalog)
    assert claims["Structured output"].unique == (
        "Supports structured output, which 33% of the 3 published models that write text that "
        "list their features do not"
    )
    # No claim for a model the source does not say supports it.
    assert claims_compute(model=catalog[1], titles=["Structured output"], catalog=catalog) == {}


def test_any_other_capability_counts_the_models_sharing_it():
    rerank = frozenset({"Reranking"})
    catalog = [
        _model(1, outputs=frozenset(), titles=rerank),
        _model(2, outputs=frozenset(), titles=rerank),
        _model(3),
    ]
    claims = claims_compute(model=catalog[0], titles=["Reranking"], catalog=catalog)
    assert claims["Reranking"].unique == "One of 2 published models with reranking in the catalog"
    alone = claims_compute(model=catalog[0], titles=["Reranking"], catalog=catalog[:1])
    assert alone["Reranking"].unique == (
        "The only published one of the models with reranking in the catalog"
    )
