"""The Jinja2 environment (config/jinja2.py) escapes what it prints and refuses names it
was not given; the components render the same through Django templates."""

import pytest
from django.template import Context, Template
from jinja2 import UndefinedError

from comparisons.compare.pairs import PairLink
from config.jinja2 import component_render, layout_render

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


def test_django_template_pages_fill_the_one_layout_with_their_blocks():
    template = Template(
        '{% extends "base.html" %}{% block title %}Mine &amp; only{% endblock %}'
        '{% block head %}<meta name="robots" content="noindex">{% endblock %}'
        "{% block content %}<p>{{ text }}</p>{% endblock %}"
    )
    html = template.render(Context({"text": HOSTILE}))
    assert "<title>Mine &amp; only</title>" in html
    # A block the page leaves alone keeps base.html's own text.
    assert '<meta name="description" content="Compare AI models and tools capability' in html
    assert '<meta name="robots" content="noindex">' in html
    assert "<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>" in html
    # The layout around them is layout.html's (rendered once, not escaped again).
    assert '<a class="brand" href="/">Unfragile</a>' in html
    assert html.count("<body>") == 1 and "&lt;body&gt;" not in html
    assert html.index("<title>") < html.index("</head>") < html.index("<p>&lt;script")


def test_the_layout_names_the_blocks_it_was_not_given():
    with pytest.raises(KeyError, match="description, head"):
        layout_render({"title": "T", "content": "C"})


@pytest.mark.django_db
def test_jinja2_and_django_template_pages_share_the_layout(client):
    from tests.factories import ArtifactFactory

    ArtifactFactory(slug="alpha", name="Alpha One")
    jinja_page = client.get("/artifacts/alpha/").content.decode()
    django_page = client.get("/methodology/").content.decode()

    def header(page: str) -> str:
        return page[page.index("<body>") : page.index('<main id="main"')]

    assert header(jinja_page) == header(django_page)
    assert "<title>Alpha One: capabilities, price and score" in jinja_page


def test_a_jinja2_page_leaving_the_title_and_description_out_gets_the_sites_own():
    from django.template import engines

    page = engines["jinja2"].from_string(
        '{% extends "layout.html" %}{% block content %}<p>Hi</p>{% endblock %}'
    )
    html = page.render({})
    assert "<title>Unfragile: compare AI models and tools</title>" in html
    assert '<meta name="description" content="Compare AI models and tools capability' in html
    assert "<p>Hi</p>" in html
