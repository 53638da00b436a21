"""Downloads and streams through the real sandbox: signed URLs, counts, refusals and bad input."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
import requests
from django.test import Client

from locker import throttle
from locker.library import sync
from locker.models import AccountSettings, DownloadEvent
from tests.helpers import assert_downloads_once, download_buttons, link_to_sandbox
from tests.markup import attribute, element, elements

EMAIL = "small@sandbox.test"


def menu_formats(button) -> list[str]:
    return (attribute(button, "data-formats") or "").split()


def track_rows(client) -> list[dict]:
    html = client.get("/locker/").content.decode()
    rows = []
    for li in elements(html, "li", class_="track"):
        _, release, track = (attribute(li, "id") or "").rsplit("-", 2)
        state = next(c for c in (attribute(li, "class") or "").split() if c.startswith("state-"))
        rows.append(
            {
                "state": state.removeprefix("state-"),
                "release": int(release),
                "track": int(track),
                # The Download button's format, then its menu's (the button lists their ids).
                "formats": [b["format"] for b in download_buttons(li)]
                + [int(f) for b in elements(li, "button", class_="download") for f in menu_formats(b)],
            }
        )
    return rows


def small_locker(client) -> dict[str, dict]:
    """The first track row of the small locker in each state: {state: {"release", "track", "formats"}}."""
    rows: dict[str, dict] = {}
    for row in track_rows(client):
        rows.setdefault(row["state"], row)
    return rows


def someone_elses_row(client, customer_factory, sandbox, owner_account: str, own_account: str) -> dict:
    """A downloadable row of the owner's locker (linked to `owner_account`), with `client` signed in
    as another customer (linked to `own_account`)."""
    owner, other = customer_factory("owner@example.com"), customer_factory("other@example.com")
    link_to_sandbox(owner, sandbox, owner_account)
    link_to_sandbox(other, sandbox, own_account)
    client.force_login(owner)
    row = small_locker(client)["downloadable"]
    client.force_login(other)
    return row


def post_download(client, row, fmt=None, **headers):
    data = {"release": row["release"], "track": row["track"], "format": fmt or row["formats"][0]}
    return client.post("/locker/download/", data, headers=headers)


def test_a_download_redirects_to_a_signed_media_url_and_uses_one_download(customer_client, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    before = sandboxed.remaining(EMAIL, row["release"], row["track"])
    response = post_download(customer_client, row, HX_Request="true")
    url = assert_downloads_once(response, sandboxed, EMAIL, row, before)
    assert requests.get(url, timeout=5).status_code == HTTPStatus.UNAUTHORIZED  # single use
    assert sandboxed.remaining(EMAIL, row["release"], row["track"]) == before - 1
    event = DownloadEvent.objects.get()
    assert (event.track_id, event.outcome) == (row["track"], DownloadEvent.Outcome.REDIRECTED)


def test_without_htmx_the_download_is_a_plain_302(customer_client, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    response = post_download(customer_client, row)
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].startswith(f"{sandboxed.url}/media/user/downloadtrack?")


def test_the_last_download_leaves_the_track_exhausted(customer_client, linked_customer, sandboxed):
    row = small_locker(customer_client)["last_download"]
    url = post_download(customer_client, row, HX_Request="true")["HX-Redirect"]
    assert requests.get(url, timeout=5).status_code == HTTPStatus.OK
    assert sandboxed.remaining(EMAIL, row["release"], row["track"]) == 0
    refreshed = customer_client.get(
        f"/locker/track/{row['release']}/{row['track']}/", headers={"HX-Request": "true"}
    )
    html = refreshed.content.decode()
    assert "state-exhausted" in html and "disabled" in html and "used all downloads" in html
    throttle.release(f"download:{linked_customer.pk}:{row['track']}:{row['formats'][0]}")  # a later click
    again = post_download(customer_client, row, HX_Request="true")
    assert again.status_code == HTTPStatus.CONFLICT and "HX-Redirect" not in again
    assert "used all downloads" in again.content.decode()
    assert sandboxed.remaining(EMAIL, row["release"], row["track"]) == 0


def test_an_exhausted_track_is_refused_without_htmx_with_a_message(customer_client, sandboxed):
    row = small_locker(customer_client)["exhausted"]
    row["formats"] = row["formats"] or [17]
    response = post_download(customer_client, row)
    assert response.status_code == HTTPStatus.CONFLICT
    assert "used all downloads" in response.content.decode()
    assert not DownloadEvent.objects.filter(outcome=DownloadEvent.Outcome.REDIRECTED).exists()


def test_a_withdrawn_release_is_refused(customer_client, sandboxed):
    row = small_locker(customer_client)["unavailable"]
    response = customer_client.post(
        "/locker/download/", {"release": row["release"], "track": row["track"], "format": 17}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert not DownloadEvent.objects.filter(outcome=DownloadEvent.Outcome.REDIRECTED).exists()


def test_double_clicks_sign_only_one_url(customer_client, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    first = post_download(customer_client, row, HX_Request="true")
    second = post_download(customer_client, row, HX_Request="true")
    assert "HX-Redirect" in first and "HX-Redirect" not in second
    assert "already starting" in second.content.decode()
    assert DownloadEvent.objects.filter(outcome=DownloadEvent.Outcome.REDIRECTED).count() == 1


def test_an_unwritable_double_click_guard_signs_nothing(customer_client, sandboxed, monkeypatch):
    """The guard fails closed: if the claim can't be recorded, no URL is signed (and the page
    says so), rather than risking two signed URLs for one double click."""
    from django.core.cache import caches
    from django.db import OperationalError

    row = small_locker(customer_client)["downloadable"]

    def broken_add(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(caches["state"], "add", broken_add)
    response = post_download(customer_client, row, HX_Request="true")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "HX-Redirect" not in response
    assert "Nothing was downloaded" in response.content.decode()
    assert not DownloadEvent.objects.filter(outcome=DownloadEvent.Outcome.REDIRECTED).exists()


def test_downloads_are_rate_limited(customer_client, sandboxed, settings):
    from locker import track_views

    row = small_locker(customer_client)["downloadable"]
    statuses = []
    for _ in range(track_views.DOWNLOADS_PER_MINUTE + 1):
        response = customer_client.post(
            "/locker/download/", {"release": row["release"], "track": 1, "format": 17}
        )
        statuses.append(response.status_code)
    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS


def test_another_customers_track_is_not_found(client, customer_factory, sandboxed):
    row = someone_elses_row(client, customer_factory, sandboxed, "other@sandbox.test", "empty@sandbox.test")
    response = post_download(client, row)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "not in your locker" in response.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"release": "abc", "track": "1", "format": "17"},
        {"release": "1", "track": "-5", "format": "17"},
        {"release": "1", "track": "1"},
        {"release": "1' OR 1=1", "track": "1", "format": "17"},
        {"release": "99999999999999999999999", "track": "1", "format": "17"},
    ],
)
def test_malformed_ids_are_refused(customer_client, sandboxed, data):
    response = customer_client.post("/locker/download/", data)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert "not valid" in response.content.decode()


def test_a_tampered_track_id_is_not_found(customer_client, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    response = customer_client.post(
        "/locker/download/", {"release": row["release"], "track": row["track"] + 99991, "format": 17}
    )
    assert response.status_code == HTTPStatus.NOT_FOUND


def test_a_format_the_track_does_not_have_is_not_found(customer_client, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    response = post_download(customer_client, row, fmt=9999)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "format" in response.content.decode()


def test_a_missing_csrf_token_is_refused(linked_customer, sandboxed):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(linked_customer)
    response = strict.post("/locker/download/", {"release": 1, "track": 1, "format": 17})
    assert response.status_code == HTTPStatus.FORBIDDEN
    assert not DownloadEvent.objects.exists()


def test_get_is_not_a_download(customer_client, sandboxed):
    assert (
        customer_client.get("/locker/download/?release=1&track=1&format=17").status_code
        == HTTPStatus.METHOD_NOT_ALLOWED
    )


@pytest.mark.parametrize("mode", ["timeout", "garbage", "error500"])
def test_upstream_trouble_during_the_recheck_means_no_redirect(customer_client, sandboxed, settings, mode):
    row = small_locker(customer_client)["downloadable"]
    settings.SEVENDIGITAL_READ_TIMEOUT = 0.5
    sandboxed.set_faults(mode=mode, paths=["/1.2/user/locker"])
    response = post_download(customer_client, row, HX_Request="true")
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "HX-Redirect" not in response and "Location" not in response
    assert "reach 7digital to check this track" in response.content.decode()
    assert not DownloadEvent.objects.filter(outcome=DownloadEvent.Outcome.REDIRECTED).exists()


def test_a_media_host_outside_the_allow_list_is_refused(customer_client, sandboxed, settings):
    row = small_locker(customer_client)["downloadable"]
    settings.SEVENDIGITAL_MEDIA_HOSTS = ["media.geo.7digital.com"]
    response = post_download(customer_client, row)
    assert response.status_code == HTTPStatus.BAD_GATEWAY
    assert "Location" not in response


def test_a_revoked_link_is_refused_and_marked(customer_client, linked_customer, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    sandboxed.revoke(email=EMAIL)
    response = post_download(customer_client, row)
    assert response.status_code == HTTPStatus.CONFLICT
    linked_customer.sevendigital_link.refresh_from_db()
    assert linked_customer.sevendigital_link.needs_relink


def test_a_download_in_another_format_moves_nothing(customer_client, linked_customer, sandboxed):
    """The Download button and the menu's order stay as they were: nothing moves under the hand."""
    row = next(
        r for r in track_rows(customer_client) if r["state"] == "downloadable" and len(r["formats"]) > 1
    )
    response = post_download(customer_client, row, fmt=row["formats"][-1])
    assert response.status_code == HTTPStatus.FOUND
    again = next(r for r in track_rows(customer_client) if r["track"] == row["track"])
    assert again["formats"] == row["formats"]


def test_the_format_chosen_on_the_account_page_is_every_download_button(
    customer_client, linked_customer, sandboxed
):
    assert sync.run(linked_customer.pk, full=True) == "synced"  # the formats come from the index
    account = customer_client.get("/locker/account/").content.decode()
    offered = [
        attribute(o, "value") for o in elements(element(account, "select", name="download_format"), "option")
    ]
    assert offered == ["AAC 320", "MP3 320"]  # the locker's formats, in the one format order
    aac = [r for r in track_rows(customer_client) if r["state"] == "downloadable" and 33 in r["formats"]]
    assert aac and all(r["formats"][0] == 17 for r in aac)  # MP3 320 by default
    response = customer_client.post(
        "/locker/account/download-format/", {"download_format": "AAC 320"}, follow=True
    )
    assert "Download buttons now use AAC 320" in response.content.decode()
    rows = {r["track"]: r for r in track_rows(customer_client)}
    assert all(rows[r["track"]]["formats"] == [33, 17] for r in aac)  # cached pages were dropped
    chosen = element(customer_client.get("/locker/account/").content.decode(), "option", value="AAC 320")
    assert "selected" in chosen.attributes


def test_a_format_not_offered_is_refused_on_the_account_page(customer_client, linked_customer):
    response = customer_client.post(
        "/locker/account/download-format/", {"download_format": "WAV 9000"}, follow=True
    )
    assert "Please choose a format from the list." in response.content.decode()
    assert not AccountSettings.objects.filter(user=linked_customer).exclude(download_format="").exists()


def test_history_lists_downloads_and_rows_say_when(customer_client, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    post_download(customer_client, row)
    assert "Download started" in customer_client.get("/locker/").content.decode()
    history = customer_client.get("/locker/history/").content.decode()
    assert "Download started" in history


def test_play_signs_a_stream_url_that_never_uses_downloads(customer_client, sandboxed):
    row = small_locker(customer_client)["exhausted"]
    response = customer_client.post("/locker/stream/", {"release": row["release"], "track": row["track"]})
    assert response.status_code == HTTPStatus.OK
    url = response.json()["url"]
    assert url.startswith(f"{sandboxed.url}/stream/locker?") and "oauth_signature=" in url
    audio = requests.get(url, timeout=5)
    assert audio.status_code == HTTPStatus.OK and audio.headers["Content-Type"].startswith("audio/")
    assert sandboxed.remaining(EMAIL, row["release"], row["track"]) == 0


def test_a_withdrawn_track_cannot_be_played(customer_client, sandboxed):
    row = small_locker(customer_client)["unavailable"]
    response = customer_client.post("/locker/stream/", {"release": row["release"], "track": row["track"]})
    assert response.status_code == HTTPStatus.CONFLICT
    assert "url" not in response.json()


def test_download_all_is_read_afresh_when_opened_and_says_what_will_happen(
    customer_client, sandboxed, settings
):
    row = small_locker(customer_client)["last_download"]
    page = customer_client.get("/locker/").content.decode()
    card = element(page, "article", id=f"release-{row['release']}")
    assert not [e for e in elements(card, "*") if "data-download-all" in e.attributes]  # no panels
    assert elements(card, "*", hx_get=f"/locker/releases/{row['release']}/download-all/")
    panel = customer_client.get(
        f"/locker/releases/{row['release']}/download-all/", headers={"HX-Request": "true"}
    )
    html = panel.content.decode()
    assert panel.status_code == HTTPStatus.OK and "data-download-all" in html
    gap = attribute(element(html, "form"), "data-gap-ms")
    assert gap == str(settings.LOCKER_DOWNLOAD_ALL_GAP_MS) == "1500"  # between one download and the next
    assert "These will use their last download:" in html and re.search(
        r"\d+ of \d+ tracks will be downloaded", html
    )
    missing = customer_client.get("/locker/releases/999999/download-all/", headers={"HX-Request": "true"})
    assert missing["HX-Retarget"] == "#flash" and "not in your locker" in missing.content.decode()
