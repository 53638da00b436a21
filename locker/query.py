"""The locker page's URL state (page, page size, sort, search and filters), parsed leniently:
bad values fall back to their defaults, so no address can make the page fail."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy

from locker.sevendigital.types import DEFAULT_SORT, SORT_COLUMNS, SORT_ORDERS

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 10
MAX_SEARCH_LENGTH = 200
SORT_LABELS = {
    "purchaseDate desc": gettext_lazy("Newest purchase first"),
    "purchaseDate asc": gettext_lazy("Oldest purchase first"),
    "artistName asc": gettext_lazy("Artist A–Z"),
    "artistName desc": gettext_lazy("Artist Z–A"),
    "releaseTitle asc": gettext_lazy("Title A–Z"),
    "releaseTitle desc": gettext_lazy("Title Z–A"),
}
assert set(SORT_LABELS) == {f"{c} {o}" for c in SORT_COLUMNS for o in SORT_ORDERS}
# The five track states of locker.presenters.TrackState (kept here as strings: no import cycle).
STATES = ("downloadable", "last_download", "exhausted", "unavailable", "preorder")
# URL parameter -> field, for the search and filter part of the state.
FILTER_PARAMS = {
    "q": "q",
    "state": "state",
    "type": "type",
    "format": "format",
    "artist": "artist",
    "year": "year",
    "full": "full",
    "hidden": "hidden",
    "release": "release",
}


@dataclass(frozen=True, slots=True)
class LockerQuery:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = DEFAULT_SORT
    q: str = ""  # free text, whitespace collapsed
    state: str = ""  # one of STATES
    type: str = ""  # release type as 7digital names it ("Album", "EP", "Single", ...)
    format: int | None = None  # format id
    artist: int | None = None  # release artist id
    year: int | None = None  # purchase year
    full: bool | None = None  # True: complete albums only; False: single tracks only
    hidden: bool = False  # True: only the releases the customer hid
    release: int | None = None  # one release, hidden or not (the download history links here)

    @classmethod
    def from_params(cls, params) -> LockerQuery:
        return cls(
            page=_int_in(params.get("page"), 1, 1, 100_000),
            page_size=_choice(_int_in(params.get("pageSize"), DEFAULT_PAGE_SIZE, 1, 50), PAGE_SIZES),
            sort=_sort(params.get("sort")),
            q=_text(params.get("q"), MAX_SEARCH_LENGTH),
            state=_one_of(params.get("state"), STATES),
            type=_text(params.get("type"), 50),
            format=_optional_int(params.get("format"), 1, 10**9),
            artist=_optional_int(params.get("artist"), 1, 10**15),
            year=_optional_int(params.get("year"), 1900, 2200),
            full={"1": True, "0": False}.get(str(params.get("full") or "").strip()),
            hidden=str(params.get("hidden") or "").strip() == "1",
            release=_optional_int(params.get("release"), 1, 10**15),
        )

    @property
    def filtered(self) -> bool:
        """True when search or any filter narrows the locker (hidden=1 counts)."""
        return any(self.filter_params().values())

    @property
    def narrowing(self) -> tuple[str, ...]:
        """The URL names of the search and filters in use."""
        return tuple(name for name, value in self.filter_params().items() if value)

    def filter_params(self) -> dict[str, str]:
        values = {
            "q": self.q,
            "state": self.state,
            "type": self.type,
            "format": "" if self.format is None else str(self.format),
            "artist": "" if self.artist is None else str(self.artist),
            "year": "" if self.year is None else str(self.year),
            "full": "" if self.full is None else str(int(self.full)),
            "hidden": "1" if self.hidden else "",
            "release": "" if self.release is None else str(self.release),
        }
        return values

    @property
    def cache_key(self) -> str:
        base = f"{self.page}:{self.page_size}:{self.sort.replace(' ', '_')}"
        if not self.filtered:
            return base
        narrowing = urlencode(sorted((k, v) for k, v in self.filter_params().items() if v))
        return f"{base}:{hashlib.sha256(narrowing.encode()).hexdigest()[:32]}"

    def with_(self, **changes) -> LockerQuery:
        return replace(self, **changes)

    def without(self, *names: str) -> LockerQuery:
        """This query without the named URL parameters (back to page 1)."""
        defaults = asdict(LockerQuery())
        return replace(self, page=1, **{FILTER_PARAMS[n]: defaults[FILTER_PARAMS[n]] for n in names})

    def cleared(self) -> LockerQuery:
        """ "Clear all": sort and page size stay, search and filters go."""
        return LockerQuery(page_size=self.page_size, sort=self.sort)

    def querystring(self) -> str:
        params = {"sort": self.sort, "pageSize": self.page_size, "page": self.page}
        params.update((k, v) for k, v in self.filter_params().items() if v)
        return urlencode(params)


def _int_in(raw, default: int, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def _optional_int(raw, low: int, high: int) -> int | None:
    value = _int_in(raw, 0, low, high) if raw not in (None, "") else 0
    return value or None


def _choice(value: int, allowed: tuple[int, ...]) -> int:
    return value if value in allowed else DEFAULT_PAGE_SIZE


def _sort(raw) -> str:
    value = " ".join(str(raw or "").replace("+", " ").split())
    return value if value in SORT_LABELS else DEFAULT_SORT


def _text(raw, limit: int) -> str:
    """Printable text, whitespace collapsed, at most `limit` characters (NUL and controls go)."""
    text = "".join(c if c.isprintable() else " " for c in str(raw or ""))
    return " ".join(text.split())[:limit].strip()


def _one_of(raw, allowed: tuple[str, ...]) -> str:
    value = str(raw or "").strip()
    return value if value in allowed else ""
