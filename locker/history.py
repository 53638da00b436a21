"""The download history page's rows: our own events, with the artist and a link to the release
read from the customer's locker index (events keep only what the download view knew)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.urls import reverse

from locker.library.models import IndexedTrack
from locker.models import DownloadEvent


@dataclass(frozen=True, slots=True)
class HistoryRow:
    event: DownloadEvent
    artist: str
    release_url: str  # the locker showing only that release, scrolled to it


def release_url(release_id: int) -> str:
    return f"{reverse('locker:locker')}?{urlencode({'release': release_id})}#release-{release_id}"


def history_rows(user, events: Iterable[DownloadEvent]) -> list[HistoryRow]:
    events = list(events)
    artists: dict[tuple[int, int], str] = {}
    by_release: dict[int, str] = {}
    indexed = IndexedTrack.objects.filter(
        user=user,
        track_id__in={e.track_id for e in events},
        release__release_id__in={e.release_id for e in events},
    ).values_list("release__release_id", "track_id", "artist_name", "release__artist_name")
    for release_id, track_id, track_artist, release_artist in indexed:
        artists[(release_id, track_id)] = track_artist or release_artist
        by_release.setdefault(release_id, release_artist)
    return [
        HistoryRow(
            event=e,
            artist=artists.get((e.release_id, e.track_id)) or by_release.get(e.release_id, ""),
            release_url=release_url(e.release_id),
        )
        for e in events
    ]
