"""Per-customer cache of locker pages: a short-lived fresh copy plus a long-lived last good copy.

Invalidation bumps a per-user generation number, so every fresh page of that user is dropped at
once while the last good copies stay available for outages. Cache failures (Redis down) count as
misses: the page still works, just slower.
"""

from __future__ import annotations

import logging
import pickle
from typing import Any

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)


def _safe(call, *args, default=None):
    try:
        return call(*args)
    except Exception:  # any backend error (e.g. Redis unreachable) degrades to "no cache"
        logger.warning("cache unavailable for %s", call.__name__, exc_info=False)
        return default


def _generation(user_id: int) -> int:
    return _safe(cache.get, f"locker:gen:{user_id}", default=0) or 0


def _keys(user_id: int, query_key: str) -> tuple[str, str]:
    fresh = f"locker:page:{user_id}:{_generation(user_id)}:{query_key}"
    stale = f"locker:last-good:{user_id}:{query_key}"
    return fresh, stale


def get_fresh(user_id: int, query_key: str) -> Any | None:
    return _load(_safe(cache.get, _keys(user_id, query_key)[0]))


def get_last_good(user_id: int, query_key: str) -> Any | None:
    return _load(_safe(cache.get, _keys(user_id, query_key)[1]))


def store(user_id: int, query_key: str, value: Any) -> None:
    fresh, stale = _keys(user_id, query_key)
    blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    _safe(cache.set_many, {fresh: blob}, settings.LOCKER_CACHE_SECONDS)
    _safe(cache.set, stale, blob, settings.LOCKER_STALE_SECONDS)


def invalidate(user) -> None:
    """Drop every fresh page of this user (after a download, relink or unlink)."""
    key = f"locker:gen:{user.pk}"
    if _safe(cache.add, key, 1, None) is False:
        _safe(cache.incr, key)


def _load(blob: bytes | None) -> Any | None:
    if blob is None:
        return None
    try:
        return pickle.loads(blob)  # noqa: S301 (our own objects, written by store())
    except Exception:  # an entry from an older code version: treat as a miss
        return None
