"""Read one page of a customer's index as the client's typed objects: no call to 7digital."""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from types import SimpleNamespace

from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate

from locker.library import convert, filters
from locker.library.models import IndexedRelease, IndexedTrack
from locker.query import LockerQuery
from locker.sevendigital.types import LockerPage, LockerRelease

# 7digital's sorts, on the index. Artist and title ignore leading articles (articles.py).
ORDERING = {
    "purchaseDate desc": ("upstream_position",),
    "purchaseDate asc": ("-upstream_position",),
    "artistName asc": ("sort_artist", "sort_title", "upstream_position"),
    "artistName desc": ("-sort_artist", "-sort_title", "upstream_position"),
    "releaseTitle asc": ("sort_title", "sort_artist", "upstream_position"),
    "releaseTitle desc": ("-sort_title", "-sort_artist", "upstream_position"),
}


TRACK_FIELDS = (
    "release_id",
    "track_id",
    "title",
    "version",
    "artist_id",
    "artist_name",
    "artist_appears_as",
    "disc",
    "number",
    "track_number",
    "duration",
    "isrc",
    "remaining_downloads",
    "purchase_id",
    "purchase_date",
    "complete_album_purchase",
    "download_urls",
    "position",
)


def ordering(sort: str) -> list:
    """The sort's columns, compared by code point on every database (PostgreSQL's default
    collation would otherwise order spaces and punctuation its own way)."""
    columns = []
    for name in ORDERING[sort]:
        column = name.lstrip("-")
        expression: F | Collate = F(column)
        if connection.vendor == "postgresql" and column.startswith("sort_"):
            expression = Collate(expression, "C")
        columns.append(expression.desc() if name.startswith("-") else expression.asc())
    return columns


def ordered_ids(narrowed: filters.Narrowed, query: LockerQuery) -> list[int]:
    """Every release row passing the search and filters, as primary keys in the query's order."""
    return list(narrowed.releases.order_by(*ordering(query.sort)).values_list("pk", flat=True))


def every_order(narrowed: filters.Narrowed) -> dict[str, list[int]]:
    """ordered_ids for every sort, from one read of the passing rows' sort columns: the database
    compares these columns by code point (ordering()), as Python compares strings."""
    columns = ["pk", *{name.lstrip("-") for names in ORDERING.values() for name in names}]
    rows = list(narrowed.releases.values_list(*columns))
    orders = {}
    for sort, names in ORDERING.items():
        for name in reversed(names):  # stable sorts, the last column first
            rows.sort(key=itemgetter(columns.index(name.lstrip("-"))), reverse=name.startswith("-"))
        orders[sort] = [row[0] for row in rows]
    return orders


def read_page(user_id: int, query: LockerQuery) -> LockerPage:
    return read_narrowed(user_id, query)[0]


def read_narrowed(
    user_id: int, query: LockerQuery, find=None, order=ordered_ids
) -> tuple[LockerPage, filters.Narrowed]:
    """The page of the releases passing the query's search and filters, and what it matched."""
    rows, total, narrowed = page_rows(user_id, query, find, order)
    page = LockerPage(
        page=query.page, page_size=query.page_size, total_items=total, releases=locker_releases(rows)
    )
    return page, narrowed


def page_rows(
    user_id: int, query: LockerQuery, find=None, order=ordered_ids
) -> tuple[list[IndexedRelease], int, filters.Narrowed]:
    """The page's release rows (without their tracks), how many pass in all, and what matched."""
    ids, total, narrowed = page_ids(user_id, query, find, order)
    found = IndexedRelease.objects.in_bulk(ids) if ids else {}
    return [found[pk] for pk in ids if pk in found], total, narrowed


def page_ids(
    user_id: int, query: LockerQuery, find=None, order=ordered_ids
) -> tuple[list[int], int, filters.Narrowed]:
    """The primary keys of the page's release rows, how many pass in all, and what matched.
    `find` runs the search and `order` lists the passing rows in order (the page module passes
    cached ones)."""
    narrowed = filters.narrow(user_id, query, find=find) if find else filters.narrow(user_id, query)
    ids = order(narrowed, query)
    start = (query.page - 1) * query.page_size
    return ids[start : start + query.page_size], len(ids), narrowed


def locker_releases(rows: list[IndexedRelease]) -> tuple[LockerRelease, ...]:
    """The rows with their tracks, as the client's typed objects."""
    tracks: dict[int, list[SimpleNamespace]] = defaultdict(list)
    if rows:
        # Plain values, not model instances: a page holds ~500 tracks, and building models is
        # most of what reading them would cost.
        for values in IndexedTrack.objects.filter(release__in=[row.pk for row in rows]).values(*TRACK_FIELDS):
            tracks[values["release_id"]].append(SimpleNamespace(**values))
    return tuple(convert.to_locker_release(row, tracks[row.pk]) for row in rows)
