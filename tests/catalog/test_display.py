"""Admin's number and price formatting (pure functions)."""

from decimal import Decimal

import pytest

from catalog.display import (
    admin_value,
    number_two_decimals,
    price_admin_text,
    prices_admin_lines,
)
from catalog.pricing import price_text


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
    # The public pages' words: the human form when there is one, else the exact one.
    per_token = price_text(amount=Decimal("0.000000065"), unit="prompt_token")
    assert per_token.human
    assert price_admin_text(amount=Decimal("0.000000065"), unit="prompt_token") == (per_token.human)
    assert (
        price_admin_text(amount=Decimal(0), unit="month")
        == price_text(amount=Decimal(0), unit="month").exact
    )
    assert price_admin_text(amount=None, unit="month") == "no data"
    assert price_admin_text(amount=None, unit="", varies=True) == "varies by request"
    # A known figure wins over "varies".
    assert price_admin_text(amount=Decimal(0), unit="month", varies=True) == "Free"


def test_prices_admin_lines_one_per_unit_and_never_fail():
    lines = prices_admin_lines(
        prices={"prompt_token": "0.000001", "request": "varies", "image": "n/a"},
        varies_marker="varies",
    )
    per_token = price_text(amount=Decimal("0.000001"), unit="prompt_token")
    assert lines == [
        "image: no data",
        f"prompt token: {per_token.exact} ({per_token.human})",
        "request: varies by request",
    ]
    assert prices_admin_lines(prices={}, varies_marker="varies") == []
