"""The download decision: re-check the track with 7digital, then sign its media URL or refuse.

Only the requesting customer's token is used, so the fresh answer can only ever contain their
own purchases; a track or format that isn't there is "not found", never a redirect.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit, urlunsplit

from django.conf import settings
from django.utils import timezone

from locker import locker_cache, preferences, wording
from locker.crypto import TokenDecryptionError
from locker.library import sync
from locker.models import DownloadEvent, SevenDigitalLink
from locker.presenters import (
    ReleaseView,
    TrackState,
    TrackView,
    format_label,
    present_release,
    track_state,
)
from locker.sevendigital import client as sevendigital
from locker.sevendigital.errors import RelinkNeeded, SevenDigitalError, UpstreamTimeout
from locker.sevendigital.types import LockerRelease, LockerTrack

logger = logging.getLogger(__name__)
Outcome = DownloadEvent.Outcome


class TrackRefused(Exception):
    """A track this customer may not download or play now: `status` is the HTTP status, `message`
    what the customer reads."""

    def __init__(
        self, message: str, *, status: int, outcome: str | None = None, release: ReleaseView | None = None
    ):
        super().__init__(message)
        self.message = message
        self.status = status
        self.outcome = outcome
        self.release = release  # the fresh state to re-render, when we have it


@dataclass(frozen=True, slots=True)
class ReleaseAndTrack:
    item: LockerRelease
    locker_track: LockerTrack


MAX_ID = 2**53  # as the download and play forms allow


def find_track(link: SevenDigitalLink, release_id: int, track_id: int) -> ReleaseAndTrack:
    """A fresh, filtered read of one track from the customer's own locker."""
    if not 0 < track_id <= MAX_ID:  # URLs take any digits
        raise TrackRefused(str(wording.NOT_IN_LOCKER), status=404)
    item = find_release(link, release_id, track_id)
    for locker_track in item.tracks:
        if locker_track.track.id == track_id:
            return ReleaseAndTrack(item, locker_track)
    raise TrackRefused(str(wording.NOT_IN_LOCKER), status=404)


def find_release(link: SevenDigitalLink, release_id: int, track_id: int | None = None) -> LockerRelease:
    """A fresh, filtered read of one release (or one of its tracks) from the customer's own locker."""
    if not 0 < release_id <= MAX_ID:
        raise TrackRefused(str(wording.NOT_IN_LOCKER), status=404)
    try:
        page = sevendigital.get_locker(
            link.get_token(), release_id=release_id, track_id=track_id, page_size=1
        )
    except (RelinkNeeded, TokenDecryptionError) as exc:
        link.mark_needs_relink(str(exc) or type(exc).__name__)
        raise TrackRefused(str(wording.RELINK), status=409, outcome=Outcome.RELINK) from exc
    except SevenDigitalError as exc:
        logger.warning("download re-check failed: %s %s", type(exc).__name__, exc.message)
        message = wording.CHECK_TIMED_OUT if isinstance(exc, UpstreamTimeout) else wording.CHECK_FAILED
        raise TrackRefused(
            str(message),
            status=503,
            outcome=Outcome.UPSTREAM_ERROR,
        ) from exc
    for item in page.releases:
        if item.release.id == release_id:
            return item
    raise TrackRefused(str(wording.NOT_IN_LOCKER), status=404)


# A track in these states is refused (and the refusal worded as its row explains the state).
REFUSED_STATES = {
    TrackState.EXHAUSTED: Outcome.EXHAUSTED,
    TrackState.UNAVAILABLE: Outcome.UNAVAILABLE,
    TrackState.PREORDER: Outcome.PREORDER,
}


@dataclass(frozen=True, slots=True)
class Started:
    url: str  # the signed media URL the browser fetches the file from
    event: DownloadEvent  # recorded as "download started"


def authorise_download(link: SevenDigitalLink, release_id: int, track_id: int, format_id: int) -> Started:
    """Sign the media URL for this download and record it as started, or raise TrackRefused."""
    try:
        found = find_track(link, release_id, track_id)
    except TrackRefused as refusal:
        record_refusal(link, release_id, track_id, format_id, refusal.outcome or Outcome.NOT_FOUND)
        raise
    sync.apply_fresh(link.user_id, found.item)  # the index takes the fresh answer for this track
    now = timezone.now()
    state = track_state(found.item, found.locker_track, now)
    fresh_release = present_release(
        found.item, now=now, preferred_format=preferences.download_format(link.user_id)
    )
    if state in REFUSED_STATES:
        outcome = REFUSED_STATES[state]
        _record(link, found, format_id, "", outcome)
        locker_cache.invalidate(link.user_id)
        sync.touch(link.user_id)
        message = str(wording.STATE_MESSAGES[state])
        raise TrackRefused(message, status=409, outcome=outcome, release=fresh_release)
    download_url = next((u for u in found.locker_track.download_urls if u.format.id == format_id), None)
    if download_url is None:
        raise TrackRefused(str(wording.NOT_IN_FORMAT), status=404)
    url = _allowed_media_url(download_url.url)
    if url is None:
        logger.error(
            "refused download redirect to a media host not in SEVENDIGITAL_MEDIA_HOSTS: %s",
            urlsplit(download_url.url).netloc,
        )
        _record(link, found, format_id, download_url.format.description, Outcome.REFUSED_HOST)
        raise TrackRefused(str(wording.HOST_REFUSED), status=502)
    signed = sevendigital.signed_media_url(url, link.get_token())
    # The preferred format is the Account page's choice alone: a download in another format never
    # changes it, so the row's Download button and menu stay where they were.
    event = _record(link, found, format_id, download_url.format.description, Outcome.REDIRECTED)
    locker_cache.invalidate(link.user_id)
    sync.after_download(link.user_id, release_id, track_id)
    return Started(signed, event)


# How long after starting a download the page may still report that the media host refused it.
REFUSAL_REPORT_SECONDS = 600


def record_upstream_refusal(user, event_id: int) -> DownloadEvent | None:
    """The media host answered a page instead of the file (locker.js sees it load in the hidden
    frame the download runs in): the started download becomes a refusal. Only the customer's own,
    recent, still-"started" events change; None when there is no such event."""
    since = timezone.now() - timedelta(seconds=REFUSAL_REPORT_SECONDS)
    event = DownloadEvent.objects.filter(
        pk=event_id, user=user, outcome=Outcome.REDIRECTED, created_at__gte=since
    ).first()
    if event is None:
        return None
    event.outcome = Outcome.REFUSED_UPSTREAM
    event.save(update_fields=["outcome"])
    locker_cache.invalidate(user.pk)  # rows show the last download *started*
    sync.touch(user.pk)
    logger.info("media host refused download event %s (track %s)", event.pk, event.track_id)
    return event


def _allowed_media_url(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or parts.netloc.lower() not in {
        h.lower() for h in settings.SEVENDIGITAL_MEDIA_HOSTS
    }:
        return None
    if parts.scheme == "http" and parts.hostname and parts.hostname.endswith(".7digital.com"):
        parts = parts._replace(scheme="https")  # 7digital's real hosts serve https
    return urlunsplit(parts)


def _record(
    link: SevenDigitalLink, found: ReleaseAndTrack, format_id: int, description: str, outcome: str
) -> DownloadEvent:
    return DownloadEvent.objects.create(
        user=link.user,
        release_id=found.item.release.id,
        track_id=found.locker_track.track.id,
        format_id=format_id,
        format_description=format_label(description)[:50],
        track_title=found.locker_track.track.title[:300],
        release_title=found.item.release.title[:300],
        outcome=outcome,
    )


def record_refusal(
    link: SevenDigitalLink, release_id: int, track_id: int, format_id: int, outcome: str
) -> None:
    """Failures before we knew the track (relink, upstream down) still belong in the history."""
    DownloadEvent.objects.create(
        user=link.user, release_id=release_id, track_id=track_id, format_id=format_id, outcome=outcome
    )


def last_downloads(user, track_ids) -> dict[int, datetime]:
    """Latest download started (and not known to be refused) per track, from our own events."""
    rows = (
        DownloadEvent.objects.filter(user=user, track_id__in=list(track_ids), outcome=Outcome.REDIRECTED)
        .order_by("track_id", "-created_at")
        .values_list("track_id", "created_at")
    )
    latest: dict[int, datetime] = {}
    for track_id, created_at in rows:
        latest.setdefault(track_id, created_at)
    return latest


def downloaded_releases(user_id: int) -> frozenset[int]:
    """The releases the customer started a download from (last_downloads_by_release's keys)."""
    rows = DownloadEvent.objects.filter(user_id=user_id, outcome=Outcome.REDIRECTED)
    return frozenset(rows.values_list("release_id", flat=True).distinct())


def last_downloads_by_release(user, release_ids) -> dict[int, dict[int, datetime]]:
    """Like last_downloads, per release (the release a download was started from): for the
    releases `release_ids`, or all of the customer's when it is None."""
    rows = DownloadEvent.objects.filter(user=user, outcome=Outcome.REDIRECTED)
    if release_ids is not None:
        rows = rows.filter(release_id__in=list(release_ids))
    latest: dict[int, dict[int, datetime]] = {}
    ordered = rows.order_by("release_id", "track_id", "-created_at")
    for release_id, track_id, created_at in ordered.values_list("release_id", "track_id", "created_at"):
        latest.setdefault(release_id, {}).setdefault(track_id, created_at)
    return latest


def track_view(release: ReleaseView, track_id: int) -> TrackView | None:
    return next((t for t in release.tracks if t.id == track_id), None)
