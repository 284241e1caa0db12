"""Issue 14's check, page by page: no page of the demo catalog, nor of the shared OpenRouter
snapshot imported with --publish, shows a price in scientific notation outside the
exact-form line (`class="fact-exact"`), or "Paid" for an artifact whose price is unknown.

Walks every artifact page, every page of the catalog (and its unknown-price filter), the home
page, the compare index, and a sample of comparison pages (the sitemap's pairs and pairs of
an unknown-priced artifact with a priced one). What is read is what a visitor reads: text,
the meta description and the title/aria-label attributes; never the JSON-LD (data, not
sentences) nor the exact-form line, which is where "$6.50e-8 per prompt token" belongs."""

import io
import itertools
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.urls import reverse

from catalog.models import Artifact, PricingModel
from catalog.pricing import price_format
from comparisons.compare.pairs import compare_path, sitemap_pairs_get
from tests.catalog.importers.sources import REAL_OPENROUTER, real_data_required

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# "6.50e-8", "1.25E-6", "3e+05": a number with an exponent.
SCIENTIFIC = re.compile(r"\d(?:\.\d+)?[eE][-+]?\d+\b")
# Elements whose text is not read as sentences: the exact-form line, and data.
_SKIPPED_CLASSES = {"fact-exact"}
_SKIPPED_TAGS = {"script", "style", "template"}
_READ_ATTRIBUTES = {"title", "aria-label", "alt", "placeholder"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}  # fmt: skip
COMPARISON_SAMPLE = 40


class VisibleText(HTMLParser):
    """The text a visitor reads, in document order, with the skipped elements left out."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._stack: list[bool] = []  # per open element: is it (or an ancestor) skipped

    @property
    def _skipping(self) -> bool:
        return bool(self._stack) and self._stack[-1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        classes = set((values.get("class") or "").split())
        skipped = self._skipping or tag in _SKIPPED_TAGS or bool(classes & _SKIPPED_CLASSES)
        if not skipped:
            self.parts += [values[name] or "" for name in _READ_ATTRIBUTES if name in values]
            if tag == "meta" and values.get("name") == "description":
                self.parts.append(values.get("content") or "")
        if tag not in _VOID:
            self._stack.append(skipped)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self._stack.pop()

    def handle_endtag(self, tag):
        if tag not in _VOID and self._stack:
            self._stack.pop()

    def handle_data(self, data):
        if not self._skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def test_the_reader_skips_the_exact_line_and_data_but_reads_sentences():
    html = (
        '<head><meta name="description" content="From $1.25e-6 a token"></head><p>Price '
        '<span class="fact-value">$0.065 / 1M input tokens</span><span class="fact-exact">'
        '$6.50e-8 per prompt token</span></p><script type="application/ld+json">{"price": '
        '"6.5e-8"}</script><abbr title="3e+05 tokens">300K</abbr><br>after'
    )
    text = visible_text(html)
    assert "6.50e-8" not in text and '"price"' not in text
    assert "From $1.25e-6 a token" in text and "3e+05 tokens" in text and "after" in text
    assert SCIENTIFIC.findall(text) == ["1.25e-6", "3e+05"]


def _unknown(artifact: Artifact) -> bool:
    """Nobody knows what it costs: its pricing model is unknown, or an import found no usable
    price (no figure, not free, not "varies") and no editor set the pricing model. An
    artifact an editor declared paid without a figure (the demo's OpenAI TTS-1, billed per
    character) is known to be paid: "Pricing: Paid", "Starting price: Price unknown"."""
    if artifact.pricing_model == PricingModel.UNKNOWN:
        return True
    text = price_format(
        amount=artifact.starting_price,
        unit=artifact.price_unit,
        pricing_model=artifact.pricing_model,
        varies=artifact.price_varies,
    )
    declared = "pricing_model" in artifact.curated_fields or not artifact.external_source
    return not text.known and not artifact.price_varies and not declared


def _get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _no_scientific(url: str, html: str, faults: list[str]) -> None:
    found = SCIENTIFIC.findall(visible_text(html))
    if found:
        faults.append(f"{url}: scientific notation {sorted(set(found))[:5]}")


_PRICING_ROW = re.compile(r'<th scope="row">Pricing</th>\s*<td>(.*?)</td>', re.S)


def _walk(client) -> list[str]:
    """Every fault found, as "url: what"; empty when every page tells the truth."""
    faults: list[str] = []
    artifacts = list(Artifact.objects.published().order_by("slug"))
    unknown = {a.slug for a in artifacts if _unknown(a)}
    for artifact in artifacts:
        url = artifact.get_absolute_url()
        html = _get(client, url)
        _no_scientific(url, html, faults)
        if artifact.slug in unknown:
            row = _PRICING_ROW.search(html)
            if row is None or "Paid" in visible_text(row.group(1)):
                faults.append(f"{url}: pricing reads {row and visible_text(row.group(1))!r}")
    catalog = reverse("artifact_list")
    for query in ("", f"?pricing_model={PricingModel.UNKNOWN}", "?sort=price"):
        page, pages = 1, 1
        while page <= pages:
            url = f"{catalog}{query}{'&' if query else '?'}page={page}"
            response = client.get(url)
            assert response.status_code == 200, url
            _no_scientific(url, response.content.decode(), faults)
            paginator = response.context.get("page_obj")
            pages = paginator.paginator.num_pages if paginator is not None else 1
            page += 1
    for url in (reverse("home"), reverse("compare_index"), reverse("methodology")):
        _no_scientific(url, _get(client, url), faults)

    # Comparison pages: the sitemap's first pairs, then unknown-priced against priced ones.
    priced = [a.slug for a in artifacts if a.slug not in unknown][: COMPARISON_SAMPLE // 2]
    pairs = [link.key for link in sitemap_pairs_get()[: COMPARISON_SAMPLE // 2]]
    pairs += list(zip(sorted(unknown), itertools.cycle(priced or ["-"]), strict=False))[
        : COMPARISON_SAMPLE // 2
    ]
    by_slug = {a.slug: a for a in artifacts}
    for first, second in pairs:
        if first == second or "-" in (first, second):
            continue
        url = compare_path(first=first, second=second)
        response = client.get(url)
        assert response.status_code == 200, url
        _no_scientific(url, response.content.decode(), faults)
        names = dict(zip("ab", sorted([first, second]), strict=True))
        for row in response.context["facts"]:
            if row.label != "Pricing":
                continue
            for key in "ab":
                if names[key] in unknown and row.__getattribute__(key).text == "Paid":
                    faults.append(f"{url}: pricing of {by_slug[names[key]].name} reads Paid")
    return faults


def test_demo_catalog_pages_read_prices_plainly(client, demo_catalog):
    assert _walk(client) == []


def test_openrouter_snapshot_pages_read_prices_plainly(client):
    real_data_required(REAL_OPENROUTER)
    call_command("import_openrouter", str(REAL_OPENROUTER), "--publish", stdout=io.StringIO())
    assert Artifact.objects.published().count() > 300
    # The snapshot holds artifacts of unknown price (routers, cloaked previews): the walk
    # reads their pages and comparisons too.
    assert Artifact.objects.filter(pricing_model=PricingModel.UNKNOWN).count() >= 3
    assert _walk(client) == []
