"""A new customer signs up, links 7digital, pages and sorts with htmx; every button state is checked."""

from __future__ import annotations

import re

from django.core import mail
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, screenshot

PASSWORD = "a-long-Passphrase-42"


def sign_up_and_link(page, sandbox, email="newcomer@example.com"):
    page.goto("/accounts/signup/")
    page.get_by_label("Email").fill(email)
    page.get_by_label(re.compile(r"^Password:?$")).fill(PASSWORD)
    page.get_by_label(re.compile(r"^Password \(again\)")).fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    # Mandatory verification: the address is confirmed from the mailed link before the locker opens.
    expect(page.get_by_role("heading", name=re.compile("Verify your email address", re.I))).to_be_visible()
    link = re.search(r"https?://\S+/accounts/confirm-email/[^\s/]+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Link your 7digital account")).to_be_visible()
    page.get_by_role("button", name="Link your 7digital account").click()
    # On the sandbox's own authorise page, as on 7digital's.
    expect(page).to_have_url(re.compile(rf"^{re.escape(sandbox.url)}/locker-demo-key/oauth/authorise"))
    page.get_by_label("Email").fill("small@sandbox.test")
    page.get_by_label("Password").fill("small")
    page.get_by_role("button", name="Allow").click()
    expect(page.get_by_role("heading", name="My music")).to_be_visible()


def test_sign_up_link_and_see_every_track_state(page, sandboxed):
    sign_up_and_link(page, sandboxed)
    expect(page.get_by_role("article")).to_have_count(4)

    exhausted = page.locator("li.state-exhausted").first
    download = exhausted.get_by_role("button", name=re.compile(r"^Download "))
    expect(download.first).to_be_disabled()
    expect(download.first).to_have_accessible_description(re.compile("used all downloads"))
    expect(exhausted.get_by_role("button", name=re.compile("^Play"))).to_be_enabled()

    last = page.locator("li.state-last_download").first
    expect(last.get_by_role("button", name=re.compile(r"^Download MP3 320"))).to_be_enabled()
    expect(last.get_by_text("last download of this track")).to_be_visible()

    # A withdrawn release folds to its heading, why, and "N tracks" behind a disclosure: no rows
    # of buttons nobody can use.
    withdrawn = page.locator("article.is-withdrawn")
    expect(withdrawn.get_by_role("heading", level=2)).to_be_visible()
    expect(withdrawn.get_by_text(re.compile("has been withdrawn"))).to_be_visible()
    expect(withdrawn.get_by_role("button", name=re.compile("^(Download|Play)"))).to_have_count(0)
    folded = withdrawn.locator("details.folded-tracks")
    titles = folded.locator("li .title")
    expect(folded.locator("summary")).to_have_text(re.compile(rf"^{titles.count()} tracks?$"))
    expect(titles.first).to_be_hidden()
    folded.locator("summary").click()
    expect(titles.first).to_be_visible()

    preorder = page.locator("article.is-preorder")
    expect(preorder.get_by_text(re.compile("Pre-order: available from"))).to_be_visible()
    expect(preorder.get_by_role("button", name=re.compile("^Download")).first).to_be_disabled()

    text = page.locator("main").inner_text()
    assert "remaining" not in text.lower()
    assert not re.search(r"\b\d+ (downloads? )?left\b", text)
    screenshot(page, "locker-desktop")
    assert axe_violations(page) == []


def test_paging_and_sorting_swap_only_the_list(page, customer, sandboxed):
    from tests.browser.helpers import signed_in
    from tests.helpers import link_to_sandbox

    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    signed_in(page, customer)
    expect(page.get_by_role("article")).to_have_count(10)
    page.evaluate("window.__marker = 'same document'")

    page.get_by_role("link", name="Next").first.click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.get_by_text(re.compile(r"11–20 of \d+ releases"))).to_be_visible()

    page.get_by_label("Sort by").select_option("artistName asc")
    expect(page).to_have_url(re.compile(r"sort=artistName(\+|%20)asc"))
    expect(page.get_by_label("Sort by")).to_have_value("artistName asc")
    page.get_by_label("Per page").select_option("20")
    expect(page.get_by_role("article")).to_have_count(20)
    assert page.evaluate("window.__marker") == "same document"  # htmx swapped, no reload

    page.get_by_role("link", name="Last").first.click()
    # The marker exists on every page: wait for the last page's own ("Page N of N") and its URL,
    # or Back races the answer (see the next test for what a customer then saw).
    current = page.locator(".pagination [aria-current='page']").first
    expect(current).to_have_text(re.compile(r"^Page (\d+) of \1$"))
    expect(page).to_have_url(re.compile(r"pageSize=20&page=\d+"))
    page.go_back()
    expect(page).to_have_url(re.compile(r"pageSize=20$"))
    expect(page.get_by_role("article")).to_have_count(20)


def test_back_while_a_page_is_loading_keeps_history_and_list_in_step(page, customer, sandboxed):
    """Back pressed while "Last" is still loading: the customer gets the entry they went back to,
    and the late answer neither replaces the list nor pushes its URL over the entry ahead."""
    from tests.browser.helpers import signed_in
    from tests.helpers import link_to_sandbox

    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    signed_in(page, customer)
    expect(page.get_by_role("article")).to_have_count(10)
    page.get_by_label("Per page").select_option("20")
    expect(page.get_by_role("article")).to_have_count(20)
    expect(page).to_have_url(re.compile(r"pageSize=20"))

    sandboxed.set_faults(latency_ms=1500, paths=["/1.2/user/locker"])  # the last page isn't cached
    with page.expect_request(re.compile(r"page=\d+")) as late:
        page.get_by_role("link", name="Last").first.click()
    page.go_back()  # back to the first page of 10, cached, while "Last" is in flight
    expect(page).to_have_url(re.compile(r"/locker/$"))
    expect(page.get_by_role("article")).to_have_count(10)
    late.value.response()  # the late answer comes (or its request fails)
    page.wait_for_timeout(500)  # and whatever it would swap has had its turn
    expect(page).to_have_url(re.compile(r"/locker/$"))
    expect(page.get_by_role("article")).to_have_count(10)
    expect(page.locator(".pagination [aria-current='page']").first).to_have_text(re.compile(r"^Page 1 of "))
    sandboxed.clear_faults()
    page.go_forward()  # the entry ahead is still there
    expect(page).to_have_url(re.compile(r"pageSize=20$"))
    expect(page.get_by_role("article")).to_have_count(20)


def test_the_locker_works_at_phone_width(phone, linked_customer, sandboxed):
    from tests.browser.helpers import signed_in

    signed_in(phone, linked_customer)
    expect(phone.get_by_role("article")).to_have_count(4)
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"page scrolls sideways at phone width ({width}px)"
    screenshot(phone, "locker-phone")


def test_the_locker_works_without_javascript(browser, live_server, linked_customer, sandboxed):
    from tests.browser.helpers import sign_in
    from tests.helpers import PASSWORD as CUSTOMER_PASSWORD

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, linked_customer.email, CUSTOMER_PASSWORD)  # the sign-in form without JavaScript too
    expect(page.get_by_role("article")).to_have_count(4)
    page.get_by_label("Sort by").select_option("releaseTitle desc")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"sort=releaseTitle(\+|%20)desc"))
    context.close()
