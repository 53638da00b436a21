"""Search over the locker index: the database's own full-text engine (FTS5 on SQLite, tsvector and
pg_trgm on PostgreSQL), the same answers on both."""

from __future__ import annotations

import pytest
from django.db import connection

from locker.library import search
from locker.library.models import IndexedRelease

HOSTILE = [
    "<script>", "%", "_", "'", '"', "''", '"hero', "hero\"", "*", "hero*", "NEAR(", "NEAR(hero",
    "hero OR monster", "OR", "AND", "NOT", "(", ")", "((hero", "hero)", "{release_text}: x",
    "owner:u1", "u1", "-hero", "^hero", ":*", "hero:*", "&", "|", "!", "<->", "\\", "\x00",
    "a" * 500, "é" * 50, "🎵", "\u202e", "%_%", "' OR 1=1 --", "); DROP TABLE library_search; --",
]  # fmt: skip


def titles(user, q: str) -> set[str]:
    found = search.find(user.pk, search.Terms.parse(q))
    return set(
        IndexedRelease.objects.filter(user=user, release_id__in=found.release_ids).values_list(
            "title", flat=True
        )
    )


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("hero", {"Hero of the Day", '<script>alert("x")</script>'}),
        ("HERO", {"Hero of the Day", '<script>alert("x")</script>'}),
        ("skil", {"Hero of the Day"}),  # a prefix of the artist
        ("skillet hero", {"Hero of the Day"}),  # every word, across fields
        ("skillet monster", {"Hero of the Day"}),  # release artist + track title
        ("skillet zoe", set()),
        ("zoe", {"Zoë’s Café"}),  # accents ignored
        ("ZOË cafe", {"Zoë’s Café"}),
        ("naive", {"Zoë’s Café"}),
        ("strasse", {"Zoë’s Café"}),  # ß folds to ss
        ("live", {"Zoë’s Café"}),  # a track version
        ("lantern", {"Hero of the Day"}),  # the label
        ("remastered", {"Hero of the Day"}),  # the release version
        ("夜明け", {"東京の夜明け"}),  # Japanese: no spaces between words
        ("さくら", {"東京の夜明け"}),
        ("الصحراء", {"أغاني الصحراء"}),  # Arabic
        ("رمال", {"أغاني الصحراء"}),
        ("velvet", {"Tomorrow's Record"}),
        ("tomorrow's", {"Tomorrow's Record"}),
        ("script", {'<script>alert("x")</script>'}),
        ("nothing-like-this", set()),
    ],
)
def test_search_semantics(library, q, expected):
    ada, _ = library
    assert titles(ada, q) == expected


def test_a_customer_only_finds_their_own_music(library):
    ada, bo = library
    assert titles(bo, "hero") == {"Skillet Hero"}
    assert "Skillet Hero" not in titles(ada, "skillet hero")


def test_matching_tracks_are_told_apart_from_whole_releases(library):
    ada, _ = library
    found = search.find(ada.pk, search.Terms.parse("monster"))
    assert found.matched_tracks(1001) == {100101}  # Monster only: the others one click away
    whole = search.find(ada.pk, search.Terms.parse("skillet"))
    assert whole.matched_tracks(1001) is None  # the release itself matched: all its tracks


@pytest.mark.parametrize("q", HOSTILE)
def test_hostile_search_text_is_only_ever_words(library, q):
    ada, _ = library
    terms = search.Terms.parse(q)
    found = search.find(ada.pk, terms)  # never raises
    assert found.release_ids <= set(
        IndexedRelease.objects.filter(user=ada).values_list("release_id", flat=True)
    )
    assert all(t.isalnum() for t in terms.flat)


def test_hostile_text_that_contains_words_still_finds_them(library):
    ada, _ = library
    assert titles(ada, '"hero') == titles(ada, "hero")
    assert titles(ada, "NEAR(hero") == set()  # "near" is a word, and no title has it
    assert titles(ada, "((hero") == titles(ada, "hero")
    assert titles(ada, "hero OR monster") == set()  # OR is a word here, not an operator
    assert titles(ada, '100% _under_ "quoted"') == {'<script>alert("x")</script>'}


def test_reindex_replaces_rows_and_forgets(library):
    ada, _ = library
    IndexedRelease.objects.filter(user=ada, release_id=1001).delete()
    search.reindex(ada.pk)
    assert titles(ada, "skillet") == set()
    IndexedRelease.objects.filter(user=ada).delete()
    search.forget(ada.pk)
    assert titles(ada, "zoe") == set()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="typo tolerance is pg_trgm's")
def test_typos_are_forgiven_on_postgresql(library):
    ada, _ = library
    assert titles(ada, "skilet") == {"Hero of the Day"}
    assert titles(ada, "monstr skillet") == {"Hero of the Day"}
    assert search.find(ada.pk, search.Terms.parse("whispres")).fuzzy


def test_a_big_reindex_refreshes_planner_statistics(library, monkeypatch, django_capture_on_commit_callbacks):
    ada, _ = library
    monkeypatch.setattr(search, "ANALYZE_AFTER_ROWS", 1)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        search.reindex(ada.pk)
    assert search._analyze in callbacks
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT COUNT(*) FROM sqlite_stat1 WHERE tbl = 'library_indexedtrack'")
        else:
            cursor.execute("SELECT COUNT(*) FROM pg_stats WHERE tablename = 'library_indexedtrack'")
        assert cursor.fetchone()[0] > 0
