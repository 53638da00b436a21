"""Per-user rate limits and idempotency windows, in the shared "state" cache (the database):
every worker and app server counts in the same place, Redis or not."""

from __future__ import annotations

import contextlib
import logging
import time

from django.core.cache import caches
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)
cache = ConnectionProxy(caches, "state")


class StateUnavailable(Exception):
    """The shared state could not be read or written: nothing may be counted as done."""


def allow(bucket: str, user_id: int, *, limit: int, per_seconds: int) -> bool:
    """Fixed-window counter: at most `limit` hits per window. Fails open if the store is down
    (a claim_once guard still stands between a click and a signed URL)."""
    window = int(time.time() // per_seconds)
    key = f"rl:{bucket}:{user_id}:{window}"
    try:
        if cache.add(key, 1, per_seconds + 1):
            return True
        return cache.incr(key) <= limit
    except Exception as exc:
        logger.warning("rate limit %s not counted: %s", bucket, type(exc).__name__)
        return True


def claim_once(key: str, seconds: int) -> bool:
    """True for the first caller within `seconds`; later callers get False (double clicks).
    Fails closed: raises StateUnavailable when the claim can't be recorded."""
    try:
        return bool(cache.add(f"once:{key}", 1, seconds))
    except Exception as exc:
        logger.error("double-click guard unavailable: %s", type(exc).__name__)
        raise StateUnavailable from exc


def release(key: str) -> None:
    with contextlib.suppress(Exception):  # an unreachable store just keeps the short window
        cache.delete(f"once:{key}")
