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

from locker import wording
from locker.library.search import Terms, fold
from locker.templatetags.search_tags import highlight

_TEXT = re.compile(r'(dir="auto">)([^<]*)')
_TRACKS = re.compile(r'<h3 class="disc">|<ol class="tracks"')
_ROW_START = '<li class="track'
_ROW_ID = re.compile(r'<li class="track[^"]*" id="track-\d+-(\d+)"')
_FOLDED = 'class="folded-tracks"'


def search_cards(
    cards: Sequence[bytes], terms: Terms, matched: Sequence[frozenset[int] | None]
) -> list[bytes]:
    """Each card as the search shows it; `matched`: per card, the ids of the tracks that matched,
    None when the release matched as a whole."""
    return [search_card(card, terms, tracks) for card, tracks in zip(cards, matched, strict=True)]


def search_card(card: bytes, terms: Terms, matched: frozenset[int] | None) -> bytes:
    html = highlighted(card.decode(), terms)
    if matched and _FOLDED not in html:  # a withdrawn release keeps its tracks folded away
        html = _matched_first(html, matched)
    return html.encode()


def highlighted(html: str, terms: Terms) -> str:
    """The card with the searched words marked in every highlightable text."""
    wanted = terms.flat
    if not wanted:
        return html

    def mark(match: re.Match) -> str:
        text = unescape(match[2]) if "&" in match[2] else match[2]
        folded = text.lower() if text.isascii() else fold(text)  # ASCII folds to lower case
        if not any(token in folded for token in wanted):  # most texts: nothing to mark
            return match[0]
        return match[1] + highlight(text, terms)

    return _TEXT.sub(mark, html)


def _matched_first(html: str, matched: frozenset[int]) -> str:
    start = _TRACKS.search(html)
    if start is None:
        return html
    end = html.rindex("</article>")
    first: list[str] = []
    rest: list[str] = []
    at = html.find(_ROW_START, start.start(), end)
    while at != -1:
        close = html.index("</li>", at) + len("</li>")
        if html.startswith("\n", close):
            close += 1
        row = _ROW_ID.match(html, at)
        assert row is not None, "every track row names its track"
        (first if int(row[1]) in matched else rest).append(html[at:close])
        at = html.find(_ROW_START, close, end)
    if not first:
        return html
    return html[: start.start()] + _split_tracks(first, rest) + html[end:]


def _split_tracks(first: list[str], rest: list[str]) -> str:
    # f-strings, not format_html: the rows are our own rendered markup, the rest is escaped here.
    url = escape(_track_url())
    html = (
        f'<p class="match-note">{escape(wording.matching_tracks(len(first)))}</p>\n'
        f'<ol class="tracks matched" data-track-url="{url}">{"".join(first)}</ol>\n'
    )
    if rest:
        html += (
            f'<details class="more-tracks">\n<summary>{escape(wording.more_tracks(len(rest)))}</summary>\n'
            f'<ol class="tracks" data-track-url="{url}">{"".join(rest)}</ol>\n</details>\n'
        )
    return html


@lru_cache(maxsize=1)
def _track_url() -> str:
    return reverse("locker:track", args=[0, 0])
