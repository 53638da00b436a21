"""What a customer's locker pages show, shared by the locker page, the widget and the support view:
the loader's result presented with the customer's own download history, and single fresh rows."""

from __future__ import annotations

from django.utils import timezone

from locker.downloads import find_track, last_downloads, track_view
from locker.loader import LockerResult
from locker.models import SevenDigitalLink
from locker.presenters import PageView, ReleaseView, TrackView, present_page, present_release
from locker.query import LockerQuery


def present_result(link: SevenDigitalLink, result: LockerResult) -> PageView | None:
    if result.page is None:
        return None
    track_ids = [t.track.id for item in result.page.releases for t in item.tracks]
    return present_page(
        result.page,
        downloads_enabled=result.downloads_enabled,
        preferred_format=link.preferred_format_id,
        last_downloads=last_downloads(link.user_id, track_ids),
    )


def last_page_query(query: LockerQuery, result: LockerResult) -> LockerQuery | None:
    """The query of the last page when `query` asked for a page past the end, else None."""
    page = result.page
    if page is None or not page.total_items or page.releases or query.page <= 1:
        return None
    return query.with_(page=-(-page.total_items // query.page_size))


def fresh_row(link: SevenDigitalLink, release_id: int, track_id: int) -> tuple[ReleaseView, TrackView | None]:
    """One track re-read from 7digital (after a download). Raises downloads.DownloadRefused."""
    found = find_track(link, release_id, track_id)
    release = present_release(
        found.item,
        now=timezone.now(),
        preferred_format=link.preferred_format_id,
        last_downloads=last_downloads(link.user_id, [track_id]),
    )
    return release, track_view(release, track_id)
