"""Redis as configured from REDIS_URL fails fast: short timeouts, no retries, then skipped for a
few seconds; sessions never depend on it. Against a redis-server of the test's own."""

from __future__ import annotations

import os
import time

import pytest
from django.core.cache import caches
from redis.backoff import NoBackoff
from redis.retry import Retry

from lockersite import redis_cache
from tests.helpers import settings_in_subprocess


def configured(production_env, redis_url: str) -> dict:
    options = "s.CACHES['default']['OPTIONS']"
    expression = (
        "{'backend': s.CACHES['default']['BACKEND'], 'state': s.CACHES['state']['BACKEND'], "
        f"'sessions': s.SESSION_ENGINE, 'connect': {options}['socket_connect_timeout'], "
        f"'read': {options}['socket_timeout'], 'retries': {options}['retry'].get_retries(), "
        f"'skip': {options}['skip_seconds']}}"
    )
    return settings_in_subprocess(expression, dict(production_env, REDIS_URL=redis_url))


def test_redis_url_gives_a_fast_failing_page_cache_and_database_sessions(production_env, redis_server):
    values = configured(production_env, redis_server.url)
    assert values["backend"] == "lockersite.redis_cache.ResilientRedisCache"
    assert values["state"] == "locker.state.cache.DatabaseStateCache"
    assert values["sessions"] == "django.contrib.sessions.backends.db"
    assert values["connect"] <= 0.25 and values["read"] <= 0.25
    assert values["retries"] == 0
    assert values["skip"] > 0


@pytest.fixture
def frozen_redis_cache(settings, redis_server):
    values = configured(dict(os.environ, DJANGO_SETTINGS_MODULE="lockersite.settings"), redis_server.url)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": values["backend"],
            "LOCATION": redis_server.url,
            "OPTIONS": {
                "socket_connect_timeout": values["connect"],
                "socket_timeout": values["read"],
                "retry": Retry(NoBackoff(), values["retries"]),
                "skip_seconds": 1,
            },
        },
    }
    redis_cache._down_until.clear()
    cache = caches["default"]
    cache.set("warm", 1)  # a pooled connection, as in a running worker
    redis_server.freeze()
    yield cache
    redis_server.thaw()
    redis_cache._down_until.clear()


def timed(call) -> tuple[float, BaseException | None]:
    started = time.perf_counter()
    try:
        call()
        error = None
    except Exception as exc:  # noqa: BLE001
        error = exc
    return time.perf_counter() - started, error


def test_a_frozen_redis_costs_one_short_timeout_then_is_skipped(frozen_redis_cache, redis_server):
    first, error = timed(lambda: frozen_redis_cache.get("warm"))
    assert error is not None and first < 1.0, (first, error)  # one 0.25 s timeout, well under a second
    for _ in range(20):
        _, error = timed(lambda: frozen_redis_cache.get("warm"))
        assert isinstance(error, redis_cache.RedisSkipped)  # skipped: no network round trip at all
    redis_server.thaw()
    redis_cache._down_until.clear()  # the skip's seconds are over (injected, not slept): Redis is tried
    assert frozen_redis_cache.get("warm") == 1


def test_clear_deletes_only_its_own_keys(redis_server):
    """Tests, xdist workers and sites may share one Redis database: clearing one cache (FLUSHDB in
    Django's backend) must leave the others' keys, even where its prefix looks like a pattern."""
    import redis

    ours = redis_cache.ResilientRedisCache(redis_server.url, {"KEY_PREFIX": "site*"})
    theirs = redis_cache.ResilientRedisCache(redis_server.url, {"KEY_PREFIX": "site-b"})
    ours.set("page", "ours")
    theirs.set("page", "theirs")
    raw = redis.Redis.from_url(redis_server.url)
    raw.set("unprefixed", "kept")
    ours.clear()
    assert ours.get("page") is None
    assert theirs.get("page") == "theirs"
    assert raw.get("unprefixed") == b"kept"
