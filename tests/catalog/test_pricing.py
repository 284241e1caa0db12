"""The one price formatting function, as pure functions: no database."""

import re
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from catalog.models import PriceUnit
from catalog.pricing import (
    UnitDeclaration,
    _token,
    amount_exact,
    amount_readable,
    price_compare,
    price_format,
    price_plausible,
    unit_label,
    unit_scale,
)


@pytest.mark.parametrize(
    ("amount", "unit", "headline", "exact"),
    [
        ("0.000000065", "prompt_token", "$0.065 / 1M input tokens", "$6.50e-8 per prompt token"),
        ("0.0000025", "prompt_token", "$2.50 / 1M input tokens", "$2.50e-6 per prompt token"),
        ("0.00001", "completion_token", "$10 / 1M output tokens", "$1.00e-5 per completion token"),
        ("0.0000005", "prompt_token", "$0.50 / 1M input tokens", "$5.00e-7 per prompt token"),
        ("0.1", "prompt_token", "$100000 / 1M input tokens", "$0.100 per prompt token"),
        ("0.0000717", "second", "$0.0043 / minute", "$7.17e-5 per second"),
        # Units bought one at a time read as they are: no second form beside them.
        ("0.04", "image", "$0.04 / image", ""),
        ("0.05", "image", "$0.05 / image", ""),
        ("20", "month", "$20 / month", ""),
        ("16.99", "month", "$16.99 / month", ""),
        ("19", "seat", "$19 / seat", ""),
        ("0.005", "request", "$0.005 / request", ""),
        ("0.5", "request", "$0.50 / request", ""),
        ("0.9996", "request", "$1 / request", ""),
        ("1.005", "month", "$1.01 / month", ""),
    ],
)
def test_headline_is_readable_and_the_exact_form_sits_beside_rescaled_ones(
    amount, unit, headline, exact
):
    text = price_format(amount=Decimal(amount), unit=unit)
    assert (text.headline, text.exact) == (headline, exact)
    assert text.known and not text.free
    assert str(text) == headline


def test_unknown_is_price_unknown_never_free_nor_paid():
    text = price_format(amount=None, unit="", pricing_model="paid")
    assert (text.headline, text.exact, text.known, text.free) == ("Price unknown", "", False, False)


def test_open_source_without_a_price_is_free_open_source():
    text = price_format(amount=None, unit="", pricing_model="open_source")
    assert (text.headline, text.known, text.free) == ("Free (open source)", True, True)
    zero = price_format(amount=Decimal(0), unit="month", pricing_model="open_source")
    assert zero.headline == "Free (open source)"


def test_zero_is_free_and_free_model_without_price_is_free():
    assert price_format(amount=Decimal("0"), unit="month").headline == "Free"
    assert price_format(amount=Decimal("0"), unit="month").free
    assert price_format(amount=None, unit="", pricing_model="free").headline == "Free"


def test_a_price_set_per_request_varies():
    text = price_format(amount=None, unit="", pricing_model="paid", varies=True)
    assert (text.headline, text.known, text.free) == ("Varies by request", False, False)
    # A fixed figure wins over "varies".
    fixed = price_format(amount=Decimal("0.01"), unit="request", varies=True)
    assert fixed.headline == "$0.01 / request"


def test_unit_labels_come_from_the_one_declaration():
    for unit in PriceUnit:
        assert unit_label(unit.value) == unit.label
    assert unit_label("web_search") == "web search"
    assert unit_scale("image") == (Decimal(1), "image")
    assert price_format(amount=Decimal("0.01"), unit="web_search").headline == (
        "$0.01 / web search"
    )


def test_prices_compare_only_on_the_same_unit():
    cheap, dear = (Decimal("0.01"), "image"), (Decimal("0.05"), "image")
    assert price_compare(a=cheap, b=dear) == -1
    assert price_compare(a=dear, b=cheap) == 1
    assert price_compare(a=cheap, b=cheap) == 0
    assert price_compare(a=cheap, b=(Decimal("0.000001"), "prompt_token")) is None
    assert price_compare(a=cheap, b=(None, "")) is None
    assert price_compare(a=(None, ""), b=cheap) is None


def test_prices_that_read_the_same_are_equal():
    # $0.0651 and $0.06506 per 1M both read "$0.0651": neither is called cheaper.
    a = (Decimal("0.0000000651"), "prompt_token")
    b = (Decimal("0.00000006506"), "prompt_token")
    assert price_format(amount=a[0], unit=a[1]).headline == (
        price_format(amount=b[0], unit=b[1]).headline
    )
    assert price_compare(a=a, b=b) == 0
    # One digit more apart, and they differ.
    assert price_compare(a=a, b=(Decimal("0.0000000652"), "prompt_token")) == -1


# --- the round trip ----------------------------------------------------------------------

_HEADLINE = re.compile(r"^\$(?P<amount>[0-9]+(?:\.[0-9]+)?) / (?P<per>.+)$")
_EXACT = re.compile(r"^\$(?P<amount>[0-9.]+(?:e-?[0-9]+)?) per (?P<unit>.+)$")
UNITS = [unit.value for unit in PriceUnit]
# Stored prices have 12 decimal places and stay under a million dollars.
stored_amounts = st.decimals(
    min_value=Decimal("0.000000000001"),
    max_value=Decimal("999999"),
    places=12,
    allow_nan=False,
    allow_infinity=False,
)


def _parse_headline(text: str, unit: str) -> Decimal:
    """The amount the headline shows, per the quantity it names (1M tokens, a minute...)."""
    match = _HEADLINE.match(text)
    assert match, text
    _, per = unit_scale(unit)
    assert match["per"] == per
    assert "e" not in match["amount"]
    return Decimal(match["amount"])


@given(amount=stored_amounts, unit=st.sampled_from(UNITS))
def test_the_headline_round_trips_its_value(amount, unit):
    text = price_format(amount=amount, unit=unit)
    shown = _parse_headline(text.headline, unit)
    scale, _ = unit_scale(unit)
    # It reads back as the value rounded to what is shown...
    assert shown == amount_readable(amount * scale)
    # ...within half a unit of the last digit shown (three significant digits or cents)...
    last_digit = Decimal(1).scaleb(shown.as_tuple().exponent)
    assert abs(shown - amount * scale) <= last_digit / 2
    # ...and formatting what it reads gives the same words: nothing drifts.
    if scale == 1:
        assert price_format(amount=shown, unit=unit).headline == text.headline
        assert price_compare(a=(amount, unit), b=(shown, unit)) == 0


@given(
    mantissa=st.integers(min_value=1, max_value=999),
    exponent=st.integers(min_value=-9, max_value=3),
    unit=st.sampled_from(UNITS),
)
def test_a_price_with_three_significant_digits_round_trips_exactly(mantissa, exponent, unit):
    scale, _ = unit_scale(unit)
    shown = Decimal(mantissa).scaleb(exponent)
    if shown >= 1:
        shown = shown.quantize(Decimal("0.01"))
    amount = shown / scale
    if amount * scale != shown:
        return  # not a whole number of units (a third of a cent per second): no exact trip
    assert _parse_headline(price_format(amount=amount, unit=unit).headline, unit) == shown


@given(amount=stored_amounts, unit=st.sampled_from(["prompt_token", "completion_token", "second"]))
def test_the_exact_form_keeps_three_significant_digits(amount, unit):
    match = _EXACT.match(price_format(amount=amount, unit=unit).exact)
    assert match and match["unit"] == unit_label(unit)
    shown = Decimal(match["amount"])
    assert abs(shown - amount) <= amount * Decimal("0.005") + Decimal("1e-15")


def test_admin_lists_the_same_headline():
    from django.contrib.admin.sites import site

    from catalog.models import Artifact

    admin = site._registry[Artifact]
    priced = Artifact(starting_price=Decimal("16.99"), price_unit="month")
    assert admin.price_display(priced) == "$16.99 / month"
    assert admin.price_display(Artifact(starting_price=None, price_unit="")) == "Price unknown"


def test_freemium_without_a_price_says_what_is_known():
    from catalog.pricing import price_format

    text = price_format(amount=None, unit="", pricing_model="freemium")
    assert text.headline == "Free tier; paid price unknown"
    assert not text.known and not text.free
    assert price_format(amount=None, unit="", pricing_model="paid").headline == "Price unknown"


# --- what mutation testing found untested -------------------------------------------------


def test_a_unit_declared_here_but_not_on_price_unit_reads_its_declared_label():
    # Not a PriceUnit choice: the label comes from the declaration, not from the code.
    assert unit_label("cache_write_1h_token") == "1-hour cache write token"
    assert unit_label("cached_input_token") == "cached input token"
    # Declared nowhere: the code with spaces, never an error.
    assert unit_label("gpu_hour") == "gpu hour"
    assert price_format(amount=Decimal("2"), unit="gpu_hour").headline == "$2 / gpu hour"


def test_token_declarations_are_per_million_and_at_most_a_tenth_of_a_cent():
    assert _token("input token", "1M input tokens") == UnitDeclaration(
        label="input token",
        scale=Decimal(1_000_000),
        per="1M input tokens",
        plausible_min=Decimal(0),
        plausible_max=Decimal("0.001"),
        per_token=True,
    )


@pytest.mark.parametrize(
    ("amount", "unit", "plausible"),
    [
        ("0", "prompt_token", True),
        ("0.001", "prompt_token", True),  # the dearest a token may be, exactly
        ("0.0010001", "prompt_token", False),
        ("0.000000001", "prompt_token", True),
        ("0.0001", "image", True),  # the cheapest an image may be, exactly
        ("0.0000999", "image", False),  # a per-token price under the wrong name
        ("10", "image", True),
        ("10.01", "image", False),
        ("0", "image", True),  # free is plausible even below the minimum
        ("1000", "month", True),
        ("1000.01", "month", False),
        ("0.01", "no_such_unit", False),
        ("0", "no_such_unit", False),
    ],
)
def test_a_price_is_plausible_only_within_its_units_bounds(amount, unit, plausible):
    assert price_plausible(amount=Decimal(amount), unit=unit) is plausible


def test_a_free_pricing_model_without_a_price_is_known_and_free():
    text = price_format(amount=None, unit="", pricing_model="free")
    assert (text.headline, text.exact, text.known, text.free) == ("Free", "", True, True)


def test_zero_is_a_known_free_price():
    text = price_format(amount=Decimal(0), unit="month")
    assert (text.headline, text.exact, text.known, text.free) == ("Free", "", True, True)
    text = price_format(amount=Decimal(0), unit="prompt_token", pricing_model="open_source")
    assert (text.headline, text.exact, text.known, text.free) == (
        "Free (open source)",
        "",
        True,
        True,
    )


def test_an_amount_without_a_unit_or_a_unit_without_an_amount_is_unknown():
    for amount, unit in ((Decimal(5), ""), (None, "month")):
        text = price_format(amount=amount, unit=unit)
        assert (text.headline, text.known, text.free) == ("Price unknown", False, False)


def test_free_is_cheaper_than_any_price_on_the_same_unit():
    assert amount_readable(Decimal(0)) == Decimal(0)
    free, paid = (Decimal(0), "image"), (Decimal("0.5"), "image")
    assert price_compare(a=free, b=paid) == -1
    assert price_compare(a=paid, b=free) == 1


def test_just_under_a_dollar_reads_as_a_dollar_in_cents():
    # Rounded up to a dollar, the amount is given in cents like every amount from $1 up.
    assert str(amount_readable(Decimal("0.9995"))) == "1.00"
    assert str(amount_readable(Decimal("0.99995"))) == "1.00"
    assert str(amount_readable(Decimal("0.9994"))) == "0.999"


@pytest.mark.parametrize(
    ("amount", "exact"),
    [
        ("0.001", "0.00100"),  # a tenth of a cent exactly: not yet scientific
        ("0.000999", "9.99e-4"),
        ("0.01245", "0.0125"),  # half-way rounds up, not to the even digit
        ("0.01235", "0.0124"),
        ("123.4", "123"),  # three significant digits, no decimal point
        ("1234.5", "1235"),
        ("12.34", "12.3"),
    ],
)
def test_the_exact_form_at_its_boundaries(amount, exact):
    assert amount_exact(Decimal(amount)) == exact
