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
# Freemium with no paid price on record: the free part is known, the price is not.
FREE_TIER_PRICE_UNKNOWN = "Free tier; paid price unknown"


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
    # Text-to-speech billed per character read ($15 per 1M characters for OpenAI's tts-1,
    # its pricing page, 2026): a character costs well under a tenth of a cent.
    "character": UnitDeclaration(
        "character", _MILLION, "1M characters", plausible_max=Decimal("0.001")
    ),
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


# The quantity people buy and compare, for units whose single price is too small to read
# (tokens per 1M, seconds per minute): from the declarations above.
UNIT_SCALE: dict[str, tuple[Decimal, str]] = {
    code: (declaration.scale, declaration.per)
    for code, declaration in PRICE_UNIT_DECLARATIONS.items()
    if declaration.scale != 1
}
# Prices are compared per million tokens (also the catalog's price ceiling).
TOKEN_SCALE = {unit: UNIT_SCALE[unit] for unit in ("prompt_token", "completion_token")}
# Below a dollar the headline keeps this many significant digits (and at least the cents).
SIGNIFICANT = 3


def unit_label(unit: str) -> str:
    """ "prompt_token" -> "prompt token": the label declared on PriceUnit; an unknown code
    reads as itself with spaces."""
    try:
        return str(PriceUnit(unit).label)
    except ValueError:
        declaration = PRICE_UNIT_DECLARATIONS.get(unit)
        return declaration.label if declaration else unit.replace("_", " ")


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


def amount_text(amount: Decimal) -> str:
    """The readable amount without its unit: "2.50", "16.99", "0.065" (cents kept)."""
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
        if pricing_model == PricingModel.FREEMIUM:
            return PriceText(FREE_TIER_PRICE_UNKNOWN)
        return PriceText(PRICE_UNKNOWN)
    amount = Decimal(amount)
    if amount == 0:
        return PriceText(FREE_OPEN_SOURCE if open_source else FREE, known=True, free=True)
    scale, per = unit_scale(unit)
    exact = f"${amount_exact(amount)} per {unit_label(unit)}" if scale != 1 else ""
    return PriceText(f"${amount_text(amount * scale)} / {per}", exact=exact, known=True)


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
