"""Filters over the locker index and their counts: state (as presenters.track_state decides it),
format, type, full album or single tracks, purchase year, artist, hidden; combined with search."""

from __future__ import annotations

from datetime import UTC, datetime

from django.utils import timezone

from locker.library import filters
from locker.library.models import HiddenRelease, IndexedRelease
from locker.presenters import track_state
from locker.query import LockerQuery
from locker.sevendigital.types import DownloadUrl, Format, LockerRelease, LockerTrack, Release, Track


def ids(user, **params) -> set[int]:
    narrowed = filters.narrow(user.pk, LockerQuery.from_params(params))
    return set(narrowed.releases.values_list("release_id", flat=True))


def counts(choices) -> dict[str, int]:
    return {c.value: c.count for c in choices}


def as_locker_release(row) -> LockerRelease:
    """The typed objects presenters decide from, built from the stored fields."""
    tracks = tuple(
        LockerTrack(
            Track(t.track_id, t.title),
            remaining_downloads=t.remaining_downloads,
            download_urls=tuple(
                DownloadUrl(u["url"], Format(u["format_id"], u["description"])) for u in t.download_urls
            ),
        )
        for t in row.tracks.all()
    )
    return LockerRelease(
        Release(row.release_id, row.title, release_date=row.release_date), tracks, row.available
    )


def test_each_state_filter_matches_presenters(library):
    ada, _ = library
    now = timezone.now()
    expected: dict[str, set[int]] = {}
    for row in IndexedRelease.objects.filter(user=ada).prefetch_related("tracks"):
        item = as_locker_release(row)
        for track in item.tracks:
            expected.setdefault(str(track_state(item, track, now)), set()).add(row.release_id)
    for state in ("downloadable", "last_download", "exhausted", "unavailable", "preorder"):
        assert ids(ada, state=state) == expected.get(state, set()), state
    assert expected["unavailable"] == {1004, 1006}  # withdrawn release; a track without formats
    assert expected["preorder"] == {1005}


def test_other_filters(library):
    ada, _ = library
    assert ids(ada, format="55") == {1001}
    assert ids(ada, format="33") == {1003}
    assert ids(ada, type="EP") == {1002}
    assert ids(ada, full="0") == {1002}
    assert 1002 not in ids(ada, full="1")
    assert ids(ada, year="2019") == {1002, 1003}
    assert ids(ada, artist="1002") == {1001}  # artist ids are release id + 1 in the fixture


def test_filters_combine_with_each_other_and_search(library):
    ada, _ = library
    assert ids(ada, q="hero", state="last_download") == {1001}
    assert ids(ada, q="hero", state="downloadable") == {1001, 1006}
    assert ids(ada, q="hero", state="exhausted") == {1001}
    assert ids(ada, q="hero", format="55", year="2017") == {1001}
    assert ids(ada, q="zoe", type="Album") == set()


def test_counts_are_faceted(library):
    ada, _ = library
    facets = filters.facets(ada.pk, LockerQuery.from_params({"q": "hero"}))
    assert counts(facets.states) == {"downloadable": 2, "last_download": 1, "exhausted": 1, "unavailable": 1}
    assert counts(facets.formats) == {"17": 2, "55": 1}
    facets = filters.facets(ada.pk, LockerQuery.from_params({"state": "exhausted"}))
    assert counts(facets.states)["downloadable"] == 4  # a facet's own choice doesn't narrow its counts
    assert counts(facets.types) == {"Album": 1}
    assert counts(facets.years) == {"2017": 1}
    assert [c.label for c in filters.facets(ada.pk, LockerQuery()).formats] == ["AAC 320", "FLAC", "MP3 320"]


def test_hidden_releases_leave_the_locker_and_have_their_filter(library):
    ada, bo = library
    HiddenRelease.objects.create(user=ada, release_id=1001)
    HiddenRelease.objects.create(user=bo, release_id=1002)  # Bo's choice says nothing about Ada's
    assert 1001 not in ids(ada)
    assert 1002 in ids(ada)
    assert ids(ada, hidden="1") == {1001}
    assert ids(ada, hidden="1", q="zoe") == set()
    assert filters.facets(ada.pk, LockerQuery()).hidden == 1
    assert filters.facets(ada.pk, LockerQuery.from_params({"q": "zoe"})).hidden == 0
    assert 1001 not in {a["id"] - 1 for a in filters.artists(ada.pk)}


def test_artists_with_release_counts_in_sort_order(library):
    ada, _ = library
    IndexedRelease.objects.filter(user=ada, release_id=1005).update(
        artist_id=1002, artist_name="Skillet Meridian"
    )
    names = [(a["name"], a["releases"]) for a in filters.artists(ada.pk)]
    assert ("Skillet Meridian", 2) in names
    quiet = [n for n, _ in names].index("The Quiet Ampersands")
    skillet = [n for n, _ in names].index("Skillet Meridian")
    assert quiet < skillet  # "The" is ignored: Q before S


def test_year_filter_uses_the_purchase_date(library):
    ada, _ = library
    IndexedRelease.objects.filter(user=ada, release_id=1003).update(
        purchase_date=datetime(2020, 1, 5, tzinfo=UTC)
    )
    assert ids(ada, year="2020") == {1003}


def test_a_chosen_filter_that_matches_nothing_still_shows_as_chosen(library):
    ada, _ = library
    facets = filters.facets(
        ada.pk, LockerQuery.from_params({"type": "Boxset", "year": "1999", "format": "99"})
    )
    assert [(c.value, c.count, c.selected) for c in facets.types] == [("Boxset", 0, True)]
    assert [(c.value, c.count, c.selected) for c in facets.years] == [("1999", 0, True)]
    assert [(c.value, c.count, c.selected) for c in facets.formats] == [("99", 0, True)]


def test_every_sort_read_at_once_is_the_databases_own(library):
    """A search or filter's first page reads every sort's order at once and sorts in Python: the
    same orders as the database's, scripts and accents included."""
    from locker.library import read
    from locker.query import SORT_LABELS

    ada, _ = library
    for params in ({}, {"q": "the"}, {"state": "downloadable"}, {"hidden": "1"}):
        narrowed = filters.narrow(ada.pk, LockerQuery.from_params(params))
        orders = read.every_order(narrowed)
        assert set(orders) == set(SORT_LABELS)
        for sort in SORT_LABELS:
            query = LockerQuery.from_params({**params, "sort": sort})
            assert orders[sort] == read.ordered_ids(narrowed, query), (params, sort)
    every = read.every_order(filters.narrow(ada.pk, LockerQuery()))
    assert len({tuple(ids) for ids in every.values()}) >= 4  # the sorts really differ
