"""Support signs in to the admin, finds a customer by email, opens their Locker and sees why a track won't download."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from locker.support.models import AuditEntry
from tests.browser.helpers import axe_violations, screenshot, signed_in
from tests.support.helpers import make_support_user


@pytest.fixture
def support_member(customer_factory):
    return make_support_user(customer_factory)


def test_support_finds_a_customer_by_email_and_sees_why_a_track_cannot_be_downloaded(
    page, support_member, linked_customer, sandboxed
):
    signed_in(page, support_member, to="/admin/")
    page.get_by_role("link", name="Users").first.click()
    page.locator("#searchbar").fill(linked_customer.email)
    page.get_by_role("button", name="Search").click()
    row = page.locator("#result_list tbody tr")
    expect(row).to_have_count(1)
    row.get_by_role("link", name="Locker").click()

    expect(page.get_by_role("heading", name=f"Locker of {linked_customer.email}")).to_be_visible()
    expect(page.locator("article")).to_have_count(4)
    exhausted = page.locator("li.track.state-exhausted").first
    expect(exhausted.locator(".support-state")).to_have_text("No downloads left")
    expect(exhausted.locator("dd.support-remaining")).to_have_text("0")
    expect(exhausted).to_contain_text("used all downloads of this track")
    expect(exhausted).to_contain_text("Download off · Play on")
    expect(page.locator("#content-main").get_by_role("button")).to_have_count(1)  # only the toolbar's "Show"
    expect(page.locator("#content-main form[method=post]")).to_have_count(0)

    page.get_by_label("Sort by").select_option("releaseTitle asc")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"sort=releaseTitle(\+|%20)asc"))
    expect(page.get_by_label("Sort by")).to_have_value("releaseTitle asc")
    screenshot(page, "support-locker")

    lookups = AuditEntry.objects.filter(
        action=AuditEntry.Action.LOOKUP, customer=linked_customer, staff=support_member
    )
    assert lookups.count() == 2
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.SEARCH, details__query=linked_customer.email
    ).exists()
    assert axe_violations(page) == []


def test_support_refreshes_a_locker_after_confirming(page, support_member, linked_customer, sandboxed):
    signed_in(page, support_member, to=f"/admin/auth/user/{linked_customer.pk}/locker/")
    page.get_by_role("link", name="Refresh the cached locker").click()
    expect(page.get_by_text("Drops every cached page")).to_be_visible()
    page.get_by_role("button", name="Yes, refresh").click()
    expect(page.get_by_text(re.compile("cached locker of .* was dropped"))).to_be_visible()
    assert AuditEntry.objects.filter(action=AuditEntry.Action.REFRESH, customer=linked_customer).count() == 1
