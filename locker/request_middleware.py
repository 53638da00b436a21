"""The outermost middleware: a request id, Server-Timing, metrics and one access line per request.

`RequestIdMiddleware` (first in MIDDLEWARE) takes a well-formed `X-Request-ID` from the proxy or
makes one, echoes it on the response and sets `lockersite.logging.request_id_var` so every line
logged meanwhile carries it; it adds a `Server-Timing` header (app time, and time spent waiting for
7digital; SERVER_TIMING=0 drops it), counts the request in locker.metrics and logs one access line
(ACCESS_LOG=0 drops it) on the `locker.access` logger, redacted like every other record.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings

from locker import metrics
from lockersite.client_ip import client_ip
from lockersite.logging import redact, request_id_var

access_logger = logging.getLogger("locker.access")

_REQUEST_ID_OK = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")


def valid_request_id(value: str | None) -> str | None:
    """The proxy's X-Request-ID if it is a sane token, else None (we never log raw header junk)."""
    if value and _REQUEST_ID_OK.match(value):
        return value
    return None


class RequestIdMiddleware:
    """Outermost middleware: request id, Server-Timing and one access log line per request."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        self.access_log = settings.ACCESS_LOG
        self.server_timing = settings.SERVER_TIMING

    def __call__(self, request):
        request_id = valid_request_id(request.META.get("HTTP_X_REQUEST_ID")) or uuid.uuid4().hex
        request.request_id = request_id
        token = request_id_var.set(request_id)
        upstream = metrics.begin_request()
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            elapsed_ms = (time.perf_counter() - started) * 1000
            response["X-Request-ID"] = request_id
            if self.server_timing:
                timing = f"app;dur={elapsed_ms:.2f}"
                if upstream.calls:
                    timing += (
                        f', upstream;dur={upstream.seconds * 1000:.2f};desc="7digital x{upstream.calls}"'
                    )
                response["Server-Timing"] = timing
            if self.access_log:
                self._log(request, response, elapsed_ms, upstream)
            metrics.observe_request(request, response.status_code, elapsed_ms / 1000)
            return response
        finally:
            metrics.end_request(upstream)
            request_id_var.reset(token)

    def _log(self, request, response, elapsed_ms: float, upstream: metrics.RequestUpstream) -> None:
        user = getattr(request, "user", None)
        status = response.status_code
        level = logging.ERROR if status >= 500 else logging.INFO
        path = redact(request.path)  # a reset or confirmation key is the path itself
        access_logger.log(
            level,
            "%s %s %s",
            request.method,
            path,
            status,
            extra={
                "method": request.method,
                "path": path,
                "query": redact(request.META.get("QUERY_STRING", "")),
                "status": status,
                "duration_ms": round(elapsed_ms, 2),
                "upstream_calls": upstream.calls,
                "upstream_ms": round(upstream.seconds * 1000, 2),
                "user_id": user.pk if user is not None and getattr(user, "is_authenticated", False) else None,
                "remote_addr": client_ip(request) or request.META.get("REMOTE_ADDR", ""),
            },
        )
