"""What a customer's locker pages show, shared by the locker page, the widget and the support view:
the loader's result presented with the customer's own download history, and single fresh rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from locker import linking, locker_cache
from locker.downloads import find_track, last_downloads, track_view
from locker.loader import LockerResult, load_locker
from locker.models import SevenDigitalLink
from locker.presenters import PageView, ReleaseView, TrackView, present_page, present_release
from locker.query import PAGE_SIZES, SORT_LABELS, LockerQuery

# Cached HTML is UTF-8 bytes, split where the request's CSRF token goes: a 50-release page is
# ~800 kB, read from the cache, joined and sent without decoding, re-encoding or searching it.
# Escaped text can never contain "<", so these marks cannot be forged by a title.
CSRF_MARK = "<!--csrf-token-->"
BODY_MARK = "<!--locker-body-->"


@dataclass(frozen=True, slots=True)
class Body:
    chunks: tuple[bytes, ...] = ()  # the HTML, split where the CSRF token goes
    token: bytes = b""
    status: int = 200
    last_page: LockerQuery | None = None  # set when the customer asked for a page past the end

    def response(self, head: bytes = b"", tail: bytes = b"") -> HttpResponse:
        """The body (between a page's head and tail) in one copy: big copies are what cost here."""
        parts = [head, self.chunks[0]]
        for chunk in self.chunks[1:]:
            parts += (self.token, chunk)
        parts.append(tail)
        return HttpResponse(b"".join(parts), status=self.status)


def locker_body(request: HttpRequest, query: LockerQuery) -> Body | None:
    """The locker page's body, None when the customer has no linked account.

    Rendering 50 releases costs far more than reading them, so while a page is fresh its rendered
    HTML is cached beside it and invalidated with it (downloads, and any change to the link).
    """
    # The generation before the link: a link change in between then only drops this render.
    slot, chunks = locker_cache.lookup(request.user.pk, query.cache_key, render_variant())
    status = 200
    if chunks is None:
        link = linking.get_link(request.user)
        if link is None:
            return None
        result = load_locker(link, query, slot=slot)
        if last := last_page_query(query, result):
            return Body(last_page=last)
        context = {
            "query": query,
            "result": result,
            "view": present_result(link, result),
            "sort_labels": SORT_LABELS,
            "page_sizes": PAGE_SIZES,
            "csrf_token": mark_safe(CSRF_MARK),
        }
        html = render_to_string("locker/_body.html", context, request)
        chunks = tuple(html.encode().split(CSRF_MARK.encode()))
        if result.fetched_at is not None:
            locker_cache.store_html(slot, chunks, result.fetched_at)
        if result.page is None and result.error and not result.relink:
            status = 503
    return Body(chunks, get_token(request).encode(), status)


def render_variant() -> str:
    """What a cached render depends on besides the page: its words and its local times."""
    return f"{translation.get_language()}:{timezone.get_current_timezone_name()}"


def page_with_body(request: HttpRequest, template: str, body: Body) -> HttpResponse:
    """The full page around a body."""
    shell = render_to_string(template, {"body": mark_safe(BODY_MARK)}, request).encode()
    head, tail = shell.split(BODY_MARK.encode(), 1)
    return body.response(head, tail)


def present_result(link: SevenDigitalLink, result: LockerResult) -> PageView | None:
    if result.page is None:
        return None
    track_ids = [t.track.id for item in result.page.releases for t in item.tracks]
    return present_page(
        result.page,
        downloads_enabled=result.downloads_enabled,
        preferred_format=link.preferred_format_id,
        last_downloads=last_downloads(link.user_id, track_ids),
    )


def last_page_query(query: LockerQuery, result: LockerResult) -> LockerQuery | None:
    """The query of the last page when `query` asked for a page past the end, else None."""
    page = result.page
    if page is None or not page.total_items or page.releases or query.page <= 1:
        return None
    return query.with_(page=-(-page.total_items // query.page_size))


def fresh_row(link: SevenDigitalLink, release_id: int, track_id: int) -> tuple[ReleaseView, TrackView | None]:
    """One track re-read from 7digital (after a download). Raises downloads.DownloadRefused."""
    found = find_track(link, release_id, track_id)
    release = present_release(
        found.item,
        now=timezone.now(),
        preferred_format=link.preferred_format_id,
        last_downloads=last_downloads(link.user_id, [track_id]),
    )
    return release, track_view(release, track_id)
