"""The deterministic demo catalogue, accounts and lockers (the same on every run).

Hand-written releases cover every edge case of 7digital's locker; generated "filler" releases
(from a fixed-seed RNG) give the demo account a locker big enough to page and sort.
"""

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from functools import cache

from . import big
from .catalogue import (
    AAC_320,
    FLAC,
    MP3_256,
    MP3_320,
    SbArtist,
    SbFormat,
    SbLabel,
    SbLicensor,
    SbRelease,
    SbTrack,
)

SEED = 7_2014


@dataclass(frozen=True)
class DemoAccount:
    id: str
    email: str
    password: str
    token: str
    token_secret: str


ACCOUNTS = (
    DemoAccount("108596530", "demo@sandbox.test", "demo", "demo-token", "demo-secret+/="),
    DemoAccount("108596531", "small@sandbox.test", "small", "small-token", "small-secret="),
    DemoAccount("108596532", "other@sandbox.test", "other", "other-token", "other-secret"),
    DemoAccount("108596533", "empty@sandbox.test", "empty", "empty-token", "empty-secret"),
    DemoAccount("108596534", "big@sandbox.test", "big", "big-token", "big-secret="),
)
DEMO, SMALL, OTHER, EMPTY, BIG = ACCOUNTS


@dataclass(frozen=True)
class LockerRow:
    """One purchased track in one account's locker (a row of the `locker` table)."""

    account_id: str
    release_id: int
    track_id: int
    purchase_id: int
    purchase_date: str
    complete_album: bool
    remaining: int


@dataclass(frozen=True)
class Catalogue:
    releases: dict[int, SbRelease]
    tracks: dict[int, tuple[SbTrack, ...]]  # by release id, in disc/number order
    by_key: dict[str, int] = field(default_factory=dict)  # spec key -> release id

    def track(self, release_id: int, track_id: int) -> SbTrack | None:
        return next((t for t in self.tracks.get(release_id, ()) if t.id == track_id), None)


def slugify(text: str, fallback: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(c.lower() if c.isalnum() else " " for c in ascii_text).split()
    return "-".join(words) or fallback


def _artist(artist_id: int, name: str) -> SbArtist:
    return SbArtist(artist_id, name, slugify(name, f"artist-{artist_id}"))


ARTISTS = {
    name: _artist(artist_id, name)
    for artist_id, name in enumerate(
        [
            "The Paper Lanterns",
            "Mara Quill",
            "Static Orchard",
            "Juno Ashgrove",
            "The Velvet Cartographers",
            "Oskar Lindqvist Trio",
            "Neon Harbour",
            "Calloway & Finch",
            "青い鳥楽団",
            "Ансамбль Зимний Сад",
            "فرقة الواحة",
            "Οι Ναυτίλοι",
            "Dust Motes",
            "Hollow Pines",
            "Various Artists",
            "Beatrix Ó Súilleabháin",
            "Kestrel Park",
            "The Quiet Ampersands",
        ],
        start=40_101,
    )
}
LABELS = [
    SbLabel(1101, "Lantern Records"),
    SbLabel(1102, "Orchard Sound"),
    SbLabel(1103, "Harbour Music"),
    SbLabel(1104, "Greyhound Recordings"),
    SbLabel(1105, "Ostrich Tapes"),
    SbLabel(1106, "Polar Night"),
]
LICENSORS = [
    SbLicensor(18, "Sandbox Music Group"),
    SbLicensor(21, "Independent Licensing"),
    SbLicensor(39, "Northern Rights"),
    SbLicensor(317, "Merlin Sandbox"),
]
ALL_FORMATS = (MP3_320, MP3_256, AAC_320, FLAC)

LONG_TITLE = (
    "An Extraordinarily Long Release Title That Keeps Going Well Past The Point Where Any Sensible "
    "Layout Would Have Wrapped It, Including Parenthetical Asides (Deluxe Anniversary Edition) And "
    "A Subtitle: Volume One Of The Collected Recordings Made In Various Kitchens, Garages And "
    "Rehearsal Rooms Between Nineteen Ninety-Seven And Two Thousand And Twelve"
)


@dataclass(frozen=True)
class Spec:
    """A hand-written release; `key` names it in the purchase plans below."""

    key: str
    title: str
    artist: str
    type: str
    discs: tuple[int, ...]  # number of tracks on each disc
    formats: tuple[SbFormat, ...] = (MP3_320,)
    version: str = ""
    barcode: bool = True
    image: bool = True
    label: bool = True
    available: bool = True
    release_date: str | None = None  # default: a generated date in the past
    track_titles: tuple[str, ...] = ()


SPECS = [
    Spec("northern-lights", "Northern Lights", "The Paper Lanterns", "Album", (12,), ALL_FORMATS),
    Spec("long-way", "The Long Way Round", "Mara Quill", "Album", (10, 9, 8), (MP3_320, FLAC)),
    Spec("double", "Double Feature", "Static Orchard", "Album", (8, 8), (MP3_320, MP3_256)),
    Spec("harbour", "Harbour Lights", "Neon Harbour", "Album", (9,), (MP3_320, AAC_320)),
    Spec("withdrawn-album", "Withdrawn Sessions", "Juno Ashgrove", "Album", (7,), available=False),
    Spec(
        "withdrawn-single",
        "Taken Down",
        "Dust Motes",
        "Single",
        (2,),
        (MP3_320, AAC_320),
        version="Radio Edit",
        available=False,
    ),
    Spec(
        "preorder-album",
        "Tomorrow's Record",
        "The Velvet Cartographers",
        "Album",
        (10,),
        (MP3_320, FLAC),
        release_date="2031-03-27T00:00:00Z",
    ),
    Spec(
        "preorder-ep",
        "Not Yet",
        "Kestrel Park",
        "EP",
        (5,),
        release_date="2030-11-06T00:00:00.0000000Z",
    ),
    Spec("no-barcode", "Unnumbered", "Hollow Pines", "EP", (4,), barcode=False),
    Spec("no-image", "Faceless", "Oskar Lindqvist Trio", "Album", (8,), image=False),
    Spec("no-label", "Self Released", "Mara Quill", "Album", (6,), label=False),
    Spec(
        "bare", "Bare Bones", "Dust Motes", "Single", (2,), barcode=False, image=False, label=False
    ),
    Spec(
        "japanese",
        "東京の夜明け",
        "青い鳥楽団",
        "Album",
        (10,),
        track_titles=("夜明け", "雨の駅", "さくら", "月の光", "東京タワー", "帰り道"),
    ),
    Spec(
        "cyrillic",
        "Песни о главном",
        "Ансамбль Зимний Сад",
        "Album",
        (9,),
        track_titles=("Зима", "Белая ночь", "Дорога домой", "Река", "Полёт"),
    ),
    Spec(
        "arabic",
        "أغاني الصحراء",
        "فرقة الواحة",
        "EP",
        (5,),
        track_titles=("رمال", "قمر الليل", "الواحة", "نسيم"),
    ),
    Spec(
        "greek",
        "Τραγούδια της θάλασσας",
        "Οι Ναυτίλοι",
        "Album",
        (8,),
        track_titles=("Θάλασσα", "Λιμάνι", "Αγέρας", "Ναύτης"),
    ),
    Spec(
        "script",
        '<script>alert("x")</script>',
        "The Quiet Ampersands",
        "Single",
        (2,),
        track_titles=('<img src=x onerror=alert("t")>', "</title><h1>Hi</h1>"),
    ),
    Spec(
        "rock-roll",
        "Rock & Roll \"Live\" 'Edit'",
        "Calloway & Finch",
        "EP",
        (4,),
        (MP3_320, MP3_256),
        version='Live & "Loud"',
        track_titles=("Rock & Roll", "Don't Stop", 'The "Hit"', "A < B > C"),
    ),
    Spec("bold", "<b>Bold</b>", "The Quiet Ampersands", "Single", (1,)),
    Spec("long-title", LONG_TITLE, "Beatrix Ó Súilleabháin", "Album", (7,)),
    Spec("legacy", "Old Favourites", "Oskar Lindqvist Trio", "Album", (11,), version="Remastered"),
    Spec("partial", "Bits And Pieces", "Static Orchard", "Album", (11,), (MP3_320, AAC_320)),
    Spec("several-dates", "Slowly Collected", "Juno Ashgrove", "Album", (10,), (MP3_320, FLAC)),
    Spec("basket-a", "Morning Single", "Kestrel Park", "Single", (2,)),
    Spec("basket-b", "Evening Single", "Kestrel Park", "Single", (2,)),
    Spec("compilation", "Sandbox Sampler Vol. 1", "Various Artists", "Album", (12,)),
    # Only in the "other" account's locker.
    Spec("other-1", "Elsewhere", "Hollow Pines", "Album", (10,)),
    Spec("other-2", "The Other Side", "Neon Harbour", "EP", (5,), (MP3_320, AAC_320)),
    Spec("other-3", "Someone Else's Song", "Beatrix Ó Súilleabháin", "Single", (2,)),
    Spec("other-4", "Borrowed Time", "Calloway & Finch", "Album", (11,), (MP3_320, FLAC)),
]
OTHER_ONLY = ("other-1", "other-2", "other-3", "other-4")
FILLER_COUNT = 42

ADJECTIVES = ("Silver", "Quiet", "Paper", "Electric", "Hollow", "Golden", "Midnight", "Northern",
              "Broken", "Velvet", "Distant", "Amber", "Restless", "Winter", "Crimson", "Gentle",
              "Open", "Hidden", "Little", "Endless")  # fmt: skip
NOUNS = ("Rivers", "Engines", "Gardens", "Signals", "Satellites", "Harbours", "Letters", "Mirrors",
         "Orchards", "Lanterns", "Tides", "Bridges", "Windows", "Islands", "Machines", "Meadows",
         "Storms", "Stations", "Radios", "Summers")  # fmt: skip
VERSIONS = ("", "", "", "", "", "Remastered 2011", "Deluxe Edition", "Live")
FILLER_TYPES = ("Album",) * 7 + ("EP", "Single")
FORMAT_SETS = ((MP3_320,), (MP3_320,), (MP3_320, AAC_320), (MP3_320, FLAC), ALL_FORMATS)


def render_date(moment: datetime, style: int) -> str:
    """Render a UTC moment in one of 7digital's variants: Z, .22Z, 7 fraction digits, +01:00."""
    base = f"{moment:%Y-%m-%dT%H:%M:%S}"
    match style % 4:
        case 0:
            return base + "Z"
        case 1:
            return f"{base}.{moment.microsecond // 10_000:02d}Z"
        case 2:
            return f"{base}.{moment.microsecond:06d}0Z"
        case _:
            return moment.astimezone(timezone(timedelta(hours=1))).isoformat(timespec="seconds")


class _Builder:
    """Turns specs into releases and tracks, drawing every varying detail from one seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.releases: dict[int, SbRelease] = {}
        self.tracks: dict[int, tuple[SbTrack, ...]] = {}
        self.by_key: dict[str, int] = {}
        self.next_track_id = 31_500_001

    def add(self, spec: Spec) -> None:
        release_id = 2_950_001 + len(self.releases) * 1_013
        release = SbRelease(
            id=release_id,
            title=spec.title,
            version=spec.version,
            type=spec.type,
            artist=ARTISTS[spec.artist],
            slug=f"{slugify(spec.title, 'release')}-{release_id}",
            licensor=self.rng.choice(LICENSORS),
            release_date=spec.release_date or self._past_release_date(len(self.releases)),
            formats=spec.formats,
            barcode=f"{self.rng.randrange(10**12):013d}" if spec.barcode else None,
            has_image=spec.image,
            label=self.rng.choice(LABELS) if spec.label else None,
            available=spec.available,
        )
        self.releases[release_id] = release
        self.tracks[release_id] = self._tracks(release, spec)
        self.by_key[spec.key] = release_id

    def _past_release_date(self, index: int) -> str:
        moment = datetime(1995, 1, 1, tzinfo=UTC) + timedelta(days=self.rng.randrange(5_000))
        return render_date(moment, index)

    def _tracks(self, release: SbRelease, spec: Spec) -> tuple[SbTrack, ...]:
        tracks: list[SbTrack] = []
        for disc, count in enumerate(spec.discs, start=1):
            for number in range(1, count + 1):
                tracks.append(self._track(release, spec, disc, number, len(tracks) + 1))
        return tuple(tracks)

    def _track(self, release: SbRelease, spec: Spec, disc: int, number: int, n: int) -> SbTrack:
        track_id = self.next_track_id
        self.next_track_id += self.rng.randrange(1, 40)
        titles = spec.track_titles
        title = titles[(n - 1) % len(titles)] if titles else self._phrase()
        artist = release.artist
        if artist.name == "Various Artists":
            artist = self.rng.choice([a for a in ARTISTS.values() if a is not artist])
        return SbTrack(
            id=track_id,
            title=title,
            version=self.rng.choice(VERSIONS) if release.version else "",
            artist=artist,
            track_number=n,
            duration=self.rng.randrange(95, 420),
            isrc=f"GBSBX{release.id % 100:02d}{track_id % 100_000:05d}",
            disc=disc,
            number=number,
        )

    def _phrase(self) -> str:
        return f"{self.rng.choice(ADJECTIVES)} {self.rng.choice(NOUNS)}"

    def filler_spec(self, index: int) -> Spec:
        kind = self.rng.choice(FILLER_TYPES)
        sizes = {"Album": (11, 17), "EP": (4, 6), "Single": (1, 3)}[kind]
        return Spec(
            key=f"filler-{index}",
            title=self._phrase() if kind != "Album" else f"The {self._phrase()}",
            artist=self.rng.choice([a for a in ARTISTS if a != "Various Artists"]),
            type=kind,
            discs=(self.rng.randrange(*sizes),),
            formats=self.rng.choice(FORMAT_SETS),
            version=self.rng.choice(VERSIONS),
        )


@cache
def demo_catalogue() -> Catalogue:
    builder = _Builder(random.Random(SEED))
    for spec in SPECS:
        builder.add(spec)
    for index in range(FILLER_COUNT):
        builder.add(builder.filler_spec(index))
    big_releases, big_tracks = big.big_releases(render_date)
    return Catalogue(
        {**builder.releases, **big_releases}, {**builder.tracks, **big_tracks}, builder.by_key
    )


class _Purchases:
    """Builds one account's locker rows: baskets with ids, dates moving forward, download counts."""

    def __init__(self, account: DemoAccount, catalogue: Catalogue, rng: random.Random) -> None:
        self.account = account
        self.catalogue = catalogue
        self.rng = rng
        self.rows: list[LockerRow] = []
        self.clock = datetime(2009, 3, 2, 10, 15, tzinfo=UTC)
        self.step_days = (3, 60)
        self.baskets = 0

    def album(self, key: str, remaining: list[int] | None = None, legacy: bool = False) -> None:
        """A complete-album purchase: every track, one basket."""
        self.album_of(self.catalogue.by_key[key], remaining, legacy)

    def album_of(
        self, release_id: int, remaining: list[int] | None = None, legacy: bool = False
    ) -> None:
        tracks = self.catalogue.tracks[release_id]
        counts = remaining or [self._count() for _ in tracks]
        purchase_id, date = self._basket(legacy)
        for track, count in zip(tracks, counts * len(tracks), strict=False):
            self._row(release_id, track, purchase_id, date, True, count)

    def singles(self, key: str, numbers: list[int], same_basket: bool = False) -> None:
        """Individual track purchases, each in its own basket unless `same_basket`."""
        self.singles_of(self.catalogue.by_key[key], numbers, same_basket)

    def singles_of(self, release_id: int, numbers: list[int], same_basket: bool = False) -> None:
        tracks = self.catalogue.tracks[release_id]
        purchase_id, date = self._basket()
        for number in numbers:
            if not same_basket:
                purchase_id, date = self._basket()
            self._row(release_id, tracks[number - 1], purchase_id, date, False, self._count())

    def basket(self, keys: list[str]) -> None:
        """Several whole releases bought together in one basket."""
        purchase_id, date = self._basket()
        for key in keys:
            release_id = self.catalogue.by_key[key]
            for track in self.catalogue.tracks[release_id]:
                self._row(release_id, track, purchase_id, date, True, self._count())

    def _count(self) -> int:
        return self.rng.choice((5, 5, 5, 5, 5, 10, 10, 4, 3, 2, 1, 0))

    def _basket(self, legacy: bool = False) -> tuple[int, str]:
        self.clock += timedelta(
            days=self.rng.randrange(*self.step_days), seconds=self.rng.randrange(86_400)
        )
        self.clock = self.clock.replace(microsecond=self.rng.randrange(1, 100) * 10_000)
        self.baskets += 1
        purchase_id = 0 if legacy else 814_900_000 + self.rng.randrange(10_000) * 37
        return purchase_id, render_date(self.clock, self.baskets)

    def _row(
        self,
        release_id: int,
        track: SbTrack,
        purchase_id: int,
        date: str,
        complete: bool,
        count: int,
    ) -> None:
        row = LockerRow(self.account.id, release_id, track.id, purchase_id, date, complete, count)
        self.rows.append(row)


def _demo_purchases(p: _Purchases) -> None:
    p.album("legacy", legacy=True)
    p.singles("several-dates", [1, 2, 3])
    special = {"legacy", "several-dates", "partial", "basket-a", "basket-b", "northern-lights"}
    for key in p.catalogue.by_key:
        if key in special or key in OTHER_ONLY:
            continue
        p.album(key)
    p.album("northern-lights", remaining=[10, 5, 2, 1, 0])
    p.singles("partial", [2, 5, 9])
    p.basket(["basket-a", "basket-b"])
    p.singles("several-dates", [4, 5, 6, 7, 8, 9, 10], same_basket=True)


def _small_purchases(p: _Purchases) -> None:
    p.album("harbour", remaining=[2, 1, 0, 5, 5, 5, 5, 10, 10])
    p.album("withdrawn-single")
    p.album("preorder-ep", remaining=[10])
    p.album("basket-a", remaining=[5])


def _other_purchases(p: _Purchases) -> None:
    for key in OTHER_ONLY:
        p.album(key)
    p.singles("northern-lights", [3, 7])
    p.album("double")
    p.album("japanese")
    p.album("script")


@cache
def demo_locker_rows() -> tuple[LockerRow, ...]:
    catalogue = demo_catalogue()
    rng = random.Random(SEED + 1)
    rows: list[LockerRow] = []
    plans = ((DEMO, _demo_purchases), (SMALL, _small_purchases), (OTHER, _other_purchases))
    for account, plan in plans:
        purchases = _Purchases(account, catalogue, rng)
        plan(purchases)
        rows.extend(purchases.rows)
    purchases = _Purchases(BIG, catalogue, random.Random(big.BIG_SEED + 1))
    big.big_purchases(purchases, sorted(r for r in catalogue.releases if r >= big.FIRST_RELEASE_ID))
    rows.extend(purchases.rows)
    return tuple(rows)
