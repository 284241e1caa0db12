"""How a starting price reads: the exact per-unit form and a human form beside it.

Pure functions. Unknown (None) is "no data" and zero is "Free": the two are never
confused, because an unknown price is not a free one.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NO_DATA = "no data"
FREE = "Free"

UNIT_LABELS = {
    "prompt_token": "prompt token",
    "completion_token": "completion token",
    "image": "image",
    "second": "second",
    "request": "request",
    "month": "month",
    "seat": "seat",
}

# People compare token prices per million tokens.
TOKEN_SCALE = {
    "prompt_token": (Decimal(1_000_000), "1M input tokens"),
    "completion_token": (Decimal(1_000_000), "1M output tokens"),
}
# The human form rescales tiny unit prices to the quantity people actually buy.
_HUMAN_SCALE = {
    **TOKEN_SCALE,
    "second": (Decimal(60), "minute"),
    "image": (Decimal(1), "image"),
    "request": (Decimal(1), "request"),
    "month": (Decimal(1), "month"),
    "seat": (Decimal(1), "seat"),
}


@dataclass(frozen=True)
class PriceText:
    exact: str
    human: str
    known: bool
    free: bool


def _three_significant(amount: Decimal) -> str:
    if amount < Decimal("0.001"):
        mantissa, exponent = f"{amount:.2e}".split("e")
        return f"{mantissa}e{int(exponent)}"
    digits = max(0, 2 - amount.adjusted())
    return f"{amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"


def _human_amount(amount: Decimal) -> str:
    if amount >= 1:
        text = f"{amount.quantize(Decimal('0.01'), rounding=ROUND_HALF_UP):f}"
        return text.removesuffix(".00")
    # Up to three significant digits below a dollar, without trailing zeros.
    digits = max(2, 2 - amount.adjusted())
    text = f"{amount.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def price_text(*, amount: Decimal | None, unit: str) -> PriceText:
    if amount is None or unit not in UNIT_LABELS:
        return PriceText(exact=NO_DATA, human="", known=False, free=False)
    amount = Decimal(amount)
    if amount == 0:
        return PriceText(exact=FREE, human="", known=True, free=True)
    scale, per = _HUMAN_SCALE[unit]
    return PriceText(
        exact=f"${_three_significant(amount)} per {UNIT_LABELS[unit]}",
        human=f"${_human_amount(amount * scale)} / {per}",
        known=True,
        free=False,
    )


def price_compare(*, a: tuple[Decimal | None, str], b: tuple[Decimal | None, str]) -> int | None:
    """-1 if a is cheaper, 1 if b is, 0 if equal; None when they can't be compared
    (a price is unknown, or the units differ: a token is not an image)."""
    (amount_a, unit_a), (amount_b, unit_b) = a, b
    if amount_a is None or amount_b is None or unit_a != unit_b or not unit_a:
        return None
    return (amount_a > amount_b) - (amount_a < amount_b)
