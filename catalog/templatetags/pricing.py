from django import template

from catalog.pricing import PriceText, price_text

register = template.Library()


@register.filter
def starting_price(artifact) -> PriceText:
    """`{% with price=artifact|starting_price %}{{ price.exact }} ({{ price.human }})`"""
    return price_text(amount=artifact.starting_price, unit=artifact.price_unit)
