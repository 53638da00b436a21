"""Prometheus metrics (prometheus_client): requests served and 7digital calls made.

- `locker_http_requests_total` and `locker_http_request_duration_seconds` (histogram), by route
  (the URL pattern, never the raw path), method and status: `observe_request`, called by
  `lockersite.logging.RequestIdMiddleware` once per request;
- `locker_upstream_requests_total` and `locker_upstream_request_duration_seconds`, by 7digital
  endpoint and status ("error": no HTTP answer): `observe_upstream`, the SevenDigitalClient
  observer (settings.SEVENDIGITAL_OBSERVER), once per HTTP attempt; it also adds to the current
  request's tally, which the middleware puts in the access log and `Server-Timing`;
- `locker_upstream_paused`: 1 while the circuit breaker (shared, in the database) holds calls back.

Under gunicorn, prometheus_client's multiprocess mode (PROMETHEUS_MULTIPROC_DIR, set by
gunicorn.conf.py) adds up every worker's samples, so any worker answers with the server's totals.
Prometheus scrapes each app server. `/metrics` answers a scraper holding `METRICS_TOKEN` (bearer)
or a user with the `locker_state.view_metrics` permission; 401/403 for everyone else.
"""

from __future__ import annotations

import hmac
import os
from contextvars import ContextVar, Token
from dataclasses import dataclass, field

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4

UPSTREAM_BUCKETS = (0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
CONTENT_TYPE = CONTENT_TYPE_PLAIN_0_0_4
PERMISSION = "locker_state.view_metrics"

HTTP_REQUESTS = Counter(
    "locker_http_requests", "Requests answered, by route, method and status.", ["route", "method", "status"]
)
HTTP_DURATION = Histogram(
    "locker_http_request_duration_seconds",
    "Time to answer a request, by route, method and status.",
    ["route", "method", "status"],
    buckets=REQUEST_BUCKETS,
)
UPSTREAM_REQUESTS = Counter(
    "locker_upstream_requests", "7digital HTTP attempts by endpoint and status.", ["endpoint", "status"]
)
UPSTREAM_DURATION = Histogram(
    "locker_upstream_request_duration_seconds",
    "Time to a 7digital answer, by endpoint and status.",
    ["endpoint", "status"],
    buckets=UPSTREAM_BUCKETS,
)


class BreakerCollector:
    """Read at scrape time: the breaker's state is shared, so every worker gives the same answer."""

    def collect(self):
        from locker.upstream_breaker import breaker

        yield GaugeMetricFamily(
            "locker_upstream_paused",
            "1 while calls to 7digital are paused by the circuit breaker after repeated failures.",
            value=1 if breaker.paused() else 0,
        )


BREAKER = BreakerCollector()
REGISTRY.register(BREAKER)


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


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (bounded label values), not the path a client sent."""
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return match.route
    from lockersite.health import PATHS

    if request.path_info in PATHS:  # answered by HealthCheckMiddleware, before URL resolution
        return request.path_info.lstrip("/")
    return "<unmatched>"


def observe_request(request: HttpRequest, status: int, seconds: float) -> None:
    labels = (route_of(request), request.method or "", str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_DURATION.labels(*labels).observe(seconds)


def observe_upstream(endpoint: str, status: int | None, seconds: float) -> None:
    """SevenDigitalClient observer: one call per HTTP attempt (status None: no HTTP answer)."""
    label = "error" if status is None else str(status)
    UPSTREAM_REQUESTS.labels(endpoint, label).inc()
    UPSTREAM_DURATION.labels(endpoint, label).observe(seconds)
    tally = _current.get()
    if tally is not None:
        tally.calls += 1
        tally.seconds += seconds


# ---- exposition ----------------------------------------------------------------------------


def registry() -> CollectorRegistry:
    """Every worker's samples under gunicorn (multiprocess mode), else this process's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        combined = CollectorRegistry()
        multiprocess.MultiProcessCollector(combined)
        combined.register(BREAKER)
        return combined
    return REGISTRY


def render_prometheus() -> str:
    return generate_latest(registry()).decode()


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
    """Prometheus text for METRICS_TOKEN's scraper or the view_metrics permission; else 401/403."""
    if not _bearer_ok(request):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            response = HttpResponse("Authentication required.\n", status=401, content_type="text/plain")
            response["WWW-Authenticate"] = 'Bearer realm="metrics"'
            return response
        if not (user.is_active and user.has_perm(PERMISSION)):
            return HttpResponse(
                "Reading metrics needs the view_metrics permission.\n", status=403, content_type="text/plain"
            )
    return HttpResponse(render_prometheus(), content_type=CONTENT_TYPE)
