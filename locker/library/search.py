"""Full-text search over the locker index, in the database's own engine.

One search row per release (its title, version, artist, label) and one per track (the track's
title, version and artist beside its release's words), in `library_search`: an FTS5 table on
SQLite (`unicode61 remove_diacritics 2`), a table with a tsvector and a trigram index on
PostgreSQL (see migration 0003). `reindex(user_id)` rebuilds a customer's rows inside the sync's
transaction, so search sees exactly what the pages see.

Both engines get the same words: casefolded, accents dropped, each CJK character a word of its
own (Japanese and Chinese titles have no spaces), so "zoe" finds "Zoë" and "夜明け" finds
"東京の夜明け". Every word of a search must match (in any field), the last token of each as a
prefix. Only word characters of the search text ever reach the engine, quoted: no input can be
read as query syntax. On PostgreSQL a search that finds nothing is tried again with trigram
similarity, which forgives typos.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from locker.library.models import IndexedRelease, IndexedTrack

MAX_WORDS = 12
ANALYZE_AFTER_ROWS = 1_000  # search rows written by one sync that make statistics worth refreshing
FUZZY_MIN_LENGTH = 4  # shorter words are too ambiguous to forgive typos in
_CJK = re.compile("([\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f])")
_TOKEN = re.compile(r"[^\W_]+")
TABLE = "library_search"


def fold(text: str) -> str:
    """Casefolded, compatibility-normalised, without combining marks (accents)."""
    text = text or ""
    if text.isascii():
        return text.lower()  # the same, without the per-character work
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def tokens(text: str) -> list[str]:
    """The words the engines index and search: folded, CJK characters apart."""
    return _TOKEN.findall(_CJK.sub(r" \1 ", fold(text)))


@dataclass(frozen=True, slots=True)
class Terms:
    """A parsed search: each word is a phrase of one or more tokens ("o'hara" -> ("o", "hara"))."""

    words: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, q: str) -> Terms:
        words = []
        for raw in (q or "").split():
            phrase = tuple(tokens(raw))
            if phrase and phrase not in words:
                words.append(phrase)
        return cls(tuple(words[:MAX_WORDS]))

    def __bool__(self) -> bool:
        return bool(self.words)

    @property
    def flat(self) -> tuple[str, ...]:
        """Every token (for highlighting)."""
        return tuple(t for word in self.words for t in word)

    def fts5(self, user_id: int) -> str:
        # Tokens are word characters only, so quoting them cannot be escaped from.
        words = " AND ".join(f'"{" ".join(word)}"*' for word in self.words)
        return f'owner : "u{int(user_id)}" AND {{release_text track_text}} : ({words})'

    def tsquery(self) -> str:
        words = (" <-> ".join(f"'{t}'" for t in word) + ":*" for word in self.words)
        return " & ".join(f"({w})" for w in words)


@dataclass(frozen=True, slots=True)
class Matches:
    """Which releases (7digital ids) a search found: `whole` matched on their own words, `tracks`
    through some of their tracks only (release id -> the matching track ids)."""

    whole: frozenset[int]
    tracks: dict[int, frozenset[int]]
    fuzzy: bool = False

    @property
    def release_ids(self) -> set[int]:
        return set(self.whole) | set(self.tracks)

    def matched_tracks(self, release_id: int) -> frozenset[int] | None:
        """The track ids to show first, None when the whole release matched (or wasn't searched)."""
        if release_id in self.whole:
            return None
        return self.tracks.get(release_id)


def find(user_id: int, terms: Terms) -> Matches:
    """The customer's releases (and tracks) matching every word of `terms`."""
    if not terms:
        return Matches(frozenset(), {})
    rows = _rows(user_id, terms, fuzzy=False)
    fuzzy = False
    if not rows and connection.vendor == "postgresql":
        rows, fuzzy = _rows(user_id, terms, fuzzy=True), True
    whole: set[int] = set()
    tracks: dict[int, set[int]] = {}
    for release_id, track_id in rows:
        if track_id is None:
            whole.add(release_id)
        else:
            tracks.setdefault(release_id, set()).add(track_id)
    for release_id in whole:
        tracks.pop(release_id, None)
    return Matches(frozenset(whole), {k: frozenset(v) for k, v in tracks.items()}, fuzzy)


def apply(releases, terms: Terms, user_id: int):
    """`releases` (a queryset of IndexedRelease) narrowed to the search, and the Matches."""
    matches = find(user_id, terms)
    return releases.filter(release_id__in=sorted(matches.release_ids)), matches


def _rows(user_id: int, terms: Terms, *, fuzzy: bool) -> list[tuple[int, int | None]]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT release_id, track_id FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
                [terms.fts5(user_id)],
            )
        elif not fuzzy:
            cursor.execute(
                f"SELECT release_id, track_id FROM {TABLE} WHERE user_id = %s AND document @@ %s::tsquery",  # noqa: S608
                [user_id, terms.tsquery()],
            )
        else:
            # Each word: a prefix match, or (long enough) a trigram-similar word of the row.
            conditions: list[str] = []
            params: list[int | str] = [user_id]
            for word in terms.words:
                phrase = " ".join(word)
                condition = "document @@ %s::tsquery"
                params.append(" <-> ".join(f"'{t}'" for t in word) + ":*")
                if len(phrase) >= FUZZY_MIN_LENGTH:
                    condition = f"({condition} OR %s <%% words)"
                    params.append(phrase)
                conditions.append(condition)
            cursor.execute(
                f"SELECT release_id, track_id FROM {TABLE} WHERE user_id = %s AND "  # noqa: S608
                + " AND ".join(conditions),
                params,
            )
        return cursor.fetchall()


# ---- keeping the search rows in step with the index ---------------------------------------


def _release_words(row: Mapping[str, Any]) -> list[str]:
    fields = (row["title"], row["version"], row["artist_name"], row["artist_appears_as"], row["label_name"])
    return _unique_tokens(fields)


def _track_words(row: Mapping[str, Any]) -> list[str]:
    return _unique_tokens((row["title"], row["version"], row["artist_name"], row["artist_appears_as"]))


def _unique_tokens(fields: Iterable[str]) -> list[str]:
    seen: list[str] = []
    texts = []
    for text in fields:
        if text and text not in seen:
            seen.append(text)
            texts.append(" ".join(tokens(text)))
    return texts


def reindex(user_id: int) -> None:
    """Rebuild the customer's search rows from their index (call inside the sync's transaction)."""
    releases = {
        row["id"]: (row["release_id"], " ".join(_release_words(row)))
        for row in IndexedRelease.objects.filter(user_id=user_id).values(
            "id", "release_id", "title", "version", "artist_name", "artist_appears_as", "label_name"
        )
    }
    docs: list[tuple[int, int | None, str, str]] = [(rid, None, text, "") for rid, text in releases.values()]
    for row in IndexedTrack.objects.filter(user_id=user_id).values(
        "release_id", "track_id", "title", "version", "artist_name", "artist_appears_as"
    ):
        release_id, release_text = releases[row["release_id"]]  # the FK column holds the row's pk
        docs.append((release_id, row["track_id"], release_text, " ".join(_track_words(row))))
    if len(docs) >= ANALYZE_AFTER_ROWS:
        transaction.on_commit(_analyze)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            owner = f"u{int(user_id)}"
            cursor.execute(
                f"DELETE FROM {TABLE} WHERE rowid IN (SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH %s)",  # noqa: S608
                [f'owner : "{owner}"'],
            )
            cursor.executemany(
                f"INSERT INTO {TABLE} (owner, release_text, track_text, release_id, track_id)"  # noqa: S608
                " VALUES (%s, %s, %s, %s, %s)",
                [(owner, rtext, ttext, rid, track_id) for rid, track_id, rtext, ttext in docs],
            )
        else:
            cursor.execute(f"DELETE FROM {TABLE} WHERE user_id = %s", [user_id])  # noqa: S608
            cursor.executemany(
                f"INSERT INTO {TABLE} (user_id, release_id, track_id, words, document)"  # noqa: S608
                " VALUES (%s, %s, %s, %s, %s::tsvector)",
                [
                    (user_id, rid, track_id, f"{rtext} {ttext}".strip(), _tsvector(f"{rtext} {ttext}"))
                    for rid, track_id, rtext, ttext in docs
                ],
            )


def _analyze() -> None:
    """Fresh planner statistics after a big sync: without them a new index of thousands of rows
    is planned as if empty, and combined filters take seconds (PostgreSQL) or hundreds of
    milliseconds (SQLite) instead of tens. After the commit, so its lock is brief."""
    tables = [IndexedRelease._meta.db_table, IndexedTrack._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {', '.join([*tables, TABLE])}")
        else:
            for table in tables:  # FTS5 keeps its own statistics
                cursor.execute(f"ANALYZE {table}")


def _tsvector(text: str) -> str:
    """A tsvector literal of our own tokens with their positions (no parser of PostgreSQL's)."""
    positions: dict[str, list[int]] = {}
    for n, token in enumerate(text.split()[:16_000], start=1):
        positions.setdefault(token, []).append(n)
    return " ".join(f"'{t}':{','.join(map(str, p[:256]))}" for t, p in positions.items())


def forget(user_id: int) -> None:
    """Delete the customer's search rows (the index itself is gone: unlink)."""
    reindex(user_id)


def find_customers(text: str) -> set[int]:
    """Ids of the customers whose index holds a release or track matching every word of `text`
    (title, version, artist, label), or a track with that ISRC: support's "who bought this?"."""
    from locker.library.models import IndexedTrack as Track

    found = set(Track.objects.filter(isrc__iexact=text.strip()).values_list("user_id", flat=True).distinct())
    terms = Terms.parse(text)
    if not terms:
        return found
    words = " AND ".join(f'"{" ".join(word)}"*' for word in terms.words)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"SELECT DISTINCT owner FROM {TABLE} WHERE {TABLE} MATCH %s",  # noqa: S608
                [f"{{release_text track_text}} : ({words})"],
            )
            found |= {int(owner[1:]) for (owner,) in cursor.fetchall()}
        else:
            cursor.execute(
                f"SELECT DISTINCT user_id FROM {TABLE} WHERE document @@ %s::tsquery",  # noqa: S608
                [terms.tsquery()],
            )
            found |= {user_id for (user_id,) in cursor.fetchall()}
    return found
