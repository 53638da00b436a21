"""Upstream (7digital) call metrics: count and latency by endpoint and status, for Prometheus.

`observe_upstream` is the SevenDigitalClient observer (settings.SEVENDIGITAL_OBSERVER): it runs once
per HTTP attempt and records it
- in this process's memory, always;
- in Redis when the default cache is Redis, so that one scrape of any app server sees the totals of
  every worker on every server (one pipelined round trip per attempt; errors are ignored);
- in the current request's tally, which `lockersite.logging.RequestIdMiddleware` puts in the
  access log and the `Server-Timing` header.

`/metrics` (staff users, or `Authorization: Bearer $METRICS_TOKEN`) answers the Prometheus text format.
"""

from __future__ import annotations

import hmac
import logging
import os
import threading
from collections import defaultdict
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from locker.upstream_breaker import breaker

logger = logging.getLogger(__name__)

BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
SHARED_KEY = "metrics:upstream:v1"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


# ---- per request ---------------------------------------------------------------------------


@dataclass
class RequestUpstream:
    """What one request spent on 7digital (set up and torn down by RequestIdMiddleware)."""

    calls: int = 0
    seconds: float = 0.0
    token: Token | None = field(default=None, repr=False)


_current: ContextVar[RequestUpstream | None] = ContextVar("upstream_tally", default=None)


def begin_request() -> RequestUpstream:
    tally = RequestUpstream()
    tally.token = _current.set(tally)
    return tally


def end_request(tally: RequestUpstream) -> None:
    if tally.token is not None:
        _current.reset(tally.token)
        tally.token = None


# ---- series --------------------------------------------------------------------------------


@dataclass
class Series:
    count: int = 0
    seconds: float = 0.0
    buckets: list[int] | None = None  # non-cumulative counts per BUCKETS slot, plus +Inf last

    def add(self, seconds: float) -> None:
        if self.buckets is None:
            self.buckets = [0] * (len(BUCKETS) + 1)
        self.count += 1
        self.seconds += seconds
        self.buckets[_slot(seconds)] += 1


def _slot(seconds: float) -> int:
    for index, bound in enumerate(BUCKETS):
        if seconds <= bound:
            return index
    return len(BUCKETS)


def _status_label(status: int | None) -> str:
    return "error" if status is None else str(status)


class ProcessMetrics:
    """This process's counters (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[tuple[str, str], Series] = defaultdict(Series)

    def add(self, endpoint: str, status: str, seconds: float) -> None:
        with self._lock:
            self._series[(endpoint, status)].add(seconds)

    def snapshot(self) -> dict[tuple[str, str], Series]:
        with self._lock:
            return {key: Series(s.count, s.seconds, list(s.buckets or [])) for key, s in self._series.items()}

    def reset(self) -> None:
        with self._lock:
            self._series.clear()


process_metrics = ProcessMetrics()


# ---- the shared store (Redis) --------------------------------------------------------------


def _redis():
    """(redis client, hash key) when the metrics cache is Redis, else None."""
    from django.core.cache.backends.redis import RedisCache

    cache = caches[getattr(settings, "METRICS_CACHE_ALIAS", "default")]
    if not isinstance(cache, RedisCache):
        return None
    key = cache.make_and_validate_key(SHARED_KEY)
    return cache._cache.get_client(key, write=True), key


def _record_shared(endpoint: str, status: str, seconds: float) -> None:
    try:
        target = _redis()
        if target is None:
            return
        client, key = target
        field = f"{endpoint}|{status}"
        pipe = client.pipeline(transaction=False)
        pipe.hincrby(key, f"{field}|count", 1)
        pipe.hincrbyfloat(key, f"{field}|sum", seconds)
        pipe.hincrby(key, f"{field}|b{_slot(seconds)}", 1)
        pipe.execute()
    except Exception as exc:  # metrics never break a customer's request
        logger.debug("shared upstream metrics unavailable: %s", type(exc).__name__)


def shared_snapshot() -> dict[tuple[str, str], Series] | None:
    """Every app server's totals from Redis; None without Redis (or when it is unreachable)."""
    try:
        target = _redis()
        if target is None:
            return None
        client, key = target
        raw = client.hgetall(key)
    except Exception as exc:
        logger.warning("shared upstream metrics unavailable: %s", type(exc).__name__)
        return None
    series: dict[tuple[str, str], Series] = defaultdict(lambda: Series(buckets=[0] * (len(BUCKETS) + 1)))
    for name, value in raw.items():
        name = name.decode() if isinstance(name, bytes) else name
        value = value.decode() if isinstance(value, bytes) else value
        endpoint, _, rest = name.partition("|")
        status, _, part = rest.partition("|")
        item = series[(endpoint, status)]
        if part == "count":
            item.count = int(value)
        elif part == "sum":
            item.seconds = float(value)
        elif part.startswith("b") and part[1:].isdigit() and int(part[1:]) <= len(BUCKETS):
            item.buckets[int(part[1:])] = int(value)
    return dict(series)


def reset_shared() -> None:
    try:
        target = _redis()
        if target is not None:
            target[0].delete(target[1])
    except Exception as exc:
        logger.warning("could not reset shared upstream metrics: %s", type(exc).__name__)


# ---- the observer --------------------------------------------------------------------------


def observe_upstream(endpoint: str, status: int | None, seconds: float) -> None:
    """SevenDigitalClient observer: one call per HTTP attempt (status None: no HTTP answer)."""
    label = _status_label(status)
    process_metrics.add(endpoint, label, seconds)
    tally = _current.get()
    if tally is not None:
        tally.calls += 1
        tally.seconds += seconds
    _record_shared(endpoint, label, seconds)


# ---- Prometheus text -----------------------------------------------------------------------


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def _families(prefix: str, series: dict[tuple[str, str], Series], extra: str, scope_help: str) -> list[str]:
    lines = [
        f"# HELP {prefix}_requests_total 7digital HTTP attempts by endpoint and status ({scope_help}).",
        f"# TYPE {prefix}_requests_total counter",
    ]
    for (endpoint, status), item in sorted(series.items()):
        labels = f'endpoint="{_escape(endpoint)}",status="{_escape(status)}"{extra}'
        lines.append(f"{prefix}_requests_total{{{labels}}} {item.count}")
    lines += [
        f"# HELP {prefix}_request_duration_seconds Time to a 7digital answer ({scope_help}).",
        f"# TYPE {prefix}_request_duration_seconds histogram",
    ]
    for (endpoint, status), item in sorted(series.items()):
        labels = f'endpoint="{_escape(endpoint)}",status="{_escape(status)}"{extra}'
        buckets = item.buckets or [0] * (len(BUCKETS) + 1)
        running = 0
        for bound, hits in zip((*map(_number, BUCKETS), "+Inf"), buckets, strict=True):
            running += hits
            lines.append(f'{prefix}_request_duration_seconds_bucket{{{labels},le="{bound}"}} {running}')
        lines.append(f"{prefix}_request_duration_seconds_sum{{{labels}}} {_number(item.seconds)}")
        lines.append(f"{prefix}_request_duration_seconds_count{{{labels}}} {item.count}")
    return lines


def render_prometheus() -> str:
    shared = shared_snapshot()
    local = process_metrics.snapshot()
    lines = [
        "# HELP locker_upstream_metrics_shared 1 when the locker_upstream_* totals cover every app "
        "server (Redis), 0 when they are this process's only.",
        "# TYPE locker_upstream_metrics_shared gauge",
        f"locker_upstream_metrics_shared {1 if shared is not None else 0}",
    ]
    if shared is not None:
        lines += _families("locker_upstream", shared, "", "all app servers")
    else:
        lines += _families("locker_upstream", local, "", "this process")
    lines += _families(
        "locker_process_upstream", local, f',pid="{os.getpid()}"', "this worker process since it started"
    )
    lines += [
        "# HELP locker_upstream_paused 1 while calls to 7digital are paused by the circuit breaker "
        "after repeated failures (SEVENDIGITAL_BREAKER_*).",
        "# TYPE locker_upstream_paused gauge",
        f"locker_upstream_paused {1 if breaker.paused() else 0}",
    ]
    return "\n".join(lines) + "\n"


# ---- the view ------------------------------------------------------------------------------


def _bearer_ok(request: HttpRequest) -> bool:
    expected = getattr(settings, "METRICS_TOKEN", "")
    header = request.headers.get("Authorization", "")
    scheme, _, supplied = header.partition(" ")
    if not expected or scheme.lower() != "bearer" or not supplied.strip():
        return False
    return hmac.compare_digest(supplied.strip().encode(), expected.encode())


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    """Prometheus text for staff users or a scraper holding METRICS_TOKEN; 401/403 for everyone else."""
    if not _bearer_ok(request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            response = HttpResponse("Authentication required.\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not (user.is_active and user.is_staff):
            return HttpResponse("Staff only.\n", status=403, content_type="text/plain")
    return HttpResponse(render_prometheus(), content_type=CONTENT_TYPE)
