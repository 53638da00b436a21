"""The customer's locker page as HTML, and the caches of it.

A rendered body is cached per customer and page under Django cache `version=` the index
generation (every committed sync, download and hide bumps it), and where it is, in the same round
trip as locker_cache's per-customer generation (bumped with it) and the customer's facts (their
link, format choice, index state: page_content.Customer). A body nobody has
rendered is assembled from the release cards (locker/release_cards.py): only the cards nobody
rendered are rendered. Cached HTML is UTF-8 bytes, split where the request's CSRF token goes: a
50-release page is ~800 kB, read from the cache, joined and sent without decoding, re-encoding or
searching it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from locker import context_processors, locker_cache, safe_cache, site_urls
from locker.library import sync
from locker.library.filters import Facets
from locker.library.models import SyncState
from locker.loader import LockerResult, load_locker
from locker.models import SevenDigitalLink
from locker.page_content import (
    Customer,
    IndexRows,
    LockerContent,
    Progress,
    filters_form,
    index_state,
    last_page_query,
    matched_tracks,
    maybe_refresh,
    present_result,
    progress,
    read_customer,
    read_index_rows,
    search_context,
)
from locker.presenters import PageSpan, PageView
from locker.query import PAGE_SIZES, SORT_LABELS, LockerQuery
from locker.release_cards import CSRF_MARK, CardRow, index_cards, render_variant, view_cards
from locker.search_cards import search_cards
from locker.typed_requests import signed_in_user
from locker.upstream_breaker import breaker

__all__ = ["CSRF_MARK", "RenderedBody", "locker_body", "page_with_body", "render_variant"]

BODY_MARK = "<!--locker-body-->"
CARDS_MARK = "<!--locker-cards-->"  # where the release cards' cached bytes are spliced in
NONCE_MARK = "csp-nonce-mark-4f1c9e"  # in attributes (escaped): the shell holds no customer text
VERSION = "b2"  # bumped when cached HTML changes shape, so rolling deploys never mix them
PAGE_SECONDS = 3600
PAUSED_SECONDS = 1.0  # how old the breaker reading a page goes by may be (upstream_breaker.py)
BODY_TEMPLATE = "locker/locker.html#body"
FILTERS_TEMPLATE = "locker/_filters.html"
TOOLBAR_FIELDS_TEMPLATE = "locker/_toolbar_fields.html"
# Rendered shells, in this process: a few kB each, one per language and settings, and never stale
# (the key holds all they show), so a cache round trip would cost more than it saves.
SHELLS_KEPT = 64
_shells: dict[str, bytes] = {}


@dataclass(frozen=True, slots=True)
class RenderedBody:
    """The locker page's body as cached bytes, or where to send the customer instead."""

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


def locker_body(request: HttpRequest, query: LockerQuery) -> RenderedBody | None:
    """The locker page's body, None when the customer has no linked account.

    A repeat view of an indexed page reads two cache round trips and nothing else: the cache's
    per-customer generation (bumped with every index generation and link change) with where the
    page's body is, then the body. (Where, not the body itself: a first view then writes its
    ~20-800 kB once.)
    """
    paused = breaker.paused(max_age=PAUSED_SECONDS)
    fast_key = _fast_key(query, paused)
    user = signed_in_user(request)
    keys, hit, known = locker_cache.lookup(user.pk, fast_key)
    if isinstance(hit, tuple) and len(hit) == 3 and hit[2] > time.time() - settings.LOCKER_SYNC_SECONDS:
        chunks = safe_cache.get(hit[0], hit[1])  # hit: the body's key and version, when synced
        if chunks is not None:
            return RenderedBody(chunks, get_token(request).encode())
    if isinstance(known, Customer):
        found: Customer | None = known
    elif found := read_customer(user.pk):
        locker_cache.store_facts(keys, found, PAGE_SECONDS)
    if found is None:
        return None
    link, state = found.link, found.state
    if found is known and not (state and state.indexed):
        state = index_state(user.pk)  # indexing moves on without a new generation
    if state is None or not state.indexed:
        live = _live_body(request, link, state, query)
        return RenderedBody(live.chunks, live.token, live.status, live.last_page, progress(state))
    maybe_refresh(link, state)
    body_key = _body_key(link, query, paused)
    chunks = safe_cache.get(body_key, state.generation)
    seconds = PAGE_SECONDS
    if chunks is None:
        page = read_index_rows(link, query, state.generation, paused)
        if page.last_page:
            return RenderedBody(last_page=page.last_page)
        chunks = _render_index_body(page, found)
        seconds = _seconds_fresh(page.rows)
        safe_cache.set(body_key, chunks, seconds, state.generation)
    if not sync.stale(state) and state.synced_at is not None:
        where = (body_key, state.generation, state.synced_at.timestamp())
        locker_cache.store_html_for(keys, where, min(seconds, 300))
    return RenderedBody(chunks, get_token(request).encode())


def _fast_key(query: LockerQuery, paused: bool) -> str:
    return f"index:{VERSION}:{query.cache_key}:{int(paused)}:{render_variant()}"


def _live_body(
    request: HttpRequest, link: SevenDigitalLink, state: SyncState | None, query: LockerQuery
) -> RenderedBody:
    """Not indexed yet: a page from 7digital, its HTML cached while the page is fresh."""
    maybe_refresh(link, state)
    # The generation before the page: a link change in between then only drops this render.
    keys, chunks, _ = locker_cache.lookup(link.user_id, query.cache_key, render_variant())
    status = 200
    if chunks is None:
        result = load_locker(link, query, keys=keys)
        if last := last_page_query(query, result):
            return RenderedBody(last_page=last)
        content = LockerContent(link, query, result, present_result(link, result), indexed=False)
        cards = view_cards(content.view.releases) if content.view else []
        chunks = _render_body(query, result, content.view, cards, {"search_enabled": False})
        if result.fetched_at is not None:
            locker_cache.store_html(keys, chunks, result.fetched_at)
        if result.page is None and result.error and not result.relink:
            status = 503
    return RenderedBody(chunks, get_token(request).encode(), status)


def _render_index_body(page: IndexRows, customer: Customer) -> tuple[bytes, ...]:
    cards = index_cards(
        page.link.user_id,
        page.rows,
        hidden_mode=page.query.hidden,
        downloads_enabled=page.result.downloads_enabled,
        preferred_format=customer.download_format,
        downloaded=customer.downloaded,
    )
    if terms := page.narrowed.terms:
        cards = search_cards(cards, terms, matched_tracks(page))
    search = search_context(page)
    form = filters_form(page, lambda facets: _filters_html(facets, page.query))
    search["filters_html"] = mark_safe(form)  # noqa: S308 (our own template's output)
    return _render_body(page.query, page.result, page.span, cards, search)


def _filters_html(facets: Facets, query: LockerQuery) -> str:
    fields = [  # name, label, choices with their counts, the choice of none
        ("state", _("Track state"), facets.states, _("Any state")),
        ("format", _("Format"), facets.formats, _("Any format")),
        ("type", _("Release type"), facets.types, _("Any type")),
        ("full", _("Bought as"), facets.full, pgettext("bought as", "Any")),
        ("year", _("Bought in"), facets.years, _("Any year")),
    ]
    return render_to_string(FILTERS_TEMPLATE, {"facets": facets, "query": query, "fields": fields})


def _render_body(
    query: LockerQuery,
    result: LockerResult,
    view: PageView | PageSpan | None,
    cards: list[bytes],
    search: dict,
) -> tuple[bytes, ...]:
    """The body as bytes split at the CSRF marks. The cards' cached bytes are spliced in after
    rendering: through the template, ~800 kB of them would be copied once per nesting level."""
    context = {
        "query": query,
        "result": result,
        "view": view,
        "cards": mark_safe(CARDS_MARK),  # noqa: S308 (our constant)
        "toolbar_fields": _toolbar_fields(translation.get_language(), query.sort, query.page_size),
        "LOCKER_URL": site_urls.locker_url(),
        "csrf_token": mark_safe(CSRF_MARK),  # noqa: S308 (our constant)
        **search,
    }
    # No request: the body needs none of the context processors (the shell around it does).
    html = render_to_string(BODY_TEMPLATE, context).encode()
    if cards:
        head, tail = html.split(CARDS_MARK.encode(), 1)
        html = b"".join([head, *cards, tail])
    return tuple(html.split(CSRF_MARK.encode()))


@lru_cache(maxsize=256)
def _toolbar_fields(language: str | None, sort: str, page_size: int) -> SafeString:
    """The toolbar's sort and page-size fields, in the active language (`language` keys the cache):
    the same few hundred bytes for every page of one sort and size."""
    context = {"sort": sort, "page_size": page_size, "sort_labels": SORT_LABELS, "page_sizes": PAGE_SIZES}
    return mark_safe(render_to_string(TOOLBAR_FIELDS_TEMPLATE, context))  # noqa: S308 (our template)


def page_with_body(
    request: HttpRequest, template: str, body: RenderedBody, context: dict | None = None
) -> HttpResponse:
    """The full page around a body. Without messages to show or extra context, the page around
    the body (the shell) is the same for every request of the customer's language and settings
    but for its CSRF token and CSP nonce: it is rendered once with marks in their place."""
    if context or len(messages.get_messages(request)):
        shell = _render_shell(request, template, context or {})
    else:
        key = _shell_key(request, template)
        kept = _shells.get(key)
        if kept is not None:
            shell = kept
        else:
            shell = _render_shell(
                request,
                template,
                {"csrf_token": mark_safe(CSRF_MARK), "csp_nonce": NONCE_MARK},  # noqa: S308 (our constants)
            )
            if len(_shells) >= SHELLS_KEPT:
                _shells.pop(next(iter(_shells)))
            _shells[key] = shell
        nonce = get_nonce(request)
        token = body.token or get_token(request).encode()  # the body's: one mask a page
        shell = shell.replace(CSRF_MARK.encode(), token)
        shell = shell.replace(NONCE_MARK.encode(), str(nonce).encode() if nonce is not None else b"")
    head, tail = shell.split(BODY_MARK.encode(), 1)
    return body.response(head, tail)


def _render_shell(request: HttpRequest, template: str, context: dict) -> bytes:
    context = {**context, "body": mark_safe(BODY_MARK)}  # noqa: S308 (our constant)
    return render_to_string(template, context, request).encode()


def _shell_key(request: HttpRequest, template: str) -> str:
    """What the shell shows: the language, the site's settings for this customer (whether the
    browser should send its time zone), the address, and the deploy's static files."""
    site = sorted(context_processors.site(request).items())
    parts = (
        template,
        translation.get_language(),
        settings.LANGUAGES,
        request.path,
        site,
        static("css/locker.css"),
    )
    return repr(parts)


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


def _seconds_fresh(rows: list[CardRow]) -> int:
    """Until the page's next pre-order comes out (its state changes then), at most an hour."""
    now = timezone.now()
    future = [r.release_date for r in rows if r.release_date and r.release_date > now]
    if not future:
        return PAGE_SECONDS
    return max(1, min(PAGE_SECONDS, int((min(future) - now).total_seconds())))
