from decimal import Decimal

import pytest

from catalog.pricing import price_compare, price_text


@pytest.mark.parametrize(
    ("amount", "unit", "exact", "human"),
    [
        ("0.000000065", "prompt_token", "$6.50e-8 per prompt token", "$0.065 / 1M input tokens"),
        ("0.0000025", "prompt_token", "$2.50e-6 per prompt token", "$2.50 / 1M input tokens"),
        ("0.00001", "completion_token", "$1.00e-5 per completion token", "$10 / 1M output tokens"),
        ("0.04", "image", "$0.0400 per image", "$0.04 / image"),
        ("0.05", "image", "$0.0500 per image", "$0.05 / image"),
        ("20", "month", "$20.0 per month", "$20 / month"),
        ("16.99", "month", "$17.0 per month", "$16.99 / month"),
        ("0.0000717", "second", "$7.17e-5 per second", "$0.0043 / minute"),
        ("19", "seat", "$19.0 per seat", "$19 / seat"),
        ("0.005", "request", "$0.00500 per request", "$0.005 / request"),
    ],
)
def test_exact_and_human_forms(amount, unit, exact, human):
    text = price_text(amount=Decimal(amount), unit=unit)
    assert (text.exact, text.human) == (exact, human)
    assert text.known and not text.free


def test_unknown_is_no_data_never_free():
    text = price_text(amount=None, unit="")
    assert text.exact == "no data"
    assert not text.known and not text.free


def test_zero_is_free():
    text = price_text(amount=Decimal("0"), unit="month")
    assert text.exact == "Free" and text.free


def test_prices_compare_only_on_the_same_unit():
    cheap, dear = (Decimal("0.01"), "image"), (Decimal("0.05"), "image")
    assert price_compare(a=cheap, b=dear) == -1
    assert price_compare(a=dear, b=cheap) == 1
    assert price_compare(a=cheap, b=cheap) == 0
    assert price_compare(a=cheap, b=(Decimal("0.000001"), "prompt_token")) is None
    assert price_compare(a=cheap, b=(None, "")) is None
