"""Index rows <-> the client's typed objects, so presenters compute track states from the same
`LockerRelease`/`LockerTrack` whether a page came from 7digital or from the index."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from types import SimpleNamespace

from locker.library.articles import sort_key
from locker.library.models import IndexedRelease, IndexedTrack
from locker.sevendigital.types import (
    Artist,
    DownloadUrl,
    Format,
    LockerRelease,
    LockerTrack,
    Named,
    Release,
    Track,
)


def release_row(user_id: int, item: LockerRelease, position: int) -> IndexedRelease:
    release = item.release
    artist = release.artist or Artist(None)
    label = release.label or Named(None)
    licensor = release.licensor or Named(None)
    dates = [t.purchase_date for t in item.tracks if t.purchase_date]
    return IndexedRelease(
        user_id=user_id,
        release_id=release.id,
        title=release.title,
        version=release.version,
        type=release.type,
        artist_id=artist.id,
        artist_name=artist.name,
        artist_appears_as=artist.appears_as,
        label_id=label.id,
        label_name=label.name,
        licensor_id=licensor.id,
        licensor_name=licensor.name,
        image=release.image,
        barcode=release.barcode,
        slug=release.slug,
        release_date=release.release_date,
        available=item.available,
        purchase_date=max(dates) if dates else None,
        complete_album=any(t.complete_album_purchase for t in item.tracks),
        upstream_position=position,
        sort_artist=sort_key(artist.appears_as or artist.name),
        sort_title=sort_key(release.title),
    )


def track_rows(user_id: int, item: LockerRelease, release: IndexedRelease) -> list[IndexedTrack]:
    return [track_row(user_id, locker_track, release, n) for n, locker_track in enumerate(item.tracks)]


def track_row(
    user_id: int, locker_track: LockerTrack, release: IndexedRelease, position: int
) -> IndexedTrack:
    track = locker_track.track
    artist = track.artist or Artist(None)
    return IndexedTrack(
        release=release,
        user_id=user_id,
        track_id=track.id,
        title=track.title,
        version=track.version,
        artist_id=artist.id,
        artist_name=artist.name,
        artist_appears_as=artist.appears_as,
        disc=track.disc,
        number=track.number,
        track_number=track.track_number,
        duration=track.duration,
        isrc=track.isrc,
        position=position,
        **track_state_fields(locker_track),
    )


def track_state_fields(locker_track: LockerTrack) -> dict:
    """What a download's fresh re-check can change about a track."""
    return {
        "remaining_downloads": locker_track.remaining_downloads,
        "purchase_id": locker_track.purchase_id,
        "purchase_date": locker_track.purchase_date,
        "complete_album_purchase": locker_track.complete_album_purchase,
        "download_urls": [
            {"url": u.url, "format_id": u.format.id, "description": u.format.description}
            for u in locker_track.download_urls
        ],
    }


def to_locker_release(row: IndexedRelease, tracks: Iterable[IndexedTrack | SimpleNamespace]) -> LockerRelease:
    return LockerRelease(
        release=Release(
            id=row.release_id,
            title=row.title,
            version=row.version,
            type=row.type,
            barcode=row.barcode,
            artist=_artist(row.artist_id, row.artist_name, row.artist_appears_as),
            label=_named(row.label_id, row.label_name),
            licensor=_named(row.licensor_id, row.licensor_name),
            image=row.image,
            release_date=row.release_date,
            slug=row.slug,
        ),
        tracks=tuple(_locker_track(t) for t in sorted(tracks, key=lambda t: t.position)),
        available=row.available,
    )


# The states a release's tracks are in, as if released (a pre-order's usable tracks are all
# pre-order until its release date): track_state's rules without the time.
STATE_BITS = {"downloadable": 1, "last_download": 2, "exhausted": 4, "unavailable": 8}
USABLE_BITS = 1 | 2 | 4


def summarise(row: IndexedRelease, tracks: Iterable[IndexedTrack | SimpleNamespace]) -> None:
    """Write onto `row` what its card and the filters read without its tracks."""
    tracks = list(tracks)
    mask = 0
    formats: dict[str, str] = {}
    for track in tracks:
        remaining = track.remaining_downloads
        if not row.available or not track.download_urls:
            mask |= STATE_BITS["unavailable"]
        elif remaining is not None and remaining <= 0:
            mask |= STATE_BITS["exhausted"]
        elif remaining == 1:
            mask |= STATE_BITS["last_download"]
        else:
            mask |= STATE_BITS["downloadable"]
        for url in track.download_urls:
            key = str(int(url["format_id"]))
            formats[key] = min(formats.get(key, url["description"]), url["description"])
    row.track_states = mask
    row.formats = formats
    row.card_digest = card_digest(to_locker_release(row, tracks))


def card_digest(item: LockerRelease) -> str:
    """What a release card is drawn from, as a digest: equal items as read back from the index
    have equal digests (the typed objects' repr is deterministic)."""
    return hashlib.blake2b(repr(item).encode(), digest_size=16).hexdigest()


def canonical(item: LockerRelease) -> LockerRelease:
    """`item` as it reads back from the index (what comparing a fresh answer with the index needs)."""
    row = release_row(0, item, 0)
    return to_locker_release(row, track_rows(0, item, row))


def _locker_track(row: IndexedTrack | SimpleNamespace) -> LockerTrack:
    return LockerTrack(
        track=Track(
            id=row.track_id,
            title=row.title,
            version=row.version,
            artist=_artist(row.artist_id, row.artist_name, row.artist_appears_as),
            track_number=row.track_number,
            disc=row.disc,
            number=row.number,
            duration=row.duration,
            isrc=row.isrc,
        ),
        remaining_downloads=row.remaining_downloads,
        purchase_id=row.purchase_id,
        purchase_date=row.purchase_date,
        complete_album_purchase=row.complete_album_purchase,
        download_urls=tuple(
            DownloadUrl(u["url"], Format(int(u["format_id"]), u["description"])) for u in row.download_urls
        ),
    )


def _artist(artist_id: int | None, name: str, appears_as: str) -> Artist | None:
    if artist_id is None and not name and not appears_as:
        return None
    return Artist(artist_id, name, appears_as)


def _named(named_id: int | None, name: str) -> Named | None:
    return None if named_id is None and not name else Named(named_id, name)
