"""The default cache as the page modules use it: any backend error (Redis down) is a miss, and
the page still works, only slower."""

from __future__ import annotations

import logging

from django.core.cache import cache

logger = logging.getLogger(__name__)


def get(key: str, version: int | None = None):
    try:
        return cache.get(key, version=version)
    except Exception:
        logger.warning("cache unavailable for a locker page")
        return None


def set(key: str, value, seconds: int, version: int | None = None) -> None:  # noqa: A001
    try:
        cache.set(key, value, seconds, version=version)
    except Exception:
        logger.warning("cache unavailable for a locker page")


def get_many(keys: list[str]) -> dict:
    try:
        return cache.get_many(keys)
    except Exception:
        logger.warning("cache unavailable for locker cards")
        return {}


def set_many(values: dict, seconds: int) -> None:
    try:
        cache.set_many(values, seconds)
    except Exception:
        logger.warning("cache unavailable for locker cards")
