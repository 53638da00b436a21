"""At phone width (390 px): the download history stacks into labelled rows and the pagination
stays on one line, with nothing wider than the screen."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from locker.models import DownloadEvent
from tests.browser.helpers import axe_violations, signed_in
from tests.helpers import link_to_sandbox

LABELS = ["Track", "Artist", "Release", "Format", "When (UTC)", "Outcome"]
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture
def on_a_phone(browser, live_server, sandboxed):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def one_line(page, selector: str) -> bool:
    """Every shown item of the list at `selector` sits on the same line."""
    return page.evaluate(
        """(sel) => { const tops = [...document.querySelectorAll(sel + ' li')]
             .filter((li) => li.offsetParent !== null).map((li) => li.getBoundingClientRect().top);
           return tops.length > 1 && tops.every((t) => Math.abs(t - tops[0]) < 2); }""",
        selector,
    )


def test_the_history_stacks_with_labels_and_pages_on_one_line(on_a_phone, customer):
    start = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)
    for n in range(30):
        DownloadEvent.objects.create(
            user=customer, release_id=1, track_id=100 + n, format_id=17, format_description="MP3 320",
            track_title=f"Track {n}", release_title="A rather long release title that has to wrap on a phone",
            outcome="redirected", created_at=start + timedelta(minutes=n),
        )  # fmt: skip
    page = on_a_phone
    signed_in(page, customer, to="/locker/history/")
    table = page.get_by_role("table")
    expect(table.get_by_role("columnheader")).to_have_text(LABELS)  # a real table for assistive technology
    first_row = table.get_by_role("row").nth(1)
    expect(first_row.get_by_role("cell")).to_have_count(6)
    labels = page.evaluate(
        """() => [...document.querySelectorAll('.history tbody tr:first-child td')]
             .map((td) => getComputedStyle(td, '::before').content.replace(/^"|"$/g, ''))"""
    )
    assert labels == LABELS  # each cell shows its column's name
    assert page.evaluate("getComputedStyle(document.querySelector('.history td')).display") != "table-cell"
    assert (
        not page.locator(".history thead").is_visible()
        or page.locator(".history thead").bounding_box()["height"] <= 1
    )
    assert page.evaluate(NO_OVERFLOW)
    assert one_line(page, ".pagination")
    expect(page.locator(".pagination")).to_contain_text("Page 1 of 2")
    assert axe_violations(page) == []


def test_the_locker_pagination_fits_one_line_on_a_phone(on_a_phone, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")  # 68 releases: 7 pages of 10
    page = on_a_phone
    signed_in(page, customer, to="/locker/?page=2")
    nav = page.get_by_role("navigation", name="Pages")
    expect(nav).to_contain_text("Page 2 of 7")
    expect(nav.get_by_role("link", name="Previous")).to_be_visible()
    expect(nav.get_by_role("link", name="Next")).to_be_visible()
    assert one_line(page, ".pagination")
    assert page.evaluate(
        "(() => { const n = document.querySelector('.pagination'); return n.scrollWidth <= n.clientWidth; })()"
    )
    assert page.evaluate(NO_OVERFLOW)
