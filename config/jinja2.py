"""The Jinja2 environment of the templates under `templates/jinja2/` (every other template
is a Django template).

The site's layout (`layout.html`), the comparison and artifact pages, and the components
they share with other pages (the score chart, lists of comparison links, the compare
picker, the social tags) are Jinja2 templates: Django's template engine spent about
2.8 ms rendering the comparison page's body and 0.4-0.55 ms more on its layout, two
thirds of its uncached cost, where Jinja2's compiled templates take about a sixth of it
(BENCHMARKS.md, docs/decisions.md). The other pages stay Django templates: they extend
`base.html`, which hands their blocks to the same `layout.html` (`{% site_layout %}`),
and include the shared components through `comparisons/templatetags/components.py`.

Undefined names raise (`StrictUndefined`): a misspelt field fails its page's tests
instead of rendering as nothing.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.template import engines
from django.template.defaultfilters import date, floatformat, pluralize, truncatechars
from django.templatetags.static import static
from django.utils.safestring import SafeString, mark_safe
from django_htmx.jinja import htmx_script
from jinja2 import Environment, StrictUndefined

from catalog.markup import markdown_render
from catalog.templatetags.pricing import starting_price
from config.paths import path_reverse


def url(name: str, **kwargs: str | int) -> str:
    """The path of the URL pattern `name` with keyword `kwargs`, as `{% url %}` gives it.

    Raises django.urls.NoReverseMatch for an unknown name or wrong arguments."""
    return path_reverse(name, **kwargs)


def component_render(name: str, context: dict[str, Any]) -> SafeString:
    """The Jinja2 template `components/<name>.html` rendered with `context` (autoescaped),
    as HTML a Django template or response takes as it is.

    Raises jinja2.TemplateNotFound for an unknown name, jinja2.UndefinedError when the
    template reads a name `context` lacks."""
    html = engines["jinja2"].get_template(f"components/{name}.html").render(context)
    return mark_safe(html)  # autoescaped by Jinja2


# The blocks of layout.html, which the Django-template pages fill (templates/base.html).
LAYOUT_BLOCKS = ("title", "description", "head", "content")


def layout_render(blocks: Mapping[str, str]) -> SafeString:
    """The site's layout (layout.html) around a Django-template page's rendered blocks
    (name -> HTML, escaped already: Django's block output), as HTML Django takes as it is.

    Raises KeyError naming a block of LAYOUT_BLOCKS that `blocks` lacks."""
    missing = [name for name in LAYOUT_BLOCKS if name not in blocks]
    if missing:
        raise KeyError(f"layout.html needs the blocks {', '.join(missing)}")
    context = {name: mark_safe(blocks[name]) for name in LAYOUT_BLOCKS}  # escaped by Django
    return mark_safe(engines["jinja2"].get_template("layout.html").render(context))


def environment(**options: Any) -> Environment:
    """Called by Django's Jinja2 backend with the TEMPLATES options (autoescape on)."""
    env = Environment(**{**options, "undefined": StrictUndefined})
    env.globals.update(htmx_script=htmx_script, static=static, url=url)
    env.filters.update(
        date=date,
        floatformat=floatformat,
        intcomma=intcomma,
        markdown=markdown_render,
        pluralize=pluralize,
        starting_price=starting_price,
        truncatechars=truncatechars,
    )
    return env
