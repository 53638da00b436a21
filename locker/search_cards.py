"""A search's release cards, made from the cards the locker page shows without a search.

Every release's card is rendered once per content and stored (locker/release_cards.py); a search
shows the same card with its matched words highlighted and, for a release found through some of
its tracks, those tracks first and the others one click away. Rendering that anew for every search
cost ~4 ms a card; made from the stored card it costs a few string operations. The card template
puts every text a search can highlight right after `dir="auto">`, escaped, and each track row is
one `<li class="track …" id="track-<release>-<track>">` (locker/_release.html, _track.html); the
tests compare what this builds with the template's own highlighting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from html import escape, unescape

from django.urls import reverse
from django.utils import translation

from locker import wording
from locker.library.search import Terms, fold
from locker.templatetags.search_tags import highlight

_TEXT = re.compile(rb'(dir="auto">)([^<]*)')
_TRACKS = re.compile(rb'<h3 class="disc">|<ol class="tracks"')
_ROW_START = b'<li class="track'  # a row holds no other <li>
_ROW_ID = re.compile(rb'<li class="track[^"]*" id="track-\d+-(\d+)"')
_FOLDED = b'class="folded-tracks"'


def search_cards(
    cards: Sequence[bytes], terms: Terms, matched: Sequence[frozenset[int] | None]
) -> list[bytes]:
    """Each card as the search shows it; `matched`: per card, the ids of the tracks that matched,
    None when the release matched as a whole."""
    return [search_card(card, terms, tracks) for card, tracks in zip(cards, matched, strict=True)]


def search_card(card: bytes, terms: Terms, matched: frozenset[int] | None) -> bytes:
    marked = highlighted(card, terms)
    if matched and _FOLDED not in marked:  # a withdrawn release keeps its tracks folded away
        return _matched_first(marked, matched)
    return marked


def highlighted(card: bytes, terms: Terms) -> bytes:
    """The card with the searched words marked in every highlightable text."""
    if not terms.flat:
        return card
    return _texts_to_mark(terms.flat).sub(lambda text: _mark(text, terms), card)


@lru_cache(maxsize=256)
def _texts_to_mark(wanted: tuple[str, ...]) -> re.Pattern[bytes]:
    """The highlightable texts that may hold a word: every text for words beyond ASCII, else those
    where a word occurs in ASCII case (words are word characters, which escaping leaves alone) or
    that go beyond ASCII (folding turns "Zoë" into "zoe"). Found by the regex engine, the texts
    that can't change (most of them) cost no Python call."""
    if not all(token.isascii() for token in wanted):
        return _TEXT
    words = b"|".join(re.escape(token.encode()) for token in wanted)
    return re.compile(rb'(dir="auto">)([^<]*?(?:(?i:' + words + rb")|[\x80-\xff])[^<]*)")


def _mark(match: re.Match, terms: Terms) -> bytes:
    text = match[2].decode()
    text = unescape(text) if "&" in text else text
    folded = text.lower() if text.isascii() else fold(text)  # ASCII folds to lower case
    if not any(token in folded for token in terms.flat):  # most texts: nothing to mark
        return match[0]
    return match[1] + highlight(text, terms).encode()


def _matched_first(card: bytes, matched: frozenset[int]) -> bytes:
    start = _TRACKS.search(card)
    if start is None:
        return card
    end = card.rindex(b"</article>")
    first: list[bytes] = []
    rest: list[bytes] = []
    at = card.find(_ROW_START, start.start(), end)
    while at != -1:
        close = card.index(b"</li>", at) + len(b"</li>")
        row = _ROW_ID.match(card, at)
        assert row is not None, "every track row names its track"
        (first if int(row[1]) in matched else rest).append(card[at:close])
        at = card.find(_ROW_START, close, end)
    if not first:
        return card
    return card[: start.start()] + _split_tracks(first, rest) + card[end:]


def _split_tracks(first: list[bytes], rest: list[bytes]) -> bytes:
    head, middle, tail = _split_markup(translation.get_language(), len(first), len(rest))
    return b"".join([head, *first, middle, *rest, tail])


@lru_cache(maxsize=1024)
def _split_markup(language: str | None, matching: int, others: int) -> tuple[bytes, bytes, bytes]:
    """What goes before, between and after the matching and the other rows (the language is
    part of the cache's key: the wording is the active language's)."""
    # f-strings, not format_html: the rows are our own rendered markup, the rest is escaped here.
    url = escape(_track_url())
    head = (
        f'<p class="match-note">{escape(wording.matching_tracks(matching))}</p>\n'
        f'<ol class="tracks matched" data-track-url="{url}">'
    )
    if not others:
        return head.encode(), b"</ol>\n", b""
    middle = (
        f'</ol>\n<details class="more-tracks">\n<summary>{escape(wording.more_tracks(others))}</summary>\n'
        f'<ol class="tracks" data-track-url="{url}">'
    )
    return head.encode(), middle.encode(), b"</ol>\n</details>\n"


@lru_cache(maxsize=1)
def _track_url() -> str:
    return reverse("locker:track", args=[0, 0])
