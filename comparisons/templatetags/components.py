"""Django-template access to the components written in Jinja2 (config/jinja2.py says why).

Each component has one template under `templates/jinja2/components/`, which both the
Jinja2 comparison page and the Django-template pages render.
"""

from collections.abc import Sequence

from django import template
from django.template import engines
from django.utils.safestring import SafeString, mark_safe

from comparisons.compare.charts import ScoreChart

register = template.Library()


def component_render(name: str, context: dict) -> SafeString:
    """The Jinja2 template `components/<name>.html` rendered with `context` (autoescaped).

    Raises jinja2.TemplateNotFound for an unknown name, jinja2.UndefinedError when the
    template reads a name `context` lacks."""
    html = engines["jinja2"].get_template(f"components/{name}.html").render(context)
    return mark_safe(html)


@register.simple_tag
def score_chart(chart: ScoreChart) -> SafeString:
    """`{% score_chart chart %}`: the score breakdown figure (SVG and the same as a table)."""
    return component_render("score_chart", {"chart": chart})


@register.simple_tag
def pair_list(links: Sequence, grid: bool = False) -> SafeString:
    """`{% pair_list links grid=True %}`: comparison links (PairLink objects), as cards
    where `grid`."""
    return component_render("pair_list", {"links": links, "grid": grid})
