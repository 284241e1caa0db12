"""Editor text renders a small Markdown subset and never active markup."""

import pytest

from catalog.markup import markdown_inline, markdown_render
from tests.markup_checks import active_markup

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src=x onerror="alert(1)">',
    '<a href="#" onclick="alert(1)">x</a>',
    "<svg><script>alert(1)</script></svg>",
    '<svg onload="alert(1)"/>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    "<<script>script>alert(1)<</script>/script>",
    '"><script>alert(1)</script>',
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![x](https://evil.example/track.png)",
    "<object data=x></object><embed src=x>",
    '<form action="https://evil.example"><input name=x></form>',
    "<a href='&#106;avascript:alert(1)'>x</a>",
    "[x](&#106;avascript:alert(1))",
]


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
@pytest.mark.parametrize("render", [markdown_render, markdown_inline])
def test_payloads_never_render_as_active_markup(payload, render):
    html = render(payload)
    assert active_markup(html) == [], html


def test_the_finder_finds_active_markup():
    assert active_markup('<p onclick="x"><script></script><a href="javascript:x">a</a></p>') == [
        "p[onclick]",
        "<script>",
        "href=javascript:x",
    ]


def test_the_subset_renders():
    html = markdown_render("Uses **sparse** experts, *fast*, with `code`.\n\n- one\n- two")
    assert "<strong>sparse</strong>" in html
    assert "<em>fast</em>" in html
    assert "<code>code</code>" in html
    assert "<li>one</li>" in html


def test_links_are_kept_safe():
    html = markdown_render("[docs](https://example.com/docs)")
    assert 'href="https://example.com/docs"' in html
    assert "nofollow" in html


def test_headings_are_not_in_the_subset():
    assert "<h1" not in markdown_render("# Big title")


def test_inline_form_has_no_blocks():
    assert markdown_inline("plain *text*") == "plain <em>text</em>"
    assert "<li>" not in markdown_inline("- not\n- a list")
