"""Editors in admin: from a public page to its admin page, compact capability rows, history
under their name, verdicts that start from the generated one; every admin page they use is
accessible, valid HTML and free of Content-Security-Policy refusals."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from catalog.models import Artifact, Capability
from comparisons.models import ComparisonOverride
from tests.e2e.helpers import (
    DESKTOP,
    PHONE,
    SEED_A,
    SEED_B,
    SEED_COMPARE,
    screenshot_save,
    vnu_errors,
)
from tests.e2e.test_pages import axe_blocking_violations

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-editor-passphrase"
NEW_CAPABILITY = "Reads scanned invoices into line items"


@pytest.fixture
def editor_account(site) -> User:
    user = User.objects.create_user("eddie", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def admin_login(page: Page, *, username: str) -> None:
    # Through the real form: django-axes watches it, and a forced session would bypass that.
    page.goto("/admin/login/?next=/admin/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Catalog curation")).to_be_visible()


def test_capability_added_from_the_artifact_page_appears_on_the_comparison(
    page: Page, editor_account
):
    page.goto(SEED_COMPARE)
    expect(page.get_by_text(NEW_CAPABILITY)).to_have_count(0)
    # Visitors are offered no admin link.
    expect(page.get_by_role("link", name="Edit", exact=True)).to_have_count(0)

    admin_login(page, username=editor_account.username)
    page.goto(f"/artifacts/{SEED_B}/")
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Change artifact"))).to_be_visible()

    page.get_by_role("link", name="Add a capability").click()
    page.get_by_label("Title").fill(NEW_CAPABILITY)
    page.get_by_label("Position").fill("0")
    page.get_by_label("Description").fill(
        "Turns photographed or scanned invoices into structured rows of items and totals."
    )
    page.get_by_role("button", name="Save", exact=True).click()
    # Back on the artifact's page, where the new capability is one compact row.
    expect(page.locator(".messagelist")).to_contain_text("added to Qwen3.5-Flash")
    expect(page.get_by_role("heading", name=re.compile("^Change artifact"))).to_be_visible()
    rows = page.locator("#capabilities-group")
    expect(rows.get_by_role("link", name=NEW_CAPABILITY)).to_be_visible()

    # The artifact's History says who added it.
    page.get_by_role("link", name="History").first.click()
    row = page.locator("#change-history tbody tr").first
    expect(row).to_contain_text(f"Added capability “{NEW_CAPABILITY}”")
    expect(row).to_contain_text("eddie")
    screenshot_save(page, name="admin-artifact-history-desktop")

    page.goto(SEED_COMPARE)
    capability = page.locator("#caps-b li.capability", has_text=NEW_CAPABILITY)
    expect(capability).to_be_visible()
    expect(capability.get_by_role("heading", level=3)).to_have_text(NEW_CAPABILITY)


def test_artifact_page_is_compact_and_the_list_fits_a_laptop(page: Page, editor_account):
    admin_login(page, username=editor_account.username)
    artifact = Artifact.objects.get(slug=SEED_A)
    count = Capability.objects.filter(artifact=artifact).count()
    assert count >= 10
    page.goto(f"/admin/catalog/artifact/{artifact.pk}/change/")
    rows = page.locator("#capabilities-group tbody tr.has_original")
    expect(rows).to_have_count(count)
    # One click from a row to that capability's own page.
    first = Capability.objects.filter(artifact=artifact).order_by("position", "id").first()
    expect(rows.first.get_by_role("link", name=first.title)).to_have_attribute(
        "href", f"/admin/catalog/capability/{first.pk}/change/"
    )
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 3000, f"the artifact page is {height} px tall with {count} capabilities"
    # Scores read with two decimals.
    for component in ("adoption", "quality", "ecosystem", "match_graph", "freshness"):
        score = page.locator(f".fieldBox.field-{component}_2dp .readonly")
        expect(score).to_have_text(re.compile(r"^(\d\.\d\d|no data)$"))
    screenshot_save(page, name="admin-artifact-change-desktop")

    page.goto("/admin/catalog/artifact/")
    for column in ("Pricing model", "Starting price", "Needs review", "Updated"):
        header = page.locator("#result_list thead th", has_text=column)
        box = header.bounding_box()
        assert box and box["x"] + box["width"] <= DESKTOP["width"], f"{column} is cut off"
    fits = page.evaluate(
        "(() => { const r = document.querySelector('#changelist .results');"
        " return r.scrollWidth <= r.clientWidth; })()"
    )
    assert fits, "the artifact list scrolls sideways at 1280 px"
    assert not page.locator("#result_list").get_by_text(re.compile(r"\d\.\d{6,}")).count()
    screenshot_save(page, name="admin-artifact-list-desktop")


def test_override_starts_from_the_generated_verdict_and_previews_markdown(
    page: Page, editor_account
):
    admin_login(page, username=editor_account.username)
    page.goto(SEED_COMPARE)
    generated = page.locator(".verdict p").first.inner_text()
    page.get_by_role("link", name="Edit", exact=True).click()
    expect(page.get_by_role("heading", name="Add comparison override")).to_be_visible()
    expect(page.locator(".field-generated_verdict .readonly")).to_have_text(generated)
    verdict = page.get_by_label("Verdict:")
    expect(verdict).to_have_value(generated)

    verdict.fill("Pick **FLUX.1 [pro]** for pictures and Qwen3.5-Flash for text.")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    preview = page.locator(".verdict-preview")
    expect(preview.locator("strong")).to_have_text("FLUX.1 [pro]")
    screenshot_save(page, name="admin-override-desktop")
    override = ComparisonOverride.objects.get()
    assert override.verdict.startswith("Pick **FLUX.1 [pro]**")

    page.goto(SEED_COMPARE)
    expect(page.locator(".verdict strong")).to_have_text("FLUX.1 [pro]")


def _editor_pages() -> dict[str, str]:
    artifact = Artifact.objects.get(slug=SEED_A)
    capability = artifact.capabilities.order_by("position", "id").first()
    history = artifact.history.first()
    return {
        "index": "/admin/",
        "artifacts": "/admin/catalog/artifact/",
        "artifact-change": f"/admin/catalog/artifact/{artifact.pk}/change/",
        "artifact-add": "/admin/catalog/artifact/add/",
        "artifact-history": f"/admin/catalog/artifact/{artifact.pk}/history/",
        "artifact-history-record": (
            f"/admin/catalog/artifact/{artifact.pk}/history/{history.history_id}/"
        ),
        "capabilities": "/admin/catalog/capability/",
        "capability-change": f"/admin/catalog/capability/{capability.pk}/change/",
        "capability-add": f"/admin/catalog/capability/add/?artifact={artifact.pk}",
        "capability-history": f"/admin/catalog/capability/{capability.pk}/history/",
        "tags": "/admin/catalog/tag/",
        "vendors": "/admin/catalog/vendor/",
        "vendor-change": f"/admin/catalog/vendor/{artifact.vendor_id}/change/",
        "rank-weights": "/admin/catalog/rankweights/",
        "overrides": "/admin/comparisons/comparisonoverride/",
        "override-add": "/admin/comparisons/comparisonoverride/add/",
        "intents": "/admin/comparisons/intent/",
        "search-events": "/admin/comparisons/searchevent/",
        "choice-events": "/admin/comparisons/choiceevent/",
        "matches": "/admin/comparisons/match/",
        "pair-evidence": "/admin/comparisons/pairevidence/",
        "password-change": "/admin/password_change/",
    }


def test_every_admin_page_an_editor_uses_is_clean(page: Page, editor_account, tmp_path):
    """No CSP refusal (the `page` fixture fails the test on any), no serious axe violation,
    no Nu HTML Checker error, screenshots at both widths."""
    admin_login(page, username=editor_account.username)
    problems, documents = [], {}
    for name, path in _editor_pages().items():
        page.set_viewport_size(DESKTOP)
        response = page.goto(path)
        assert response is not None and response.status == 200, path
        problems += [f"{name}: {v}" for v in axe_blocking_violations(page)]
        # The markup served (as for the public pages), not the DOM after admin's scripts.
        documents[f"admin-{name}"] = page.request.get(path).text()
        screenshot_save(page, name=f"admin-{name}-desktop")
        page.set_viewport_size(PHONE)
        page.reload()
        screenshot_save(page, name=f"admin-{name}-phone")
    assert not problems, "\n".join(problems)

    errors = vnu_errors(documents=documents, folder=tmp_path)
    assert not errors, "\n".join(
        f"{name}: {error}" for name, messages in errors.items() for error in messages
    )


def test_editors_pick_artifacts_and_tags_by_typing(page: Page, editor_account):
    """autocomplete_fields under the site's Content-Security-Policy: the widgets load, ask
    admin for matches as the editor types, are named for screen readers (open lists too)
    and save what was picked. The `page` fixture fails the test on any CSP refusal."""
    admin_login(page, username=editor_account.username)
    page.goto("/admin/comparisons/comparisonoverride/add/")
    first = page.get_by_role("combobox", name=re.compile(r"^Artifact a:"))
    second = page.get_by_role("combobox", name=re.compile(r"^Artifact b:"))
    for box, typed, name in (
        (first, "flux pro", "FLUX.1 [pro]"),
        (second, "qwen3.5", "Qwen3.5-Flash"),
    ):
        box.click()
        search = page.get_by_role("searchbox", name=re.compile(r"^Artifact [ab]:"))
        search.fill(typed)
        option = page.get_by_role("option", name=name, exact=True)
        expect(option).to_be_visible()
        violations = axe_blocking_violations(page)
        assert not violations, "\n".join(violations)
        option.click()
        expect(box).to_have_accessible_name(re.compile(rf"{re.escape(name)}$"))
    page.get_by_label("Verdict:").fill("Pick by the job.")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    override = ComparisonOverride.objects.get()
    assert {override.artifact_a.slug, override.artifact_b.slug} == {SEED_A, SEED_B}

    capability = Capability.objects.filter(artifact__slug=SEED_A).order_by("id").first()
    page.goto(f"/admin/catalog/capability/{capability.pk}/change/")
    tags = page.get_by_role("searchbox", name="Tags:")
    tags.click()
    tags.press_sequentially("speech")
    page.get_by_role("option", name="Speech to text", exact=True).click()
    violations = axe_blocking_violations(page)
    assert not violations, "\n".join(violations)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")
    assert "Speech to text" in set(capability.tags.values_list("name", flat=True))
