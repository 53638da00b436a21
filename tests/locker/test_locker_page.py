"""The locker page through the real sandbox over HTTP: every state of the seed and of the page."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.test import Client
from pytest_django.asserts import assertContains, assertNotContains

from locker import locker_cache
from locker.models import SevenDigitalLink
from locker.page_html import CSRF_MARK, render_variant
from locker.query import SORT_LABELS, LockerQuery
from tests.helpers import download_buttons, download_post, link_to_sandbox
from tests.markup import attribute, element, elements, text


def upstream_calls(sandbox) -> int:
    return len([r for r in sandbox.log("/1.2/user/locker")])


def test_it_asks_anonymous_visitors_to_sign_in(client, db):
    response = client.get("/locker/")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith("/accounts/login/")


def test_it_offers_linking_when_not_linked(client, customer, sandboxed):
    client.force_login(customer)
    response = client.get("/locker/")
    assertContains(response, "Link your 7digital account")
    assertContains(response, 'action="/accounts/sevendigital/login/?process=connect')


def test_it_shows_every_track_state_of_the_small_locker(customer_client, sandboxed):
    response = customer_client.get("/locker/")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html.count("<article") == 4
    assert "used all downloads of this track" in html
    assert "last download of this track" in html
    assert "withdrawn from the 7digital catalogue" in html
    assert "Pre-order: available from" in html
    # A disabled control points at the visible explanation.
    disabled = [b for b in elements(html, "button") if "disabled" in b.attributes]
    assert disabled
    for button in disabled:
        assert text(element(html, "*", id=attribute(button, "aria-describedby")))


def test_it_never_shows_remaining_counts(customer_client, sandboxed):
    html = customer_client.get("/locker/?pageSize=50").content.decode()
    assert "remaining" not in html.lower()
    assert not re.search(r"\b\d+ (downloads? )?left\b", html)


def test_it_calls_7digital_once_per_page_view_and_not_at_all_when_cached(customer_client, sandboxed):
    before = upstream_calls(sandboxed)
    customer_client.get("/locker/")
    assert upstream_calls(sandboxed) == before + 1
    customer_client.get("/locker/")
    assert upstream_calls(sandboxed) == before + 1


def test_a_cached_page_works_without_javascript_for_every_session(linked_customer, sandboxed):
    """Rendered pages are cached per customer; each visitor still gets forms with their own token."""
    first = Client(enforce_csrf_checks=True)
    first.force_login(linked_customer)
    first.get("/locker/")
    calls = upstream_calls(sandboxed)
    second = Client(enforce_csrf_checks=True)  # signed in elsewhere: another CSRF secret
    second.force_login(linked_customer)
    html = second.get("/locker/").content.decode()
    assert upstream_calls(sandboxed) == calls  # served from the cache
    row = elements(html, "li", class_="state-downloadable")[0]
    fields = download_post(html, download_buttons(row)[0])
    assert set(fields) == {"csrfmiddlewaretoken", "release", "format", "track"}
    response = second.post("/locker/download/", fields)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(f"{sandboxed.url}/media/user/downloadtrack?")


def test_cached_pages_hold_no_csrf_token(customer_client, linked_customer, sandboxed):
    html = customer_client.get("/locker/").content.decode()
    tokens = [attribute(i, "value") or "" for i in elements(html, "input", name="csrfmiddlewaretoken")]
    assert tokens and all(re.fullmatch(r"\w{64}", t) for t in tokens) and CSRF_MARK not in html
    cached = locker_cache.lookup(linked_customer.pk, LockerQuery().cache_key, render_variant())[1]
    assert len(cached) > 2  # split where each form's token goes
    assert not any(re.search(rb'name="csrfmiddlewaretoken" value="\w', chunk) for chunk in cached)


@pytest.mark.parametrize(
    ("change", "shown"),
    [
        (lambda link: link.mark_needs_relink("revoked"), "Link your 7digital account again"),
        (lambda link: link.delete(), "Link your 7digital account"),
        (lambda link: SevenDigitalLink.objects.filter(pk=link.pk).delete(), "Link your 7digital account"),
    ],
    ids=["needs-relink", "deleted", "deleted-in-bulk"],
)
def test_a_cached_page_is_dropped_when_the_link_changes(
    customer_client, linked_customer, sandboxed, change, shown
):
    assert "<article" in customer_client.get("/locker/").content.decode()
    assert locker_cache.lookup(linked_customer.pk, LockerQuery().cache_key, render_variant())[1]  # now cached
    change(linked_customer.sevendigital_link)
    html = customer_client.get("/locker/").content.decode()
    assert shown in html
    assert not any(b["enabled"] for b in download_buttons(html))


@pytest.mark.parametrize("sort", SORT_LABELS)
def test_it_sorts_by_every_column_and_order(client, customer, sandboxed, sort):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    client.force_login(customer)
    response = client.get("/locker/", {"sort": sort, "pageSize": 50})
    page = response.content.decode()
    titles = [  # the title itself, without the version beside it
        "".join(part for part in h.children if isinstance(part, str)).strip()
        for h in elements(page, "h2")
        if re.fullmatch(r"release-\d+-title", attribute(h, "id") or "")
    ]
    assert len(titles) == 50 and all(titles)
    assert "selected" in element(element(page, "select", name="sort"), "option", value=sort).attributes
    if sort.startswith("releaseTitle"):
        keys = [t.casefold() for t in titles]
        assert keys == sorted(keys, reverse=sort.endswith("desc"))


def test_it_pages_with_first_previous_next_last(client, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    client.force_login(customer)
    html = client.get("/locker/", {"page": 2, "pageSize": 10}).content.decode()
    total = int(re.search(r"of (\d+) releases", html).group(1))
    assert "11–20 of" in html
    for label in ("First", "Previous", "Next", "Last"):
        assert any(text(a) == label and attribute(a, "href").startswith("?") for a in elements(html, "a"))
    last = -(-total // 10)
    assert f"page={last}" in html


def test_a_page_past_the_end_goes_to_the_last_page(customer_client, sandboxed):
    response = customer_client.get("/locker/", {"page": 999})
    assert response.status_code == HTTPStatus.FOUND
    assert "page=1" in response["Location"]


@pytest.mark.parametrize(
    "params",
    [
        {"sort": "price desc"},
        {"page": "x"},
        {"pageSize": "7"},
        {"pageSize": "-1"},
        {"page": "0"},
        {"sort": "<script>"},
    ],
)
def test_bad_query_values_fall_back_to_defaults(customer_client, sandboxed, params):
    response = customer_client.get("/locker/", params)
    assert response.status_code == HTTPStatus.OK
    assertContains(response, '<option value="purchaseDate desc" selected>')


def test_htmx_requests_get_only_the_list(customer_client, sandboxed):
    response = customer_client.get("/locker/", {"page": 1}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="locker-body"')
    assert "<html" not in html
    assert response["Vary"].count("HX-Request") == 1


def test_history_restores_get_the_whole_page_and_caches_tell_them_apart(customer_client, sandboxed):
    """htmx's Back (HX-History-Restore-Request) needs the whole page; the body-only answer for the
    same URL must never be reused for it, so the answer varies on both headers."""
    restore = customer_client.get(
        "/locker/", {"page": 1}, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in restore.content.decode()
    vary = [v.strip().lower() for v in restore["Vary"].split(",")]
    assert "hx-request" in vary and "hx-history-restore-request" in vary


def test_boosted_navigation_gets_the_whole_page_with_the_player_outside_main(customer_client, sandboxed):
    """The site header's links are htmx-boosted: they swap <main> from a whole page, and the player
    (outside <main>) is the one already playing."""
    boosted = customer_client.get("/locker/", headers={"HX-Request": "true", "HX-Boosted": "true"})
    html = boosted.content.decode()
    assert "<html" in html and "<title>My music" in html
    assert html.index('id="player"') > html.index("</main>")
    assert "hx-boost" in html.split("<main")[0]  # on the header, not on main's forms
    assert "hx-boost" not in html.split("<main")[1].split("</main>")[0]
    assert "hx-boosted" in [v.strip().lower() for v in boosted["Vary"].split(",")]


def test_it_shows_an_empty_locker(client, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "empty@sandbox.test")
    client.force_login(customer)
    assertContains(client.get("/locker/"), "Your locker is empty")


def test_a_revoked_token_asks_for_relinking(customer_client, linked_customer, sandboxed):
    sandboxed.revoke(email="small@sandbox.test")
    response = customer_client.get("/locker/")
    assertContains(response, "Link your 7digital account again")
    linked_customer.sevendigital_link.refresh_from_db()
    assert linked_customer.sevendigital_link.needs_relink


def test_an_upstream_failure_serves_the_last_good_copy_with_downloads_off(
    customer_client, linked_customer, sandboxed
):
    customer_client.get("/locker/")
    locker_cache.invalidate(linked_customer.pk)  # the fresh copy expires; the last good one stays
    sandboxed.set_faults(mode="error500")
    response = customer_client.get("/locker/")
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "Showing the last copy we have" in html
    assert "<article" in html
    assert not any(b["enabled"] for b in download_buttons(html))


def test_an_upstream_failure_without_a_copy_shows_a_friendly_error(customer_client, sandboxed):
    sandboxed.set_faults(mode="garbage")
    response = customer_client.get("/locker/")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assertContains(response, "try again", status_code=503)
    assertNotContains(response, "Traceback", status_code=503)


def test_hostile_titles_are_escaped(client, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    client.force_login(customer)
    pages = [client.get("/locker/", {"pageSize": 50, "page": p}).content.decode() for p in (1, 2)]
    html = "".join(pages)
    assert "<script>alert" not in html
    assert "&lt;script&gt;" in html
