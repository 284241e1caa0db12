"""How a starting price reads: the exact per-unit form and a human form beside it.

Pure functions. Unknown (None) is "no data" and zero is "Free": the two are never
confused, because an unknown price is not a free one.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

NO_DATA = "no data"
FREE = "Free"


@dataclass(frozen=True)
class UnitDeclaration:
    """One unit a price can be charged in.

    `label` names one unit ("input token"); `scale` and `per` give the quantity people buy
    (1,000,000 and "1M input tokens"); a price is plausible for the unit when
    `plausible_min <= amount <= plausible_max` (US dollars per one unit). The bounds come
    from the prices vendors publish: no token costs more than $0.001 (o1-pro's output
    token, the dearest in OpenRouter's catalog of 2026-08-19, is $0.0006), and a
    per-image price below $0.0001 is a per-token price under the wrong name.
    """

    label: str
    scale: Decimal
    per: str
    plausible_min: Decimal = Decimal(0)
    plausible_max: Decimal = Decimal(1000)
    per_token: bool = False


_TOKEN_MAX = Decimal("0.001")
_MILLION = Decimal(1_000_000)


def _token(label: str, per: str) -> UnitDeclaration:
    return UnitDeclaration(label, _MILLION, per, plausible_max=_TOKEN_MAX, per_token=True)


# Every unit a stored price may have; the one declaration importers, facts rows and
# formatting use. Keys are the values of Artifact.price_unit and ArtifactPrice.unit.
PRICE_UNIT_DECLARATIONS: dict[str, UnitDeclaration] = {
    "prompt_token": _token("input token", "1M input tokens"),
    "completion_token": _token("output token", "1M output tokens"),
    "cached_input_token": _token("cached input token", "1M cached input tokens"),
    "cache_write_token": _token("cache write token", "1M cache write tokens"),
    "cache_write_1h_token": _token("1-hour cache write token", "1M 1-hour cache write tokens"),
    "reasoning_token": _token("reasoning token", "1M reasoning tokens"),
    "audio_input_token": _token("audio input token", "1M audio input tokens"),
    "audio_output_token": _token("audio output token", "1M audio output tokens"),
    "cached_audio_input_token": _token("cached audio input token", "1M cached audio tokens"),
    "image_token": _token("image token", "1M image tokens"),
    "output_image_token": _token("output image token", "1M output image tokens"),
    "input_image": UnitDeclaration(
        "input image", Decimal(1), "input image", Decimal("0.0001"), Decimal(10)
    ),
    "image": UnitDeclaration("image", Decimal(1), "image", Decimal("0.0001"), Decimal(10)),
    "request": UnitDeclaration("request", Decimal(1), "request", Decimal(0), Decimal(100)),
    "web_search": UnitDeclaration("web search", Decimal(1), "web search", Decimal(0), Decimal(1)),
    "second": UnitDeclaration("second", Decimal(60), "minute", Decimal(0), Decimal(10)),
    "month": UnitDeclaration("month", Decimal(1), "month"),
    "seat": UnitDeclaration("seat", Decimal(1), "seat"),
}


def price_plausible(*, amount: Decimal, unit: str) -> bool:
    """Whether `amount` (US dollars per one `unit`) is a believable price for that unit.
    An undeclared unit is never plausible. Zero is plausible (free)."""
    declaration = PRICE_UNIT_DECLARATIONS.get(unit)
    if declaration is None:
        return False
    if amount == 0:
        return True
    return declaration.plausible_min <= amount <= declaration.plausible_max


UNIT_LABELS = {
    "prompt_token": "prompt token",
    "completion_token": "completion token",
    "image": "image",
    "second": "second",
    "request": "request",
    "month": "month",
    "seat": "seat",
    "output_image_token": "output image token",
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
    "output_image_token": (Decimal(1_000_000), "1M output image tokens"),
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
