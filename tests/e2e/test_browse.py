"""Browsing the catalog: filters swap the results in place, and the address keeps up."""

import re

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
