"""The locker index in Chromium: link, see the indexing progress, search as you type, filter, hide
and undo, download from a search result and see the row's new state; the phone width (artists
too); and search, filters, hide and artists without JavaScript."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.helpers import axe_violations, screenshot
from tests.browser.test_locker_browser import sign_up_and_link

EMAIL = "finder@example.com"


def indexed(page, sandbox):
    """Sign up, link the small account, watch the progress, then let a sync run (as the worker would)."""
    from locker.library import sync

    sign_up_and_link(page, sandbox, EMAIL)
    expect(page.get_by_role("status").filter(has_text="Indexing your locker")).to_be_visible()
    expect(page.locator("progress#locker-index-bar")).to_be_attached()
    user = get_user_model().objects.get(email=EMAIL)
    assert sync.run(user.pk, full=True)
    # The progress poll sees the sync done and the body reloads from the index, with its search.
    expect(page.get_by_role("searchbox", name=re.compile("Search"))).to_be_visible(timeout=15_000)
    return user


def test_search_filter_hide_undo_and_download_from_a_result(page, sandboxed):
    indexed(page, sandboxed)
    expect(page.get_by_role("article")).to_have_count(4)
    page.evaluate("window.__marker = 'same document'")

    box = page.get_by_role("searchbox", name=re.compile("Search"))
    box.press_sequentially("ligh", delay=60)
    expect(page).to_have_url(re.compile(r"[?&]q=ligh"))
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("heading", name="Harbour Lights")).to_be_visible()
    expect(page.locator("article h2 mark")).to_have_text("Lights")
    expect(box).to_be_focused()
    expect(box).to_have_value("ligh")
    expect(page.get_by_text(re.compile(r"1–1 of 1 release\b"))).to_be_visible()

    box.fill("zzzz-nothing")
    expect(page.get_by_role("heading", name="Nothing matches")).to_be_visible()
    box.fill("")
    expect(page.get_by_role("article")).to_have_count(4)

    page.get_by_label("Track state").select_option("unavailable")
    expect(page).to_have_url(re.compile(r"state=unavailable"))
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("heading", name=re.compile("Taken Down"))).to_be_visible()
    page.get_by_label("Track state").select_option("")
    expect(page.get_by_role("article")).to_have_count(4)
    assert page.evaluate("window.__marker") == "same document"  # all of it htmx, no reload

    harbour = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Harbour Lights"))
    harbour.get_by_role("button", name=re.compile("^Hide")).click()
    notice = page.get_by_role("status").filter(has_text="is hidden")
    expect(notice).to_be_visible()
    expect(page.get_by_label(re.compile(r"Show hidden \(1\)"))).to_have_count(
        0
    )  # the form isn't reloaded yet
    notice.get_by_role("button", name="Undo").click()
    expect(page.get_by_role("heading", name="Harbour Lights")).to_be_visible()
    expect(page.get_by_role("article")).to_have_count(4)

    box = page.get_by_role("searchbox", name=re.compile("Search"))
    box.press_sequentially("lights", delay=40)
    expect(page.get_by_role("article")).to_have_count(1)
    row = page.locator("li.state-last_download").first
    row_id = row.get_attribute("id")
    with page.expect_download():
        row.get_by_role("button", name=re.compile(r"^Download MP3 320")).click()
    updated = page.locator(f"#{row_id}")
    expect(updated).to_have_class(re.compile("state-exhausted"), timeout=10_000)
    expect(updated.get_by_role("button", name=re.compile(r"^Download MP3 320"))).to_be_disabled()
    screenshot(page, "search-desktop")


def test_hide_and_see_it_under_show_hidden(page, sandboxed):
    indexed(page, sandboxed)
    page.goto("/locker/?q=lights")
    assert axe_violations(page) == []  # the search form, a highlighted result, the disclosure
    page.goto("/locker/")
    harbour = page.get_by_role("article").filter(has=page.get_by_role("heading", name="Harbour Lights"))
    harbour.get_by_role("button", name=re.compile("^Hide")).click()
    expect(page.get_by_role("status").filter(has_text="is hidden")).to_be_visible()
    page.reload()
    expect(page.get_by_role("article")).to_have_count(3)
    page.get_by_label(re.compile(r"Show hidden \(1\)")).check()
    expect(page.get_by_role("article")).to_have_count(1)
    page.get_by_role("button", name=re.compile("^Show again")).click()
    expect(page.get_by_role("heading", name="Nothing matches")).to_be_visible()
    page.get_by_role("link", name="Clear all").first.click()
    expect(page.get_by_role("article")).to_have_count(4)


def test_search_at_phone_width(browser, live_server, sandboxed):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    context.set_default_timeout(10_000)
    phone = context.new_page()
    try:
        indexed(phone, sandboxed)
        phone.get_by_role("searchbox", name=re.compile("Search")).press_sequentially("lights", delay=40)
        expect(phone).to_have_url(re.compile(r"q=lights"))
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"the page scrolls sideways at phone width ({width} px)"
        screenshot(phone, "search-phone")
        phone.get_by_role("link", name="Artists").click()
        expect(phone.get_by_role("heading", level=1)).to_have_text("Artists")
        artist = phone.get_by_role("main").get_by_role("link").first
        name = artist.inner_text()
        artist.click()
        expect(phone).to_have_url(re.compile(r"artist=\d+"))
        expect(phone.get_by_text(f"Artist: {name}")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()


@pytest.mark.parametrize("width", [1280, 390], ids=["desktop", "phone"])
def test_search_filters_hide_and_artists_work_without_javascript(
    browser, live_server, linked_customer, sandboxed, width
):
    from locker.library import sync
    from tests.browser.helpers import signed_in

    assert sync.run(linked_customer.pk, full=True) == "synced"
    viewport = {"width": width, "height": 844}
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, viewport=viewport)
    page = context.new_page()
    try:
        signed_in(page, linked_customer)
        articles = page.get_by_role("article")
        expect(articles).to_have_count(4)
        # Search: a plain GET form, its Search button.
        page.get_by_role("searchbox", name=re.compile("Search")).fill("lights")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page).to_have_url(re.compile(r"q=lights"))
        expect(articles).to_have_count(1)
        expect(articles.locator("mark").first).to_have_text(re.compile("^lights$", re.IGNORECASE))
        # A filter with the search kept: the same form.
        page.get_by_label("Track state").select_option("exhausted")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page).to_have_url(re.compile(r"q=lights.*state=exhausted"))
        expect(articles).to_have_count(1)
        expect(page.get_by_label("Track state")).to_have_value("exhausted")
        page.get_by_role("link", name="Clear all").first.click()
        expect(articles).to_have_count(4)
        # Hide: a page says so and offers the undo; the release waits under "Show hidden".
        first = articles.first.get_by_role("heading", level=2).inner_text()
        articles.first.get_by_role("button", name=re.compile("^Hide")).click()
        expect(page.get_by_role("status")).to_contain_text("is hidden")
        page.get_by_role("link", name="Back to my music").click()
        expect(articles).to_have_count(3)
        page.get_by_label(re.compile(r"Show hidden \(1\)")).check()
        page.get_by_role("button", name="Search", exact=True).click()
        expect(articles).to_have_count(1)
        expect(articles.get_by_role("heading", level=2)).to_have_text(first)
        # Artists: the list leads to the locker filtered on one of them.
        page.goto("/locker/artists/")
        artist = page.get_by_role("main").get_by_role("link").first
        name = artist.inner_text()
        artist.click()
        expect(page).to_have_url(re.compile(r"artist=\d+"))
        expect(page.get_by_text(f"Artist: {name}")).to_be_visible()
        assert articles.count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        context.close()


def test_typing_just_after_results_arrive_still_searches(page, linked_customer, sandboxed):
    """A keystroke in the moment new results are swapped in (before htmx would settle them) is
    searched too: the results never stay behind what the box says."""
    from locker.library import sync
    from tests.browser.helpers import signed_in

    assert sync.run(linked_customer.pk, full=True) == "synced"
    signed_in(page, linked_customer)
    articles = page.get_by_role("article")
    expect(articles).to_have_count(4)
    # The customer clears the box the instant "nothing matches" arrives.
    page.evaluate(
        """() => document.body.addEventListener("htmx:afterSwap", () => setTimeout(() => {
             const box = document.getElementById("locker-q");
             box.value = "";
             box.dispatchEvent(new Event("input", {bubbles: true}));
           }, 0), {once: true})"""
    )
    page.get_by_role("searchbox", name=re.compile("Search")).fill("zzzz-nothing")
    expect(page.get_by_role("heading", name="Nothing matches")).to_be_visible()
    expect(articles).to_have_count(4)
    expect(page).not_to_have_url(re.compile(r"q=zzzz"))
