"""A circuit breaker for 7digital, in the shared "state" cache (the database): one breaker for
every worker and app server.

When 7digital keeps failing (SEVENDIGITAL_BREAKER_FAILURES attempts in a row timing out, failing to
connect or answering 5xx; a retried call is two attempts), calls stop for
SEVENDIGITAL_BREAKER_SECONDS: pages serve their last good copy at once and
download clicks are refused at once, instead of every request waiting out the read timeout and
tying up a worker thread. Then one request at a time probes 7digital; the first success closes the
breaker. Cache errors never block a call.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.cache import caches
from django.utils.connection import ConnectionProxy

logger = logging.getLogger(__name__)
cache = ConnectionProxy(caches, "state")

FAILURES = "upstream-breaker:failures"
OPEN = "upstream-breaker:open"
PROBE = "upstream-breaker:probe"


class CircuitBreaker:
    """The client's `breaker`: asked before each 7digital call, told how each call went."""

    def __init__(self) -> None:
        self._seen: tuple[float, bool] | None = None  # (time.monotonic(), paused) last read

    def allow(self) -> bool:
        if not self.paused():
            return True
        try:
            if cache.get(OPEN):
                return False
            probe_seconds = settings.SEVENDIGITAL_CONNECT_TIMEOUT + settings.SEVENDIGITAL_READ_TIMEOUT + 1
            return bool(cache.add(PROBE, 1, int(probe_seconds) + 1))  # one caller tries 7digital
        except Exception:
            return True

    def record(self, ok: bool) -> None:
        threshold = settings.SEVENDIGITAL_BREAKER_FAILURES
        if not threshold:
            return
        self._seen = None
        try:
            if ok:
                if cache.get(FAILURES):
                    cache.delete_many([FAILURES, OPEN, PROBE])
                    logger.warning("7digital answers again: calls resume")
                return
            seconds = settings.SEVENDIGITAL_BREAKER_SECONDS
            # "In a row": a success deletes the count; the expiry only forgets an old, lone failure.
            cache.add(FAILURES, 0, seconds * 6)
            failures = cache.incr(FAILURES)
            cache.touch(FAILURES, seconds * 6)
            if failures >= threshold:
                cache.set(OPEN, 1, seconds)
                cache.delete(PROBE)
                if failures == threshold:
                    logger.warning(
                        "7digital failed %d times in a row: calls paused for %d s", failures, seconds
                    )
        except Exception:
            logger.debug("7digital breaker: cache unavailable, call not recorded")

    def paused(self, max_age: float = 0) -> bool:
        """True while calls are held back: paused, or waiting on the probe. With `max_age`, a
        reading this process took at most that many seconds ago will do (what pages say about
        7digital; a call itself always asks afresh): the breaker lives in the database."""
        seen, now = self._seen, time.monotonic()
        if max_age and seen is not None and now - seen[0] <= max_age:
            return seen[1]
        threshold = settings.SEVENDIGITAL_BREAKER_FAILURES
        try:
            paused = bool(threshold) and (cache.get(FAILURES) or 0) >= threshold
        except Exception:
            paused = False
        self._seen = (now, paused)
        return paused


breaker = CircuitBreaker()
