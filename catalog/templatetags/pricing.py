from django import template

from catalog.pricing import PriceText, price_format

register = template.Library()


@register.filter
def starting_price(artifact) -> PriceText:
    """`{% with price=artifact|starting_price %}{{ price.headline }} {{ price.exact }}`:
    the artifact's starting price through the one formatting function."""
    return price_format(
        amount=artifact.starting_price,
        unit=artifact.price_unit,
        pricing_model=artifact.pricing_model,
        varies=artifact.price_varies,
    )
