"""Fetch a customer's locker page: cache first, then at most one call to 7digital.

Failures never reach the customer as a traceback: a rejected token marks the link for relinking,
and other upstream trouble serves the last good copy (downloads paused) or a friendly error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.dispatch import Signal
from django.utils.translation import gettext as _

from locker import locker_cache, wording
from locker.crypto import TokenDecryptionError
from locker.models import SevenDigitalLink
from locker.query import LockerQuery
from locker.sevendigital import client as sevendigital
from locker.sevendigital.errors import RateLimited, RelinkNeeded, SevenDigitalError, UpstreamTimeout
from locker.sevendigital.types import LockerPage

logger = logging.getLogger(__name__)

# Sent after a page arrives from 7digital (not from the cache): link=SevenDigitalLink, page=LockerPage.
locker_fetched = Signal()


@dataclass(frozen=True, slots=True)
class LockerResult:
    page: LockerPage | None
    stale: bool = False  # the last good copy, shown because 7digital failed just now
    error: str = ""  # customer-facing explanation when something went wrong
    relink: bool = False
    fetched_at: float | None = None  # when a fresh page came from 7digital (None when stale)

    @property
    def downloads_enabled(self) -> bool:
        return self.page is not None and not self.stale and not self.relink


def load_locker(
    link: SevenDigitalLink,
    query: LockerQuery,
    *,
    refresh: bool = False,
    keys: locker_cache.CacheKeys | None = None,
) -> LockerResult:
    user_id = link.user_id
    keys = keys or locker_cache.keys_for(user_id, query.cache_key)
    if link.needs_relink:
        return LockerResult(
            locker_cache.get_last_good(keys),
            stale=True,
            error=str(wording.RELINK),
            relink=True,
        )
    if not refresh:
        cached = locker_cache.get_fresh(keys)
        if cached is not None:
            return LockerResult(cached.value, fetched_at=cached.stored_at)
    try:
        page = sevendigital.get_locker(
            link.get_token(), page=query.page, page_size=query.page_size, sort=query.sort
        )
    except (RelinkNeeded, TokenDecryptionError) as exc:
        logger.info("7digital link of user %s needs relinking: %s", user_id, type(exc).__name__)
        link.mark_needs_relink(str(exc) or type(exc).__name__)
        return LockerResult(
            locker_cache.get_last_good(keys),
            stale=True,
            error=str(wording.RELINK),
            relink=True,
        )
    except SevenDigitalError as exc:
        logger.warning("locker fetch failed for user %s: %s %s", user_id, type(exc).__name__, exc.message)
        return LockerResult(locker_cache.get_last_good(keys), stale=True, error=_explain(exc))
    stored = locker_cache.store(keys, page)
    locker_fetched.send_robust(sender=SevenDigitalLink, link=link, page=page)
    return LockerResult(page, fetched_at=stored.stored_at)


def _explain(exc: SevenDigitalError) -> str:
    if isinstance(exc, UpstreamTimeout):
        return _("7digital is taking too long to answer right now.")
    if isinstance(exc, RateLimited):
        return _("7digital is busy right now.")
    return _("We couldn't load your locker from 7digital just now.")
