"""Health endpoints for load balancers and orchestrators.

- `/healthz`: the process is alive and serving (touches nothing else).
- `/readyz`: the database and the shared state (in the database) answer, else 503 with the failing
  check named, so a load balancer takes this app server out of rotation. The page cache (Redis)
  is checked and named when down, but only makes the answer "degraded" (still 200): the site
  works without it, and a 503 from every server at once would turn a Redis outage into a site
  outage. 7digital is deliberately not checked: when it is down, last good copies are served.

One spelling each (no trailing slash), which is what deploy/nginx.conf keeps from the public.

`HealthCheckMiddleware` sits near the top of MIDDLEWARE and answers both paths before host
validation, the HTTPS redirect and sessions, so probes that address the server by IP over plain
HTTP work. The same views are also routed in `lockersite/urls.py`.
"""

from __future__ import annotations

import logging
import os
import time
import uuid

from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

PROBE_KEY = "readyz:probe"


def check_database(alias: str = "default") -> None:
    with connections[alias].cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not answer 1")


def check_cache(alias: str = "default") -> None:
    cache = caches[alias]
    value = uuid.uuid4().hex
    key = f"{PROBE_KEY}:{os.getpid()}"
    cache.set(key, value, 30)
    if cache.get(key) != value:
        raise RuntimeError("the cache did not return what was just stored")


def check_state() -> None:
    caches["state"].get(PROBE_KEY)


CHECKS = {"database": check_database, "state": check_state, "cache": check_cache}
REQUIRED = {"database", "state"}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    results: dict[str, str] = {}
    timings: dict[str, float] = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            check()
            results[name] = "ok"
        except Exception as exc:
            results[name] = f"error: {type(exc).__name__}"
            logger.error("readiness check %s failed: %s", name, type(exc).__name__)
        timings[name] = round((time.perf_counter() - started) * 1000, 2)
    failed = {name for name, result in results.items() if result != "ok"}
    status = "unavailable" if failed & REQUIRED else "degraded" if failed else "ok"
    return JsonResponse(
        {"status": status, "checks": results, "ms": timings}, status=503 if status == "unavailable" else 200
    )


PATHS = {"/healthz": healthz, "/readyz": readyz}


class HealthCheckMiddleware:
    """Answer /healthz and /readyz for GET/HEAD before host checks, HTTPS redirects and sessions."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        view = PATHS.get(request.path_info)
        if view is not None and request.method in ("GET", "HEAD"):
            return view(request)
        return self.get_response(request)
