"""Release cards rendered once per content: by the worker after a sync for the customer's language
and time zone, found by pages nobody rendered; and each card changing exactly when what it shows
changes (its tracks, a download, the day a pre-order comes out, hiding, the language)."""

from __future__ import annotations

import json
import re
import time
from datetime import timedelta
from http import HTTPStatus

import pytest
from django.core.cache import cache
from django.utils import timezone

from locker import release_cards
from locker.library import convert, sync
from locker.library.models import IndexedRelease, RenderedCard
from locker.library.read import locker_releases
from locker.models import AccountSettings
from tests.helpers import download_buttons, download_post, link_to_sandbox
from tests.markup import Element, attribute, classes, element, elements, text

CARD = "locker/_release.html"


@pytest.fixture
def indexed(client, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    assert sync.run(customer.pk, full=True) == "synced"
    client.force_login(customer)
    return client


def cards_rendered(response) -> int:
    return sum(1 for t in response.templates if t.name == CARD)


def card(html: str, release_id: int) -> Element:
    return element(html, "article", id=f"release-{release_id}")


def row_state(card: Element, release_id: int, track_id: int) -> str:
    (state,) = (c for c in classes(element(card, "li", id=f"track-{release_id}-{track_id}")) if c != "track")
    return state


def test_the_worker_renders_every_card_once_and_a_page_nobody_rendered_renders_none(indexed, customer):
    releases = IndexedRelease.objects.filter(user=customer).count()
    assert release_cards.prerender(customer.pk) == releases
    assert RenderedCard.objects.filter(user=customer).count() == releases
    assert release_cards.prerender(customer.pk) == 0  # nothing changed: nothing to render

    response = indexed.get("/locker/", {"pageSize": 50, "sort": "artistName asc"})
    assert response.status_code == HTTPStatus.OK
    assert response.content.count(b"<article") == 50 and cards_rendered(response) == 0
    # The stored cards are the cards a render gives (only the CSRF token is the request's).
    RenderedCard.objects.all().delete()
    cache.clear()
    sync.touch(customer.pk)
    fresh = indexed.get("/locker/", {"pageSize": 50, "sort": "artistName asc"})
    assert cards_rendered(fresh) == 50
    token = re.compile(r'name="csrfmiddlewaretoken" value="\w+"')
    articles = [
        re.findall(r"<article .*?</article>", token.sub("", r.content.decode()), re.S)
        for r in (fresh, response)
    ]
    assert len(articles[0]) == 50 and articles[0] == articles[1]


def test_a_sync_queues_the_card_rendering_and_unlinking_deletes_the_cards(
    indexed, customer, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        assert sync.run(customer.pk, full=True) == "synced"
    assert DBTaskResult.objects.filter(task_path="locker.library.tasks.render_cards").count() == 1
    release_cards.prerender(customer.pk)
    indexed.post("/locker/unlink/")
    assert not RenderedCard.objects.filter(user=customer).exists()


def test_a_download_changes_its_card_even_when_the_worker_rendered_it(client, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "small@sandbox.test")
    sync.run(customer.pk, full=True)
    release_cards.prerender(customer.pk)
    client.force_login(customer)
    html = client.get("/locker/", {"pageSize": 50}).content.decode()
    last = elements(html, "li", class_="state-last_download")[0]
    release, track = map(int, attribute(last, "id").split("-")[1:])
    button = next(b for b in download_buttons(html) if (b["release"], b["track"]) == (release, track))
    response = client.post("/locker/download/", download_post(html, button))
    assert response.status_code == HTTPStatus.FOUND
    import requests

    assert requests.get(response["Location"], timeout=5).status_code == 200  # 7digital counts it
    client.get(f"/locker/track/{release}/{track}/", headers={"HX-Request": "true"})  # the re-check
    after = client.get("/locker/", {"pageSize": 50}).content.decode()
    shown = card(after, release)
    assert row_state(shown, release, track) == "state-exhausted"
    assert "Download started" in text(element(shown, "li", id=f"track-{release}-{track}"))


def test_a_pre_order_card_turns_available_on_its_release_date(indexed, customer):
    row = IndexedRelease.objects.filter(user=customer, available=True).order_by("upstream_position")[0]
    row.release_date = timezone.now() + timedelta(seconds=2)
    row.card_digest = convert.card_digest(locker_releases([row])[0])  # as a sync writes it
    row.save()
    sync.touch(customer.pk)
    release_cards.prerender(customer.pk)
    before = card(indexed.get("/locker/").content.decode(), row.release_id)
    assert "is-preorder" in classes(before) and elements(before, "li", class_="state-preorder")
    time.sleep(2.2)
    after = indexed.get("/locker/")  # no sync, no new generation: only time passed
    shown = card(after.content.decode(), row.release_id)
    assert "is-preorder" not in classes(shown) and not elements(shown, "li", class_="state-preorder")
    assert cards_rendered(after) == 1  # that card alone: the others are what they were


def test_hidden_releases_get_their_show_again_card_from_the_worker(indexed, customer):
    release_id = IndexedRelease.objects.filter(user=customer).order_by("upstream_position")[0].release_id
    assert indexed.post(f"/locker/releases/{release_id}/hide/").status_code in (
        HTTPStatus.OK,
        HTTPStatus.FOUND,
    )
    release_cards.prerender(customer.pk)
    hidden = indexed.get("/locker/", {"hidden": "1"})
    assert cards_rendered(hidden) == 0
    assert "Show again" in text(card(hidden.content.decode(), release_id))
    shown = indexed.get("/locker/").content.decode()
    assert not elements(shown, "article", id=f"release-{release_id}")


def test_cards_are_rendered_for_the_customers_saved_language_and_apart_per_language(indexed, customer):
    AccountSettings.objects.create(user=customer, language="de", time_zone="Europe/Berlin")
    release_cards.prerender(customer.pk)
    indexed.cookies.pop("sessionid", None)
    indexed.force_login(customer)  # a new session reads the saved language
    german = indexed.get("/locker/")
    assert cards_rendered(german) == 0 and "Abspielen" in german.content.decode()
    AccountSettings.objects.filter(user=customer).update(language="en")
    indexed.force_login(customer)
    english = indexed.get("/locker/")
    assert cards_rendered(english) == 10 and "Abspielen" not in english.content.decode()


def test_the_page_around_the_body_is_rendered_once_with_each_requests_token_and_nonce(indexed, customer):
    from django.test import Client

    release_id = IndexedRelease.objects.filter(user=customer).order_by("upstream_position")[0].release_id
    pages = []
    for _ in range(2):
        other = Client(enforce_csrf_checks=True)
        other.force_login(customer)
        response = other.get("/locker/")
        html = response.content.decode()
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"])[1]
        assert [attribute(s, "nonce") for s in elements(html, "script")] == [nonce] * html.count("<script")
        assert "csp-nonce-mark" not in html and "<!--csrf-token-->" not in html
        token = json.loads(attribute(element(html, "body"), "hx-headers"))["X-CSRFToken"]  # htmx sends it
        hidden = other.post(f"/locker/releases/{release_id}/hide/", headers={"X-CSRFToken": token})
        assert hidden.status_code in (HTTPStatus.OK, HTTPStatus.FOUND)
        other.post(f"/locker/releases/{release_id}/unhide/", headers={"X-CSRFToken": token})
        pages.append(response)
    assert pages[0]["Content-Security-Policy"] != pages[1]["Content-Security-Policy"]
    assert "base.html" not in [t.name for t in pages[1].templates]  # the shell came from the cache


def test_cards_stored_by_other_code_are_never_served(indexed, customer, monkeypatch):
    release_cards.prerender(customer.pk)
    assert cards_rendered(indexed.get("/locker/")) == 0
    monkeypatch.setattr(release_cards, "VERSION", "another deploy")  # e.g. new card markup
    release_cards.code_version.cache_clear()
    sync.touch(customer.pk)
    assert cards_rendered(indexed.get("/locker/")) == 10
    monkeypatch.undo()
    release_cards.code_version.cache_clear()
