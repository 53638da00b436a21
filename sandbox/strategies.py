"""Hypothesis strategies for arbitrary-but-valid locker entries (the only module using hypothesis).

`locker_entries()` draws lists of `SbLockerEntry` with unique release and track ids, covering
withdrawn releases, pre-orders, missing barcode/image/label, several discs and formats, odd
unicode and HTML-special text, and dates with 0 or 2 to 7 fraction digits and Z or an offset.
"""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

from .catalogue import (
    FORMATS,
    SbArtist,
    SbLabel,
    SbLicensor,
    SbLockerEntry,
    SbLockerTrack,
    SbRelease,
    SbTrack,
)

SPECIAL_TEXT = (
    '<script>alert("x")</script>',
    "Rock & Roll \"Live\" 'Edit'",
    "<b>Bold</b>",
    "]]> & &amp; &#x41;",
    "東京の夜明け",
    "Песни о главном",
    "أغاني الصحراء",
    "Τραγούδια της θάλασσας",
    "Beyoncé Ó Súilleabháin",
    "emoji 🎵🎸",
    "",
    " leading and trailing ",
)
# Text 7digital could really send: any XML 1.0 character, so no controls or lone surrogates.
XML_CHARACTERS = st.characters(blacklist_categories=("Cs", "Cc"))
ids = st.integers(min_value=1, max_value=2**31 - 1)


def text(max_size: int = 40) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(SPECIAL_TEXT), st.text(XML_CHARACTERS, max_size=max_size))


@st.composite
def dates(draw: st.DrawFn, min_year: int = 1990, max_year: int = 2029) -> str:
    """7digital's ISO-8601 variants: `...Z`, `.22Z`, `.0000000Z`, `+01:00`, `-05:30.123`..."""
    day = draw(st.dates(date(min_year, 1, 1), date(max_year, 12, 31)))
    hour, minute, second = (
        draw(st.integers(0, 23)),
        draw(st.integers(0, 59)),
        draw(st.integers(0, 59)),
    )
    digits = draw(st.sampled_from((0, 2, 3, 4, 5, 6, 7)))
    fraction = f".{draw(st.integers(0, 10**digits - 1)):0{digits}d}" if digits else ""
    offset = draw(st.sampled_from(("Z", "+01:00", "+00:00", "-05:00", "+05:30", "+09:00")))
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:{second:02d}{fraction}{offset}"


def slugs() -> st.SearchStrategy[str]:
    return st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=40)


def digits(size: int) -> st.SearchStrategy[str]:
    return st.integers(0, 10**size - 1).map(lambda n: f"{n:0{size}d}")


def isrcs() -> st.SearchStrategy[str]:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return st.tuples(st.text(letters, min_size=5, max_size=5), digits(7)).map("".join)


def artists() -> st.SearchStrategy[SbArtist]:
    return st.builds(SbArtist, id=ids, name=text(), slug=slugs())


@st.composite
def releases(draw: st.DrawFn, release_id: int) -> SbRelease:
    preorder = draw(st.booleans())
    release_date = draw(dates(2031, 2040) if preorder else dates())
    return SbRelease(
        id=release_id,
        title=draw(text(120)),
        version=draw(text(30)),
        type=draw(st.sampled_from(("Album", "EP", "Single"))),
        artist=draw(artists()),
        slug=draw(slugs()),
        licensor=draw(st.builds(SbLicensor, id=ids, name=text(30))),
        release_date=release_date,
        formats=tuple(
            draw(
                st.lists(
                    st.sampled_from(list(FORMATS.values())), min_size=1, max_size=4, unique=True
                )
            )
        ),
        barcode=draw(st.none() | digits(12) | digits(13)),
        has_image=draw(st.booleans()),
        label=draw(st.none() | st.builds(SbLabel, id=ids, name=text(30))),
        available=draw(st.booleans()),
    )


@st.composite
def locker_tracks(draw: st.DrawFn, track_id: int, position: int) -> SbLockerTrack:
    disc = draw(st.integers(1, 3))
    track = SbTrack(
        id=track_id,
        title=draw(text()),
        version=draw(text(20)),
        artist=draw(artists()),
        track_number=position,
        duration=draw(st.integers(1, 3600)),
        isrc=draw(isrcs()),
        disc=disc,
        number=draw(st.integers(1, 40)),
    )
    return SbLockerTrack(
        track=track,
        remaining_downloads=draw(st.sampled_from((0, 1, 2, 5, 10)) | st.integers(0, 500)),
        purchase_id=draw(st.just(0) | ids),
        purchase_date=draw(dates(max_year=2026)),
        complete_album_purchase=draw(st.booleans()),
    )


@st.composite
def locker_entries(draw: st.DrawFn, min_size: int = 0, max_size: int = 5) -> list[SbLockerEntry]:
    release_ids = draw(st.lists(ids, min_size=min_size, max_size=max_size, unique=True))
    track_ids = iter(
        draw(
            st.lists(ids, min_size=len(release_ids) * 8, max_size=len(release_ids) * 8, unique=True)
        )
    )
    entries = []
    for release_id in release_ids:
        count = draw(st.integers(1, 8))
        tracks = [draw(locker_tracks(next(track_ids), n)) for n in range(1, count + 1)]
        tracks.sort(key=lambda t: (t.track.disc, t.track.number))
        entries.append(SbLockerEntry(draw(releases(release_id)), tuple(tracks)))
    return entries
