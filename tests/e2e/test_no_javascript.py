"""The browse and compare journeys with JavaScript turned off: plain links and forms."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    SEED_COMPARE,
    accepts_image,
    count_text,
    expected_counts,
    kind_model,
    open_weights,
    result_titles,
)

pytestmark = pytest.mark.e2e

SHOWN_FIRST = 5


def apply_filters(page: Page) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Apply filters").click()


def test_browse_filters_work_as_a_plain_form(nojs_page: Page):
    page = nojs_page
    expected = expected_counts()
    page.goto("/artifacts/")
    count = page.locator("#result-count")
    expect(count).to_have_text(count_text(expected.everything))

    kind_model(page).check()
    apply_filters(page)
    expect(count).to_have_text(count_text(expected.models))
    expect(page).to_have_url(re.compile(r"[?&]kind=model(&|$)"))

    open_weights(page).check()
    apply_filters(page)
    expect(count).to_have_text(count_text(expected.open_models))
    open_models = result_titles(page)

    # <details> opens without JavaScript.
    page.get_by_text("Modalities", exact=True).click()
    accepts_image(page).check()
    apply_filters(page)
    seeing = expected.open_models_seeing_images
    expect(count).to_have_text(count_text(len(seeing)))
    expect(page).to_have_url(re.compile(r"[?&]input=image"))
    address, titles = page.url, result_titles(page)
    assert sorted(titles) == seeing

    page.reload()
    assert page.url == address
    expect(count).to_have_text(count_text(len(seeing)))
    assert result_titles(page) == titles

    page.go_back()
    expect(page).not_to_have_url(re.compile("input=image"))
    expect(count).to_have_text(count_text(expected.open_models))
    assert result_titles(page) == open_models


def test_compare_more_capabilities_and_search_are_real_links(nojs_page: Page):
    page = nojs_page
    page.goto(SEED_COMPARE)
    expect(page.get_by_role("heading", level=1)).to_have_text("FLUX.1 [pro] vs Qwen3.5-Flash")
    expect(page.locator("#caps-a li.capability")).to_have_count(SHOWN_FIRST)
    more = page.locator("#caps-a").get_by_role("link", name=re.compile(r"more capabilities$"))
    hidden = int(re.search(r"\d+", more.inner_text()).group())

    more.click()
    expect(page).to_have_url(re.compile(r"[?&]all=a"))
    expect(page.locator("#caps-a li.capability")).to_have_count(SHOWN_FIRST + hidden)
    expect(page.locator("#caps-b li.capability")).to_have_count(SHOWN_FIRST)

    call = page.get_by_role("complementary", name="Need something different?")
    call.get_by_role("link", name=re.compile("Search the match graph")).click()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    query = parse_qs(urlparse(page.url).query)["q"][0]
    expect(page.get_by_role("searchbox", name="What do you need?")).to_have_value(query)
    expect(page.locator(".search-result").first).to_be_visible()
