"""An editor curates in admin and the public comparison page shows it."""

import re

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Page, expect

from tests.e2e.helpers import SEED_COMPARE

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


def test_capability_added_in_admin_appears_on_the_comparison(page: Page, editor_account):
    page.goto(SEED_COMPARE)
    expect(page.get_by_text(NEW_CAPABILITY)).to_have_count(0)

    admin_login(page, username=editor_account.username)
    page.goto("/admin/catalog/artifact/?q=qwen3.5-flash")
    page.get_by_role("link", name="Qwen3.5-Flash", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Change artifact"))).to_be_visible()

    page.get_by_role("button", name="Add another Capability").click()
    added = page.locator(".inline-related.last-related.dynamic-capabilities").last
    added.get_by_label("Title").fill(NEW_CAPABILITY)
    added.get_by_label("Position").fill("0")
    added.get_by_label("Description").fill(
        "Turns photographed or scanned invoices into structured rows of items and totals."
    )
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    page.goto(SEED_COMPARE)
    capability = page.locator("#caps-b li.capability", has_text=NEW_CAPABILITY)
    expect(capability).to_be_visible()
    expect(capability.get_by_role("heading", level=3)).to_have_text(NEW_CAPABILITY)
