"""Fault injection: latency, 500s, garbage bodies, hangs and rate limiting, configured at runtime.

The config lives in the store so a restart keeps it and `reset` clears it. It also holds two
switches that are not faults but change 7digital-visible behaviour: the token answer format and
auto-approval of the authorise page.
"""

from __future__ import annotations

import threading

from .store import Store
from .web import ApiError, Request, Response, error_response

MODES = ("none", "error500", "garbage", "timeout", "ratelimit")
TOKEN_FORMATS = ("form", "xml")
DEFAULTS: dict = {
    "latency_ms": 0,
    "mode": "none",
    "paths": [],  # path prefixes the latency and mode apply to; empty means every non-control path
    "token_format": "form",
    "auto_approve": None,
}
TIMEOUT_SECONDS = 30
MAX_LATENCY_MS = 120_000
GARBAGE_JSON = b'{"status":"ok","version":"1.2","locker":{"lockerReleases":{"page":1,"pag'
GARBAGE_XML = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<response status="ok" version="1.2">'
    b"<locker><lockerReleases><page>1</pa"
)


def current(store: Store) -> dict:
    return DEFAULTS | (store.setting("faults") or {})


def update(store: Store, changes: dict) -> dict:
    """Merge `changes` into the stored config; ValueError names the first bad field."""
    config = current(store)
    for name, value in changes.items():
        if name not in DEFAULTS:
            raise ValueError(f"unknown field {name!r}; known: {', '.join(DEFAULTS)}")
        config[name] = _checked(store, name, value)
    store.set_setting("faults", config)
    return config


def _checked(store: Store, name: str, value: object) -> object:
    match name:
        case "latency_ms":
            valid = type(value) is int and 0 <= value <= MAX_LATENCY_MS
        case "mode":
            valid = value in MODES
        case "paths":
            valid = isinstance(value, list) and all(
                isinstance(p, str) and p.startswith("/") for p in value
            )
        case "token_format":
            valid = value in TOKEN_FORMATS
        case _:  # auto_approve: an account's email, or None
            valid = value is None or (
                isinstance(value, str) and store.account_by_email(value) is not None
            )
    if not valid:
        raise ValueError(f"invalid {name}: {value!r}")
    return value


def _applies(config: dict, path: str) -> bool:
    return not config["paths"] or any(path.startswith(p) for p in config["paths"])


def inject(config: dict, req: Request, stopping: threading.Event) -> Response | None:
    """Apply the configured fault to a request: a response to send instead, or None to go on."""
    if not _applies(config, req.path):
        return None
    if config["latency_ms"]:
        stopping.wait(config["latency_ms"] / 1000)
    match config["mode"]:
        case "error500":
            return error_response(req, ApiError(9001, "An unexpected error occurred", 500))
        case "garbage":
            if req.wants_json:
                return Response(200, GARBAGE_JSON, "application/json; charset=utf-8")
            return Response(200, GARBAGE_XML, "application/xml; charset=utf-8")
        case "ratelimit":
            response = error_response(req, ApiError(7001, "Rate limit exceeded", 429))
            response.headers.append(("Retry-After", "60"))
            return response
        case "timeout":
            # Waiting on the event (not time.sleep) lets a server shutdown end the hang early.
            stopping.wait(TIMEOUT_SECONDS)
    return None
