"""The Jinja2 environment of the templates under `templates/jinja2/` (every other template
is a Django template).

The comparison and artifact pages' bodies and the components they share with other pages
(the score chart, lists of comparison links, the compare picker) are Jinja2 templates:
Django's template engine spent about 2.8 ms rendering the comparison page, two thirds of
its uncached cost, where Jinja2's compiled templates take about a sixth of it
(BENCHMARKS.md, docs/decisions.md). Everything else, the layout included, stays in Django
templates; `comparisons/templatetags/components.py` lets them include the shared
components.

Undefined names raise (`StrictUndefined`): a misspelt field fails its page's tests
instead of rendering as nothing.
"""

from typing import Any

from django.contrib.humanize.templatetags.humanize import intcomma
from django.http import HttpRequest
from django.template import engines
from django.template.defaultfilters import date, floatformat, pluralize
from django.utils.safestring import SafeString, mark_safe
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


def page_body_render(*, request: HttpRequest, template: str, context: dict[str, Any]) -> SafeString:
    """A page's content from the Jinja2 `template` (autoescaped, with `request` and the CSRF
    inputs as Django's backend adds them), for its Django-template layout to take as is.

    Raises jinja2.TemplateNotFound, or jinja2.UndefinedError when the template reads a name
    `context` lacks."""
    # A copy: Django's backend adds `request` and the CSRF names to the dict it is given,
    # and the caller passes this one on to the page's layout.
    html = engines["jinja2"].get_template(template).render(dict(context), request)
    return mark_safe(html)  # autoescaped by Jinja2


def environment(**options: Any) -> Environment:
    """Called by Django's Jinja2 backend with the TEMPLATES options (autoescape on)."""
    env = Environment(**{**options, "undefined": StrictUndefined})
    env.globals.update(url=url)
    env.filters.update(
        date=date,
        floatformat=floatformat,
        intcomma=intcomma,
        markdown=markdown_render,
        pluralize=pluralize,
        starting_price=starting_price,
    )
    return env
