"""Locker pages once the index is synced: no call to 7digital, the same markup and states, the
indexing notice before that, and downloads writing their fresh answer into the index."""

from __future__ import annotations

import re
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.utils import timezone

from locker import page_content, page_html, release_cards
from locker.library import sync
from locker.library.articles import sort_key
from locker.library.models import IndexedRelease, IndexedTrack, SyncState
from locker.page_html import CSRF_MARK
from locker.query import SORT_LABELS, LockerQuery
from tests.helpers import download_buttons, download_post, link_to_sandbox
from tests.library.test_sync import locker_calls
from tests.markup import attribute, elements, text


def titles(html: str) -> list[str]:
    return [
        text(h2)
        for h2 in elements(html, "h2")
        if re.fullmatch(r"release-\d+-title", attribute(h2, "id") or "")
    ]


def first_track_in(html: str, state: str):
    """The first track row in `state`, its (release, track) and its download form's fields."""
    row = elements(html, "li", class_=f"state-{state}")[0]
    release, track_id = map(int, re.fullmatch(r"track-(\d+)-(\d+)", attribute(row, "id") or "").groups())
    button = next(b for b in download_buttons(html) if (b["release"], b["track"]) == (release, track_id))
    return release, track_id, download_post(html, button)


def enabled_download_buttons(html: str) -> list[dict]:
    return [b for b in download_buttons(html) if b["enabled"]]


def signed_in_with_index(client, customer, sandbox, account: str):
    """`client`, signed in as `customer`, linked to the sandbox's `account` and fully indexed."""
    link_to_sandbox(customer, sandbox, account)
    assert sync.run(customer.pk, full=True) == "synced"
    client.force_login(customer)
    return client


@pytest.fixture
def indexed_client(client, customer, sandboxed):
    return signed_in_with_index(client, customer, sandboxed, "demo@sandbox.test")


@pytest.fixture
def small_indexed(client, customer, sandboxed):
    return signed_in_with_index(client, customer, sandboxed, "small@sandbox.test")


def test_index_pages_sorts_and_partials_make_no_upstream_call(indexed_client, customer, sandboxed):
    total = IndexedRelease.objects.filter(user=customer).count()
    sandboxed.clear_log()
    for sort in SORT_LABELS:
        for page in (1, 2):
            response = indexed_client.get("/locker/", {"sort": sort, "pageSize": 50, "page": page})
            assert response.status_code == HTTPStatus.OK
            html = response.content.decode()
            assert len(titles(html)) == (50 if page == 1 else total - 50)
            assert f"of {total} releases" in html
    partial = indexed_client.get("/locker/", {"page": 2}, headers={"HX-Request": "true"})
    assert partial.content.decode().startswith('<div id="locker-body"') and b"<html" not in partial.content
    assert locker_calls(sandboxed) == 0


def test_index_pages_show_the_same_releases_as_the_live_pages(client, customer_factory, sandboxed):
    live, synced = customer_factory("live@example.com"), customer_factory("synced@example.com")
    for user in (live, synced):
        link_to_sandbox(user, sandboxed, "demo@sandbox.test")
    sync.run(synced.pk, full=True)
    for page in (1, 2, 3):
        client.force_login(live)
        live_html = client.get("/locker/", {"page": page, "pageSize": 20}).content.decode()
        client.force_login(synced)
        index_html = client.get("/locker/", {"page": page, "pageSize": 20}).content.decode()
        assert titles(index_html) == titles(live_html)
        states = [
            [attribute(li, "class") for li in elements(h, "li", class_="track")]
            for h in (index_html, live_html)
        ]
        assert states[0] == states[1]


def test_sorting_by_artist_or_title_ignores_leading_articles(indexed_client, customer, settings):
    artists = []
    for page in (1, 2):
        html = indexed_client.get(
            "/locker/", {"sort": "artistName asc", "pageSize": 50, "page": page}
        ).content.decode()
        artists += [text(p) for p in elements(html, "p", class_="artist")]
    assert any(a.startswith("The ") for a in artists)
    keys = [sort_key(a) for a in artists]
    assert keys == sorted(keys)
    assert sort_key("The Beatles") == "beatles" and sort_key("An Zoë") == "zoe" and sort_key("The") == "the"
    settings.LOCKER_IGNORED_ARTICLES = ["Le", "Die"]
    assert sort_key("Le Tigre") == "tigre" and sort_key("The Beatles") == "the beatles"


def test_cached_index_pages_and_cards_hold_no_csrf_token(indexed_client, customer):
    html = indexed_client.get("/locker/", {"pageSize": 50}).content.decode()
    tokens = [attribute(i, "value") or "" for i in elements(html, "input", name="csrfmiddlewaretoken")]
    assert tokens and all(re.fullmatch(r"\w{64}", t) for t in tokens) and CSRF_MARK not in html
    link, state = page_content.link_and_state(customer)
    query = LockerQuery(page_size=50)
    body = cache.get(page_html._body_key(link, query, False), version=state.generation)
    page = page_content.read_index_rows(link, query, state.generation, paused=False)
    keys = release_cards.index_card_keys(
        customer.pk, page.rows, hidden_mode=False, downloads_enabled=True, preferred_format=""
    )
    cards = [cache.get(key) for key in keys]
    assert body and len(cards) == 50 and all(cards)
    for chunk in [*body, *cards]:
        assert not re.search(rb'name="csrfmiddlewaretoken" value="\w', chunk)
    # A second session (another CSRF secret) gets its own token in every form of the cached page.
    from django.test import Client

    other = Client(enforce_csrf_checks=True)
    other.force_login(customer)
    second = other.get("/locker/", {"pageSize": 50}).content.decode()
    *_, fields = first_track_in(second, "downloadable")
    assert other.post("/locker/download/", fields).status_code == HTTPStatus.FOUND


def test_a_visit_to_an_old_index_answers_at_once_and_refreshes_in_the_background(
    indexed_client, customer, sandboxed, settings
):
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(task_path="locker.library.tasks.sync_locker")
    before = queued.count()
    sandboxed.clear_log()
    indexed_client.get("/locker/")
    assert queued.count() == before  # fresh enough: nothing queued
    settings.LOCKER_SYNC_SECONDS = 1
    time.sleep(1.2)  # the index (and the page cached from it) is now older than that
    response = indexed_client.get("/locker/")
    assert response.status_code == HTTPStatus.OK and len(titles(response.content.decode())) == 10
    assert locker_calls(sandboxed) == 0  # the page came from the index
    assert queued.count() == before + 1 and SyncState.objects.get(user=customer).status == "pending"
    indexed_client.get("/locker/")
    assert queued.count() == before + 1  # one refresh queued, however many visits
    assert sync.run(customer.pk) == "unchanged" and locker_calls(sandboxed) == 1


def test_the_page_shows_indexing_progress_as_a_progress_bar_polled_by_htmx(client, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    client.force_login(customer)
    SyncState.objects.filter(user=customer).update(
        status="running", pages_done=3, pages_total=40, lease_until=timezone.now() + timedelta(seconds=60)
    )
    html = client.get("/locker/").content.decode()
    assert "<article" in html  # meanwhile, live pages
    assert "Indexing your locker: 3 of 40 pages" in html
    assert elements(html, "progress", id="locker-index-bar", max="40", value="3")
    assert elements(html, "*", hx_get="/locker/index/progress/", hx_trigger="every 1s")

    SyncState.objects.filter(user=customer).update(pages_done=4)
    partial = client.get("/locker/index/progress/", headers={"HX-Request": "true"})
    assert "Indexing your locker: 4 of 40 pages" in partial.content.decode()
    assert partial["Cache-Control"].startswith("max-age=0")

    SyncState.objects.filter(user=customer).update(lease_until=None)  # that sync's worker died
    assert sync.run(customer.pk, full=True) == "synced"
    done = client.get("/locker/index/progress/", headers={"HX-Request": "true"})
    assert "Your whole locker is indexed" in done.content.decode() and "hx-get" not in done.content.decode()
    assert done["HX-Trigger"] == "locker-indexed"
    page = client.get("/locker/").content.decode()
    assert "Indexing your locker" not in page
    assert 'hx-trigger="locker-indexed from:body"' in page  # what the body listens for


def test_with_no_worker_the_locker_works_page_by_page_and_says_indexing_is_waiting(
    client, customer, sandboxed
):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    SyncState.objects.filter(user=customer).update(
        requested_at=timezone.now() - timedelta(seconds=sync.WAITING_SECONDS + 1)
    )
    client.force_login(customer)
    sandboxed.clear_log()
    html = client.get("/locker/", {"page": 2}).content.decode()
    assert len(titles(html)) == 10 and locker_calls(sandboxed) == 1
    assert "Indexing your locker is waiting to start" in html
    assert not IndexedRelease.objects.filter(user=customer).exists()


def test_a_download_writes_the_fresh_answer_into_the_index(small_indexed, customer, sandboxed):
    html = small_indexed.get("/locker/", {"pageSize": 50}).content.decode()
    release, track, fields = first_track_in(html, "last_download")
    response = small_indexed.post("/locker/download/", fields)
    assert response.status_code == HTTPStatus.FOUND
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.filter(task_path="locker.library.tasks.recheck_track").exists()
    import requests

    assert requests.get(response["Location"], timeout=5).status_code == 200  # the file: 7digital counts it
    row = small_indexed.get(f"/locker/track/{release}/{track}/", headers={"HX-Request": "true"})
    assert "state-exhausted" in row.content.decode()
    indexed = IndexedTrack.objects.get(user=customer, release__release_id=release, track_id=track)
    assert indexed.remaining_downloads == 0 and indexed.checked_at is not None
    sandboxed.clear_log()
    page = small_indexed.get("/locker/", {"pageSize": 50}).content.decode()
    assert f'<li class="track state-exhausted" id="track-{release}-{track}"' in page
    assert "Download started" in page
    assert locker_calls(sandboxed) == 0


def test_a_sync_that_read_a_track_before_a_download_keeps_the_download_answer(
    small_indexed, customer, sandboxed, monkeypatch
):
    account = sandboxed.store.account_by_email("small@sandbox.test")
    row = (
        IndexedTrack.objects.filter(user=customer, remaining_downloads__gt=1)
        .select_related("release")
        .first()
    )
    real_commit = sync._commit

    def download_before_commit(*args, **kwargs):
        sandboxed.store.use_download(account.id, row.release.release_id, row.track_id)
        page_content.fresh_row(customer.sevendigital_link, row.release.release_id, row.track_id)
        return real_commit(*args, **kwargs)

    monkeypatch.setattr(sync, "_commit", download_before_commit)
    assert sync.run(customer.pk, full=True) == "synced"
    after = IndexedTrack.objects.get(
        user=customer, release__release_id=row.release.release_id, track_id=row.track_id
    )
    assert after.remaining_downloads == row.remaining_downloads - 1


def test_a_link_needing_renewal_shows_the_index_with_downloads_off(small_indexed, customer, sandboxed):
    customer.sevendigital_link.mark_needs_relink("revoked")
    sandboxed.clear_log()
    html = small_indexed.get("/locker/").content.decode()
    assert "Link your 7digital account again" in html and "<article" in html
    assert download_buttons(html) and not enabled_download_buttons(html)
    assert locker_calls(sandboxed) == 0


def test_what_every_page_reads_is_kept_until_the_link_or_the_format_choice_changes(
    small_indexed, customer, sandboxed
):
    from locker import locker_cache

    small_indexed.get("/locker/")  # the link and the format choice, kept for the pages to come
    kept = cache.get(locker_cache._facts_key(customer.pk))[1]
    assert kept.link.pk == customer.sevendigital_link.pk
    assert "token_ciphertext" not in kept.link.__dict__  # the token stays in the database alone
    response = small_indexed.post("/locker/account/download-format/", {"download_format": "AAC 320"})
    assert response.status_code == HTTPStatus.FOUND
    html = small_indexed.get("/locker/", {"sort": "artistName asc"}).content.decode()  # a new page
    aac = [b for b in enabled_download_buttons(html) if b["format"] == 33]
    assert aac  # the rows offering AAC 320 now download it first
    customer.sevendigital_link.mark_needs_relink("revoked")
    html = small_indexed.get("/locker/", {"sort": "artistName desc"}).content.decode()
    assert "Link your 7digital account again" in html and not enabled_download_buttons(html)


def test_unlinking_deletes_the_index(small_indexed, customer):
    assert IndexedRelease.objects.filter(user=customer).exists()
    small_indexed.post("/locker/unlink/")
    assert not IndexedRelease.objects.filter(user=customer).exists()
    assert not IndexedTrack.objects.filter(user=customer).exists()
    assert not SyncState.objects.filter(user=customer).exists()
    assert "Link your 7digital account" in small_indexed.get("/locker/").content.decode()


def test_a_committed_sync_replaces_the_cached_page(small_indexed, customer, sandboxed):
    html = small_indexed.get("/locker/").content.decode()
    release, track, _ = first_track_in(html, "last_download")
    small_indexed.get("/locker/")  # served from the cache now
    account = sandboxed.store.account_by_email("small@sandbox.test")
    assert sandboxed.store.use_download(account.id, release, track)  # downloaded elsewhere
    assert sync.run(customer.pk, full=True) == "synced"
    after = small_indexed.get("/locker/").content.decode()
    assert f'<li class="track state-exhausted" id="track-{release}-{track}"' in after


def test_a_repeat_view_of_an_indexed_page_reads_nothing_but_the_session(small_indexed, customer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    small_indexed.get("/locker/", {"pageSize": 50})
    with CaptureQueriesContext(connection) as queries:
        assert small_indexed.get("/locker/", {"pageSize": 50}).status_code == HTTPStatus.OK
    tables = " ".join(q["sql"] for q in queries.captured_queries)
    assert "library_" not in tables and "sevendigital" not in tables.lower(), tables


def test_while_7digital_is_paused_the_index_is_shown_with_downloads_paused(
    small_indexed, sandboxed, settings
):
    from locker.upstream_breaker import breaker

    settings.SEVENDIGITAL_BREAKER_FAILURES = 1
    small_indexed.get("/locker/")  # cached while 7digital answered
    breaker.record(False)  # 7digital just failed: calls paused
    sandboxed.clear_log()
    html = small_indexed.get("/locker/").content.decode()
    assert "answering right now" in html and "downloads are paused" in html
    assert html.count("<article") == 4
    assert download_buttons(html) and not enabled_download_buttons(html)
    assert locker_calls(sandboxed) == 0
