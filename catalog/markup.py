"""Editor text: a small Markdown subset, rendered then sanitised with an allow-list.

Raw HTML in the source is not rendered (markdown-it's `html` option is off) and the
output goes through nh3 (ammonia) anyway, so that a bug in one layer is not enough
for markup an editor pasted to become active on a page.
"""

from functools import lru_cache

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    # Headings, images and tables are not part of the subset: capability text is prose.
    return MarkdownIt("commonmark", {"html": False, "linkify": False}).disable(
        ["heading", "lheading", "image", "hr", "html_block", "html_inline"]
    )


def _sanitise(html: str) -> SafeString:
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
    )
    # Safe to mark: nh3 has just removed everything outside the allow-list.
    return mark_safe(cleaned.strip())


def markdown_render(text: str) -> SafeString:
    """Paragraphs, lists, quotes and code blocks, plus the inline syntax."""
    return _sanitise(_parser().render(text or ""))


def markdown_inline(text: str) -> SafeString:
    """Inline syntax only (emphasis, code, links), for text that sits inside a sentence."""
    return _sanitise(_parser().renderInline(text or ""))
