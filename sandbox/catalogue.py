"""The sandbox's own records for releases, tracks and locker entries, and shared constants.

These frozen dataclasses are what `render.py` renders, so anyone can build (or generate) entries and
render them both ways without a server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

DEMO_CONSUMER_KEY = "locker-demo-key"
# The "==" is deliberate: 7digital secrets are base64 and signing must percent-encode them.
DEMO_CONSUMER_SECRET = "locker-demo-secret=="

SHOP_ID = 34
ARTWORK_SIZES = (50, 100, 150, 200, 350, 500)
SCHEMA_URL = "http://api.7digital.com/1.2/static/7digitalAPI.xsd"


@dataclass(frozen=True)
class SbFormat:
    id: int
    description: str


MP3_320 = SbFormat(17, "MP3 320")
MP3_256 = SbFormat(48, "MP3 256")
AAC_320 = SbFormat(33, "AAC 320")
FLAC = SbFormat(55, "FLAC 0")
FORMATS = {f.id: f for f in (MP3_320, MP3_256, AAC_320, FLAC)}


@dataclass(frozen=True)
class SbArtist:
    id: int
    name: str
    slug: str

    @property
    def appears_as(self) -> str:
        return self.name


@dataclass(frozen=True)
class SbLabel:
    id: int
    name: str


@dataclass(frozen=True)
class SbLicensor:
    id: int
    name: str


@dataclass(frozen=True)
class SbRelease:
    id: int
    title: str
    version: str
    type: str  # "Album", "EP" or "Single"
    artist: SbArtist
    slug: str
    licensor: SbLicensor
    release_date: str  # rendered verbatim, in one of 7digital's ISO-8601 variants
    formats: tuple[SbFormat, ...]
    barcode: str | None = None
    has_image: bool = True
    label: SbLabel | None = None
    available: bool = True

    def is_preorder(self, now: datetime | None = None) -> bool:
        return parse_date(self.release_date) > (now or datetime.now(UTC))


@dataclass(frozen=True)
class SbTrack:
    id: int
    title: str
    version: str
    artist: SbArtist
    track_number: int
    duration: int  # seconds
    isrc: str
    disc: int
    number: int  # position on its disc


@dataclass(frozen=True)
class SbLockerTrack:
    track: SbTrack
    remaining_downloads: int
    purchase_id: int  # 0 for legacy purchases
    purchase_date: str
    complete_album_purchase: bool


@dataclass(frozen=True)
class SbLockerEntry:
    release: SbRelease
    tracks: tuple[SbLockerTrack, ...]

    @property
    def last_purchase(self) -> datetime:
        return max(parse_date(t.purchase_date) for t in self.tracks)


def parse_date(value: str) -> datetime:
    """Parse any of 7digital's date variants (Z, offsets, 0 to 7 fraction digits) as aware UTC."""
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def download_url(base_url: str, release_id: int, track_id: int, format_id: int) -> str:
    return (
        f"{base_url}/media/user/downloadtrack?formatid={format_id}"
        f"&releaseid={release_id}&shopid={SHOP_ID}&trackid={track_id}"
    )


def artwork_url(base_url: str, release_id: int, size: int = 50) -> str:
    return f"{base_url}/artwork/{release_id}_{size}.png"
