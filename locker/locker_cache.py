"""Per-customer cache of locker pages: a short-lived fresh copy, its rendered HTML, and a long-lived
last good copy.

Invalidation bumps a per-user generation number, so every fresh page (and its HTML) of that user is
dropped at once while the last good copies stay available for outages. A request reads the
generation once (its `CacheKeys`), so a page fetched before a download can never be stored as fresh
after it. Cache failures (Redis down) count as misses: the page still works, just slower.
"""

from __future__ import annotations

import pickle
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache

from locker import safe_cache

# Bumped when the stored format changes (v2: pages wrapped in `Cached`), so that during a rolling
# deploy old and new workers sharing one Redis never read each other's entries.
VERSION = "v2"


@dataclass(frozen=True, slots=True)
class CacheKeys:
    """The cache keys of one customer's page, for one generation."""

    generation: int
    fresh_key: str
    html_key: str  # holds (generation, html): read with the generation in one round trip
    last_good_key: str
    user_id: int


@dataclass(frozen=True, slots=True)
class Cached:
    value: Any
    stored_at: float  # time.time() when the value came from 7digital


def keys_for(user_id: int, query_key: str) -> CacheKeys:
    generation = safe_cache.call(cache.get, _generation_key(user_id), default=0) or 0
    return _keys(user_id, generation, query_key)


def _keys(user_id: int, generation: int, query_key: str, variant: str = "") -> CacheKeys:
    return CacheKeys(
        generation,
        f"locker:{VERSION}:page:{user_id}:{generation}:{query_key}",
        _html_key(user_id, f"{query_key}:{variant}" if variant else query_key),
        f"locker:{VERSION}:last-good:{user_id}:{query_key}",
        user_id,
    )


def _generation_key(user_id: int) -> str:
    return f"locker:gen:{user_id}"


def _html_key(user_id: int, query_key: str) -> str:
    return f"locker:{VERSION}:html:{user_id}:{query_key}"


def get_fresh(keys: CacheKeys) -> Cached | None:
    return _load(safe_cache.call(cache.get, keys.fresh_key))


def get_last_good(keys: CacheKeys) -> Any | None:
    cached = _load(safe_cache.call(cache.get, keys.last_good_key))
    return cached.value if cached else None


def store(keys: CacheKeys, value: Any) -> Cached:
    cached = Cached(value, time.time())
    blob = pickle.dumps(cached, protocol=pickle.HIGHEST_PROTOCOL)
    safe_cache.call(cache.set, keys.fresh_key, blob, settings.LOCKER_CACHE_SECONDS)
    safe_cache.call(cache.set, keys.last_good_key, blob, settings.LOCKER_STALE_SECONDS)
    return cached


def lookup(user_id: int, query_key: str, variant: str = "") -> tuple[CacheKeys, Any, Any]:
    """The page's cache keys, its rendered HTML and what store_facts stored for the customer, each
    only if stored in the customer's current generation (else None): one cache round trip for all.
    `variant` tells renders of one page apart (language, time zone). The HTML is what store_html or
    store_html_for stored."""
    names = [_generation_key(user_id), _keys(user_id, 0, query_key, variant).html_key, _facts_key(user_id)]
    found = safe_cache.call(cache.get_many, names, default={})
    generation = found.get(names[0]) or 0
    html, facts = (_current(found.get(name), generation) for name in names[1:])
    return _keys(user_id, generation, query_key, variant), html, facts


def store_facts(keys: CacheKeys, facts: Any, seconds: int) -> None:
    """Keep what every page of the customer reads (their link, say) until their generation moves."""
    safe_cache.call(cache.set, _facts_key(keys.user_id), (keys.generation, facts), seconds)


def _facts_key(user_id: int) -> str:
    return f"locker:{VERSION}:facts:{user_id}"


def _current(stored: Any, generation: int) -> Any:
    fresh = isinstance(stored, tuple) and len(stored) == 2 and stored[0] == generation
    return stored[1] if fresh else None


def store_html(keys: CacheKeys, html: tuple[bytes, ...], stored_at: float) -> None:
    """Keep the rendered page exactly as long as the page it shows stays fresh."""
    seconds = int(settings.LOCKER_CACHE_SECONDS - (time.time() - stored_at))
    if seconds >= 1:
        safe_cache.call(cache.set, keys.html_key, (keys.generation, html), seconds)


def store_html_for(keys: CacheKeys, value: Any, seconds: int) -> None:
    """Like store_html, for a value that stays valid `seconds` (index pages: locker/page_html.py)."""
    if seconds >= 1:
        safe_cache.call(cache.set, keys.html_key, (keys.generation, value), seconds)


def invalidate(user_id: int) -> None:
    """Drop every fresh page of this user (after a download, and whenever their link changes)."""
    key = _generation_key(user_id)
    if safe_cache.call(cache.add, key, 1, None) is False:
        safe_cache.call(cache.incr, key)


def _load(blob: bytes | None) -> Cached | None:
    if blob is None:
        return None
    try:
        cached = pickle.loads(blob)  # noqa: S301 (our own objects, written by store())
    except Exception:  # an entry from an older code version: treat as a miss
        return None
    return cached if isinstance(cached, Cached) else None
