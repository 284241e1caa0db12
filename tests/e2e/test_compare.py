"""The comparison page: read the seed pair, open the rest of a list in place, search on."""

import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import SEED_COMPARE, reload_marker_present, reload_marker_set

pytestmark = pytest.mark.e2e

SHOWN_FIRST = 5


def test_more_capabilities_open_in_place_and_search_follows(page: Page):
    page.goto(SEED_COMPARE)
    expect(page).to_have_title(re.compile(r"^FLUX\.1 \[pro\] vs Qwen3\.5-Flash"))
    expect(page.get_by_role("heading", level=1)).to_have_text("FLUX.1 [pro] vs Qwen3.5-Flash")
    expect(page.locator(".lead")).to_contain_text("/100")
    expect(page.get_by_role("heading", name="Verdict")).to_be_visible()
    reload_marker_set(page)

    side = page.locator("#caps-a")
    expect(side.locator("li.capability")).to_have_count(SHOWN_FIRST)
    more = side.get_by_role("link", name=re.compile(r"^\+\d+ more capabilities$"))
    hidden = int(re.search(r"\d+", more.inner_text()).group())
    assert hidden > 0
    address = page.url

    more.click()
    expect(page.locator("#caps-a li.capability")).to_have_count(SHOWN_FIRST + hidden)
    still_more = page.locator("#caps-a").get_by_role("link", name=re.compile("more capabilities"))
    expect(still_more).to_have_count(0)
    # The other side is untouched, and the visitor never left the page.
    expect(page.locator("#caps-b li.capability")).to_have_count(SHOWN_FIRST)
    assert reload_marker_present(page)
    assert page.url == address

    call = page.get_by_role("complementary", name="Need something different?")
    call.get_by_role("link", name=re.compile("Search the match graph")).click()
    expect(page).to_have_url(re.compile(r"/search/\?q="))
    query = parse_qs(urlparse(page.url).query)["q"][0]
    assert query.strip()
    expect(page.get_by_role("searchbox", name="What do you need?")).to_have_value(query)
    expect(page.locator(".search-result").first).to_be_visible()
