"""What a locker page holds, for the locker page, the widget and the support view.

Once a customer's first sync is committed, pages come from the locker index (locker/library) and
make no call to 7digital; until then they are fetched live (locker/loader.py). Either way the same
presenters compute each track's state. A search's matches and its filter counts are cached here,
per index generation (Django cache `version=`, bumped by every committed sync, download and hide).
The rendered HTML and its caches are in locker/page_html.py and locker/release_cards.py.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from types import EllipsisType

from django.utils import timezone, translation

from locker import preferences, safe_cache, wording
from locker.downloads import downloaded_releases, find_release, find_track, last_downloads, track_view
from locker.library import filters, search, sync
from locker.library.models import SyncState
from locker.library.read import every_order, page_ids, read_narrowed
from locker.loader import LockerResult, load_locker
from locker.models import SevenDigitalLink
from locker.presenters import PageSpan, PageView, ReleaseView, TrackView, present_page, present_release
from locker.query import LockerQuery
from locker.release_cards import CardRow, card_rows
from locker.sevendigital.types import LockerPage
from locker.upstream_breaker import breaker

VERSION = "i2"  # bumped when what is cached here changes shape, so rolling deploys never mix them
CACHED_SECONDS = 600  # a pre-order's release changes what counts as "pre-order" without a new generation


@dataclass(frozen=True, slots=True)
class LockerContent:
    """One page of a customer's locker, ready for a template."""

    link: SevenDigitalLink
    query: LockerQuery
    result: LockerResult
    view: PageView | None
    indexed: bool  # from the index (no upstream call), else fetched live
    last_page: LockerQuery | None = None  # set when the query asked for a page past the end
    narrowed: filters.Narrowed | None = None  # the search and filters applied (index pages)
    generation: int = 0  # the index's, when `indexed`


@dataclass(frozen=True, slots=True)
class IndexRows:
    """One page of the index as its release rows (tracks are read only for cards not cached)."""

    link: SevenDigitalLink
    query: LockerQuery
    rows: list[CardRow]
    span: PageSpan
    result: LockerResult  # its page holds no releases: the notices and whether downloads are on
    narrowed: filters.Narrowed
    generation: int
    last_page: LockerQuery | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """What the locker page says about indexing while the customer's first sync isn't done."""

    state: str  # "indexing", "waiting" (no worker took it yet), "retrying", "failed", "done"
    done: int = 0
    total: int | None = None


@dataclass(frozen=True, slots=True)
class Customer:
    """What every locker page of a customer reads besides the index. The page module keeps it in
    the cache for the customer's generation (locker_cache), which every link change and every
    choice of format moves on."""

    link: SevenDigitalLink  # without its token: the token is read again only to sign a call
    download_format: str  # the Account page's choice ("" when none)
    downloaded: frozenset[int]  # the releases with a download started (their rows say when)
    # The index state read with them: good for the generation once indexed (what changes in it
    # before a new generation is the background sync's, which request_sync reads afresh).
    state: SyncState | None


# Reading


def read_customer(user_id: int) -> Customer | None:
    """The customer's link, format choice and downloaded releases; None when they have no
    linked account."""
    links = SevenDigitalLink.objects.filter(user_id=user_id).defer("token_ciphertext")
    link = next(iter(links[:1]), None)
    if link is None:
        return None
    format_choice = preferences.download_format(user_id)
    return Customer(link, format_choice, downloaded_releases(user_id), index_state(user_id))


def index_state(user_id: int) -> SyncState | None:
    return next(iter(SyncState.objects.filter(user_id=user_id)[:1]), None)  # no ORDER BY: one row


def link_and_state(user) -> tuple[SevenDigitalLink | None, SyncState | None]:
    """The customer's link and index state."""
    if not user.is_authenticated:
        return None, None
    link = next(iter(SevenDigitalLink.objects.filter(user_id=user.pk)[:1]), None)
    if link is None:
        return None, None
    return link, index_state(user.pk)


def get_locker(
    link: SevenDigitalLink, query: LockerQuery, state: SyncState | None | EllipsisType = ...
) -> LockerContent:
    """The page `query` asks for: from the index once synced, else live from 7digital.
    `state` is the customer's SyncState when the caller has it (None: none yet)."""
    if isinstance(state, EllipsisType):
        state = sync.state(link.user_id)
    maybe_refresh(link, state)
    narrowed = None
    if state is not None and state.indexed:
        result, narrowed = _index_result(link, query, state.generation)
        indexed, generation = True, state.generation
    else:
        result = load_locker(link, query)
        indexed, generation = False, 0
    if last := last_page_query(query, result):
        return LockerContent(link, query, result, None, indexed, last, narrowed, generation)
    return LockerContent(
        link, query, result, present_result(link, result), indexed, None, narrowed, generation
    )


def get_locker_or_last(link: SevenDigitalLink, query: LockerQuery) -> LockerContent:
    """Like get_locker, but a page past the end answers the last page (the widget's paging)."""
    content = get_locker(link, query)
    return get_locker(link, content.last_page) if content.last_page else content


def _index_result(
    link: SevenDigitalLink, query: LockerQuery, generation: int
) -> tuple[LockerResult, filters.Narrowed]:
    page, narrowed = read_narrowed(
        link.user_id, query, _cached_search(generation), _cached_order(link.user_id, generation)
    )
    return _notices(link, page, breaker.paused()), narrowed


def read_index_rows(link: SevenDigitalLink, query: LockerQuery, generation: int, paused: bool) -> IndexRows:
    """The page `query` asks for from the index, as what its cards' keys are made of (the
    customer page's path); `paused`: whether the breaker holds 7digital calls back."""
    ids, total, narrowed = page_ids(
        link.user_id, query, _cached_search(generation), _cached_order(link.user_id, generation)
    )
    rows = card_rows(ids)  # the rest only for cards neither cached nor stored
    span = PageSpan(query.page, query.page_size, total, len(rows))
    result = _notices(link, LockerPage(query.page, query.page_size, total, ()), paused)
    past_end = not rows and total and query.page > 1
    last = query.with_(page=span.num_pages) if past_end else None
    return IndexRows(link, query, rows, span, result, narrowed, generation, last)


def _cached_search(generation: int):
    def find(user_id: int, terms: search.Terms) -> search.Matches:
        # One search's matches serve all its pages and sorts, until the index changes.
        key = f"locker:{VERSION}:matches:{user_id}:{_digest(repr(terms.words))}"
        return _cached(key, generation, lambda: search.find(user_id, terms))

    return find


def _cached_order(user_id: int, generation: int):
    def order(narrowed: filters.Narrowed, query: LockerQuery) -> list[int]:
        # One search and filters' releases in one sort serve all their pages and page sizes; the
        # other sorts are read with it (one query), as the next click often changes the sort.
        def key(sort: str) -> str:
            narrowing = repr((sorted(query.filter_params().items()), sort))
            return f"locker:{VERSION}:order:{user_id}:{_digest(narrowing)}"

        ids = safe_cache.get(key(query.sort), generation)
        if ids is None:
            orders = every_order(narrowed)
            every = {key(sort): order for sort, order in orders.items()}
            safe_cache.set_many(every, CACHED_SECONDS, generation)
            ids = orders[query.sort]
        return ids

    return order


def _notices(link: SevenDigitalLink, page: LockerPage, paused: bool) -> LockerResult:
    if link.needs_relink:
        return LockerResult(page, stale=True, error=str(wording.RELINK), relink=True)
    if paused:  # the download view could not re-check with 7digital now
        return LockerResult(page, stale=True, error=str(wording.UPSTREAM_QUIET))
    return LockerResult(page)


def maybe_refresh(link: SevenDigitalLink, state: SyncState | None) -> None:
    """Queue a sync in the background when none is queued and the index is missing or old; the
    page answers from what it has at once."""
    now = timezone.now()
    if state is None or (not sync.busy(state, now) and sync.stale(state, now)):
        sync.request_sync(link.user_id, full=state is None or not state.indexed)


def present_result(link: SevenDigitalLink, result: LockerResult) -> PageView | None:
    if result.page is None:
        return None
    track_ids = [t.track.id for item in result.page.releases for t in item.tracks]
    return present_page(
        result.page,
        downloads_enabled=result.downloads_enabled,
        preferred_format=preferences.download_format(link.user_id),
        last_downloads=last_downloads(link.user_id, track_ids),
    )


def last_page_query(query: LockerQuery, result: LockerResult) -> LockerQuery | None:
    """The query of the last page when `query` asked for a page past the end, else None."""
    page = result.page
    if page is None or not page.total_items or page.releases or query.page <= 1:
        return None
    return query.with_(page=-(-page.total_items // query.page_size))


def progress(state: SyncState | None, now=None) -> Progress:
    """The indexing notice of a customer not indexed yet ("done" once indexed)."""
    if state is None:
        return Progress("waiting")
    if state.indexed:
        return Progress("done", state.pages_done, state.pages_total)
    now = now or timezone.now()
    if state.status == SyncState.Status.RUNNING and not state.lease_expired(now):
        return Progress("indexing", state.pages_done, state.pages_total)
    if state.status == SyncState.Status.FAILED:
        return Progress("failed")
    if state.attempts:
        return Progress("retrying")
    waited = state.requested_at is None or (now - state.requested_at).total_seconds() > sync.WAITING_SECONDS
    return Progress("waiting" if waited else "indexing", state.pages_done, state.pages_total)


def search_context(page: LockerContent | IndexRows) -> dict:
    """The search form's context (index pages only: live pages have no search)."""
    if page.narrowed is None:
        return {"search_enabled": False}
    context = {"search_enabled": True, "terms": page.narrowed.terms}
    if page.query.artist is not None or page.query.release is not None:  # their chips name them
        context["facets"] = facets(page)
    return context


def facets(page: LockerContent | IndexRows) -> filters.Facets:
    """The filter counts, computed once per search and filters (any page, sort or page size)
    until the index changes."""
    user_id, query, narrowed = page.link.user_id, page.query, page.narrowed
    assert narrowed is not None, "facets are for index pages"
    compute = lambda: filters.facets(user_id, query, matches=narrowed.matches)  # noqa: E731
    return _cached(_facets_key(page), page.generation, compute)


def filters_form(page: IndexRows, render: Callable[[filters.Facets], str]) -> str:
    """The filter form's HTML, made by `render` from the counts once per search and filters,
    like the counts themselves."""
    return _cached(_facets_key(page) + ":form", page.generation, lambda: render(facets(page)))


def _facets_key(page: LockerContent | IndexRows) -> str:
    narrowing = repr(sorted((k, v) for k, v in page.query.filter_params().items() if v))
    return f"locker:{VERSION}:facets:{page.link.user_id}:{_digest(narrowing)}:{translation.get_language()}"


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _cached(key: str, version: int, compute):
    """Computed once per index generation; at most 10 minutes, as a pre-order's release changes
    what counts as "pre-order" without a new generation."""
    value = safe_cache.get(key, version)
    if value is None:
        value = compute()
        safe_cache.set(key, value, CACHED_SECONDS, version)
    return value


def matched_tracks(page: IndexRows) -> list[frozenset[int] | None]:
    """Per release of a search's page, the tracks it was found through (None: the whole release)."""
    matches = page.narrowed.matches
    return [matches.matched_tracks(row.release_id) if matches else None for row in page.rows]


def fresh_release(link: SevenDigitalLink, release_id: int) -> ReleaseView:
    """One release re-read from 7digital ("Download all" says what will happen to each track).
    Raises downloads.TrackRefused."""
    item = find_release(link, release_id)
    track_ids = [t.track.id for t in item.tracks]
    return present_release(
        item,
        now=timezone.now(),
        preferred_format=preferences.download_format(link.user_id),
        last_downloads=last_downloads(link.user_id, track_ids),
    )


def fresh_row(link: SevenDigitalLink, release_id: int, track_id: int) -> tuple[ReleaseView, TrackView | None]:
    """One track re-read from 7digital (after a download), its answer written into the index.
    Raises downloads.TrackRefused."""
    found = find_track(link, release_id, track_id)
    sync.apply_fresh(link.user_id, found.item)
    release = present_release(
        found.item,
        now=timezone.now(),
        preferred_format=preferences.download_format(link.user_id),
        last_downloads=last_downloads(link.user_id, [track_id]),
    )
    return release, track_view(release, track_id)
