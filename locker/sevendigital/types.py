"""Typed, immutable views of 7digital locker answers.

The parser (`parse.py`) builds these from JSON or XML; nothing else in Locker reads raw payloads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

SORT_COLUMNS = ("purchaseDate", "releaseTitle", "artistName")
SORT_ORDERS = ("desc", "asc")
DEFAULT_SORT = "purchaseDate desc"
MAX_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class AccessToken:
    """A user's OAuth 1.0a access token pair. Its repr never shows the secret."""

    key: str
    secret: str

    def __repr__(self) -> str:
        return "AccessToken(key=***, secret=***)"


@dataclass(frozen=True, slots=True)
class Named:
    """An artist, label or licensor: an id and a display name (either may be missing)."""

    id: int | None
    name: str = ""


@dataclass(frozen=True, slots=True)
class Artist:
    id: int | None
    name: str = ""
    appears_as: str = ""


@dataclass(frozen=True, slots=True)
class Format:
    id: int
    description: str  # "MP3 320", "AAC 320", "FLAC 0"; old answers give fileFormat + bitRate


@dataclass(frozen=True, slots=True)
class DownloadUrl:
    url: str
    format: Format


@dataclass(frozen=True, slots=True)
class Track:
    id: int
    title: str
    version: str = ""
    artist: Artist | None = None
    track_number: int | None = None
    disc: int = 1  # `disc` in JSON, `discNumber` in XML; 1 when absent
    number: int | None = None  # position on the disc; falls back to trackNumber
    duration: int | None = None  # seconds
    isrc: str = ""


@dataclass(frozen=True, slots=True)
class LockerTrack:
    track: Track
    remaining_downloads: int | None = None  # None on withdrawn releases
    purchase_id: int | None = None  # 0 for legacy purchases
    purchase_date: datetime | None = None  # always timezone-aware
    complete_album_purchase: bool | None = None
    download_urls: tuple[DownloadUrl, ...] = ()  # empty when `downloadUrls` is null or missing


@dataclass(frozen=True, slots=True)
class Release:
    id: int
    title: str
    version: str = ""
    type: str = ""
    barcode: str = ""
    artist: Artist | None = None
    label: Named | None = None
    licensor: Named | None = None
    image: str = ""
    release_date: datetime | None = None  # `download.releaseDate`, or the older `releaseDate`
    slug: str = ""


@dataclass(frozen=True, slots=True)
class LockerRelease:
    release: Release
    tracks: tuple[LockerTrack, ...]
    available: bool = True


@dataclass(frozen=True, slots=True)
class LockerPage:
    page: int
    page_size: int
    total_items: int
    releases: tuple[LockerRelease, ...]


@dataclass(frozen=True, slots=True)
class UserDetails:
    id: str
    email: str = ""
