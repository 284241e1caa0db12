"""How admin shows numbers and prices: two decimals, and prices as the public site writes them.

Pure functions (no database). The public pages format prices with `catalog.pricing`; admin
calls the same functions so that an editor reads the figure a visitor will read.
"""

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from catalog.pricing import NO_DATA, VARIES, price_format

PRICE_VARIES_TEXT = VARIES


def number_two_decimals(value: float | Decimal | None) -> str:
    """A score component, weight or rate with exactly two decimals (0.4093… -> "0.41");
    None (unknown) -> "no data", never "0.00"."""
    if value is None:
        return NO_DATA
    return f"{value:.2f}"


def admin_value(value: object) -> object:
    """Any value admin prints (a history diff, a read-only field): floats get two decimals,
    decimals lose their padding zeros ("0.000000065000" -> "0.000000065"); the rest as is."""
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return number_two_decimals(value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value.is_finite() else str(value)
    return value


def price_admin_text(*, amount: Decimal | None, unit: str, varies: bool = False) -> str:
    """The starting price exactly as the site's headline reads it ("$0.10 / 1M input
    tokens", "$0.04 / image", "Free", "Price unknown"); `varies` (priced per request)
    reads "Varies by request" when no figure is known."""
    return price_format(amount=amount, unit=unit, varies=varies).headline


def prices_admin_lines(*, prices: Mapping[str, object], varies_marker: str) -> list[str]:
    """An import's full price list ({"prompt_token": "0.000000065", ...}), one line per unit
    in the site's words ("prompt token: $0.065 / 1M input tokens ($6.50e-8 per prompt
    token)"). A value that is not a number reads "no data" rather than failing."""
    lines = []
    for unit, raw in sorted(prices.items()):
        if raw == varies_marker:
            lines.append(f"{unit.replace('_', ' ')}: {PRICE_VARIES_TEXT}")
            continue
        try:
            amount: Decimal | None = Decimal(str(raw))
        except InvalidOperation:
            amount = None
        if amount is not None and not amount.is_finite():
            amount = None
        if amount is None:
            reading = NO_DATA
        else:
            text = price_format(amount=amount, unit=unit)
            reading = f"{text.headline} ({text.exact})" if text.exact else text.headline
        lines.append(f"{unit.replace('_', ' ')}: {reading}")
    return lines
