"""Per-user rate limits and idempotency windows, kept in the shared cache (Redis in production)."""

from __future__ import annotations

import contextlib
import time

from django.core.cache import cache


def allow(bucket: str, user_id: int, *, limit: int, per_seconds: int) -> bool:
    """Fixed-window counter: at most `limit` hits per window. Fails open if the cache is down."""
    window = int(time.time() // per_seconds)
    key = f"rl:{bucket}:{user_id}:{window}"
    try:
        if cache.add(key, 1, per_seconds + 1):
            return True
        return cache.incr(key) <= limit
    except Exception:
        return True


def claim_once(key: str, seconds: int) -> bool:
    """True for the first caller within `seconds`; later callers get False (double clicks)."""
    try:
        return bool(cache.add(f"once:{key}", 1, seconds))
    except Exception:
        return True


def release(key: str) -> None:
    with contextlib.suppress(Exception):  # an unreachable cache just keeps the short window
        cache.delete(f"once:{key}")
