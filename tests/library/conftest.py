"""A small hand-made locker index for search and filter semantics (both databases)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from locker.library import search
from tests.library.helpers import AAC, FLAC, MP3, add_release  # noqa: F401 (the fixtures' data)


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
