"""How a price reads, on every page: one formatting function for cards, facts tables,
verdict sentences, admin and structured data.

Pure functions over decimals and unit codes. The headline is always the readable form,
rescaled to the quantity people buy (`$0.065 / 1M input tokens`, `$16.99 / month`,
`$0.05 / image`), never in scientific notation, cents kept. The exact per-unit form of the
seed page (`$6.50e-8 per prompt token`, three significant digits) is only given where the
headline was rescaled, to sit beside it. Unknown (None) is "Price unknown" and zero is
"Free": the two are never confused, because an unknown price is not a free one.

Unit labels are declared once, on `catalog.models.PriceUnit`.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from catalog.models import PriceUnit, PricingModel

NO_DATA = "no data"
PRICE_UNKNOWN = "Price unknown"
FREE = "Free"
FREE_OPEN_SOURCE = "Free (open source)"
VARIES = "Varies by request"

# The quantity people buy and compare, for units whose single price is too small to read.
UNIT_SCALE: dict[str, tuple[Decimal, str]] = {
    PriceUnit.PROMPT_TOKEN: (Decimal(1_000_000), "1M input tokens"),
    PriceUnit.COMPLETION_TOKEN: (Decimal(1_000_000), "1M output tokens"),
    PriceUnit.SECOND: (Decimal(60), "minute"),
}
# Prices are compared per million tokens (also the catalog's price ceiling).
TOKEN_SCALE = {
    unit: UNIT_SCALE[unit] for unit in (PriceUnit.PROMPT_TOKEN, PriceUnit.COMPLETION_TOKEN)
}
# Below a dollar the headline keeps this many significant digits (and at least the cents).
SIGNIFICANT = 3


def unit_label(unit: str) -> str:
    """ "prompt_token" -> "prompt token": the label declared on PriceUnit; an unknown code
    reads as itself with spaces."""
    try:
        return str(PriceUnit(unit).label)
    except ValueError:
        return unit.replace("_", " ")


def unit_scale(unit: str) -> tuple[Decimal, str]:
    """(how many units a headline price is for, what that quantity is called):
    (1000000, "1M input tokens") for prompt tokens, (1, "image") for images."""
    return UNIT_SCALE.get(unit, (Decimal(1), unit_label(unit)))


@dataclass(frozen=True)
class PriceText:
    headline: str  # the readable form, shown first everywhere
    exact: str = ""  # the exact per-unit form, only where the headline is rescaled
    known: bool = False  # a price (or "free") is on record
    free: bool = False

    def __str__(self) -> str:
        return self.headline


def amount_readable(amount: Decimal) -> Decimal:
    """The amount as the headline shows it: cents from $1 up, else three significant digits
    (never fewer than two decimals). Two prices that read the same are equal here."""
    amount = Decimal(amount)
    if amount == 0:
        return Decimal(0)
    places = 2 if amount >= 1 else max(2, SIGNIFICANT - 1 - amount.adjusted())
    rounded = amount.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if rounded >= 1 and places > 2:  # 0.9995 rounds up to a dollar: show it as one
        rounded = rounded.quantize(Decimal("0.01"))
    return rounded


def _amount_text(amount: Decimal) -> str:
    rounded = amount_readable(amount)
    if rounded >= 1:
        text = f"{rounded:.2f}"
        return text.removesuffix(".00")
    text = f"{rounded:f}"
    # Trailing zeros beyond the cents add nothing: 0.00500 reads 0.005, 0.50 stays.
    whole, _, decimals = text.partition(".")
    decimals = decimals.rstrip("0").ljust(2, "0")
    return f"{whole}.{decimals}"


def amount_exact(amount: Decimal) -> str:
    """Three significant digits, scientific below a tenth of a cent: "6.50e-8", "0.0500"."""
    amount = Decimal(amount)
    if amount < Decimal("0.001"):
        mantissa, exponent = f"{amount:.2e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    digits = max(0, SIGNIFICANT - 1 - amount.adjusted())
    return f"{amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"


def price_format(
    *,
    amount: Decimal | None,
    unit: str,
    pricing_model: str = "",
    varies: bool = False,
) -> PriceText:
    """The one way a price reads. `amount` is US dollars per `unit` (a PriceUnit code) or
    None when unknown; `pricing_model` a PricingModel code (an open-source artifact with
    no price is "Free (open source)"); `varies` when the source prices it per request with
    no fixed figure. Never raises on an unknown unit: it reads as its code."""
    open_source = pricing_model == PricingModel.OPEN_SOURCE
    if amount is None or not unit:
        if varies:
            return PriceText(VARIES)
        if open_source:
            return PriceText(FREE_OPEN_SOURCE, known=True, free=True)
        if pricing_model == PricingModel.FREE:
            return PriceText(FREE, known=True, free=True)
        return PriceText(PRICE_UNKNOWN)
    amount = Decimal(amount)
    if amount == 0:
        return PriceText(FREE_OPEN_SOURCE if open_source else FREE, known=True, free=True)
    scale, per = unit_scale(unit)
    exact = f"${amount_exact(amount)} per {unit_label(unit)}" if scale != 1 else ""
    return PriceText(f"${_amount_text(amount * scale)} / {per}", exact=exact, known=True)


def price_compare(*, a: tuple[Decimal | None, str], b: tuple[Decimal | None, str]) -> int | None:
    """-1 if a is cheaper, 1 if b is, 0 if they read the same; None when they can't be
    compared (a price is unknown, or the units differ: a token is not an image). Compared
    as the headline shows them, so two prices that read alike are never called different."""
    (amount_a, unit_a), (amount_b, unit_b) = a, b
    if amount_a is None or amount_b is None or unit_a != unit_b or not unit_a:
        return None
    scale, _ = unit_scale(unit_a)
    shown_a = amount_readable(Decimal(amount_a) * scale)
    shown_b = amount_readable(Decimal(amount_b) * scale)
    return (shown_a > shown_b) - (shown_a < shown_b)
