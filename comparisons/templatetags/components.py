"""Django-template access to the components written in Jinja2 (config/jinja2.py says why).

Each component has one template under `templates/jinja2/components/`, which both the
Jinja2 page bodies and the Django-template pages render.
"""

from collections.abc import Sequence

from django import template
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString

from catalog.models import Artifact
from config.jinja2 import component_render, layout_render

register = template.Library()


@register.simple_tag
def compare_picker(
    picker_id: str, fixed: Artifact | None = None, a_value: str = "", b_value: str = ""
) -> SafeString:
    """`{% compare_picker "home-compare" %}`: the form that picks two artifacts to compare
    (`picker_id` unique on the page), or only the second one when `fixed` is given;
    `a_value` and `b_value` refill what a visitor typed."""
    return component_render(
        "compare_picker",
        {"picker_id": picker_id, "fixed": fixed, "a_value": a_value, "b_value": b_value},
    )


@register.simple_tag
def pair_list(links: Sequence, grid: bool = False) -> SafeString:
    """`{% pair_list links grid=True %}`: comparison links (PairLink objects), as cards
    where `grid`."""
    return component_render("pair_list", {"links": links, "grid": grid})


class SiteLayoutNode(template.Node):
    """`{% site_layout %}{% block title %}...{% endblock %}...{% end_site_layout %}`: the
    site's layout (the Jinja2 template layout.html) around the blocks inside, each rendered
    as Django renders a block (a page's own version first) and given to the layout under
    its name: title, description, head, content."""

    child_nodelists = ("nodelist",)  # so that {% extends %} finds the blocks inside

    def __init__(self, nodelist: template.NodeList) -> None:
        self.nodelist = nodelist

    def render(self, context: template.Context) -> SafeString:
        blocks = {
            node.name: node.render(context) for node in self.nodelist if isinstance(node, BlockNode)
        }
        return layout_render(blocks)


@register.tag
def site_layout(parser: template.base.Parser, token: template.base.Token) -> SiteLayoutNode:
    nodelist = parser.parse(("end_site_layout",))
    parser.delete_first_token()
    return SiteLayoutNode(nodelist)
