"""Turn parsed locker pages into what the templates show.

A track's state is decided here, once, from 7digital's rules (docs/7digital.md, "Track rules");
templates only display it. The customer page, the support view in the admin and the widget all use
these objects.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext_lazy

from locker import wording
from locker.sevendigital.types import LockerPage, LockerRelease, LockerTrack


class TrackState(StrEnum):
    DOWNLOADABLE = "downloadable"
    LAST_DOWNLOAD = "last_download"
    EXHAUSTED = "exhausted"
    UNAVAILABLE = "unavailable"
    PREORDER = "preorder"


def track_state(item: LockerRelease, track: LockerTrack, now: datetime) -> TrackState:
    if not item.available or not track.download_urls:
        return TrackState.UNAVAILABLE
    release_date = item.release.release_date
    if release_date is not None and release_date > now:
        return TrackState.PREORDER
    if track.remaining_downloads is not None and track.remaining_downloads <= 0:
        return TrackState.EXHAUSTED
    if track.remaining_downloads == 1:
        return TrackState.LAST_DOWNLOAD
    return TrackState.DOWNLOADABLE


@dataclass(frozen=True, slots=True)
class FormatView:
    id: int
    description: str  # the customer's name for it: "FLAC", "MP3 320"

    def __str__(self) -> str:
        return self.description


# Without a choice on the Account page, this format (where a track offers it) is the Download button.
DEFAULT_DOWNLOAD_FORMAT = "MP3 320"


@dataclass(frozen=True, slots=True)
class TrackView:
    release_id: int
    id: int
    title: str
    version: str
    artist: str  # only when it differs from the release's artist
    disc: int
    number: int | None
    duration: str
    state: TrackState
    can_download: bool
    can_play: bool
    message: str  # customer-facing explanation or warning; "" when there is nothing to say
    describedby: str  # id of the visible text explaining a disabled control ("" when enabled)
    formats: tuple[FormatView, ...]  # every format offered, in format_order (never moved by a download)
    download_format: FormatView | None  # the Download button's: the preferred one where offered
    last_downloaded: datetime | None
    # Support-only facts (never rendered on customer pages)
    remaining_downloads: int | None
    purchase_id: int | None
    purchase_date: datetime | None
    complete_album_purchase: bool | None
    isrc: str

    @property
    def dom_id(self) -> str:
        return f"track-{self.release_id}-{self.id}"

    @property
    def message_id(self) -> str:
        return f"{self.dom_id}-msg"

    @property
    def other_formats(self) -> tuple[FormatView, ...]:
        """The menu beside the Download button, in format_order."""
        return tuple(f for f in self.formats if f != self.download_format)

    @property
    def other_format_ids(self) -> str:
        return " ".join(str(f.id) for f in self.other_formats)

    @property
    def offers_support(self) -> bool:
        """The explanation ends with a link to support (no downloads left: only they can add one)."""
        return self.state is TrackState.EXHAUSTED


@dataclass(frozen=True, slots=True)
class DiscView:
    number: int
    tracks: tuple[TrackView, ...]


@dataclass(frozen=True, slots=True)
class ReleaseView:
    id: int
    title: str
    version: str
    artist: str
    label: str
    type: str
    release_date: datetime | None
    image_url: str
    available: bool
    preorder: bool
    message: str
    discs: tuple[DiscView, ...]
    formats: tuple[FormatView, ...]  # every format any track offers, in format_order
    download_format: FormatView | None  # "Download all"'s first choice: the preferred one where offered
    barcode: str
    licensor: str

    @property
    def dom_id(self) -> str:
        return f"release-{self.id}"

    @property
    def type_label(self) -> str:
        """7digital's release type in the customer's language (an unknown type as 7digital says it)."""
        return release_type_label(self.type)

    @property
    def message_id(self) -> str:
        return f"{self.dom_id}-msg"

    @property
    def tracks(self) -> tuple[TrackView, ...]:
        return tuple(t for disc in self.discs for t in disc.tracks)

    @property
    def multi_disc(self) -> bool:
        return len(self.discs) > 1

    @property
    def downloadable_tracks(self) -> tuple[TrackView, ...]:
        return tuple(t for t in self.tracks if t.can_download)

    @property
    def last_download_tracks(self) -> tuple[TrackView, ...]:
        return tuple(t for t in self.downloadable_tracks if t.state is TrackState.LAST_DOWNLOAD)

    @property
    def blocked_tracks(self) -> tuple[TrackView, ...]:
        return tuple(t for t in self.tracks if not t.can_download)

    @property
    def offers_download_all(self) -> bool:
        """ "Download all" is worth offering from two downloadable tracks on."""
        return len(self.downloadable_tracks) > 1

    @property
    def folded(self) -> bool:
        """A withdrawn release shows its heading, why, and its tracks' titles behind a disclosure."""
        return not self.available

    @property
    def download_forms(self) -> tuple[FormatView, ...]:
        """The formats of the rows' Download buttons: one download form each, which every track's
        button of that format submits (its track id is the button's value). The format menus'
        forms are made by menu.js from one of these when a menu opens."""
        wanted = {t.download_format for t in self.tracks if t.can_download}
        return tuple(f for f in self.formats if f in wanted)

    @property
    def all_download_forms(self) -> tuple[FormatView, ...]:
        """Every format any downloadable track offers (a track's own page: a button per format)."""
        return tuple(f for f in self.formats if any(t.can_download and f in t.formats for t in self.tracks))

    @property
    def menu_formats(self) -> tuple[FormatView, ...]:
        """What the rows' format menus may hold (locker.js copies each row's own from these)."""
        return self.formats if any(t.can_download and t.other_formats for t in self.tracks) else ()

    @property
    def bought(self) -> datetime | None:
        """When it was bought: the newest purchase among its tracks."""
        return max((t.purchase_date for t in self.tracks if t.purchase_date), default=None)


class Paging:
    """Where a page sits among the releases that pass: what the toolbar and paging show."""

    __slots__ = ()
    page: int
    page_size: int
    total_items: int

    def _shown(self) -> int:
        raise NotImplementedError

    @property
    def num_pages(self) -> int:
        return max(1, -(-self.total_items // self.page_size))

    @property
    def first_item(self) -> int:
        return 0 if not self._shown() else (self.page - 1) * self.page_size + 1

    @property
    def last_item(self) -> int:
        return 0 if not self._shown() else self.first_item + self._shown() - 1


@dataclass(frozen=True, slots=True)
class PageView(Paging):
    releases: tuple[ReleaseView, ...]
    page: int
    page_size: int
    total_items: int

    def _shown(self) -> int:
        return len(self.releases)


@dataclass(frozen=True, slots=True)
class PageSpan(Paging):
    """A page of the index by its numbers alone (its cards are rendered apart)."""

    page: int
    page_size: int
    total_items: int
    shown: int

    def _shown(self) -> int:
        return self.shown


RELEASE_TYPES = {
    "album": pgettext_lazy("release type", "Album"),
    "ep": pgettext_lazy("release type", "EP"),
    "single": pgettext_lazy("release type", "Single"),
}


def release_type_label(release_type: str) -> str:
    """7digital's release type in the customer's language (an unknown type as 7digital says it)."""
    return str(RELEASE_TYPES.get(release_type.casefold(), release_type))


def present_page(
    page: LockerPage,
    *,
    now: datetime | None = None,
    downloads_enabled: bool = True,
    preferred_format: str = "",
    last_downloads: dict[int, datetime] | None = None,
) -> PageView:
    now = now or timezone.now()
    releases = tuple(
        present_release(
            item,
            now=now,
            downloads_enabled=downloads_enabled,
            preferred_format=preferred_format,
            last_downloads=last_downloads or {},
        )
        for item in page.releases
    )
    return PageView(releases, page.page, page.page_size, page.total_items)


def present_release(
    item: LockerRelease,
    *,
    now: datetime,
    downloads_enabled: bool = True,
    preferred_format: str = "",
    last_downloads: dict[int, datetime] | None = None,
) -> ReleaseView:
    """`preferred_format` is a format's name ("FLAC"), as chosen on the Account page ("" for none)."""
    release = item.release
    release_artist = release.artist.name if release.artist else ""
    preorder = release.release_date is not None and release.release_date > now and item.available
    tracks = sorted(item.tracks, key=lambda t: (t.track.disc, t.track.number or t.track.track_number or 0))
    views = [
        _present_track(
            item, t, now, release_artist, downloads_enabled, preferred_format, last_downloads or {}
        )
        for t in tracks
    ]
    discs: dict[int, list[TrackView]] = {}
    for view in views:
        discs.setdefault(view.disc, []).append(view)
    formats = tuple(sorted({f for v in views for f in v.formats}, key=format_order))
    return ReleaseView(
        id=release.id,
        title=release.title,
        version=release.version,
        artist=release_artist,
        label=release.label.name if release.label else "",
        type=release.type,
        release_date=release.release_date,
        image_url=artwork_url(release.image),
        available=item.available,
        preorder=preorder,
        message=_release_message(item, preorder),
        discs=tuple(DiscView(n, tuple(ts)) for n, ts in sorted(discs.items())),
        formats=formats,
        download_format=preferred(formats, preferred_format),
        barcode=release.barcode,
        licensor=release.licensor.name if release.licensor else "",
    )


def _present_track(
    item: LockerRelease,
    locker_track: LockerTrack,
    now: datetime,
    release_artist: str,
    downloads_enabled: bool,
    preferred_format: str,
    last_downloads: dict[int, datetime],
) -> TrackView:
    track = locker_track.track
    state = track_state(item, locker_track, now)
    formats = tuple(
        sorted(
            {FormatView(u.format.id, format_label(u.format.description)) for u in locker_track.download_urls},
            key=format_order,
        )
    )
    can_download = downloads_enabled and state in (TrackState.DOWNLOADABLE, TrackState.LAST_DOWNLOAD)
    message = str(wording.STATE_MESSAGES.get(state, ""))
    if not downloads_enabled and state in (TrackState.DOWNLOADABLE, TrackState.LAST_DOWNLOAD):
        message = str(wording.DOWNLOADS_PAUSED)
    describedby = f"track-{item.release.id}-{track.id}-msg" if message else ""
    if state in (TrackState.UNAVAILABLE, TrackState.PREORDER) and _release_message(
        item, state is TrackState.PREORDER
    ):
        message, describedby = "", f"release-{item.release.id}-msg"  # the release says it once
    artist = track.artist.name if track.artist and track.artist.name != release_artist else ""
    return TrackView(
        release_id=item.release.id,
        id=track.id,
        title=track.title,
        version=track.version,
        artist=artist,
        disc=track.disc,
        number=track.number or track.track_number,
        duration=format_duration(track.duration),
        state=state,
        can_download=can_download,
        can_play=state not in (TrackState.UNAVAILABLE, TrackState.PREORDER),
        message=message,
        describedby=describedby,
        formats=formats,
        download_format=preferred(formats, preferred_format),
        last_downloaded=last_downloads.get(track.id),
        remaining_downloads=locker_track.remaining_downloads,
        purchase_id=locker_track.purchase_id,
        purchase_date=locker_track.purchase_date,
        complete_album_purchase=locker_track.complete_album_purchase,
        isrc=track.isrc,
    )


def _release_message(item: LockerRelease, preorder: bool) -> str:
    if not item.available:
        return str(wording.WITHDRAWN)
    if preorder and item.release.release_date:
        # A release date is a calendar day: shown as 7digital gives it, in no time zone.
        return str(wording.PREORDER_FROM) % {"date": date_format(item.release.release_date, "DATE_FORMAT")}
    return ""


def format_label(description: str) -> str:
    """7digital describes lossless files with a bit rate of 0 ("FLAC 0"): customers see "FLAC"."""
    return description.removesuffix(" 0")


_BIT_RATE = re.compile(r"\s(\d+)$")


def format_order(f: FormatView) -> tuple:
    """The one order formats are listed in, everywhere: lossless first, then by bit rate, highest
    first ("FLAC", "AAC 320", "MP3 320", "MP3 256"). It never depends on what was downloaded last,
    so a menu never changes under the customer's hand."""
    rate = _BIT_RATE.search(f.description)
    return (rate is not None, -int(rate[1]) if rate else 0, f.description.casefold(), f.id)


def preferred(formats: tuple[FormatView, ...], name: str) -> FormatView | None:
    """The format called `name` where offered, else the default one, else the first."""
    for wanted in (name, DEFAULT_DOWNLOAD_FORMAT):
        found = next((f for f in formats if wanted and f.description.casefold() == wanted.casefold()), None)
        if found:
            return found
    return formats[0] if formats else None


def format_duration(seconds: int | None) -> str:
    if not seconds or seconds < 0:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


_SIZE = re.compile(r"_(\d{2,3})\.(jpg|jpeg|png)$", re.IGNORECASE)


def artwork_url(image: str, size: int = 350) -> str:
    """7digital sleeve art URLs end in `_50.jpg`; ask for a sharper size. Only http(s) URLs pass."""
    if not image.lower().startswith(("http://", "https://")):
        return ""
    return _SIZE.sub(lambda m: f"_{size}.{m.group(2)}", image)
