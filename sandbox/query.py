"""The `user/locker` query: parameter checks, filters, sorting and paging, as 7digital does."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from .catalogue import SbLockerEntry, SbLockerTrack
from .demo import Catalogue, LockerRow
from .web import ApiError, parse_country, parse_int

MAX_PAGE_SIZE = 50
SORT_KEYS: dict[str, Callable[[SbLockerEntry], Any]] = {
    "releaseTitle": lambda e: e.release.title.casefold(),
    "purchaseDate": lambda e: e.last_purchase,
    "artistName": lambda e: e.release.artist.name.casefold(),
}


@dataclass(frozen=True)
class LockerQuery:
    country: str
    page: int = 1
    page_size: int = 10
    sort_column: str = "releaseTitle"
    descending: bool = False
    release_id: int | None = None
    track_id: int | None = None
    purchase_id: int | None = None


def _int(params: dict[str, str], name: str, minimum: int = 0) -> int | None:
    value = params.get(name)
    return None if value is None else parse_int(name, value, minimum)


def _sort(value: str) -> tuple[str, bool]:
    column, _, order = value.strip().partition(" ")
    order = order.strip().lower() or "asc"
    if column not in SORT_KEYS or order not in ("asc", "desc"):
        valid = ", ".join(f"{c} asc|desc" for c in SORT_KEYS)
        raise ApiError(1006, f"Value of parameter sort is not valid: {value}. Use one of {valid}")
    return column, order == "desc"


def parse_locker_query(params: dict[str, str]) -> LockerQuery:
    country = parse_country(params.get("country"))
    _int(params, "shopId")  # accepted and checked, but one shop is all the sandbox has
    page_size = _int(params, "pageSize", minimum=1) or 10
    column, descending = _sort(params.get("sort", "releaseTitle asc"))
    return LockerQuery(
        country=country,
        page=_int(params, "page", minimum=1) or 1,
        page_size=min(page_size, MAX_PAGE_SIZE),
        sort_column=column,
        descending=descending,
        release_id=_int(params, "releaseId"),
        track_id=_int(params, "trackId"),
        purchase_id=_int(params, "purchaseId"),
    )


def locker_entries(rows: Iterable[LockerRow], catalogue: Catalogue) -> list[SbLockerEntry]:
    """Group an account's rows by release, tracks in disc/number order (unknown ids skipped)."""
    by_release: dict[int, list[SbLockerTrack]] = defaultdict(list)
    for row in rows:
        track = catalogue.track(row.release_id, row.track_id)
        if track is not None:
            item = SbLockerTrack(
                track, row.remaining, row.purchase_id, row.purchase_date, row.complete_album
            )
            by_release[row.release_id].append(item)
    return [
        SbLockerEntry(
            catalogue.releases[release_id],
            tuple(sorted(items, key=lambda i: (i.track.disc, i.track.number, i.track.id))),
        )
        for release_id, items in by_release.items()
    ]


def _filter(entries: list[SbLockerEntry], q: LockerQuery) -> list[SbLockerEntry]:
    def keep(item: SbLockerTrack) -> bool:
        if q.release_id is not None and q.track_id is not None and item.track.id != q.track_id:
            return False
        return q.purchase_id is None or item.purchase_id == q.purchase_id

    kept = []
    for entry in entries:
        if q.release_id is not None and entry.release.id != q.release_id:
            continue
        tracks = tuple(filter(keep, entry.tracks))
        if tracks:
            kept.append(replace(entry, tracks=tracks))
    return kept


def run_locker_query(
    entries: list[SbLockerEntry], q: LockerQuery
) -> tuple[int, list[SbLockerEntry]]:
    """Filter, sort and page; returns (totalItems, the page's entries)."""
    kept = _filter(entries, q)
    if q.purchase_id is not None and not kept:
        raise ApiError(2001, "No tracks found for purchase id")
    kept.sort(key=lambda e: e.release.id)
    kept.sort(key=SORT_KEYS[q.sort_column], reverse=q.descending)  # stable: ties stay by id
    start = (q.page - 1) * q.page_size
    return len(kept), kept[start : start + q.page_size]
