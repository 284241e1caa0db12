"""Admin's number and price formatting (pure functions)."""

from decimal import Decimal

import pytest

from catalog.display import (
    admin_value,
    number_two_decimals,
    price_admin_text,
    prices_admin_lines,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.4093360343955374, "0.41"),
        (0.405, "0.41"),  # binary 0.405 is just above: rounds up
        (0.404999, "0.40"),
        (0.0, "0.00"),
        (1.0, "1.00"),
        (None, "no data"),
        (Decimal("0.125"), "0.12"),  # decimals round half to even
    ],
)
def test_two_decimals(value, expected):
    assert number_two_decimals(value) == expected


def test_admin_value_formats_floats_and_trims_decimals_only():
    assert admin_value(0.30000000000000004) == "0.30"
    assert admin_value(Decimal("0.000000065000")) == "0.000000065"
    assert admin_value(True) is True
    assert admin_value(3) == 3
    assert admin_value("text") == "text"
    assert admin_value(None) is None


def test_price_admin_text_reads_like_the_site():
    # The public pages' headline, from the one formatting function.
    assert price_admin_text(amount=Decimal("0.000000065"), unit="prompt_token") == (
        "$0.065 / 1M input tokens"
    )
    assert price_admin_text(amount=Decimal(0), unit="month") == "Free"
    assert price_admin_text(amount=None, unit="month") == "Price unknown"
    assert price_admin_text(amount=None, unit="", varies=True) == "Varies by request"
    # A known figure wins over "varies".
    assert price_admin_text(amount=Decimal(0), unit="month", varies=True) == "Free"


def test_prices_admin_lines_one_per_unit_and_never_fail():
    lines = prices_admin_lines(
        prices={"prompt_token": "0.000001", "request": "varies", "image": "n/a"},
        varies_marker="varies",
    )
    assert lines == [
        "image: no data",
        "prompt token: $1 / 1M input tokens ($1.00e-6 per prompt token)",
        "request: Varies by request",
    ]
    assert prices_admin_lines(prices={}, varies_marker="varies") == []
