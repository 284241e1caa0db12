"""Shared by the browser tests: viewports, the seed pair, catalog locators, the HTML checker."""

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest
from playwright.sync_api import Locator, Page

from catalog.models import Artifact

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
VNU_JAR = ROOT / ".tools" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 812}
# Generous for a 2-core CI machine that also runs the live server.
TIMEOUT_MS = 10_000

# The design's seed pair, in canonical (sorted) order: an image model and a text model.
SEED_A, SEED_B = "flux-1-pro", "qwen3-5-flash"
SEED_COMPARE = f"/compare/{SEED_A}-vs-{SEED_B}/"


def count_text(count: int) -> re.Pattern:
    """The catalog's result count as a visitor reads it ("9 results", "44 results, page 1...")."""
    return re.compile(rf"^{count} results?(,|$)")


# The catalog's filters, found the way a visitor (or a screen reader) finds them.
def result_titles(page: Page) -> list[str]:
    return page.locator("#results .card-title").all_inner_texts()


def kind_model(page: Page) -> Locator:
    return page.get_by_role("group", name="Kind").get_by_role("checkbox", name=re.compile("^Model"))


def open_weights(page: Page) -> Locator:
    pricing = page.get_by_role("group", name="Pricing")
    return pricing.get_by_role("checkbox", name=re.compile("^Open weights"))


def accepts_image(page: Page) -> Locator:
    return page.get_by_role("group", name="Accepts").get_by_role(
        "checkbox", name=re.compile("^Image")
    )


@dataclass
class CatalogExpectations:
    """What each step of the journey must show, read from the catalog the server has."""

    everything: int
    models: int
    open_models: int
    open_models_seeing_images: list[str]


def expected_counts() -> CatalogExpectations:
    published = Artifact.objects.published()
    models = published.filter(kind="model")
    open_models = models.filter(open_weights=True)
    seeing = open_models.with_input("image")
    expected = CatalogExpectations(
        everything=published.count(),
        models=models.count(),
        open_models=open_models.count(),
        open_models_seeing_images=sorted(seeing.values_list("name", flat=True)),
    )
    # Each filter must narrow the results, or the journey could not tell a swap from none.
    assert (
        expected.everything
        > expected.models
        > expected.open_models
        > len(expected.open_models_seeing_images)
        > 0
    )
    return expected


def screenshot_save(page: Page, *, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def horizontal_overflow(page: Page) -> list[str]:
    """Nothing when the page fits the viewport's width; else the overflow and its culprits."""
    return page.evaluate(
        """() => {
          const overflow = document.documentElement.scrollWidth - window.innerWidth;
          if (overflow <= 0) return [];
          const culprits = [...document.querySelectorAll("body *")]
            .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 8)
            .map((el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
              + [...el.classList].map((name) => "." + name).join(""));
          return [`${overflow}px wider than the viewport`, ...culprits];
        }"""
    )


def reload_marker_set(page: Page) -> None:
    """Mark the current document: the mark survives HTMX swaps but not a full page load."""
    page.evaluate("window.__e2eSameDocument = true")


def reload_marker_present(page: Page) -> bool:
    return page.evaluate("window.__e2eSameDocument === true")


def vnu_errors(*, documents: dict[str, str], folder: Path) -> dict[str, list[str]]:
    """Validate HTML documents with the Nu HTML Checker in one JVM; errors by document name."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.skip(
            "Nu HTML Checker needs java and .tools/ (npm install --prefix .tools vnu-jar): "
            "HTML validation skipped"
        )
    files = []
    for name, html in documents.items():
        path = folder / f"{name}.html"
        path.write_text(html, encoding="utf-8")
        files.append(str(path))
    result = subprocess.run(
        [java, "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *files],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    # The checker writes its JSON report to stderr and exits 1 when it finds errors.
    report = json.loads(result.stderr or result.stdout)
    # One line per distinct message and document: an error repeated in a loop reads once.
    found: dict[str, dict[str, tuple[int, str]]] = {}
    for message in report["messages"]:
        name = Path(unquote(urlparse(message.get("url", "")).path)).stem or "?"
        seen = found.setdefault(name, {})
        count, first = seen.get(message["message"], (0, ""))
        if not first:
            extract = " ".join(message.get("extract", "").split())[:160]
            first = f"line {message.get('lastLine', '?')}: {extract}"
        seen[message["message"]] = (count + 1, first)
    return {
        name: [f"{text} ({count}x, first at {first})" for text, (count, first) in seen.items()]
        for name, seen in found.items()
    }
