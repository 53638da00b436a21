"""The download history: a labelled table, times in the customer's zone (named), rows that lead to
their release in the locker."""

from __future__ import annotations

from datetime import UTC, datetime
from http import HTTPStatus

import pytest
from pytest_django.asserts import assertContains

from locker.library import search, sync
from locker.library.models import HiddenRelease, IndexedRelease
from locker.models import AccountSettings, DownloadEvent
from tests.library.helpers import FLAC, MP3, add_release

pytestmark = pytest.mark.django_db


@pytest.fixture
def ada(django_user_model):
    user = django_user_model.objects.create_user("ada", "ada@example.com", "x")
    add_release(user, 1001, "Hero of the Day", "Skillet Meridian", [("Monster", 5, (MP3, FLAC))])
    add_release(user, 1002, "Tide Tables", "Juno Ashgrove", [("Low Water", 5, (MP3,))])
    search.reindex(user.pk)
    return user


def event(user, release_id: int, track_id: int, **fields) -> DownloadEvent:
    defaults = {
        "format_id": 17,
        "format_description": "MP3 320",
        "outcome": DownloadEvent.Outcome.REDIRECTED,
        "created_at": datetime(2026, 7, 1, 12, 30, tzinfo=UTC),
    }
    return DownloadEvent.objects.create(
        user=user, release_id=release_id, track_id=track_id, **{**defaults, **fields}
    )


def test_it_is_a_table_with_labelled_columns(client, ada):
    event(ada, 1001, 100101, track_title="Monster", release_title="Hero of the Day")
    client.force_login(ada)
    response = client.get("/locker/history/")
    assertContains(
        response,
        '<thead><tr><th scope="col">Track</th><th scope="col">Artist</th><th scope="col">Release</th>'
        '<th scope="col">Format</th><th scope="col">When (UTC)</th><th scope="col">Outcome</th></tr></thead>',
        html=True,
    )
    assertContains(response, '<td data-label="Track" dir="auto">Monster</td>', html=True)
    assertContains(response, '<td data-label="Artist" dir="auto">Skillet Meridian</td>', html=True)
    assertContains(response, '<td data-label="Format">MP3 320</td>', html=True)
    assertContains(response, '<td data-label="Outcome">Download started</td>', html=True)


def test_times_are_in_the_customer_s_zone_and_the_zone_is_named(client, ada):
    AccountSettings.objects.create(user=ada, time_zone="Europe/Berlin")
    event(ada, 1001, 100101, track_title="Monster", release_title="Hero of the Day")
    client.force_login(ada)
    html = client.get("/locker/history/").content.decode()
    assert '<th scope="col">When (Europe/Berlin)</th>' in html
    assert "Times are in Europe/Berlin." in html
    assert ">1 Jul 2026, 14:30</time>" in html  # 12:30 UTC is 14:30 in Berlin's summer
    assert 'datetime="2026-07-01T14:30:00+02:00"' in html


def test_the_zone_comes_from_the_browser_and_can_be_changed_on_the_account_page(client, ada):
    client.force_login(ada)
    client.post("/locker/account/time-zone/", {"time_zone": "America/New_York", "source": "browser"})
    account = client.get("/locker/account/").content.decode()
    assert '<option value="America/New_York" selected>' in account
    client.post("/locker/account/time-zone/", {"time_zone": "Asia/Tokyo"})
    event(ada, 1001, 100101, track_title="Monster")
    assert "When (Asia/Tokyo)" in client.get("/locker/history/").content.decode()


@pytest.fixture
def synced(linked_customer):
    """The sandbox's small locker, indexed: the locker page reads the index."""
    sync.run(linked_customer.pk, full=True)
    return linked_customer


def test_each_row_links_to_its_release_in_the_locker(client, synced):
    first, second = IndexedRelease.objects.filter(user=synced).order_by("upstream_position")[:2]
    track = first.tracks.first()
    event(synced, first.release_id, track.track_id, track_title=track.title, release_title=first.title)
    client.force_login(synced)
    response = client.get("/locker/history/")
    url = f"/locker/?release={first.release_id}#release-{first.release_id}"
    assertContains(response, f'<a href="{url}" dir="auto">{first.title}</a>', html=True)
    assertContains(
        response,
        f'<td data-label="Artist" dir="auto">{track.artist_name or first.artist_name}</td>',
        html=True,
    )
    locker = client.get(url.split("#")[0]).content.decode()
    assert f'id="release-{first.release_id}"' in locker
    assert f'id="release-{second.release_id}"' not in locker  # only that release
    assert f"Release: {first.title}" in locker  # said, with a way back to every release


def test_a_hidden_release_still_opens_from_the_history(client, synced):
    release = IndexedRelease.objects.filter(user=synced).first()
    HiddenRelease.objects.create(user=synced, release_id=release.release_id)
    client.force_login(synced)
    assert (
        f'id="release-{release.release_id}"'
        in client.get(f"/locker/?release={release.release_id}").content.decode()
    )


@pytest.mark.parametrize("tampered", ["abc", "-3", "0", "1e9", "99999999999999999999", "<script>"])
def test_a_tampered_release_link_shows_the_whole_locker(client, synced, tampered):
    client.force_login(synced)
    response = client.get("/locker/", {"release": tampered})
    assert response.status_code == HTTPStatus.OK
    shown = response.content.decode().count('<article class="release')
    assert shown == min(10, IndexedRelease.objects.filter(user=synced).count())  # not narrowed
    assert "Release: " not in response.content.decode()


def test_another_customer_s_events_and_artists_stay_theirs(client, ada, django_user_model):
    bo = django_user_model.objects.create_user("bo", "bo@example.com", "x")
    event(bo, 1001, 100101, track_title="Bo's download")
    event(ada, 1001, 100101, track_title="Monster")
    client.force_login(bo)
    html = client.get("/locker/history/").content.decode()
    assert "Bo&#x27;s download" in html and "Monster" not in html
    assert "Skillet Meridian" not in html  # Bo has no index: no artist borrowed from Ada's
