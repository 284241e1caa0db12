"""Editor text renders a small Markdown subset and never active markup."""

from html.parser import HTMLParser

import pytest

from catalog.markup import markdown_inline, markdown_render

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

SAFE_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "blockquote"}


class ActiveMarkupFinder(HTMLParser):
    """Collects every element or attribute a browser could act on."""

    def __init__(self):
        super().__init__()
        self.active: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.active.append(f"<{tag}>")
        for name, value in attrs:
            if name not in {"href", "title", "rel"}:
                self.active.append(f"{tag}[{name}]")
            if name == "href" and not (value or "").startswith(("https://", "http://", "mailto:")):
                self.active.append(f"href={value}")


def active_markup(html: str) -> list[str]:
    finder = ActiveMarkupFinder()
    finder.feed(html)
    return finder.active


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payloads_never_render_as_active_markup(payload):
    html = markdown_render(payload)
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


def test_inline_form_drops_the_paragraph():
    assert markdown_inline("plain *text*") == "plain <em>text</em>"
