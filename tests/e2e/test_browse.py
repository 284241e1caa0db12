"""Browsing the catalog: filters swap the results in place, and the address keeps up."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import (
    accepts_image,
    count_text,
    expected_counts,
    kind_model,
    open_weights,
    reload_marker_present,
    reload_marker_set,
    result_titles,
)

pytestmark = pytest.mark.e2e


def test_filters_update_results_and_address_without_reloading(page: Page):
    expected = expected_counts()
    page.goto("/artifacts/")
    count = page.locator("#result-count")
    expect(count).to_have_text(count_text(expected.everything))
    reload_marker_set(page)

    kind_model(page).check()
    expect(count).to_have_text(count_text(expected.models))
    expect(page).to_have_url(re.compile(r"/artifacts/\?(.+&)?kind=model(&|$)"))
    models = result_titles(page)
    assert "Qwen3.5-Flash" in models

    open_weights(page).check()
    expect(count).to_have_text(count_text(expected.open_models))
    expect(page).to_have_url(re.compile(r"[?&]open_weights=true"))
    open_models = result_titles(page)

    page.get_by_text("Modalities", exact=True).click()
    accepts_image(page).check()
    expect(count).to_have_text(count_text(len(expected.open_models_seeing_images)))
    expect(page).to_have_url(re.compile(r"[?&]input=image"))
    assert sorted(result_titles(page)) == expected.open_models_seeing_images
    assert reload_marker_present(page), "a filter reloaded the whole page instead of swapping"

    page.go_back()
    expect(page).not_to_have_url(re.compile("input=image"))
    expect(page).to_have_url(re.compile(r"open_weights=true"))
    expect(count).to_have_text(count_text(expected.open_models))
    assert result_titles(page) == open_models
    expect(open_weights(page)).to_be_checked()
    # Back in the closed Modalities group, hidden from the role query: found by its name.
    expect(page.locator("#filters input[name=input][value=image]")).not_to_be_checked()

    page.go_back()
    expect(page).not_to_have_url(re.compile("open_weights"))
    expect(page).to_have_url(re.compile(r"kind=model"))
    expect(count).to_have_text(count_text(expected.models))
    assert result_titles(page) == models
    expect(open_weights(page)).not_to_be_checked()


def test_reloading_a_filtered_address_shows_the_same_results(page: Page):
    expected = expected_counts()
    page.goto("/artifacts/")
    kind_model(page).check()
    open_weights(page).check()
    count = page.locator("#result-count")
    expect(count).to_have_text(count_text(expected.open_models))
    expect(page).to_have_url(re.compile(r"open_weights=true"))
    address, titles = page.url, result_titles(page)
    reload_marker_set(page)

    page.reload()
    assert not reload_marker_present(page)
    assert page.url == address
    expect(count).to_have_text(count_text(expected.open_models))
    assert result_titles(page) == titles
    expect(kind_model(page)).to_be_checked()
    expect(open_weights(page)).to_be_checked()


def test_back_forward_and_reload_restore_every_control(page: Page):
    """Each change is one history entry, and every control agrees with the results under it:
    the search box, the sort and vendor lists and the checkboxes, after Back, Forward and a
    reload. Leaving the box after typing commits it ("change"), which adds no entry."""
    expected = expected_counts()
    page.goto("/artifacts/")
    count = page.locator("#result-count")
    box = page.get_by_label("Name or description")
    sort = page.get_by_label("Sort")
    vendor = page.get_by_label("Vendor")
    expect(count).to_have_text(count_text(expected.everything))

    kind_model(page).check()
    expect(count).to_have_text(count_text(expected.models))
    sort.select_option("name")
    expect(page).to_have_url(re.compile(r"sort=name"))
    by_name = result_titles(page)
    assert by_name == sorted(by_name, key=str.lower)
    box.fill("qwen")
    expect(page).to_have_url(re.compile(r"q=qwen"))
    expect(count).not_to_have_text(count_text(expected.models))
    box.press("Tab")
    typed_count, typed = count.inner_text(), result_titles(page)
    assert typed and all("qwen" in title.lower() for title in typed)

    page.go_back()
    expect(page).not_to_have_url(re.compile(r"q=qwen"))
    expect(count).to_have_text(count_text(expected.models))
    expect(box).to_have_value("")
    expect(sort).to_have_value("name")
    expect(kind_model(page)).to_be_checked()
    assert result_titles(page) == by_name
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"sort=name"))
    expect(sort).to_have_value("-rank")
    expect(kind_model(page)).to_be_checked()
    page.go_back()
    expect(count).to_have_text(count_text(expected.everything))
    expect(kind_model(page)).not_to_be_checked()
    expect(vendor).to_have_value("")

    page.go_forward()
    expect(count).to_have_text(count_text(expected.models))
    expect(kind_model(page)).to_be_checked()
    expect(sort).to_have_value("-rank")
    page.go_forward()
    expect(sort).to_have_value("name")
    expect(box).to_have_value("")
    page.go_forward()
    expect(count).to_have_text(typed_count)
    expect(box).to_have_value("qwen")
    expect(sort).to_have_value("name")
    expect(kind_model(page)).to_be_checked()
    assert result_titles(page) == typed

    page.reload()
    expect(count).to_have_text(typed_count)
    expect(box).to_have_value("qwen")
    expect(sort).to_have_value("name")
    expect(kind_model(page)).to_be_checked()
    assert result_titles(page) == typed


def test_an_answer_arriving_after_back_is_dropped(page: Page):
    """Back while a filter's request is still out: the answer, arriving while the page of
    the entry gone back to loads, must neither show nor push its address (it used to take
    the place of the entries ahead, so Forward went nowhere)."""
    expected = expected_counts()
    page.goto("/artifacts/")
    count = page.locator("#result-count")
    sort = page.get_by_label("Sort")
    kind_model(page).check()
    expect(count).to_have_text(count_text(expected.models))
    sort.select_option("name")
    expect(page).to_have_url(re.compile(r"sort=name"))

    held = []

    def back_while_held(route):
        # The next filter request is held until Back has happened.
        if not held and route.request.headers.get("hx-request"):
            held.append(route.request.url)
            page.evaluate("setTimeout(() => history.back(), 0)")
            time.sleep(1)
        route.continue_()

    page.route("**/artifacts/**", back_while_held)
    sort.select_option("newest")
    expect(page).not_to_have_url(re.compile(r"sort=name"))
    page.wait_for_timeout(1500)  # the held answer arrives meanwhile
    expect(page).to_have_url(re.compile(r"kind=model"))
    expect(page).not_to_have_url(re.compile(r"sort=(name|newest)"))
    expect(sort).to_have_value("-rank")
    assert held, "no filter request was held"

    page.go_forward()
    expect(page).to_have_url(re.compile(r"sort=name"))
    expect(sort).to_have_value("name")
    expect(count).to_have_text(count_text(expected.models))
