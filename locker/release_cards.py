"""Each release card's HTML (`locker/_release.html`), rendered once per content.

A card's key is made of what the card shows, so a card changes exactly when one of these does:
the release and its tracks (the index row's `card_digest`, written by every sync and download
re-check), whether it is a pre-order now, its tracks' last downloads, whether downloads are on,
the customer's preferred format, the language and time zone, what the page adds (Hide or Show
again), and the code that draws it; a search's cards are made from these (locker/search_cards.py).
Index pages compute keys from release rows alone; cards are looked up in the cache, then in the
database, where the worker renders every card of a customer's locker after a sync (`prerender`);
only what neither holds is rendered, and only those releases' tracks are read. Cards hold no request data: the CSRF token is a mark that
the page fills in.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple, cast

from django.conf import settings
from django.template import Context, engines
from django.template.backends.django import DjangoTemplates
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from locker import preferences, safe_cache, site_urls
from locker.downloads import last_downloads_by_release
from locker.library.models import HiddenRelease, IndexedRelease, RenderedCard
from locker.library.read import locker_releases
from locker.models import AccountSettings, SevenDigitalLink
from locker.presenters import ReleaseView, present_release

CSRF_MARK = "<!--csrf-token-->"  # escaped text can never contain "<": titles cannot forge it
VERSION = "c1"
CARD_SECONDS = 24 * 3600
TEMPLATE = "locker/_release.html"
PRERENDER_BATCH = 100


@lru_cache(maxsize=1)
def code_version() -> str:
    """What a card's HTML depends on besides what it shows: the card templates, the presenters'
    wording, the highlighting and the translations. Part of every key, so cards rendered by other
    code (stored in the database, which outlives deploys) are never served."""
    base = Path(settings.BASE_DIR)
    sources = [
        *(base / "locker" / "templates" / "locker").glob("*.html"),
        base / "locker" / "presenters.py",
        base / "locker" / "templatetags" / "search_tags.py",
        *(base / "locale").glob("*/LC_MESSAGES/django.mo"),
    ]
    digest = hashlib.blake2b(VERSION.encode(), digest_size=8)
    for path in sorted(sources):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def render_variant() -> str:
    """What a render depends on besides the page: its words and its local times."""
    return f"{translation.get_language()}:{timezone.get_current_timezone_name()}"


# Index pages: keys from release rows


class CardRow(NamedTuple):
    """What a card's key is made of, of one release row (index pages read these alone)."""

    pk: int
    release_id: int
    card_digest: str
    release_date: datetime | None


def card_rows(pks: Sequence[int]) -> list[CardRow]:
    """The release rows `pks` (in that order) as what their cards' keys are made of."""
    values = IndexedRelease.objects.filter(pk__in=pks).values_list(*CardRow._fields).order_by()
    found = {row[0]: CardRow(*row) for row in values}
    return [found[pk] for pk in pks if pk in found]


def card_extra(hidden_mode: bool) -> dict:
    """What a card shows besides its release: Hide, or Show again on the hidden releases' page."""
    return {"hide_controls": True, "hidden_mode": hidden_mode}


def row_key(
    row: IndexedRelease | CardRow,
    extra: dict,
    last: dict[int, datetime],
    *,
    now: datetime,
    downloads_enabled: bool,
    preferred_format: str,
) -> str | None:
    """The card's key, None for a row written before cards had digests (rendered uncached)."""
    if not row.card_digest:
        return None
    preorder = row.release_date is not None and row.release_date > now  # time moves it on
    downloaded = sorted((track, when.isoformat()) for track, when in last.items())
    text = (
        f"{code_version()}:{row.card_digest}:{int(preorder)}:{downloaded}:{int(downloads_enabled)}:"
        f"{preferred_format}:{render_variant()}:{extra!r}"
    )
    return "locker:card:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def index_card_keys(
    user_id: int, rows: Sequence[IndexedRelease | CardRow], hidden_mode: bool, **options
) -> list[str | None]:
    """The keys index_cards looks the page's cards up by."""
    return _keys(user_id, rows, card_extra(hidden_mode), timezone.now(), None, **options)[0]


def _keys(
    user_id: int,
    rows: Sequence[IndexedRelease | CardRow],
    extra: dict,
    now: datetime,
    downloaded: frozenset[int] | None,
    **options,
) -> tuple[list[str | None], dict[int, dict[int, datetime]]]:
    """The rows' card keys and their tracks' last downloads (looked up for the releases in
    `downloaded` alone when it is known)."""
    ids = [row.release_id for row in rows if downloaded is None or row.release_id in downloaded]
    last = last_downloads_by_release(user_id, ids) if ids else {}
    return [row_key(row, extra, last.get(row.release_id, {}), now=now, **options) for row in rows], last


def index_cards(
    user_id: int,
    rows: Sequence[IndexedRelease | CardRow],
    *,
    hidden_mode: bool,
    downloads_enabled: bool,
    preferred_format: str,
    downloaded: frozenset[int] | None = None,
) -> list[bytes]:
    """The page's cards, in order: from the cache, else the worker's store, else rendered.
    `hidden_mode`: the hidden releases' page (Show again instead of Hide); `downloaded`: the
    releases with a download started, when the caller knows them."""
    now = timezone.now()
    extra = card_extra(hidden_mode)
    options = {"downloads_enabled": downloads_enabled, "preferred_format": preferred_format}
    keys, last = _keys(user_id, rows, extra, now, downloaded, **options)
    wanted = [key for key in keys if key]
    found = safe_cache.get_many(wanted) if wanted else {}
    if stored_keys := [key for key in wanted if key not in found]:
        stored = dict(
            RenderedCard.objects.filter(user_id=user_id, key__in=stored_keys).values_list("key", "html")
        )
        stored = {key: bytes(html) for key, html in stored.items()}
        safe_cache.set_many(stored, CARD_SECONDS)  # PostgreSQL took 2.1 ms for 20 cards, Redis 0.3
        found |= stored
    missing = [(n, row) for n, (row, key) in enumerate(zip(rows, keys, strict=True)) if key not in found]
    cards: list[bytes | None] = [found.get(key) if key else None for key in keys]
    if missing:
        full = IndexedRelease.objects.in_bulk([row.pk for _, row in missing])  # rows may be CardRows
        items = locker_releases([full[row.pk] for _, row in missing])
        views = [
            present_release(
                item,
                now=now,
                downloads_enabled=downloads_enabled,
                preferred_format=preferred_format,
                last_downloads=last.get(item.release.id, {}),
            )
            for item in items
        ]
        rendered = render_cards([(view, extra) for view in views])
        fresh = {}
        for (n, _), html in zip(missing, rendered, strict=True):
            cards[n] = html
            if keys[n]:
                fresh[keys[n]] = html
        safe_cache.set_many(fresh, CARD_SECONDS)
    return cast(list[bytes], cards)


# Live pages (before the first sync): keys from the presented release


def view_cards(releases: tuple[ReleaseView, ...]) -> list[bytes]:
    """Each release's card, keyed by the presented release."""
    variant = render_variant()
    keys = [_view_key(release, variant) for release in releases]
    found = safe_cache.get_many(keys)
    missing = [(key, release) for key, release in zip(keys, releases, strict=True) if key not in found]
    if missing:
        rendered = render_cards([(release, {}) for _, release in missing])
        fresh = {key: html for (key, _), html in zip(missing, rendered, strict=True)}
        safe_cache.set_many(fresh, CARD_SECONDS)
        found |= fresh
    return [found[key] for key in keys]


def _view_key(release: ReleaseView, variant: str) -> str:
    text = f"{code_version()}:{variant}:{release!r}"
    return "locker:view-card:" + hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


# Rendering


def render_cards(releases: Iterable[tuple[ReleaseView, dict]]) -> list[bytes]:
    """The card template rendered for each release in one context, as UTF-8. Nothing of the
    request goes in: the site's links and the CSRF mark are all a card needs besides its release."""
    template = cast(DjangoTemplates, engines["django"]).engine.get_template(TEMPLATE)
    context = Context(
        {
            "DOWNLOAD_URL": site_urls.download_url(),
            "TRACK_URL": site_urls.track_url(),
            "SUPPORT_URL": settings.SUPPORT_URL,
            "SITE_NAME": settings.SITE_NAME,
            "csrf_token": mark_safe(CSRF_MARK),  # noqa: S308 (our constant)
        }
    )
    out: list[bytes] = []
    with context.bind_template(template):
        for release, extra in releases:
            with context.push(release=release, **extra):
                out.append(template.render(context).encode())
    return out


# The worker: every card of a customer's locker, after a sync


def prerender(user_id: int) -> int:
    """Render the cards of every release of the customer's index that the store lacks, as the
    locker page shows them with no search (Hide, or Show again for hidden releases), in the
    customer's saved language and time zone; drop the customer's cards no page would ask for.
    Returns how many were rendered."""
    link = SevenDigitalLink.objects.filter(user_id=user_id).first()
    if link is None or link.needs_relink:
        return 0
    saved = AccountSettings.objects.filter(user_id=user_id).values_list("language", "time_zone").first()
    language, zone = saved or ("", "")
    with (
        translation.override(language or settings.LANGUAGE_CODE),
        timezone.override(zone or settings.TIME_ZONE),
    ):
        return _prerender(user_id, preferences.download_format(user_id))


def _prerender(user_id: int, preferred_format: str) -> int:
    now = timezone.now()
    hidden = set(HiddenRelease.objects.filter(user_id=user_id).values_list("release_id", flat=True))
    rows = list(IndexedRelease.objects.filter(user_id=user_id).order_by("upstream_position"))
    last = last_downloads_by_release(user_id, None)
    keyed = []
    for row in rows:
        extra = card_extra(row.release_id in hidden)
        key = row_key(
            row,
            extra,
            last.get(row.release_id, {}),
            now=now,
            downloads_enabled=True,
            preferred_format=preferred_format,
        )
        keyed.append((key, row, extra))
    stored = set(RenderedCard.objects.filter(user_id=user_id).values_list("key", flat=True))
    todo = [(key, row, extra) for key, row, extra in keyed if key and key not in stored]
    for start in range(0, len(todo), PRERENDER_BATCH):
        batch = todo[start : start + PRERENDER_BATCH]
        items = locker_releases([row for _, row, _ in batch])
        views = [
            present_release(
                item,
                now=now,
                preferred_format=preferred_format,
                last_downloads=last.get(item.release.id, {}),
            )
            for item in items
        ]
        html = render_cards([(view, extra) for view, (_, _, extra) in zip(views, batch, strict=True)])
        RenderedCard.objects.bulk_create(
            [
                RenderedCard(user_id=user_id, key=key, html=card)
                for (key, _, _), card in zip(batch, html, strict=True)
            ],
            ignore_conflicts=True,
        )
    unused = list(stored - {key for key, _, _ in keyed})
    for start in range(0, len(unused), 500):
        RenderedCard.objects.filter(user_id=user_id, key__in=unused[start : start + 500]).delete()
    return len(todo)


def forget(user_id: int) -> None:
    RenderedCard.objects.filter(user_id=user_id).delete()
