"""Keyboard-only use of the catalog filters and the compare picker, with visible focus."""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import (
    SEED_COMPARE,
    count_text,
    expected_counts,
    kind_model,
    open_weights,
)

pytestmark = pytest.mark.e2e

MAX_TABS = 80


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab, as a keyboard user would, until `target` has the focus."""
    handle = target.element_handle()
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(element) => document.activeElement === element", handle):
            return
    raise AssertionError(f"{MAX_TABS} presses of Tab never reached {target}")


def focus_ring(page: Page) -> dict:
    """How the focused element is drawn: the outline a keyboard user must be able to see."""
    return page.evaluate(
        """() => {
          const style = getComputedStyle(document.activeElement);
          return {style: style.outlineStyle, width: parseFloat(style.outlineWidth),
                  color: style.outlineColor, offset: parseFloat(style.outlineOffset),
                  shadow: style.boxShadow};
        }"""
    )


# The one focus indicator of the site (`:focus-visible` in static/css/site.css): a 3 px
# amber outline set 2 px off the element, and no box shadow.
FOCUS_RING = {
    "style": "solid",
    "width": 3.0,
    "color": "rgb(245, 158, 11)",
    "offset": 2.0,
    "shadow": "none",
}


def assert_focus_visible(page: Page) -> None:
    assert focus_ring(page) == FOCUS_RING


def test_skip_link_is_the_first_stop_and_shows_when_focused(page: Page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    assert_focus_visible(page)


def test_filters_work_from_the_keyboard_alone(page: Page):
    expected = expected_counts()
    page.goto("/artifacts/")
    count = page.locator("#result-count")

    tab_to(page, kind_model(page))
    assert_focus_visible(page)
    page.keyboard.press("Space")
    expect(count).to_have_text(count_text(expected.models))
    # The swap replaces the results, not the form: the keyboard user keeps their place.
    expect(kind_model(page)).to_be_focused()
    expect(kind_model(page)).to_be_checked()

    tab_to(page, open_weights(page))
    page.keyboard.press("Space")
    expect(count).to_have_text(count_text(expected.open_models))
    expect(page).to_have_url(re.compile(r"open_weights=true"))
    expect(open_weights(page)).to_be_focused()


def test_picker_works_from_the_keyboard_alone(page: Page):
    page.goto("/compare/pick/")
    first = page.get_by_role("combobox", name="First model or tool")
    tab_to(page, first)
    assert_focus_visible(page)
    page.keyboard.type("FLUX.1 [pro]")
    page.keyboard.press("Tab")
    expect(page.get_by_role("combobox", name="Second model or tool")).to_be_focused()
    page.keyboard.type("Qwen3.5-Flash")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(SEED_COMPARE) + "$"))
