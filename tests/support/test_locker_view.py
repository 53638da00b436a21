"""The staff Locker view through the real sandbox: the customer's states plus the raw staff facts."""

from __future__ import annotations

import re
from http import HTTPStatus

from django.core.cache import cache
from django.test import Client

from locker import locker_cache
from locker.loader import load_locker
from locker.models import DownloadEvent
from locker.query import LockerQuery
from locker.support.models import SeenPurchase
from locker.support.purchases import record_purchases
from tests.helpers import link_to_sandbox, record_download
from tests.markup import attribute, element, elements, text
from tests.support.helpers import action_url, customer_rows, locker_url, staff_rows

SMALL = "small@sandbox.test"


def own_page(customer, params="") -> str:
    """The customer's own locker page, from their own browser session."""
    client = Client()
    client.force_login(customer)
    return client.get(f"/locker/{params}").content.decode()


def main_content(html: str) -> str:
    return html[html.index('<div id="content-main"') : html.index("<footer")]


def test_it_shows_the_raw_remaining_count_that_the_customer_page_never_shows(
    support_client, linked_customer, sandboxed
):
    html = support_client.get(locker_url(linked_customer)).content.decode()
    rows = staff_rows(html)
    exhausted = [r for r in rows.values() if r["state"] == "exhausted"]
    assert exhausted and all(r["remaining"] == "0" for r in exhausted)
    assert {r["remaining"] for r in rows.values() if r["state"] == "last_download"} == {"1"}
    assert "Remaining downloads" in html and "No downloads left" in html

    customer_html = own_page(linked_customer, "?pageSize=50")
    assert "remaining" not in customer_html.lower()
    assert "support-remaining" not in customer_html


def test_it_computes_the_same_states_as_the_customer_page(support_client, linked_customer, sandboxed):
    theirs = customer_rows(own_page(linked_customer))
    ours = staff_rows(support_client.get(locker_url(linked_customer)).content.decode())
    assert theirs and {k: v["state"] for k, v in ours.items()} == theirs
    assert set(theirs.values()) == {"downloadable", "last_download", "exhausted", "unavailable", "preorder"}


def test_it_shows_purchase_ids_dates_availability_and_formats(support_client, linked_customer, sandboxed):
    response = support_client.get(locker_url(linked_customer))
    html = response.content.decode()
    view = response.context["view"]
    tracks = [t for release in view.releases for t in release.tracks]
    for track in tracks:
        if track.purchase_id:
            assert f"<dd>{track.purchase_id}" in html
    assert any(t.purchase_date for t in tracks)
    assert "Withdrawn</strong>" in html and "Available</dd>" in html and "Pre-order</strong>" in html
    assert "MP3 320" in html
    assert 'datetime="' in html


def test_staff_get_no_download_or_play_controls(support_client, linked_customer, sandboxed):
    html = main_content(support_client.get(locker_url(linked_customer)).content.decode())
    assert "<button" not in html and '<form method="post"' not in html
    assert "/locker/download/" not in html and "/locker/stream/" not in html
    assert "hx-post" not in html
    assert "Download off · Play on" in html  # what the customer sees on an exhausted track, as text


def test_it_shows_the_download_history_with_outcomes(support_client, linked_customer, sandboxed):
    for track_id, title, outcome in [
        (22, "Tide Tables", DownloadEvent.Outcome.REDIRECTED),
        (23, "Low Water", DownloadEvent.Outcome.EXHAUSTED),
    ]:
        record_download(
            linked_customer,
            outcome,
            release_id=11,
            track_id=track_id,
            track_title=title,
            release_title="Harbour",
        )
    html = support_client.get(locker_url(linked_customer)).content.decode()
    history = html[html.index('id="support-history"') :]
    assert "Tide Tables" in history and "Download started" in history
    assert "Low Water" in history and "No downloads left" in history


def test_the_history_is_paged(support_client, linked_customer, sandboxed):
    DownloadEvent.objects.bulk_create(
        DownloadEvent(user=linked_customer, release_id=1, track_id=n, format_id=17, outcome="redirected")
        for n in range(45)
    )
    html = support_client.get(locker_url(linked_customer), {"history": 3}).content.decode()
    assert "Page 3 of 3" in html and "history=2" in html


def test_it_pages_and_sorts_like_the_customer_page(support_client, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    html = support_client.get(
        locker_url(customer), {"page": 2, "pageSize": 10, "sort": "releaseTitle asc"}
    ).content.decode()
    assert text(element(html, "span", class_="support-count")).startswith("11–20 of")
    selected = [attribute(o, "value") for o in elements(html, "option") if "selected" in dict(o.attributes)]
    assert "releaseTitle asc" in selected and "10" in selected
    links = {text(a): attribute(a, "href") or "" for a in elements(html, "a")}
    for label in ("First", "Previous", "Next", "Last"):
        assert links[label].startswith("?") and "sort=releaseTitle" in links[label], links.get(label)
    titles = [
        h2 for h2 in elements(html, "h2") if re.fullmatch(r"release-\d+-title", attribute(h2, "id") or "")
    ]
    assert len(titles) == 10


def test_a_page_past_the_end_goes_to_the_last_page(support_client, linked_customer, sandboxed):
    response = support_client.get(locker_url(linked_customer), {"page": 99})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(locker_url(linked_customer)) and "page=1" in response["Location"]


def test_an_upstream_failure_shows_a_clear_message_and_the_last_good_copy(
    support_client, linked_customer, sandboxed
):
    support_client.get(locker_url(linked_customer))  # a good copy is now cached
    sandboxed.set_faults(mode="error500", paths=["/1.2/user/locker"])
    locker_cache.invalidate(linked_customer.pk)
    response = support_client.get(locker_url(linked_customer))
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert "7digital did not answer for this locker just now" in html
    assert "last good copy" in html
    assert html.count('<article class="release') == 4
    assert '<dd class="support-remaining">0</dd>' in html  # the raw counts are still there


def test_an_upstream_failure_without_a_copy_says_so(support_client, linked_customer, sandboxed):
    sandboxed.set_faults(mode="error500", paths=["/1.2/user/locker"])
    cache.clear()
    html = support_client.get(locker_url(linked_customer)).content.decode()
    assert "7digital did not answer" in html and "no earlier copy" in html
    assert '<article class="release' not in html


def test_a_link_needing_relinking_is_explained(support_client, linked_customer, sandboxed):
    support_client.get(locker_url(linked_customer))
    sandboxed.revoke(email=SMALL)
    locker_cache.invalidate(linked_customer.pk)
    html = support_client.get(locker_url(linked_customer)).content.decode()
    assert "Needs relinking" in html
    assert "no longer accepts this customer's link" in html
    assert html.count('<article class="release') == 4


def test_a_customer_without_a_link_shows_their_history(support_client, customer, sandboxed):
    DownloadEvent.objects.create(user=customer, release_id=1, track_id=2, format_id=17, outcome="relink")
    html = support_client.get(locker_url(customer)).content.decode()
    assert "Not linked" in html and "Link needs renewing" in html
    assert "Refresh the cached locker" in html and "Unlink 7digital" not in html


def test_the_customers_own_locker_page_notes_purchase_ids_for_search(linked_customer, sandboxed):
    tracks = len(customer_rows(own_page(linked_customer, "?pageSize=50")))
    seen = SeenPurchase.objects.filter(user=linked_customer)
    assert tracks and seen.count() == tracks  # one row per track in the locker
    assert seen.exclude(purchase_id=None).count() == tracks
    own_page(linked_customer, "?pageSize=50")  # from the cache: nothing new, no error
    assert SeenPurchase.objects.filter(user=linked_customer).count() == tracks


def test_noting_an_unchanged_page_again_writes_nothing(linked_customer, sandboxed):
    result = load_locker(linked_customer.sevendigital_link, LockerQuery(page_size=50), refresh=True)
    assert SeenPurchase.objects.filter(user=linked_customer).count() > 0
    assert record_purchases(linked_customer, result.page) == 0


def test_staff_get_the_customers_search_and_filters_over_the_index(
    support_client, linked_customer, sandboxed
):
    from locker.library import sync
    from locker.support.models import AuditEntry

    sync.run(linked_customer.pk, full=True)
    html = support_client.get(locker_url(linked_customer)).content.decode()
    form = element(html, "form", class_="support-search", role="search")
    assert elements(form, "input", type="search", id="support-q", name="q")
    assert elements(form, "select", name="state")
    page = support_client.get(locker_url(linked_customer), {"q": "neon"}).content.decode()
    found = main_content(page)
    assert "Harbour Lights" in found and "Taken Down" not in found
    assert text(element(page, "span", class_="support-count")) == "1–1 of 1 release"
    withdrawn = main_content(
        support_client.get(locker_url(linked_customer), {"state": "unavailable"}).content.decode()
    )
    assert "Taken Down" in withdrawn and "Harbour Lights" not in withdrawn
    nothing = support_client.get(locker_url(linked_customer), {"q": "<script>NEAR(", "format": "x"})
    assert nothing.status_code == 200 and "No releases of this customer match" in nothing.content.decode()
    assert AuditEntry.objects.filter(details__search__q="neon").exists()


def test_staff_see_the_customers_own_cards_and_wording(support_client, linked_customer, sandboxed):
    from pytest_django.asserts import assertTemplateNotUsed, assertTemplateUsed

    response = support_client.get(locker_url(linked_customer))
    assertTemplateUsed(response, "locker/_release.html")
    assertTemplateUsed(response, "locker/_track.html")
    assertTemplateNotUsed(response, "locker/_download_all.html")

    def said(html: str) -> dict[str, str]:
        return {attribute(p, "id"): text(p) for p in elements(html, "p", class_="track-msg")}

    staff = said(response.content.decode())
    assert staff and staff == said(own_page(linked_customer))


def test_the_support_pages_breadcrumbs_lead_back_through_the_customer(support_client, linked_customer):
    def crumbs(url: str) -> list[tuple[str, str | None]]:
        trail = element(support_client.get(url).content.decode(), "ol", class_="breadcrumbs")
        return [
            (text(li), attribute(a[0], "href") if (a := elements(li, "a")) else None)
            for li in elements(trail, "li")
        ]

    customer = (str(linked_customer), f"/admin/auth/user/{linked_customer.pk}/change/")
    locker = crumbs(locker_url(linked_customer))
    assert locker[-2:] == [customer, ("Locker", None)] and locker[0] == ("Home", "/admin/")
    confirm = crumbs(action_url(linked_customer, "refresh"))
    assert confirm[:-1] == [*locker[:-1], ("Locker", locker_url(linked_customer))]
    assert confirm[-1][1] is None and confirm[-1][0]  # the action, where the staff member is
