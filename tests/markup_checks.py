"""Find markup a browser could act on, for tests that feed hostile editor text."""

from html.parser import HTMLParser

SAFE_TAGS = {"p", "br", "em", "strong", "code", "pre", "ul", "ol", "li", "a", "blockquote"}
DANGEROUS_TAGS = {"iframe", "object", "embed", "math", "style", "base", "frame"}
DANGEROUS_SCHEMES = ("javascript:", "data:", "vbscript:")


class ActiveMarkupFinder(HTMLParser):
    """In a fragment of editor text: any element or attribute outside the allow-list."""

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


class PageScriptFinder(HTMLParser):
    """In a whole page: scripts other than our own files and JSON-LD, event handlers,
    script URLs and embedding elements, wherever they come from."""

    def __init__(self):
        super().__init__()
        self.active: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script":
            own_file = (attributes.get("src") or "").startswith("/static/")
            if not own_file and attributes.get("type") != "application/ld+json":
                self.active.append(f"<script {attributes}>")
        if tag in DANGEROUS_TAGS:
            self.active.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.active.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "formaction", "xlink:href"} and (
                (value or "").strip().lower().startswith(DANGEROUS_SCHEMES)
            ):
                self.active.append(f"{tag}[{name}={value}]")


def page_active_markup(html: str) -> list[str]:
    finder = PageScriptFinder()
    finder.feed(html)
    return finder.active
