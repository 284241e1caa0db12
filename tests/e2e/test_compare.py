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
    # Different jobs: the lead names the split (the facts table carries the ranks).
    expect(page.locator(".lead")).to_contain_text("they do different jobs")
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


def test_capability_filters_restore_with_back_forward_and_reload(page: Page):
    """The "Show" and "Tag" lists swap the side-by-side table in place and push its address;
    after Back, Forward and a reload both lists agree with the table under them."""
    page.goto(SEED_COMPARE)
    show = page.get_by_role("combobox", name="Show")
    tag = page.get_by_role("combobox", name="Tag")
    table = page.locator("#aligned")
    expect(show).to_have_value("all")
    everything = table.text_content()
    reload_marker_set(page)

    # Only what the first side lists (an image model against a text model: several tags).
    show.select_option("a")
    expect(page).to_have_url(re.compile(r"show=a(&|$)"))
    expect(table).not_to_have_text(everything)
    only_a = table.text_content()
    rows = table.locator("tbody tr")
    assert rows.count() > 1
    last_tag = rows.last.locator("th").inner_text().splitlines()[0].strip()
    tag.select_option(label=last_tag)
    expect(page).to_have_url(re.compile(r"tag="))
    expect(rows).to_have_count(1)
    tagged, chosen = table.text_content(), tag.input_value()
    assert reload_marker_present(page), "a filter reloaded the page instead of swapping"

    page.go_back()
    expect(table).to_have_text(only_a)
    expect(show).to_have_value("a")
    expect(tag).to_have_value("")
    page.go_back()
    expect(table).to_have_text(everything)
    expect(show).to_have_value("all")
    expect(tag).to_have_value("")
    page.go_forward()
    expect(table).to_have_text(only_a)
    expect(show).to_have_value("a")
    expect(tag).to_have_value("")
    page.go_forward()
    expect(table).to_have_text(tagged)
    expect(show).to_have_value("a")
    expect(tag).to_have_value(chosen)
    page.reload()
    expect(table).to_have_text(tagged)
    expect(show).to_have_value("a")
    expect(tag).to_have_value(chosen)
