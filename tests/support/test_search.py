"""Finding a customer in the admin by email, username, 7digital user id, purchase id, track or release id."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.test import Client

from locker.models import DownloadEvent, SevenDigitalLink
from locker.support.models import SeenPurchase
from tests.helpers import link_to_sandbox
from tests.markup import elements, text

LISTS = ["/admin/auth/user/", "/admin/locker/sevendigitallink/"]


@pytest.fixture
def two_customers(customer_factory, sandboxed):
    """Ada (the small locker) and Bo (another account), each of whom has opened their locker once."""
    ada = customer_factory("ada@example.com")
    bo = customer_factory("bo.other@example.com")
    link_to_sandbox(ada, sandboxed, "small@sandbox.test")
    link_to_sandbox(bo, sandboxed, "other@sandbox.test")
    for user in (ada, bo):
        own = Client()
        own.force_login(user)
        own.get("/locker/?pageSize=50")
    return ada, bo


def found(client, path: str, term: str) -> set[str]:
    results = elements(client.get(path, {"q": term}).content.decode(), "table", id="result_list")
    return (
        set(re.findall(r"\b(ada@example\.com|bo\.other@example\.com)\b", text(results[0])))
        if results
        else set()
    )


def only_ada_ids(field: str, ada, bo) -> int:
    theirs = set(SeenPurchase.objects.filter(user=bo).values_list(field, flat=True))
    return next(
        v
        for v in SeenPurchase.objects.filter(user=ada).values_list(field, flat=True)
        if v and v not in theirs
    )


@pytest.mark.parametrize("path", LISTS)
def test_by_email_and_username(support_client, two_customers, path):
    assert found(support_client, path, "ada@example.com") == {"ada@example.com"}
    assert found(support_client, path, "bo.other") == {"bo.other@example.com"}


@pytest.mark.parametrize("path", LISTS)
def test_by_7digital_user_id(support_client, two_customers, path):
    ada, _ = two_customers
    assert found(support_client, path, SevenDigitalLink.objects.get(user=ada).sevendigital_user_id) == {
        "ada@example.com"
    }


@pytest.mark.parametrize("path", LISTS)
def test_by_purchase_id_seen_in_their_locker(support_client, two_customers, path):
    ada, bo = two_customers
    assert found(support_client, path, str(only_ada_ids("purchase_id", ada, bo))) == {"ada@example.com"}


@pytest.mark.parametrize("path", LISTS)
def test_by_track_and_release_id_seen_in_their_locker(support_client, two_customers, path):
    ada, bo = two_customers
    assert found(support_client, path, str(only_ada_ids("track_id", ada, bo))) == {"ada@example.com"}
    assert found(support_client, path, str(only_ada_ids("release_id", ada, bo))) == {"ada@example.com"}


@pytest.mark.parametrize("path", LISTS)
def test_by_track_and_release_id_through_download_events(support_client, two_customers, path):
    _, bo = two_customers
    DownloadEvent.objects.create(
        user=bo, release_id=424242, track_id=767676, format_id=17, outcome="not_found"
    )
    assert found(support_client, path, "767676") == {"bo.other@example.com"}
    assert found(support_client, path, "424242") == {"bo.other@example.com"}


def test_download_events_by_email_track_and_release_id(support_client, two_customers):
    ada, bo = two_customers
    DownloadEvent.objects.create(user=ada, release_id=111, track_id=222, format_id=17, outcome="redirected")
    DownloadEvent.objects.create(user=bo, release_id=333, track_id=444, format_id=17, outcome="exhausted")
    path = "/admin/locker/downloadevent/"
    # A text term skips the id fields instead of failing on them.
    assert found(support_client, path, "ada@example.com") == {"ada@example.com"}
    assert found(support_client, path, "444") == {"bo.other@example.com"}
    assert found(support_client, path, "111") == {"ada@example.com"}


@pytest.mark.parametrize("path", [*LISTS, "/admin/locker/downloadevent/"])
def test_an_unknown_term_finds_nobody(support_client, two_customers, path):
    assert found(support_client, path, "999999999999") == set()
    assert found(support_client, path, "nobody@nowhere.test") == set()


@pytest.mark.parametrize("path", LISTS)
def test_filters_for_needs_relinking(support_client, two_customers, path):
    ada, _ = two_customers
    SevenDigitalLink.objects.get(user=ada).mark_needs_relink("test")
    param = {"/admin/auth/user/": "link=relink", "/admin/locker/sevendigitallink/": "needs_relink__exact=1"}[
        path
    ]
    html = support_client.get(f"{path}?{param}").content.decode()
    assert "ada@example.com" in html and "bo.other@example.com" not in html


def test_filters_by_linked_date(support_client, two_customers):
    links = "/admin/locker/sevendigitallink/?linked_at__gte="
    html = support_client.get(links + "2000-01-01+00:00:00%2B00:00").content.decode()
    assert "ada@example.com" in html and "bo.other@example.com" in html
    html = support_client.get(links + "2999-01-01+00:00:00%2B00:00").content.decode()
    assert "ada@example.com" not in html


def test_the_index_command_notes_every_page_of_a_big_locker(customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    sandboxed.clear_log()
    call_command("index_purchases", "--email", customer.email, stdout=io.StringIO())
    assert len(sandboxed.log("/1.2/user/locker")) >= 2
    seen = SeenPurchase.objects.filter(user=customer)
    assert seen.values("release_id").distinct().count() > 50  # more than one page of releases


@pytest.fixture
def two_indexed(two_customers):
    """Ada and Bo with their lockers indexed (a full sync each, over HTTP)."""
    from locker.library import sync

    for user in two_customers:
        sync.run(user.pk, full=True)
    return two_customers


@pytest.mark.parametrize("path", LISTS)
def test_by_a_purchased_title_or_artist_through_the_index(support_client, two_indexed, path):
    # small@ holds "Harbour Lights" by Neon Harbour; other@ holds "Elsewhere" and "東京の夜明け".
    assert found(support_client, path, "harbour lights") == {"ada@example.com"}
    assert found(support_client, path, "neon harb") == {"ada@example.com", "bo.other@example.com"}
    assert found(support_client, path, "elsewhere") == {"bo.other@example.com"}
    assert found(support_client, path, "東京") == {"bo.other@example.com"}
    assert found(support_client, path, "no such music anywhere") == set()


@pytest.mark.parametrize("path", LISTS)
def test_by_isrc_through_the_index(support_client, two_indexed, path):
    from locker.library.models import IndexedTrack

    ada, bo = two_indexed
    theirs = set(IndexedTrack.objects.filter(user=bo).values_list("isrc", flat=True))
    isrc = next(
        i for i in IndexedTrack.objects.filter(user=ada).values_list("isrc", flat=True) if i not in theirs
    )
    assert found(support_client, path, isrc) == {"ada@example.com"}
    assert found(support_client, path, isrc.lower()) == {"ada@example.com"}


@pytest.mark.parametrize("term", ["<script>", "%", "_", '"', "NEAR(", "OR", "((", "*"])
def test_hostile_admin_search_is_answered(support_client, two_indexed, term):
    assert support_client.get(LISTS[0], {"q": term}).status_code == 200
