"""The locker's filters (track state, format, release type, full album, purchase year, artist,
hidden) and their counts, in SQL over the index.

A track's state here is `locker.presenters.track_state` written as SQL over the stored fields, in
the same order of rules: withdrawn (release unavailable or no download URLs), pre-order (release
date in the future), no downloads left (0 or fewer), last download (exactly 1), can download.
A release passes a state or format filter when any of its tracks does. Each count is what its
choice would give with every other filter and the search kept (faceted counts). Filters and counts
read the release rows alone: each sync writes a release's track states (as if released) and
formats onto it (`convert.summarise`); only whether a release is out yet is decided at read time.
All the counts come from one pass over the customer's releases that pass the search.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from locker.library import search
from locker.library.convert import STATE_BITS, USABLE_BITS
from locker.library.models import HiddenRelease, IndexedRelease
from locker.presenters import format_label, release_type_label
from locker.query import LockerQuery

STATE_LABELS = {
    "downloadable": gettext_lazy("Can download"),
    "last_download": gettext_lazy("Last download"),
    "exhausted": gettext_lazy("No downloads left"),
    "unavailable": gettext_lazy("Withdrawn"),
    "preorder": gettext_lazy("Pre-order"),
}


def state_filter(state: str, now: datetime) -> Q:
    """The releases with a track in `state` (on IndexedRelease), in track_state's order."""
    future = Q(release_date__gt=now)
    if state == "unavailable":
        return Q(track_states__in=_masks(STATE_BITS["unavailable"]))
    if state == "preorder":
        return future & Q(track_states__in=_masks(USABLE_BITS))
    return ~future & Q(track_states__in=_masks(STATE_BITS[state]))


def _masks(bits: int) -> list[int]:
    return [mask for mask in range(16) if mask & bits]


def release_states(mask: int, release_date: datetime | None, now: datetime) -> set[str]:
    """The states a release's tracks are in now (state_filter, in Python)."""
    states = {name for name, bit in STATE_BITS.items() if mask & bit}
    if release_date is not None and release_date > now and mask & USABLE_BITS:
        states = (states & {"unavailable"}) | {"preorder"}
    return states


@dataclass(frozen=True, slots=True)
class Narrowed:
    user_id: int
    query: LockerQuery
    now: datetime
    terms: search.Terms
    matches: search.Matches | None  # None without a search

    @property
    def releases(self) -> QuerySet:
        """The customer's IndexedRelease rows that pass (unordered). Built only when asked for:
        a page whose order is cached never needs it, and a search's filter is long."""
        return _filtered(self.user_id, self.query, self.matches, self.now)


def customer_releases(user_id: int) -> QuerySet:
    return IndexedRelease.objects.filter(user_id=user_id)


def narrow(user_id: int, query: LockerQuery, now: datetime | None = None, find=search.find) -> Narrowed:
    """The customer's releases passing the query's search and every filter (`find` runs the
    search: the page module passes a cached one)."""
    terms = search.Terms.parse(query.q)
    matches = find(user_id, terms) if terms else None
    return Narrowed(user_id, query, now or timezone.now(), terms, matches)


def _filtered(
    user_id: int,
    query: LockerQuery,
    matches: search.Matches | None,
    now: datetime,
    skip: str = "",
) -> QuerySet:
    releases = customer_releases(user_id)
    if matches is not None:
        releases = releases.filter(release_id__in=sorted(matches.release_ids))
    if query.state and skip != "state":
        releases = releases.filter(state_filter(query.state, now))
    if query.format is not None and skip != "format":
        releases = releases.filter(formats__has_key=str(query.format))
    if query.type and skip != "type":
        releases = releases.filter(type=query.type)
    if query.artist is not None:
        releases = releases.filter(artist_id=query.artist)
    if query.year is not None and skip != "year":
        releases = releases.filter(purchase_date__year=query.year)
    if query.full is not None and skip != "full":
        releases = releases.filter(complete_album=query.full)
    if query.release is not None:
        return releases.filter(release_id=query.release)  # shown even when hidden
    if skip != "hidden":
        hidden = HiddenRelease.objects.filter(user_id=user_id).values("release_id")
        if query.hidden:
            releases = releases.filter(release_id__in=hidden)
        else:
            releases = releases.exclude(release_id__in=hidden)
    return releases


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str  # in the active language (facets are cached per language: no lazy strings)
    count: int
    selected: bool


@dataclass(frozen=True, slots=True)
class Facets:
    states: tuple[Choice, ...] = ()
    formats: tuple[Choice, ...] = ()
    types: tuple[Choice, ...] = ()
    years: tuple[Choice, ...] = ()
    full: tuple[Choice, ...] = ()
    hidden: int = 0  # hidden releases the other filters would show
    artist_name: str = ""  # the artist filtered on, when there is one
    release_title: str = ""  # the release filtered on, when there is one

    @property
    def any(self) -> bool:
        return any((self.states, self.formats, self.types, self.years, self.full))


def facets(user_id: int, query: LockerQuery, now: datetime | None = None, matches=None) -> Facets:
    """The counts beside each filter choice (pass `matches` when a search already ran), from one
    pass over the customer's releases that pass the search and artist."""
    now = now or timezone.now()
    if matches is None and query.q:
        terms = search.Terms.parse(query.q)
        matches = search.find(user_id, terms) if terms else None
    releases = customer_releases(user_id)
    if matches is not None:
        releases = releases.filter(release_id__in=sorted(matches.release_ids))
    if query.artist is not None:
        releases = releases.filter(artist_id=query.artist)
    hidden_ids = set(HiddenRelease.objects.filter(user_id=user_id).values_list("release_id", flat=True))
    zone = timezone.get_current_timezone()
    counts: dict[str, Counter] = {name: Counter() for name in ("state", "format", "type", "year", "full")}
    names: dict[str, str] = {}
    hidden = 0
    fields = (
        "release_id",
        "type",
        "purchase_date",
        "complete_album",
        "release_date",
        "track_states",
        "formats",
    )
    for release_id, kind, bought, full, released, mask, formats in releases.values_list(*fields):
        in_states = release_states(mask, released, now)
        year = timezone.localtime(bought, zone).year if bought else None
        failing = [
            name
            for name, passes in (
                ("state", not query.state or query.state in in_states),
                ("format", query.format is None or str(query.format) in formats),
                ("type", not query.type or kind == query.type),
                ("year", query.year is None or year == query.year),
                ("full", query.full is None or full == query.full),
                ("hidden", (release_id in hidden_ids) == bool(query.hidden)),
            )
            if not passes
        ]
        if len(failing) > 1:
            continue
        # A release counts for a choice when every other filter lets it through.
        if not failing or failing == ["state"]:
            counts["state"].update(in_states)
        if not failing or failing == ["format"]:
            counts["format"].update(formats.keys())
            for key, name in formats.items():
                names[key] = min(names.get(key, name), name)
        if (not failing or failing == ["type"]) and kind:
            counts["type"][kind] += 1
        if (not failing or failing == ["year"]) and year is not None:
            counts["year"][year] += 1
        if not failing or failing == ["full"]:
            counts["full"][full] += 1
        if (not failing or failing == ["hidden"]) and release_id in hidden_ids:
            hidden += 1
    state_counts = counts["state"]
    states = tuple(
        Choice(name, str(label), state_counts.get(name, 0), query.state == name)
        for name, label in STATE_LABELS.items()
        if state_counts.get(name) or query.state == name
    )
    format_rows = sorted(
        ((int(key), format_label(names[key] or key), n) for key, n in counts["format"].items() if int(key)),
        key=lambda r: (r[1], r[0]),
    )
    formats = tuple(Choice(str(fid), label, n, query.format == fid) for fid, label, n in format_rows)
    types = tuple(
        Choice(kind, release_type_label(kind), n, query.type == kind)
        for kind, n in sorted(counts["type"].items())
    )
    years = tuple(
        Choice(str(y), str(y), n, query.year == y) for y, n in sorted(counts["year"].items(), reverse=True)
    )
    full_counts = counts["full"]
    full = tuple(
        Choice(str(int(value)), str(label), full_counts.get(value, 0), query.full is value)
        for value, label in ((True, gettext_lazy("Full albums")), (False, gettext_lazy("Single tracks")))
        if full_counts.get(value) or query.full is value
    )
    artist_name = _named(user_id, "artist_name", artist_id=query.artist)
    release_title = _named(user_id, "title", release_id=query.release)
    # A choice in the URL that matches nothing still shows as chosen (with its 0), so the form
    # never claims "any" while a filter narrows the page.
    if query.format is not None and not any(c.selected for c in formats):
        formats += (Choice(str(query.format), gettext("Format %(id)s") % {"id": query.format}, 0, True),)
    if query.type and not any(c.selected for c in types):
        types += (Choice(query.type, query.type, 0, True),)
    if query.year is not None and not any(c.selected for c in years):
        years += (Choice(str(query.year), str(query.year), 0, True),)
    return Facets(states, formats, types, years, full, hidden, artist_name, release_title)


def _named(user_id: int, field: str, **chosen: int | None) -> str:
    """The name (`field`) of the artist or release a filter chose ("" when none is chosen)."""
    if None in chosen.values():
        return ""
    return customer_releases(user_id).filter(**chosen).values_list(field, flat=True).first() or ""


def format_names(user_id: int) -> set[str]:
    """Every format name ("FLAC", "MP3 320") the customer's index offers."""
    names: set[str] = set()
    for formats in customer_releases(user_id).values_list("formats", flat=True):
        names.update(format_label(name) for name in formats.values() if name)
    return names


def artists(user_id: int, *, include_hidden: bool = False) -> list[dict]:
    """The customer's release artists with their release counts, in sort order (articles ignored)."""
    releases = customer_releases(user_id)
    if not include_hidden:
        releases = releases.exclude(
            release_id__in=HiddenRelease.objects.filter(user_id=user_id).values("release_id")
        )
    rows = (
        releases.exclude(artist_id__isnull=True)
        .values("artist_id")
        .annotate(releases=Count("pk"))
        .values("artist_id", "releases")
    )
    names = dict(
        releases.exclude(artist_id__isnull=True)
        .order_by("artist_id", "purchase_date")  # the newest purchase names it
        .values_list("artist_id", "artist_name")
    )
    sort_keys = dict(releases.exclude(artist_id__isnull=True).values_list("artist_id", "sort_artist"))
    out = [
        {"id": r["artist_id"], "name": names.get(r["artist_id"], ""), "releases": r["releases"]} for r in rows
    ]
    return sorted(out, key=lambda a: (sort_keys.get(a["id"], ""), a["name"], a["id"]))
