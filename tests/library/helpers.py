"""Helpers for tests that need a hand-made locker index: formats, and a release with its tracks."""

from __future__ import annotations

from datetime import UTC, datetime

from locker.library import convert
from locker.library.models import IndexedRelease, IndexedTrack

MP3, FLAC, AAC = (17, "MP3 320"), (55, "FLAC 0"), (33, "AAC 320")


def urls(release_id: int, track_id: int, *formats) -> list[dict]:
    return [
        {
            "url": f"http://media.test/t?r={release_id}&t={track_id}&f={fid}",
            "format_id": fid,
            "description": d,
        }
        for fid, d in formats
    ]


def add_release(user, release_id: int, title: str, artist: str, tracks, **fields) -> IndexedRelease:
    """`tracks`: (title, remaining, formats) or (title, remaining, formats, extra fields)."""
    from locker.library.articles import sort_key

    purchase = fields.pop("purchase_date", datetime(2017, 3, 21, 12, 0, tzinfo=UTC))
    release = IndexedRelease.objects.create(
        user=user,
        release_id=release_id,
        title=title,
        artist_id=fields.pop("artist_id", release_id + 1),
        artist_name=artist,
        type=fields.pop("type", "Album"),
        purchase_date=purchase,
        complete_album=fields.pop("complete_album", True),
        upstream_position=IndexedRelease.objects.filter(user=user).count(),
        sort_artist=sort_key(artist),
        sort_title=sort_key(title),
        release_date=fields.pop("release_date", datetime(2001, 1, 1, tzinfo=UTC)),
        **fields,
    )
    for n, (track_title, remaining, formats, *extra) in enumerate(tracks, start=1):
        track_id = release_id * 100 + n
        IndexedTrack.objects.create(
            release=release,
            user=user,
            track_id=track_id,
            title=track_title,
            number=n,
            remaining_downloads=remaining,
            purchase_date=purchase,
            download_urls=urls(release_id, track_id, *formats),
            position=n,
            **(extra[0] if extra else {}),
        )
    convert.summarise(release, release.tracks.all())  # as a sync writes the row
    release.save()
    return release
