"""Track states: 7digital's rules (docs/7digital.md, "Track rules"), computed once in Python."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from locker.presenters import TrackState, artwork_url, format_duration, present_release, track_state
from locker.sevendigital.types import (
    Artist,
    DownloadUrl,
    Format,
    LockerRelease,
    LockerTrack,
    Release,
    Track,
)

NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)
MP3 = DownloadUrl("http://media.example/dl?formatid=17", Format(17, "MP3 320"))
FLAC = DownloadUrl("http://media.example/dl?formatid=55", Format(55, "FLAC 0"))
AAC = DownloadUrl("http://media.example/dl?formatid=33", Format(33, "AAC 320"))


def make(
    remaining=5,
    *,
    available=True,
    release_date=datetime(2020, 1, 1, tzinfo=UTC),
    urls=(MP3,),
    disc=1,
    number=1,
):
    track = LockerTrack(
        Track(
            id=10 + number + 100 * disc,
            title=f"Song {disc}.{number}",
            artist=Artist(1, "Band"),
            disc=disc,
            number=number,
            duration=190,
        ),
        remaining_downloads=remaining,
        download_urls=urls,
    )
    release = Release(
        id=1, title="Album", artist=Artist(1, "Band"), release_date=release_date, image="http://img/x_50.jpg"
    )
    return LockerRelease(release, (track,), available), track


@pytest.mark.parametrize(
    ("remaining", "state"),
    [
        (5, TrackState.DOWNLOADABLE),
        (2, TrackState.DOWNLOADABLE),
        (1, TrackState.LAST_DOWNLOAD),
        (0, TrackState.EXHAUSTED),
    ],
)
def test_it_derives_the_state_from_remaining_downloads(remaining, state):
    item, track = make(remaining)
    assert track_state(item, track, NOW) is state


def test_it_marks_every_track_of_a_withdrawn_release_unavailable_even_without_counts():
    item, track = make(None, available=False, urls=())
    assert track_state(item, track, NOW) is TrackState.UNAVAILABLE


def test_it_treats_a_future_release_date_as_preorder():
    item, track = make(5, release_date=datetime(2031, 3, 27, tzinfo=UTC))
    assert track_state(item, track, NOW) is TrackState.PREORDER


def test_exhausted_tracks_can_still_be_played_but_not_downloaded():
    item, _ = make(0)
    view = present_release(item, now=NOW).tracks[0]
    assert (view.can_download, view.can_play) == (False, True)
    assert "used all downloads" in view.message
    assert view.describedby == view.message_id


def test_withdrawn_tracks_can_neither_be_played_nor_downloaded():
    item, _ = make(None, available=False, urls=())
    release = present_release(item, now=NOW)
    view = release.tracks[0]
    assert (view.can_download, view.can_play) == (False, False)
    assert "withdrawn" in release.message
    assert view.describedby == release.message_id


def test_last_download_warns_but_allows_the_download():
    item, _ = make(1)
    view = present_release(item, now=NOW).tracks[0]
    assert view.can_download and "last download" in view.message


def test_paused_downloads_disable_download_but_not_play():
    item, _ = make(5)
    view = present_release(item, now=NOW, downloads_enabled=False).tracks[0]
    assert (view.can_download, view.can_play) == (False, True)
    assert "paused" in view.message


def test_the_download_button_is_the_preferred_format_and_the_order_never_moves():
    item, _ = make(5, urls=(MP3, FLAC, AAC))
    default = present_release(item, now=NOW).tracks[0]
    assert default.download_format.description == "MP3 320"  # DEFAULT_DOWNLOAD_FORMAT
    assert [f.description for f in default.other_formats] == ["FLAC", "AAC 320"]
    flac = present_release(item, now=NOW, preferred_format="FLAC").tracks[0]
    assert flac.download_format.id == 55 and [f.id for f in flac.other_formats] == [33, 17]
    # One order everywhere (lossless, then by bit rate), whatever is preferred or was downloaded.
    assert [f.id for f in flac.formats] == [f.id for f in default.formats] == [55, 33, 17]
    assert present_release(item, now=NOW, preferred_format="flac").tracks[0].download_format.id == 55


def test_a_preferred_format_a_track_lacks_falls_back_to_the_default_then_the_first():
    item, _ = make(5, urls=(MP3, FLAC))
    assert present_release(item, now=NOW, preferred_format="AAC 320").tracks[0].download_format.id == 17
    lossless, _ = make(5, urls=(FLAC, AAC))
    release = present_release(lossless, now=NOW, preferred_format="MP3 256")
    assert release.tracks[0].download_format.id == 55 and release.download_format.id == 55


def test_tracks_are_grouped_by_disc_in_order():
    first, t1 = make(5, disc=2, number=1)
    _, t2 = make(5, disc=1, number=2)
    _, t3 = make(5, disc=1, number=1)
    item = LockerRelease(first.release, (t1, t2, t3), True)
    release = present_release(item, now=NOW)
    assert [(d.number, [t.number for t in d.tracks]) for d in release.discs] == [(1, [1, 2]), (2, [1])]
    assert release.multi_disc


def test_helpers_format_durations_and_artwork():
    assert format_duration(190) == "3:10"
    assert format_duration(3725) == "1:02:05"
    assert format_duration(None) == ""
    assert artwork_url("http://artwork-cdn.7static.com/static/img/sleeveart/00/x_50.jpg").endswith(
        "x_350.jpg"
    )
    assert artwork_url("javascript:alert(1)") == ""


def test_lossless_formats_are_named_without_a_zero_bit_rate():
    item, _ = make(5, urls=(MP3, FLAC))
    track = present_release(item, now=NOW, last_downloads={}).tracks[0]
    assert [f.description for f in track.formats] == ["FLAC", "MP3 320"]


# Each rule below once survived being broken with every test green (issue 15): these fail when it is.


def test_a_withdrawn_release_that_still_lists_download_urls_is_unavailable():
    # 7digital's own stub keeps downloadUrls on withdrawn releases: `available` alone decides.
    item, track = make(5, available=False, urls=(MP3, FLAC))
    assert track_state(item, track, NOW) is TrackState.UNAVAILABLE
    view = present_release(item, now=NOW).tracks[0]
    assert (view.can_download, view.can_play) == (False, False)


def test_pre_order_tracks_can_neither_be_played_nor_downloaded():
    item, _ = make(5, release_date=datetime(2031, 3, 27, tzinfo=UTC))
    release = present_release(item, now=NOW)
    view = release.tracks[0]
    assert view.state is TrackState.PREORDER
    assert (view.can_download, view.can_play) == (False, False)
    assert release.preorder
