"""The locker's filters (track state, format, release type, full album, purchase year, artist,
hidden) and their counts, in SQL over the index.

A track's state here is `locker.presenters.track_state` written as SQL over the stored fields, in
the same order of rules: withdrawn (release unavailable or no download URLs), pre-order (release
date in the future), no downloads left (0 or fewer), last download (exactly 1), can download.
A release passes a state or format filter when any of its tracks does. Each count is what its
choice would give with every other filter and the search kept (faceted counts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Case, CharField, Count, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from locker.library import search
from locker.library.models import HiddenRelease, IndexedRelease, IndexedTrack
from locker.presenters import format_label, release_type_label
from locker.query import LockerQuery

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STATE_LABELS = {
    "downloadable": gettext_lazy("Can download"),
    "last_download": gettext_lazy("Last download"),
    "exhausted": gettext_lazy("No downloads left"),
    "unavailable": gettext_lazy("Withdrawn"),
    "preorder": gettext_lazy("Pre-order"),
}


def state_conditions(now: datetime) -> dict[str, Q]:
    """Each state as a condition on IndexedTrack, exclusive and in track_state's order."""
    unavailable = Q(release__available=False) | Q(download_urls=[])
    preorder = ~unavailable & Q(release__release_date__gt=now)
    usable = ~unavailable & ~Q(release__release_date__gt=now)
    exhausted = usable & Q(remaining_downloads__lte=0)
    last = usable & Q(remaining_downloads=1)
    downloadable = usable & (Q(remaining_downloads__isnull=True) | Q(remaining_downloads__gte=2))
    return {
        "downloadable": downloadable,
        "last_download": last,
        "exhausted": exhausted,
        "unavailable": unavailable,
        "preorder": preorder,
    }


def _state_case(now: datetime) -> Case:
    conditions = state_conditions(now)
    order = ("unavailable", "preorder", "exhausted", "last_download")
    return Case(
        *(When(conditions[name], then=Value(name)) for name in order),
        default=Value("downloadable"),
        output_field=CharField(),
    )


def _releases_with_format(user_id: int, format_id: int) -> RawSQL:
    """Pks of the customer's releases with a track offering the format (JSON in each engine)."""
    table = IndexedTrack._meta.db_table
    if connection.vendor == "postgresql":
        return RawSQL(  # noqa: S611 (constant SQL, values as parameters)
            f'SELECT t.release_id FROM "{table}" t WHERE t.user_id = %s'  # noqa: S608
            " AND t.download_urls @> %s::jsonb",
            [user_id, f'[{{"format_id": {int(format_id)}}}]'],
        )
    return RawSQL(  # noqa: S611 (constant SQL, values as parameters)
        f'SELECT t.release_id FROM "{table}" t, json_each(t.download_urls) f WHERE t.user_id = %s'  # noqa: S608
        " AND json_extract(f.value, '$.format_id') = %s",
        [user_id, int(format_id)],
    )


@dataclass(frozen=True, slots=True)
class Narrowed:
    releases: QuerySet  # the customer's IndexedRelease rows that pass (unordered)
    terms: search.Terms
    matches: search.Matches | None  # None without a search


def customer_releases(user_id: int) -> QuerySet:
    return IndexedRelease.objects.filter(user_id=user_id)


def narrow(user_id: int, query: LockerQuery, now: datetime | None = None, find=search.find) -> Narrowed:
    """The customer's releases passing the query's search and every filter (`find` runs the
    search: the page module passes a cached one)."""
    terms = search.Terms.parse(query.q)
    matches = find(user_id, terms) if terms else None
    releases = _filtered(user_id, query, matches, now or timezone.now())
    return Narrowed(releases, terms, matches)


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
    tracks = IndexedTrack.objects.filter(user_id=user_id)
    if query.state and skip != "state":
        releases = releases.filter(
            pk__in=tracks.filter(state_conditions(now)[query.state]).values("release_id")
        )
    if query.format is not None and skip != "format":
        releases = releases.filter(pk__in=_releases_with_format(user_id, query.format))
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
    label: StrOrPromise
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
    """The counts beside each filter choice (pass `matches` when a search already ran)."""
    now = now or timezone.now()
    if matches is None and query.q:
        terms = search.Terms.parse(query.q)
        matches = search.find(user_id, terms) if terms else None

    def base(skip: str) -> QuerySet:
        return _filtered(user_id, query, matches, now, skip)

    state_counts = dict(
        IndexedTrack.objects.filter(release__in=base("state"))
        .annotate(state=_state_case(now))
        .values("state")
        .annotate(n=Count("release_id", distinct=True))
        .values_list("state", "n")
    )
    states = tuple(
        Choice(name, label, state_counts.get(name, 0), query.state == name)
        for name, label in STATE_LABELS.items()
        if state_counts.get(name) or query.state == name
    )
    formats = tuple(
        Choice(str(fid), label, n, query.format == fid) for fid, label, n in _format_counts(base("format"))
    )
    type_counts = base("type").values("type").annotate(n=Count("pk")).order_by("type")
    types = tuple(
        Choice(r["type"], release_type_label(r["type"]), r["n"], query.type == r["type"])
        for r in type_counts
        if r["type"]
    )
    year_counts = (
        base("year")
        .exclude(purchase_date__isnull=True)
        .annotate(y=ExtractYear("purchase_date"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by("-y")
    )
    years = tuple(Choice(str(r["y"]), str(r["y"]), r["n"], query.year == r["y"]) for r in year_counts)
    full_counts = dict(
        base("full").values("complete_album").annotate(n=Count("pk")).values_list("complete_album", "n")
    )
    full = tuple(
        Choice(str(int(value)), label, full_counts.get(value, 0), query.full is value)
        for value, label in ((True, gettext_lazy("Full albums")), (False, gettext_lazy("Single tracks")))
        if full_counts.get(value) or query.full is value
    )
    hidden = base("hidden").filter(
        release_id__in=HiddenRelease.objects.filter(user_id=user_id).values("release_id")
    )
    artist_name = ""
    if query.artist is not None:
        artist_name = (
            customer_releases(user_id)
            .filter(artist_id=query.artist)
            .values_list("artist_name", flat=True)
            .first()
            or ""
        )
    release_title = ""
    if query.release is not None:
        release_title = (
            customer_releases(user_id)
            .filter(release_id=query.release)
            .values_list("title", flat=True)
            .first()
            or ""
        )
    # A choice in the URL that matches nothing still shows as chosen (with its 0), so the form
    # never claims "any" while a filter narrows the page.
    if query.format is not None and not any(c.selected for c in formats):
        formats += (Choice(str(query.format), gettext("Format %(id)s") % {"id": query.format}, 0, True),)
    if query.type and not any(c.selected for c in types):
        types += (Choice(query.type, query.type, 0, True),)
    if query.year is not None and not any(c.selected for c in years):
        years += (Choice(str(query.year), str(query.year), 0, True),)
    return Facets(states, formats, types, years, full, hidden.count(), artist_name, release_title)


def _format_counts(releases: QuerySet) -> list[tuple[int, str, int]]:
    try:
        sql, params = releases.values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. a search that found nothing
        return []
    table = IndexedTrack._meta.db_table
    if connection.vendor == "postgresql":
        statement = (
            f"SELECT (f->>'format_id')::bigint, MIN(f->>'description'), COUNT(DISTINCT t.release_id)"  # noqa: S608
            f' FROM "{table}" t CROSS JOIN LATERAL jsonb_array_elements(t.download_urls) f'
            f" WHERE t.release_id IN ({sql}) GROUP BY 1"
        )
    else:
        statement = (
            "SELECT json_extract(f.value, '$.format_id'), MIN(json_extract(f.value, '$.description')),"  # noqa: S608
            f' COUNT(DISTINCT t.release_id) FROM "{table}" t, json_each(t.download_urls) f'
            f" WHERE t.release_id IN ({sql}) GROUP BY 1"
        )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = [(int(fid), format_label(desc or str(fid)), n) for fid, desc, n in cursor.fetchall() if fid]
    return sorted(rows, key=lambda r: (r[1], r[0]))


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
