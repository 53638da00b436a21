"""The WSGI application: routing, OAuth outcome logging, faults and 7digital's common headers."""

from __future__ import annotations

import re
import sys
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal
from urllib.parse import urlsplit

from . import api, authorise, control, delivery, faults, oauth
from .demo import demo_catalogue
from .store import Account, Store
from .web import (
    ApiError,
    OAuthError,
    Request,
    Response,
    error_response,
    oauth_error_response,
)

RATE_LIMIT = 4000
RATE_WINDOW = 3600
LOG_SIZE = 200


@dataclass(frozen=True)
class Route:
    methods: tuple[str, ...]
    pattern: re.Pattern[str]
    handler: Callable[..., Response]
    xml_errors: bool = False  # the media hosts answer errors in XML whatever `Accept` says


def _route(methods: str, pattern: str, handler: Callable[..., Response], **kw: bool) -> Route:
    return Route(tuple(methods.split()), re.compile(pattern, re.IGNORECASE), handler, **kw)


ROUTES = [
    _route("GET POST", r"/1\.2/oauth/requesttoken/?", api.request_token),
    _route("GET POST", r"/1\.2/oauth/accesstoken/?", api.access_token),
    _route("GET", r"/1\.2/user/details/?", api.user_details),
    _route("GET", r"/1\.2/user/locker/?", api.user_locker),
    _route("GET POST", r"/(?P<consumer_key>[^/]+)/oauth/authorise/?", authorise.authorise),
    _route("GET", r"/media/user/downloadtrack/?", delivery.download_track, xml_errors=True),
    _route("GET", r"/stream/locker/?", delivery.stream_locker, xml_errors=True),
    _route("GET", r"/artwork/(?P<release_id>\d{1,12})_(?P<size>\d{1,4})\.png", delivery.artwork),
]


class RequestLog:
    """The last requests (control ones aside), for tests and for puzzled developers."""

    def __init__(self) -> None:
        self._entries: deque[dict] = deque(maxlen=LOG_SIZE)
        self._lock = threading.Lock()

    def begin(self, req: Request) -> dict:
        """A request's entry, logged as it arrives: a slow answer still being sent after the log
        was cleared (a test that gave up waiting) belongs to before, not to the next reader."""
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "method": req.method,
            "path": req.path,
            "status": None,
            "oauth": None,
            "ms": None,
        }
        with self._lock:
            self._entries.append(entry)
        return entry

    def finish(self, entry: dict, req: Request, status: int, started: float) -> None:
        with self._lock:
            entry.update(
                status=status,
                oauth=req.oauth_outcome,
                ms=round((time.monotonic() - started) * 1000, 1),
            )

    def entries(self, path_prefix: str = "") -> list[dict]:
        with self._lock:
            return [e for e in self._entries if e["path"].startswith(path_prefix)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class RateCounter:
    """Counts requests per clock hour for 7digital's X-RateLimit-* headers (never enforced)."""

    def __init__(self) -> None:
        self._window = 0
        self._count = 0
        self._lock = threading.Lock()

    def headers(self) -> list[tuple[str, str]]:
        now = time.time()
        with self._lock:
            window = int(now // RATE_WINDOW)
            if window != self._window:
                self._window, self._count = window, 0
            self._count += 1
            count = self._count
        reset = int((window + 1) * RATE_WINDOW - now)
        return [
            ("X-RateLimit-Current", str(count)),
            ("X-RateLimit-Limit", str(RATE_LIMIT)),
            ("X-RateLimit-Reset", str(reset)),
        ]


class SandboxApp:
    def __init__(self, store: Store, base_url: str, auto_approve: str | None = None) -> None:
        self.store = store
        self.catalogue = demo_catalogue()
        self.base_url = base_url.rstrip("/")
        parts = urlsplit(self.base_url)
        self.base_origin = f"{parts.scheme}://{parts.netloc}"
        self.auto_approve = auto_approve
        self.stopping = threading.Event()  # set on shutdown: ends injected hangs early
        self.request_log = RequestLog()
        self.rate = RateCounter()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.monotonic()
        req = Request.from_environ(environ)
        entry = None if control.is_control(req.path) else self.request_log.begin(req)
        response = self.handle(req)
        if entry is not None:
            self.request_log.finish(entry, req, response.status, started)
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(response.content_length)),
            *response.headers,
            *self.rate.headers(),
        ]
        start_response(response.status_line, headers)
        return response.chunks if response.chunks is not None else [response.body]

    def handle(self, req: Request) -> Response:
        if control.is_control(req.path):
            return control.handle(self, req)
        config = faults.current(self.store)
        injected = faults.inject(config, req, self.stopping)
        if injected is not None:
            return injected
        return faults.deliver(config, req, self._answer(req), self.stopping)

    def _answer(self, req: Request) -> Response:
        route, args = self._match(req)
        try:
            if route is None:
                raise ApiError(2001, "Resource not found")
            if req.method not in route.methods:
                raise ApiError(2001, f"Method {req.method} not allowed", status=405)
            return route.handler(self, req, **args)
        except OAuthError as error:
            req.oauth_outcome = str(error)
            return oauth_error_response(str(error))
        except ApiError as error:
            return error_response(None if route and route.xml_errors else req, error)
        except Exception:
            traceback.print_exc(file=sys.stderr)
            return error_response(req, ApiError(9001, "An unexpected error occurred", 500))

    def _match(self, req: Request) -> tuple[Route | None, dict[str, str]]:
        for route in ROUTES:
            match = route.pattern.fullmatch(req.path)
            if match:
                return route, match.groupdict()
        return None, {}

    def verify(
        self,
        req: Request,
        token_kind: Literal["access", "request"] = "access",
        token_required: bool = True,
        replay_for: float = 0,
    ) -> oauth.Verified:
        # Clients sign the URL they were handed, which may be the public base URL (behind a proxy).
        origins = list(dict.fromkeys([req.origin, self.base_origin]))
        verified = oauth.verify(self.store, req, origins, token_kind, token_required, replay_for)
        req.oauth_outcome = "ok"
        return verified

    def account_for(self, verified: oauth.Verified) -> Account:
        account_id = verified.token.account_id if verified.token else None
        account = self.store.account(account_id) if account_id else None
        if account is None:
            raise OAuthError(oauth.DENIED)
        return account

    def auto_approve_account(self) -> Account | None:
        email = self.auto_approve or faults.current(self.store)["auto_approve"]
        return self.store.account_by_email(email) if email else None
