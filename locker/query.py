"""The locker page's URL state (page, page size, sort), parsed leniently: bad values fall back."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy

from locker.sevendigital.types import DEFAULT_SORT, SORT_COLUMNS, SORT_ORDERS

PAGE_SIZES = (10, 20, 50)
DEFAULT_PAGE_SIZE = 10
SORT_LABELS = {
    "purchaseDate desc": gettext_lazy("Newest purchase first"),
    "purchaseDate asc": gettext_lazy("Oldest purchase first"),
    "artistName asc": gettext_lazy("Artist A–Z"),
    "artistName desc": gettext_lazy("Artist Z–A"),
    "releaseTitle asc": gettext_lazy("Title A–Z"),
    "releaseTitle desc": gettext_lazy("Title Z–A"),
}
assert set(SORT_LABELS) == {f"{c} {o}" for c in SORT_COLUMNS for o in SORT_ORDERS}


@dataclass(frozen=True, slots=True)
class LockerQuery:
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE
    sort: str = DEFAULT_SORT

    @classmethod
    def from_params(cls, params) -> LockerQuery:
        return cls(
            page=_int_in(params.get("page"), 1, 1, 100_000),
            page_size=_choice(_int_in(params.get("pageSize"), DEFAULT_PAGE_SIZE, 1, 50), PAGE_SIZES),
            sort=_sort(params.get("sort")),
        )

    @property
    def cache_key(self) -> str:
        return f"{self.page}:{self.page_size}:{self.sort.replace(' ', '_')}"

    def with_(self, **changes) -> LockerQuery:
        data = {"page": self.page, "page_size": self.page_size, "sort": self.sort, **changes}
        return LockerQuery(**data)

    def querystring(self) -> str:
        return urlencode({"sort": self.sort, "pageSize": self.page_size, "page": self.page})


def _int_in(raw, default: int, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except (TypeError, ValueError):
        return default
    return value if low <= value <= high else default


def _choice(value: int, allowed: tuple[int, ...]) -> int:
    return value if value in allowed else DEFAULT_PAGE_SIZE


def _sort(raw) -> str:
    value = " ".join(str(raw or "").replace("+", " ").split())
    return value if value in SORT_LABELS else DEFAULT_SORT
