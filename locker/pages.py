"""The one place a locker page comes from, for the locker page, the widget and the support view.

Once a customer's first sync is committed, pages come from the locker index (locker/library) and
make no call to 7digital; until then they are fetched live (locker/loader.py). Either way the same
presenters compute each track's state. This module alone owns the page caches: the customer
page's rendered body (Django cache `version=` the index generation, which every committed sync,
download and hide bumps), a fast copy of it found in one round trip under locker_cache's
per-customer generation (bumped with it), a search's matches and filter counts, and each release
card's HTML, keyed by what the card shows, so a new page, sort or search only renders the cards
nobody has rendered before.
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from types import EllipsisType
from typing import cast

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template import RequestContext, engines
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from locker import locker_cache, preferences, wording
from locker.downloads import find_release, find_track, last_downloads, track_view
from locker.library import filters, search, sync
from locker.library.models import SyncState
from locker.library.read import read_narrowed
from locker.loader import LockerResult, load_locker
from locker.models import SevenDigitalLink
from locker.presenters import PageView, ReleaseView, TrackView, present_page, present_release
from locker.query import PAGE_SIZES, SORT_LABELS, LockerQuery
from locker.typed_requests import signed_in_user
from locker.upstream_breaker import breaker

logger = logging.getLogger(__name__)

# Cached HTML is UTF-8 bytes, split where the request's CSRF token goes: a 50-release page is
# ~800 kB, read from the cache, joined and sent without decoding, re-encoding or searching it.
# Escaped text can never contain "<", so these marks cannot be forged by a title.
CSRF_MARK = "<!--csrf-token-->"
BODY_MARK = "<!--locker-body-->"
CARDS_MARK = "<!--locker-cards-->"  # where the release cards' cached bytes are spliced in
VERSION = "i1"  # bumped when cached HTML changes shape, so rolling deploys never mix them
PAGE_SECONDS = 3600
CARD_SECONDS = 24 * 3600
BODY_TEMPLATE = "locker/locker.html#body"


@dataclass(frozen=True, slots=True)
class Locker:
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
class Progress:
    """What the locker page says about indexing while the customer's first sync isn't done."""

    state: str  # "indexing", "waiting" (no worker took it yet), "retrying", "failed", "done"
    done: int = 0
    total: int | None = None


@dataclass(frozen=True, slots=True)
class Body:
    chunks: tuple[bytes, ...] = ()  # the HTML, split where the CSRF token goes
    token: bytes = b""
    status: int = 200
    last_page: LockerQuery | None = None  # set when the customer asked for a page past the end
    progress: Progress | None = None  # the indexing notice, until the first sync is committed

    def response(self, head: bytes = b"", tail: bytes = b"") -> HttpResponse:
        """The body (between a page's head and tail) in one copy: big copies are what cost here."""
        parts = [head, self.chunks[0]]
        for chunk in self.chunks[1:]:
            parts += (self.token, chunk)
        parts.append(tail)
        return HttpResponse(b"".join(parts), status=self.status)


# Reading


STATE_FIELDS = [f.attname for f in SyncState._meta.concrete_fields if f.attname != "user_id"]


def link_and_state(user) -> tuple[SevenDigitalLink | None, SyncState | None]:
    """The customer's link and index state in one query (the state's columns joined in: cheaper
    than `select_related`, which would load the user again)."""
    if not user.is_authenticated:
        return None, None
    joined = {f"_state_{name}": F(f"user__locker_index__{name}") for name in STATE_FIELDS}
    link = SevenDigitalLink.objects.filter(user_id=user.pk).annotate(**joined).first()
    if link is None:
        return None, None
    values = {name: link.__dict__.pop(f"_state_{name}") for name in STATE_FIELDS}
    if values["id"] is None:
        return link, None
    return link, SyncState(user_id=user.pk, **values)


def get_locker(
    link: SevenDigitalLink, query: LockerQuery, state: SyncState | None | EllipsisType = ...
) -> Locker:
    """The page `query` asks for: from the index once synced, else live from 7digital.
    `state` is the customer's SyncState when the caller has it (None: none yet)."""
    if isinstance(state, EllipsisType):
        state = sync.state(link.user_id)
    _maybe_refresh(link, state)
    narrowed = None
    if state is not None and state.indexed:
        result, narrowed = _index_result(link, query, state.generation)
        indexed, generation = True, state.generation
    else:
        result = load_locker(link, query)
        indexed, generation = False, 0
    if last := last_page_query(query, result):
        return Locker(link, query, result, None, indexed, last, narrowed, generation)
    return Locker(link, query, result, present_result(link, result), indexed, None, narrowed, generation)


def get_locker_or_last(link: SevenDigitalLink, query: LockerQuery) -> Locker:
    """Like get_locker, but a page past the end answers the last page (the widget's paging)."""
    found = get_locker(link, query)
    return get_locker(link, found.last_page) if found.last_page else found


def _index_result(
    link: SevenDigitalLink, query: LockerQuery, generation: int
) -> tuple[LockerResult, filters.Narrowed]:
    def find(user_id: int, terms: search.Terms) -> search.Matches:
        # One search's matches serve all its pages and sorts, until the index changes.
        key = f"locker:{VERSION}:matches:{user_id}:{_digest(repr(terms.words))}"
        return _cached(key, generation, lambda: search.find(user_id, terms))

    page, narrowed = read_narrowed(link.user_id, query, find)
    if link.needs_relink:
        return LockerResult(page, stale=True, error=str(wording.RELINK), relink=True), narrowed
    if breaker.paused():  # the download view could not re-check with 7digital now
        return LockerResult(page, stale=True, error=str(wording.UPSTREAM_QUIET)), narrowed
    return LockerResult(page), narrowed


def _maybe_refresh(link: SevenDigitalLink, state: SyncState | None) -> None:
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


# The customer's locker page


def locker_body(request: HttpRequest, query: LockerQuery) -> Body | None:
    """The locker page's body, None when the customer has no linked account.

    A repeat view of an indexed page reads one cache round trip and nothing else: the cache's
    per-customer generation (bumped with every index generation and link change) and the page.
    """
    paused = breaker.paused()
    fast_key = _fast_key(query, paused)
    user = signed_in_user(request)
    slot, hit = locker_cache.lookup(user.pk, fast_key)
    if isinstance(hit, tuple) and len(hit) == 2 and hit[1] > time.time() - settings.LOCKER_SYNC_SECONDS:
        return Body(hit[0], get_token(request).encode())  # hit[1]: when the index was synced
    link, state = link_and_state(user)
    if link is None:
        return None
    if state is None or not state.indexed:
        live = _live_body(request, link, state, query)
        return Body(live.chunks, live.token, live.status, live.last_page, progress(state))
    _maybe_refresh(link, state)
    key = _body_key(link, query, paused)
    chunks = _cache_get(key, state.generation)
    seconds = PAGE_SECONDS
    if chunks is None:
        found = get_locker(link, query, state)
        if found.last_page:
            return Body(last_page=found.last_page)
        chunks = _render_body(request, found)
        seconds = _seconds_fresh(found.view)
        _cache_set(key, chunks, seconds, state.generation)
    if not sync.stale(state) and state.synced_at is not None:
        locker_cache.store_html_for(slot, (chunks, state.synced_at.timestamp()), min(seconds, 300))
    return Body(chunks, get_token(request).encode())


def _fast_key(query: LockerQuery, paused: bool) -> str:
    language, zone = translation.get_language(), timezone.get_current_timezone_name()
    return f"index:{VERSION}:{query.cache_key}:{int(paused)}:{language}:{zone}"


def _live_body(
    request: HttpRequest, link: SevenDigitalLink, state: SyncState | None, query: LockerQuery
) -> Body:
    """Not indexed yet: a page from 7digital, its HTML cached while the page is fresh."""
    _maybe_refresh(link, state)
    # The generation before the page: a link change in between then only drops this render.
    slot, chunks = locker_cache.lookup(link.user_id, query.cache_key, render_variant())
    status = 200
    if chunks is None:
        result = load_locker(link, query, slot=slot)
        if last := last_page_query(query, result):
            return Body(last_page=last)
        found = Locker(link, query, result, present_result(link, result), indexed=False)
        chunks = _render_body(request, found)
        if result.fetched_at is not None:
            locker_cache.store_html(slot, chunks, result.fetched_at)
        if result.page is None and result.error and not result.relink:
            status = 503
    return Body(chunks, get_token(request).encode(), status)


def render_variant() -> str:
    """What a render depends on besides the page: its words and its local times."""
    return f"{translation.get_language()}:{timezone.get_current_timezone_name()}"


def _render_body(request: HttpRequest, found: Locker) -> tuple[bytes, ...]:
    """The body as bytes split at the CSRF marks. The cards' cached bytes are spliced in after
    rendering: through the template, ~800 kB of them would be copied once per nesting level."""
    cards = release_cards(request, found.view.releases, card_extras(found)) if found.view else []
    context = {
        "query": found.query,
        "result": found.result,
        "view": found.view,
        "cards": mark_safe(CARDS_MARK),  # noqa: S308 (our constant)
        "sort_labels": SORT_LABELS,
        "page_sizes": PAGE_SIZES,
        "csrf_token": mark_safe(CSRF_MARK),  # noqa: S308 (our constant)
        **search_context(found),
    }
    html = render_to_string(BODY_TEMPLATE, context, request).encode()
    if cards:
        head, tail = html.split(CARDS_MARK.encode(), 1)
        html = b"".join([head, *cards, tail])
    return tuple(html.split(CSRF_MARK.encode()))


def page_with_body(
    request: HttpRequest, template: str, body: Body, context: dict | None = None
) -> HttpResponse:
    """The full page around a body."""
    context = {**(context or {}), "body": mark_safe(BODY_MARK)}  # noqa: S308 (our constant)
    shell = render_to_string(template, context, request).encode()
    head, tail = shell.split(BODY_MARK.encode(), 1)
    return body.response(head, tail)


def search_context(found: Locker) -> dict:
    """The search form's context (index pages only: live pages have no search)."""
    if found.narrowed is None:
        return {"search_enabled": False}
    return {"search_enabled": True, "facets": facets(found), "terms": found.narrowed.terms}


def facets(found: Locker) -> filters.Facets:
    """The filter counts, computed once per search and filters (any page, sort or page size)
    until the index changes."""
    user_id, query, narrowed = found.link.user_id, found.query, found.narrowed
    assert narrowed is not None, "facets are for index pages"
    narrowing = repr(sorted((k, v) for k, v in query.filter_params().items() if v))
    key = f"locker:{VERSION}:facets:{user_id}:{_digest(narrowing)}:{translation.get_language()}"
    compute = lambda: filters.facets(user_id, query, matches=narrowed.matches)  # noqa: E731
    return _cached(key, found.generation, compute)


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _cached(key: str, version: int, compute):
    """Computed once per index generation; at most 10 minutes, as a pre-order's release changes
    what counts as "pre-order" without a new generation."""
    value = _cache_get(key, version)
    if value is None:
        value = compute()
        _cache_set(key, value, 600, version)
    return value


def card_extras(found: Locker) -> list[dict] | None:
    """What each card shows besides its release: highlighted words, which tracks matched, Hide."""
    if found.narrowed is None or found.view is None:
        return None
    terms, matches = found.narrowed.terms, found.narrowed.matches
    matched = {r.id: matches.matched_tracks(r.id) if matches else None for r in found.view.releases}
    return [
        {
            "terms": terms,
            "matched": tuple(sorted(tracks)) if (tracks := matched[release.id]) else None,
            "hide_controls": True,
            "hidden_mode": found.query.hidden,
        }
        for release in found.view.releases
    ]


def release_cards(
    request: HttpRequest, releases: tuple[ReleaseView, ...], extras: list[dict] | None = None
) -> list[bytes]:
    """Each release's `<article>`, rendered once per content (the key is what the card shows:
    the release and the card's `extras` context)."""
    extras = extras or [{"terms": (), "matched": None} for _ in releases]
    keys = card_keys(releases, extras)
    found = _cache_get_many(keys)
    missing = [
        (key, release, extra)
        for key, release, extra in zip(keys, releases, extras, strict=True)
        if key not in found
    ]
    if missing:
        rendered = _render_cards(request, [(release, extra) for _, release, extra in missing])
        fresh = {key: html.encode() for (key, _, _), html in zip(missing, rendered, strict=True)}
        _cache_set_many(fresh, CARD_SECONDS)
        found |= fresh
    return [found[key] for key in keys]


def card_keys(releases: tuple[ReleaseView, ...], extras: list[dict]) -> list[str]:
    context_key = render_variant()
    return [_card_key(release, context_key, extra) for release, extra in zip(releases, extras, strict=True)]


def _render_cards(request: HttpRequest, releases: list[tuple[ReleaseView, dict]]) -> list[str]:
    """Render the card template many times in one context: context processors run once."""
    template = cast(DjangoTemplates, engines["django"]).engine.get_template("locker/_release.html")
    context = RequestContext(request)
    mark = mark_safe(CSRF_MARK)  # noqa: S308 (our constant)
    out: list[str] = []
    with context.bind_template(template):  # runs the context processors (their csrf_token too)
        for release, extra in releases:
            with context.push(release=release, csrf_token=mark, **extra):
                out.append(template.render(context))
    return out


def _card_key(release: ReleaseView, context_key: str, extra: dict | None = None) -> str:
    digest = hashlib.blake2b(
        f"{context_key}:{release!r}:{extra or {}!r}".encode(), digest_size=16
    ).hexdigest()
    return f"locker:{VERSION}:card:{digest}"


def _body_key(link: SevenDigitalLink, query: LockerQuery, paused: bool) -> str:
    """Everything the body shows besides the index (whose generation is the cache version)."""
    parts = (
        link.user_id,
        query.cache_key,
        link.pk,
        link.updated_at.timestamp(),
        int(paused),
        render_variant(),
    )
    return f"locker:{VERSION}:index-body:" + ":".join(str(p) for p in parts)


def _seconds_fresh(view: PageView | None) -> int:
    """Until the page's next pre-order comes out (its state changes then), at most an hour."""
    now = timezone.now()
    future = [
        r.release_date for r in (view.releases if view else ()) if r.release_date and r.release_date > now
    ]
    if not future:
        return PAGE_SECONDS
    return max(1, min(PAGE_SECONDS, int((min(future) - now).total_seconds())))


def fresh_release(link: SevenDigitalLink, release_id: int) -> ReleaseView:
    """One release re-read from 7digital ("Download all" says what will happen to each track).
    Raises downloads.DownloadRefused."""
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
    Raises downloads.DownloadRefused."""
    found = find_track(link, release_id, track_id)
    sync.apply_fresh(link.user_id, found.item)
    release = present_release(
        found.item,
        now=timezone.now(),
        preferred_format=preferences.download_format(link.user_id),
        last_downloads=last_downloads(link.user_id, [track_id]),
    )
    return release, track_view(release, track_id)


# Cache access: any backend error (Redis down) is a miss; the page still works, only slower.


def _cache_get(key: str, version: int):
    try:
        return cache.get(key, version=version)
    except Exception:
        logger.warning("cache unavailable for a locker page")
        return None


def _cache_set(key: str, value, seconds: int, version: int) -> None:
    try:
        cache.set(key, value, seconds, version=version)
    except Exception:
        logger.warning("cache unavailable for a locker page")


def _cache_get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache unavailable for locker cards")
        return {}


def _cache_set_many(values: dict, seconds: int) -> None:
    try:
        cache.set_many(values, seconds)
    except Exception:
        logger.warning("cache unavailable for locker cards")
