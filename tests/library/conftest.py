"""A small hand-made locker index for search and filter semantics (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from locker.library import convert, search
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


@pytest.fixture
def library(db, django_user_model):
    """Ada's index (every state, scripts, accents, HTML) and Bo's (a release Ada must never see)."""
    ada = django_user_model.objects.create_user("ada", "ada@example.com", "x")
    bo = django_user_model.objects.create_user("bo", "bo@example.com", "x")
    add_release(
        ada, 1001, "Hero of the Day", "Skillet Meridian",
        [("Monster", 5, (MP3, FLAC)), ("Awake", 1, (MP3, FLAC)), ("Whispers", 0, (MP3, FLAC))],
        label_name="Lantern Records", version="Remastered",
    )  # fmt: skip
    add_release(
        ada, 1002, "Zoë’s Café", "Zoë Ashdown",
        [("Naïve Song", None, (MP3,)), ("Straße", 3, (MP3,), {"version": "Live"})],
        type="EP", complete_album=False, purchase_date=datetime(2019, 6, 1, tzinfo=UTC),
    )  # fmt: skip
    add_release(
        ada, 1003, "東京の夜明け", "青い鳥楽団", [("さくら", 5, (AAC,)), ("雨の駅", 5, (AAC,))],
        purchase_date=datetime(2019, 7, 1, tzinfo=UTC),
    )  # fmt: skip
    add_release(
        ada, 1004, "أغاني الصحراء", "فرقة الواحة", [("رمال", 5, (MP3,))], type="Single", available=False
    )
    add_release(
        ada, 1005, "Tomorrow's Record", "The Velvet Cartographers", [("Soon", 10, (MP3,))],
        release_date=datetime(2031, 3, 27, tzinfo=UTC),
    )  # fmt: skip
    add_release(
        ada, 1006, '<script>alert("x")</script>', "The Quiet Ampersands",
        [('100% _under_ "quoted" (hero', 2, (MP3,)), ("Taken", 2, ())],
    )  # fmt: skip
    add_release(bo, 2001, "Skillet Hero", "Skillet Meridian", [("Hero", 5, (MP3,))])
    search.reindex(ada.pk)
    search.reindex(bo.pk)
    return ada, bo
