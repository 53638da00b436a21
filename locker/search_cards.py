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

from django.utils import translation

from locker import site_urls, wording
from locker.library.search import Terms, fold
from locker.templatetags.search_tags import highlight

_TEXT = re.compile(rb'(dir="auto">)([^<]*)')
_TRACKS = re.compile(rb'<h3 class="disc">|<ol class="tracks"')
_ROW_START = b'<li class="track'  # a row holds no other <li>
_ROW_ID = re.compile(rb'<li class="track[^"]*" id="track-(\d+)-(\d+)"')
_LIST_START = b'<ol class="tracks"'
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
    marked = _marked(match[2], terms)
    return match[0] if marked is None else match[1] + marked


@lru_cache(maxsize=8192)  # the same titles come back page after page
def _marked(escaped: bytes, terms: Terms) -> bytes | None:
    """The text with the searched words marked, None when it has none of them."""
    text = escaped.decode()
    text = unescape(text) if "&" in text else text
    folded = text.lower() if text.isascii() else fold(text)  # ASCII folds to lower case
    if not any(token in folded for token in terms.flat):
        return None
    return highlight(text, terms).encode()


def _matched_first(card: bytes, matched: frozenset[int]) -> bytes:
    start = _TRACKS.search(card)
    if start is None:
        return card
    end = card.rindex(b"</article>")
    if start[0] == _LIST_START and card.count(_LIST_START, start.end()) == 0:
        first, rest, others = _split_list(card, start.start(), matched)
    else:  # discs: every row on its own
        first, rest = _split_rows(card, start.start(), end, matched)
        others = len(rest)
    if not first:
        return card
    head, middle, tail = _split_markup(translation.get_language(), len(first), others)
    return b"".join([card[: start.start()], head, *first, middle, *rest, tail, card[end:]])


def _split_rows(
    card: bytes, start: int, end: int, matched: frozenset[int]
) -> tuple[list[bytes], list[bytes]]:
    """The matched rows and the others, each row apart."""
    first: list[bytes] = []
    rest: list[bytes] = []
    at = card.find(_ROW_START, start, end)
    while at != -1:
        close = card.index(b"</li>", at) + len(b"</li>")
        row = _ROW_ID.match(card, at)
        assert row is not None, "every track row names its track"
        (first if int(row[2]) in matched else rest).append(card[at:close])
        at = card.find(_ROW_START, close, end)
    return first, rest


def _split_list(card: bytes, start: int, matched: frozenset[int]) -> tuple[list[bytes], list[bytes], int]:
    """Like _split_rows for one list of rows (no discs), in a few slices whatever its length:
    the matched rows, the runs of rows between them, and how many rows those runs hold."""
    body = card.index(b">", start) + 1
    close = card.index(b"</ol>", body)
    row = _ROW_ID.match(card, body)
    assert row is not None, "every track row names its track"
    spans = []
    for track in matched:
        found = card.find(b'" id="track-%s-%d"' % (row[1], track), body, close)
        if found != -1:
            spans.append((card.rfind(_ROW_START, body, found), card.index(b"</li>", found) + len(b"</li>")))
    first, rest, done = [], [], body
    for at, end in sorted(spans):
        first.append(card[at:end])
        rest.append(card[done:at])
        done = end
    rest.append(card[done:close])
    runs = [run.strip() for run in rest]  # rows never start or end with white space
    return first, [run for run in runs if run], card.count(_ROW_START, body, close) - len(first)


@lru_cache(maxsize=1024)
def _split_markup(language: str | None, matching: int, others: int) -> tuple[bytes, bytes, bytes]:
    """What goes before, between and after the matching and the other rows (the language is
    part of the cache's key: the wording is the active language's)."""
    # f-strings, not format_html: the rows are our own rendered markup, the rest is escaped here.
    url = escape(site_urls.track_url())
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
