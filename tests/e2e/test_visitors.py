"""Visitors on a desktop and a phone: alternatives that read, "+N more" that keeps the
place, a catalog whose first result shows in the first screen, a picker that suggests
the closest name, and featured comparisons across jobs."""

import re

import pytest
from playwright.sync_api import Page, expect

from comparisons.compare.pairs import _pair_jobs
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    SEED_COMPARE,
    horizontal_overflow,
    kind_model,
    screenshot_save,
    vnu_errors,
)
from tests.e2e.test_pages import axe_blocking_violations

pytestmark = pytest.mark.e2e

# Names a squeezed card broke a few letters per line.
ARTIFACT_WITH_ALTERNATIVES = "/artifacts/whisper-large-v3/"

WORDS_BROKEN = """() => [...document.querySelectorAll('#alternatives-heading ~ ul .card-title a')]
  .flatMap((link) => {
    const text = link.firstChild;
    const found = [];
    for (const match of text.data.matchAll(/[^\\s-]+/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const lines = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
      if (lines.size > 1) found.push(`${match[0]} (in ${text.data})`);
    }
    return found;
  })"""


def test_alternatives_keep_names_whole_with_the_note_under_the_header(page: Page):
    problems = []
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.goto(ARTIFACT_WITH_ALTERNATIVES)
        cards = page.locator("#alternatives-heading ~ ul .artifact-card")
        expect(cards.first).to_be_visible()
        assert cards.count() >= 3
        for index in range(cards.count()):
            card = cards.nth(index)
            head, note = card.locator(".card-head"), card.locator(".card-basis")
            expect(note).to_have_text(re.compile(r"^(Matched together in|Shares) \d"))
            head_box, note_box = head.bounding_box(), note.bounding_box()
            # Under the header, as wide as the card's content: not a side column.
            assert note_box["y"] >= head_box["y"] + head_box["height"] - 1
            assert abs(note_box["x"] - head_box["x"]) < 2
        if broken := page.evaluate(WORDS_BROKEN):
            problems.append(f"{label}: names broken mid-word: {broken}")
        if overflow := horizontal_overflow(page):
            problems.append(f"{label}: scrolls sideways: {overflow}")
        problems += [f"{label}: {v}" for v in axe_blocking_violations(page)]
        page.locator("#alternatives-heading").scroll_into_view_if_needed()
        screenshot_save(page, name=f"alternatives-{label}")
    assert not problems, "\n".join(problems)


def test_more_capabilities_keep_the_view_and_focus_the_first_new_one(page: Page):
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.goto(SEED_COMPARE)
        more = page.locator("#caps-a").get_by_role("link", name=re.compile("more capabilities"))
        more.scroll_into_view_if_needed()
        before = page.evaluate("window.scrollY")
        link_top = more.bounding_box()["y"]
        more.click()
        first_new = page.locator("#caps-a li.capability").nth(5)
        expect(first_new).to_be_focused()
        # The view stays where the new items begin: they start about where the link was.
        after = page.evaluate("window.scrollY")
        top = first_new.bounding_box()["y"]
        assert 0 <= top < viewport["height"], f"{label}: the first new item is off screen"
        assert abs(after - before) < viewport["height"], f"{label}: scrolled {before}->{after}"
        assert abs(top - link_top) < viewport["height"] / 2
        violations = axe_blocking_violations(page)
        assert not violations, f"{label}: " + "\n".join(violations)
        screenshot_save(page, name=f"comparison-more-{label}")


def _first_result_in_first_screen(page: Page, label: str) -> None:
    first = page.locator("#results .card").first
    box = first.bounding_box()
    assert box is not None and box["y"] < PHONE["height"] - 100, (
        f"{label}: the first result starts at {box and box['y']} px"
    )


def test_phone_catalog_folds_the_filters_with_javascript(page: Page):
    page.set_viewport_size(PHONE)
    page.goto("/artifacts/?kind=model")
    toggle = page.locator("summary", has_text="Filters")
    expect(toggle).to_have_text("Filters (1 active)")
    expect(page.get_by_label("Name or description")).to_be_hidden()
    _first_result_in_first_screen(page, "phone")
    screenshot_save(page, name="catalog-filters-folded-phone")
    assert not horizontal_overflow(page)

    toggle.click()
    open_weights = page.get_by_role("group", name="Pricing").get_by_role(
        "checkbox", name=re.compile("^Open weights")
    )
    open_weights.check()
    expect(toggle).to_have_text("Filters (2 active)")
    violations = axe_blocking_violations(page)
    assert not violations, "\n".join(violations)
    screenshot_save(page, name="catalog-filters-open-phone")

    # On a desktop the filters are always shown, with no toggle.
    page.set_viewport_size(DESKTOP)
    expect(toggle).to_be_hidden()
    expect(kind_model(page)).to_be_visible()
    screenshot_save(page, name="catalog-filters-desktop")


def test_phone_catalog_folds_the_filters_without_javascript(nojs_page: Page):
    page = nojs_page
    page.set_viewport_size(PHONE)
    page.goto("/artifacts/")
    toggle = page.locator("summary", has_text="Filters")
    expect(toggle).to_have_text("Filters")
    _first_result_in_first_screen(page, "phone without JavaScript")
    toggle.click()
    kind_model(page).check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"kind=model"))
    expect(page.locator("summary", has_text="Filters")).to_have_text("Filters (1 active)")
    _first_result_in_first_screen(page, "phone without JavaScript, filtered")
    screenshot_save(page, name="catalog-nojs-phone")
    page.set_viewport_size(DESKTOP)
    expect(kind_model(page)).to_be_visible()
    screenshot_save(page, name="catalog-nojs-desktop")


def test_picker_offers_the_closest_name(page: Page, tmp_path):
    for viewport, label in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page.set_viewport_size(viewport)
        page.goto("/compare/pick/")
        page.get_by_role("combobox", name="First model or tool").fill("flux pro")
        page.get_by_role("combobox", name="Second model or tool").fill("Qwen3.5-Flash")
        page.get_by_role("button", name="Compare").click()
        alert = page.get_by_role("alert")
        expect(alert).to_contain_text("is not in the catalog")
        expect(alert).to_contain_text("Did you mean FLUX.1 [pro]?")
        violations = axe_blocking_violations(page)
        assert not violations, f"{label}: " + "\n".join(violations)
        screenshot_save(page, name=f"picker-did-you-mean-{label}")
    html = page.request.get("/compare/pick/?a=flux+pro&b=Qwen3.5-Flash").text()
    errors = vnu_errors(documents={"picker-did-you-mean": html}, folder=tmp_path)
    assert not errors, errors

    alert.get_by_role("link", name="FLUX.1 [pro]").click()
    expect(page).to_have_url(re.compile(re.escape(SEED_COMPARE) + "$"))


def test_home_features_comparisons_across_jobs(page: Page):
    page.goto("/")
    section = page.locator("section", has=page.get_by_role("heading", name="Featured comparisons"))
    links = section.locator(".pair-list a")
    expect(links.first).to_be_visible()
    hrefs = links.evaluate_all("links => links.map((link) => link.getAttribute('href'))")
    keys = [tuple(href.strip("/").split("/")[-1].split("-vs-")) for href in hrefs]
    assert len(keys) == 6
    jobs = _pair_jobs(keys=keys)
    assert len({jobs[key] for key in keys}) >= 4, jobs
    screenshot_save(page, name="home-featured-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    screenshot_save(page, name="home-featured-phone")
