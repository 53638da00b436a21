"""The big demo account: 2,000 releases and over 20,000 tracks, generated from a fixed seed.

It is what `make bench` syncs and searches, and what a developer signs in with to see a locker of
a serious collector. Its releases get their own id ranges so the hand-written demo catalogue and
its lockers stay exactly as they were.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from .catalogue import AAC_320, FLAC, MP3_256, MP3_320, SbArtist, SbLabel, SbRelease, SbTrack

BIG_SEED = 7_2014_2
BIG_RELEASES = 2_000
FIRST_RELEASE_ID = 6_000_001
FIRST_TRACK_ID = 70_000_001

FIRST_NAMES = ("Ada", "Zoë", "Björn", "Chloé", "Dmitri", "Elena", "Farah", "Gustav", "Hana", "Iñigo",
               "Jonas", "Keiko", "Léa", "Mateo", "Nadia", "Oisín", "Priya", "Rafael", "Søren", "Tomás",
               "Uma", "Viktor", "Wren", "Yusuf")  # fmt: skip
LAST_NAMES = ("Ashdown", "Bellweather", "Castellano", "Dubois", "Eriksson", "Fairlie", "Gallagher",
              "Hawthorne", "Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "O'Hara",
              "Petrov", "Quinlan", "Rossi", "Sato", "Thorne")  # fmt: skip
BAND_WORDS = ("Skillet", "Harbour", "Lantern", "Meridian", "Copper", "Falcon", "Orchid", "Tundra",
              "Cobalt", "Juniper", "Pylon", "Saffron", "Glacier", "Monsoon", "Kestrel", "Marrow")  # fmt: skip
BAND_ENDINGS = (
    "Collective",
    "Ensemble",
    "Brothers",
    "Club",
    "Society",
    "Orchestra",
    "Machine",
    "Choir",
)
SCRIPT_ARTISTS = ("夜の図書館", "星屑ラジオ", "Оркестр Полночь", "Северный Ветер", "نجوم الصحراء",
                  "صوت البحر", "Τα Κύματα", "김민지 밴드")  # fmt: skip
WORDS = ("Silver", "Quiet", "Paper", "Electric", "Hollow", "Golden", "Midnight", "Northern", "Broken",
         "Velvet", "Distant", "Amber", "Restless", "Winter", "Crimson", "Gentle", "Open", "Hidden",
         "Little", "Endless", "Rivers", "Engines", "Gardens", "Signals", "Satellites", "Harbours",
         "Letters", "Mirrors", "Orchards", "Lanterns", "Tides", "Bridges", "Windows", "Islands",
         "Machines", "Meadows", "Storms", "Stations", "Radios", "Summers", "Hero", "Café", "Naïve",
         "Fjord", "Coeur", "Soleil", "Mañana", "Straße", "Zephyr", "Quartz", "Ember", "Cascade",
         "Horizon", "Lullaby", "Voyage", "Canyon", "Echo", "Nocturne", "Aurora", "Monolith")  # fmt: skip
SCRIPT_WORDS = (
    "夜明け",
    "さくら",
    "東京",
    "Зима",
    "Река",
    "Полёт",
    "رمال",
    "قمر",
    "Θάλασσα",
    "바다",
)
VERSIONS = (
    "",
    "",
    "",
    "",
    "",
    "",
    "Remastered",
    "Deluxe Edition",
    "Live",
    "Radio Edit",
    "Acoustic",
)
LABELS = tuple(SbLabel(2_000 + n, f"{w} {kind}") for n, (w, kind) in enumerate(
    (w, kind) for w in BAND_WORDS[:10] for kind in ("Records", "Recordings", "Music")))  # fmt: skip
FORMAT_SETS = ((MP3_320,), (MP3_320,), (MP3_320, AAC_320), (MP3_320, FLAC), (MP3_320, MP3_256),
               (MP3_320, MP3_256, AAC_320, FLAC))  # fmt: skip
TYPES = ("Album",) * 12 + ("EP",) * 5 + ("Single",) * 3
TRACKS_PER_TYPE = {"Album": (13, 20), "EP": (4, 7), "Single": (1, 4)}


def _artists(rng: random.Random) -> list[SbArtist]:
    from .demo import slugify

    names: list[str] = ["Zoë Ashdown", "Skillet Meridian", *SCRIPT_ARTISTS]
    while len(names) < 240:
        if rng.random() < 0.6:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        else:
            article = rng.choice(("The ", "The ", "", "A "))
            name = f"{article}{rng.choice(BAND_WORDS)} {rng.choice(BAND_ENDINGS)}"
        if name not in names:
            names.append(name)
    return [
        SbArtist(90_001 + n, name, slugify(name, f"artist-{90_001 + n}"))
        for n, name in enumerate(names)
    ]


def _phrase(rng: random.Random, words: int) -> str:
    pool = SCRIPT_WORDS if rng.random() < 0.04 else WORDS
    return " ".join(rng.choice(pool) for _ in range(words))


def big_releases(render_date) -> tuple[dict[int, SbRelease], dict[int, tuple[SbTrack, ...]]]:
    """The big account's releases and their tracks (disc/number order), the same on every run."""
    from .demo import LICENSORS, slugify

    rng = random.Random(BIG_SEED)
    artists = _artists(rng)
    releases: dict[int, SbRelease] = {}
    tracks: dict[int, tuple[SbTrack, ...]] = {}
    track_id = FIRST_TRACK_ID
    for index in range(BIG_RELEASES):
        release_id = FIRST_RELEASE_ID + index * 17
        kind = rng.choice(TYPES)
        title = _phrase(rng, rng.choice((1, 2, 2, 3)))
        if kind == "Album" and rng.random() < 0.2:
            title = f"The {title}"
        artist = artists[index] if index < len(artists) else rng.choice(artists)
        moment = datetime(1990, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(12_000))
        if rng.random() < 0.01:
            moment = datetime(2030, 1, 1, tzinfo=UTC) + timedelta(days=rng.randrange(900))
        release = SbRelease(
            id=release_id,
            title=title,
            version=rng.choice(VERSIONS),
            type=kind,
            artist=artist,
            slug=f"{slugify(title, 'release')}-{release_id}",
            licensor=rng.choice(LICENSORS),
            release_date=render_date(moment, index),
            formats=rng.choice(FORMAT_SETS),
            barcode=f"{rng.randrange(10**12):013d}" if rng.random() < 0.95 else None,
            has_image=rng.random() < 0.97,
            label=rng.choice(LABELS) if rng.random() < 0.93 else None,
            available=rng.random() >= 0.02,
        )
        discs = 2 if kind == "Album" and rng.random() < 0.08 else 1
        count = rng.randrange(*TRACKS_PER_TYPE[kind])
        items = []
        for n in range(1, count * discs + 1):
            disc, number = divmod(n - 1, count)
            items.append(
                SbTrack(
                    id=track_id,
                    title=_phrase(rng, rng.choice((1, 2, 2, 3))),
                    version=rng.choice(VERSIONS) if rng.random() < 0.3 else "",
                    artist=artist if rng.random() < 0.9 else rng.choice(artists),
                    track_number=n,
                    duration=rng.randrange(60, 600),
                    isrc=f"GBBIG{index % 100:02d}{track_id % 100_000:05d}",
                    disc=disc + 1,
                    number=number + 1,
                )
            )
            track_id += rng.randrange(1, 5)
        releases[release_id] = release
        tracks[release_id] = tuple(items)
    return releases, tracks


def big_purchases(purchases, release_ids: list[int]) -> None:
    """Every big release bought once, 2006 onwards: mostly whole albums, some single tracks."""
    purchases.clock = datetime(2006, 1, 7, 9, 30, tzinfo=UTC)
    purchases.step_days = (1, 4)
    rng = purchases.rng
    for release_id in release_ids:
        tracks = purchases.catalogue.tracks[release_id]
        if len(tracks) > 3 and rng.random() < 0.15:
            numbers = sorted(rng.sample(range(1, len(tracks) + 1), rng.randrange(1, 4)))
            purchases.singles_of(release_id, numbers)
        else:
            purchases.album_of(release_id)
