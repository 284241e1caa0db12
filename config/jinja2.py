"""The Jinja2 environment of the templates under `templates/jinja2/` (every other template
is a Django template).

The comparison page's body and the components it shares with other pages (the score
chart, comparison link lists) are Jinja2 templates: Django's template engine spent about
2.8 ms rendering that page, two thirds of its uncached cost, where Jinja2's compiled
templates take about a sixth of it (BENCHMARKS.md, docs/decisions.md). Everything else
stays in Django templates; `comparisons/templatetags/components.py` lets them include the
shared components.

Undefined names raise (`StrictUndefined`): a misspelt field fails its page's tests
instead of rendering as nothing.
"""

from typing import Any

from django.template.defaultfilters import pluralize
from jinja2 import Environment, StrictUndefined

from catalog.markup import markdown_render
from config.paths import path_reverse


def url(name: str, **kwargs: str | int) -> str:
    """The path of the URL pattern `name` with keyword `kwargs`, as `{% url %}` gives it.

    Raises django.urls.NoReverseMatch for an unknown name or wrong arguments."""
    return path_reverse(name, **kwargs)


def environment(**options: Any) -> Environment:
    """Called by Django's Jinja2 backend with the TEMPLATES options (autoescape on)."""
    env = Environment(**{**options, "undefined": StrictUndefined})
    env.globals.update(url=url)
    env.filters.update(markdown=markdown_render, pluralize=pluralize)
    return env
