"""The Jinja2 environment (config/jinja2.py) escapes what it prints and refuses names it
was not given; the components render the same through Django templates."""

import pytest
from django.template import Context, Template
from jinja2 import UndefinedError

from comparisons.compare.pairs import PairLink
from config.jinja2 import component_render

HOSTILE = '<script>alert("x")</script>'


def test_printed_values_are_escaped_and_marked_safe_for_django():
    link = PairLink(HOSTILE, "a", "Other", "b", basis=HOSTILE)
    html = component_render("pair_list", {"links": [link], "grid": False})
    assert "<script>" not in html
    assert "&lt;script&gt;alert(" in html
    # Django templates take the rendered component as it is, without escaping it again.
    assert "&amp;lt;" not in Template("{{ html }}").render(Context({"html": html}))


def test_a_name_the_template_was_not_given_raises_instead_of_printing_nothing():
    with pytest.raises(UndefinedError):
        component_render("pair_list", {"grid": True})


def test_django_templates_include_the_components_through_tags():
    template = Template(
        '{% load components %}{% pair_list links grid=True %}{% compare_picker "p" a_value=typed %}'
    )
    link = PairLink("Alpha", "alpha", "Beta", "beta", basis="shared tags")
    html = template.render(Context({"links": [link], "typed": HOSTILE}))
    assert '<ul class="pair-list pair-grid">' in html
    assert '<a href="/compare/alpha-vs-beta/">Alpha vs Beta</a>' in html
    assert 'id="p-a" name="a" value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"' in html
