"""Structured data (JSON-LD) for pages: breadcrumbs and one SoftwareApplication per
artifact. The computed rank is our opinion, not a rating by users, so it is never
published as an AggregateRating."""

import json
from collections.abc import Sequence

from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import SafeString, mark_safe

from catalog.models import Artifact
from catalog.pricing import price_format, unit_label

# The same escapes Django's json_script uses, so that "</script>" in any editor-typed
# text can't end the block early.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def jsonld_dumps(*, data: dict | list) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False)
    # Safe: every character that could close the script element is escaped above.
    return mark_safe(text.translate(_SCRIPT_ESCAPES))


def breadcrumbs_ld(*, items: Sequence[tuple[str, str]]) -> dict:
    """items: (name, absolute url) from the home page down to this page."""
    return {
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": i, "name": name, "item": url}
            for i, (name, url) in enumerate(items, start=1)
        ],
    }


def software_application_ld(*, artifact: Artifact, url: str) -> dict:
    data = {
        "@type": "SoftwareApplication",
        "name": artifact.name,
        "url": url,
        "applicationCategory": artifact.get_kind_display(),
        "author": {"@type": "Organization", "name": artifact.vendor.name},
    }
    if artifact.summary:
        data["description"] = artifact.summary
    if artifact.homepage:
        data["sameAs"] = artifact.homepage
    if artifact.license:
        data["license"] = artifact.license
    # Offers only when a price is known: an unknown price is not a free one.
    if artifact.starting_price is not None and artifact.price_unit:
        price = f"{artifact.starting_price.normalize():f}"
        text = price_format(
            amount=artifact.starting_price,
            unit=artifact.price_unit,
            pricing_model=artifact.pricing_model,
        )
        data["offers"] = {
            "@type": "Offer",
            "price": price,
            "priceCurrency": "USD",
            "description": text.headline,
            "priceSpecification": {
                "@type": "UnitPriceSpecification",
                "price": price,
                "priceCurrency": "USD",
                "unitText": unit_label(artifact.price_unit),
            },
        }
    return data


def graph_ld(*, nodes: Sequence[dict]) -> SafeString:
    return jsonld_dumps(data={"@context": "https://schema.org", "@graph": list(nodes)})
