"""Searching by intent: live results while typing, and a chosen result becomes evidence."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from comparisons.models import Match
from tests.e2e.helpers import reload_marker_present, reload_marker_set

pytestmark = pytest.mark.e2e

INTENT = "transcribe interviews"


def times_matched(page: Page):
    facts = page.get_by_role("table", name=re.compile("^Facts about"))
    return facts.get_by_role("row", name=re.compile("^Times Matched")).get_by_role("cell")


def test_live_results_and_a_chosen_result_counts_after_a_rebuild(page: Page):
    page.goto("/search/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the match graph")
    reload_marker_set(page)

    box = page.get_by_role("searchbox", name="What do you need?")
    box.press_sequentially(INTENT, delay=20)
    results = page.locator(".search-result")
    expect(results.first).to_be_visible()
    expect(page.locator(".search-count")).to_contain_text(f"for “{INTENT}”")
    expect(page).to_have_url(re.compile(r"/search/\?(.+&)?q=transcribe(\+|%20)interviews"))
    assert reload_marker_present(page), "typing reloaded the page instead of swapping results"

    first = results.first.locator(".search-result-title a")
    chosen = first.inner_text()
    first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(chosen)
    artifact_address = page.url
    expect(times_matched(page)).to_have_text("not matched yet")

    call_command("rebuild_match_graph", stdout=StringIO())

    page.goto(artifact_address)
    expect(times_matched(page)).to_have_text(re.compile(r"^[1-9][\d,]*$"))
    chosen_matches = Match.objects.filter(
        intent__text=INTENT, capability__artifact__name=chosen, times_chosen__gt=0
    )
    assert chosen_matches.exists(), "the click on the result was not counted as a choice"


def chip(page: Page, label: str):
    return page.locator(".search-chip", has_text=label)


def test_chips_remove_a_condition_and_history_restores_every_control(page: Page):
    page.goto("/search/?q=fast+image+generation")
    box = page.get_by_role("searchbox", name="What do you need?")
    expect(page.locator("#search-understood")).to_have_text("Results that meet:")
    expect(chip(page, "Output: image")).to_be_visible()
    expect(page.locator(".search-count")).to_have_text(re.compile(r"^10 artifacts for"))

    # A chip is a link to the same search without it; Back brings the condition back.
    chip(page, "Output: image").click()
    expect(page).to_have_url(re.compile(r"drop=output%3Aimage"))
    expect(page.locator("#search-understood")).to_have_text("All conditions removed:")
    expect(page.locator(".search-chip-dropped")).to_contain_text("restore")
    expect(page.locator(".search-count")).not_to_have_text(re.compile(r"^10 artifacts for"))
    page.go_back()
    expect(page).not_to_have_url(re.compile(r"drop="))
    expect(chip(page, "Output: image")).not_to_have_class(re.compile("dropped"))
    expect(page.locator(".search-count")).to_have_text(re.compile(r"^10 artifacts for"))

    # Typing a new search swaps the results in place and pushes its address; Back, Forward
    # and reload each show the controls of the results they sit above.
    box.fill("transcribe interviews")
    box.press("Enter")
    expect(page.locator(".search-count")).to_contain_text("for “transcribe interviews”")
    expect(chip(page, "Input: audio")).to_be_visible()
    page.go_back()
    expect(page.locator(".search-count")).to_contain_text("for “fast image generation”")
    expect(box).to_have_value("fast image generation")
    expect(chip(page, "Output: image")).to_be_visible()
    page.go_forward()
    expect(page.locator(".search-count")).to_contain_text("for “transcribe interviews”")
    expect(box).to_have_value("transcribe interviews")
    expect(chip(page, "Input: audio")).to_be_visible()
    page.reload()
    expect(box).to_have_value("transcribe interviews")
    expect(chip(page, "Input: audio")).to_be_visible()
    expect(page.locator(".search-count")).to_contain_text("for “transcribe interviews”")


def test_chips_work_without_javascript(nojs_page: Page):
    page = nojs_page
    page.goto("/search/?q=describe+what+is+in+a+photo")
    expect(chip(page, "Input: image")).to_be_visible()
    with page.expect_navigation():
        chip(page, "Output: text").click()
    expect(page).to_have_url(re.compile(r"drop=output%3Atext"))
    expect(page.locator(".search-chip-dropped")).to_contain_text("Output: text")
    with page.expect_navigation():
        page.locator(".search-chip-dropped").click()
    expect(chip(page, "Output: text")).to_be_visible()
    expect(page).not_to_have_url(re.compile(r"drop="))


def test_filters_and_typing_leave_one_history_entry_each_and_restore_every_control(page: Page):
    page.goto("/search/?q=fast+image+generation")
    box = page.get_by_role("searchbox", name="What do you need?")
    kind = page.get_by_role("combobox", name="Kind")
    pricing = page.get_by_role("combobox", name="Pricing")
    count = page.locator(".search-count")
    expect(count).to_have_text(re.compile(r"^10 artifacts for “fast image generation”"))

    kind.select_option("model")
    expect(page).to_have_url(re.compile(r"kind=model"))
    expect(count).not_to_have_text(re.compile(r"^10 artifacts"))
    models = count.inner_text()

    # Typed, then left with Tab: the box's commit ("change") must not add a second entry.
    box.fill("transcribe interviews")
    expect(count).to_contain_text("for “transcribe interviews”")
    expect(page).to_have_url(re.compile(r"q=transcribe"))
    box.press("Tab")
    typed = count.inner_text()

    page.go_back()
    expect(count).to_have_text(models)
    expect(box).to_have_value("fast image generation")
    expect(kind).to_have_value("model")
    expect(pricing).to_have_value("")
    page.go_back()
    expect(count).to_have_text(re.compile(r"^10 artifacts for “fast image generation”"))
    expect(box).to_have_value("fast image generation")
    expect(kind).to_have_value("")
    expect(chip(page, "Output: image")).to_be_visible()

    page.go_forward()
    expect(count).to_have_text(models)
    expect(kind).to_have_value("model")
    page.go_forward()
    expect(count).to_have_text(typed)
    expect(box).to_have_value("transcribe interviews")
    expect(kind).to_have_value("model")
    expect(chip(page, "Input: audio")).to_be_visible()
    page.reload()
    expect(count).to_have_text(typed)
    expect(box).to_have_value("transcribe interviews")
    expect(kind).to_have_value("model")
    expect(pricing).to_have_value("")
