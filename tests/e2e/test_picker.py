"""The compare picker: two names in, the canonical comparison out."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import SEED_COMPARE

pytestmark = pytest.mark.e2e


def suggestions(page: Page, field_id: str) -> list[str]:
    return page.locator(f"#{field_id}-options option").evaluate_all(
        "options => options.map((option) => option.value)"
    )


def test_picking_two_artifacts_lands_on_their_canonical_comparison(page: Page):
    page.goto("/compare/pick/")
    first = page.get_by_role("combobox", name="First model or tool")
    second = page.get_by_role("combobox", name="Second model or tool")

    # Typed in the "wrong" (unsorted) order: the picker still lands on the canonical address.
    first.press_sequentially("qwen3.5", delay=20)
    expect(page.locator("#pick-a-options option[value='Qwen3.5-Flash']")).to_have_count(1)
    first.fill("Qwen3.5-Flash")
    second.press_sequentially("flux", delay=20)
    expect(page.locator("#pick-b-options option[value='FLUX.1 [pro]']")).to_have_count(1)
    assert "FLUX.1 [pro]" in suggestions(page, "pick-b")
    second.fill("FLUX.1 [pro]")

    page.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(re.escape(SEED_COMPARE) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("FLUX.1 [pro] vs Qwen3.5-Flash")


def test_unknown_name_offers_candidates_instead_of_an_error(page: Page):
    page.goto("/compare/pick/")
    page.get_by_role("combobox", name="First model or tool").fill("qwen3.5")
    page.get_by_role("combobox", name="Second model or tool").fill("FLUX.1 [pro]")
    page.get_by_role("button", name="Compare").click()

    expect(page.get_by_role("alert")).to_contain_text("is not in the catalog")
    page.get_by_role("alert").get_by_role("link", name="Qwen3.5-Flash").click()
    expect(page).to_have_url(re.compile(re.escape(SEED_COMPARE) + "$"))


def test_a_catalog_card_loads_its_picker_when_opened_and_compares(page: Page):
    """Each card's "Compare with…" fetches its form on first opening (the catalog page no
    longer carries one per card), with suggestions, and lands on the comparison."""
    page.goto("/artifacts/?q=qwen3.5")
    card = page.locator("article.artifact-card").filter(
        has=page.get_by_role("link", name="Qwen3.5-Flash", exact=True)
    )
    expect(card.locator("form.compare-picker")).to_have_count(0)
    card.locator("summary", has_text="Compare with…").click()
    second = card.get_by_role("combobox", name="Compare Qwen3.5-Flash with")
    expect(second).to_be_visible()
    second.press_sequentially("flux", delay=20)
    expect(card.locator("option[value='FLUX.1 [pro]']")).to_have_count(1)
    second.fill("FLUX.1 [pro]")
    card.get_by_role("button", name="Compare").click()
    expect(page).to_have_url(re.compile(re.escape(SEED_COMPARE) + "$"))
