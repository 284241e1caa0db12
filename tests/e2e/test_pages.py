"""Every public page in a real browser: accessible, valid HTML, fits desktops and phones.

One sweep per check rather than one test per page: each browser test pays for loading the
demo catalog, and a sweep reports every page's problems at once anyway.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    SEED_A,
    SEED_COMPARE,
    count_text,
    expected_counts,
    horizontal_overflow,
    kind_model,
    screenshot_save,
    vnu_errors,
)

pytestmark = pytest.mark.e2e

# name -> (path, the main heading a visitor sees there)
PAGES = {
    "home": ("/", "Pick the right AI model or tool"),
    "catalog": ("/artifacts/", "Catalog"),
    "artifact": (f"/artifacts/{SEED_A}/", "FLUX.1 [pro]"),
    "comparison": (SEED_COMPARE, "FLUX.1 [pro] vs Qwen3.5-Flash"),
    "compare-index": ("/compare/", "Compar"),
    "picker": ("/compare/pick/", "Compare"),
    "search": ("/search/?q=transcribe+interviews", "Search the match graph"),
    "search-empty": ("/search/", "Search the match graph"),
    "methodology": ("/methodology/", "How"),
}
# Pages the issue names for the accessibility audit (the catalog is audited after a swap too).
AUDITED = ("home", "catalog", "artifact", "comparison", "search", "methodology", "picker")
BLOCKING_IMPACTS = {"serious", "critical"}


def axe_blocking_violations(page: Page) -> list[str]:
    response = Axe().run(page).response
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} -> "
        + "; ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
        for violation in response["violations"]
        if violation["impact"] in BLOCKING_IMPACTS
    ]


def test_pages_pass_axe_and_fit_desktop_and_phone(page: Page):
    problems = []
    for name, (path, heading) in PAGES.items():
        page.set_viewport_size(DESKTOP)
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        if name in AUDITED:
            problems += [f"{name}: {v}" for v in axe_blocking_violations(page)]
        screenshot_save(page, name=f"{name}-desktop")
        if overflow := horizontal_overflow(page):
            problems.append(f"{name} scrolls sideways on a desktop: {', '.join(overflow)}")

        page.set_viewport_size(PHONE)
        page.reload()
        screenshot_save(page, name=f"{name}-phone")
        if overflow := horizontal_overflow(page):
            problems.append(f"{name} scrolls sideways on a phone: {', '.join(overflow)}")
    assert not problems, "\n".join(problems)


def test_catalog_after_an_htmx_swap_passes_axe(page: Page):
    expected = expected_counts()
    page.goto("/artifacts/")
    kind_model(page).check()
    expect(page.locator("#result-count")).to_have_text(count_text(expected.models))

    violations = axe_blocking_violations(page)
    assert not violations, "\n".join(violations)
    screenshot_save(page, name="catalog-filtered-desktop")


def test_every_public_page_is_valid_html(page: Page, tmp_path):
    documents = {}
    extra = {
        "catalog-filtered": "/artifacts/?kind=model&open_weights=true&input=image",
        "comparison-expanded": f"{SEED_COMPARE}?all=a&all=b",
        "not-found": "/artifacts/no-such-artifact/",
    }
    paths = {name: path for name, (path, _) in PAGES.items()} | extra
    for name, path in paths.items():
        response = page.request.get(path)
        assert response.status == (404 if name == "not-found" else 200), path
        documents[name] = response.text()

    errors = vnu_errors(documents=documents, folder=tmp_path)
    assert not errors, "\n".join(
        f"{name}: {error}" for name, messages in errors.items() for error in messages
    )
