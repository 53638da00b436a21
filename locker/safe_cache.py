"""The default cache as the page modules use it: any backend error (Redis down) is a miss, and
the page still works, only slower."""

from __future__ import annotations

import logging

from django.core.cache import cache

from lockersite.redis_cache import RedisSkipped

logger = logging.getLogger(__name__)


def call(method, *args, default=None, **kwargs):
    """`method(*args, **kwargs)` of the cache, or `default` when the backend fails."""
    try:
        return method(*args, **kwargs)
    except Exception as exc:
        # While Redis is skipped after a failure (logged once there), each call would log again.
        level = logging.DEBUG if isinstance(exc, RedisSkipped) else logging.WARNING
        logger.log(level, "cache unavailable for %s", method.__name__)
        return default


def get(key: str, version: int | None = None):
    return call(cache.get, key, version=version)


def set(key: str, value, seconds: int, version: int | None = None) -> None:  # noqa: A001
    call(cache.set, key, value, seconds, version=version)


def get_many(keys: list[str]) -> dict:
    return call(cache.get_many, keys, default={})


def set_many(values: dict, seconds: int, version: int | None = None) -> None:
    call(cache.set_many, values, seconds, version=version)
