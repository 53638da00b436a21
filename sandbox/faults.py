"""Fault injection, configured at runtime: latency, 500s, garbage bodies, hangs, rate limiting,
and answers that misbehave after their headers: a stalled or trickling body, a redirect to another
host, a parseable answer padded to a huge size.

The config lives in the store so a restart keeps it and `reset` clears it. It also holds two
switches that are not faults but change 7digital-visible behaviour: the token answer format and
auto-approval of the authorise page.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

from .store import Store
from .web import ApiError, Request, Response, error_response, redirect

MODES = (
    "none",
    "error500",
    "garbage",
    "timeout",
    "ratelimit",
    "stall",
    "trickle",
    "redirect",
    "huge",
)
TOKEN_FORMATS = ("form", "xml")
DEFAULTS: dict = {
    "latency_ms": 0,
    "mode": "none",
    "paths": [],  # path prefixes the latency and mode apply to; empty means every non-control path
    "token_format": "form",
    "auto_approve": None,
    "trickle_ms": 2000,  # "trickle": one byte of the body per this many milliseconds
    "redirect_to": "http://169.254.169.254/latest/meta-data/",  # "redirect": the Location
    "huge_bytes": 40_000_000,  # "huge": the real answer, padded with whitespace to this size
}
TIMEOUT_SECONDS = 30
MAX_LATENCY_MS = 120_000
MAX_HUGE_BYTES = 1 << 30
PAD_CHUNK = b" " * (1 << 20)
GARBAGE_JSON = b'{"status":"ok","version":"1.2","locker":{"lockerReleases":{"page":1,"pag'
GARBAGE_XML = (
    b'<?xml version="1.0" encoding="utf-8"?>\n<response status="ok" version="1.2">'
    b"<locker><lockerReleases><page>1</pa"
)


def current(store: Store) -> dict:
    saved = store.setting("faults")
    return DEFAULTS | (saved if isinstance(saved, dict) else {})


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
        case "trickle_ms":
            valid = type(value) is int and 1 <= value <= MAX_LATENCY_MS
        case "huge_bytes":
            valid = type(value) is int and 0 <= value <= MAX_HUGE_BYTES
        case "redirect_to":
            valid = isinstance(value, str) and value.startswith(("http://", "https://", "/"))
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
        case "redirect":
            return redirect(config["redirect_to"])
    return None


def deliver(config: dict, req: Request, response: Response, stopping: threading.Event) -> Response:
    """The real answer, sent the way the configured fault says (headers always go out first)."""
    if not _applies(config, req.path) or response.chunks is not None:
        return response
    body = response.body
    match config["mode"]:
        case "stall":
            response.stream(_stalled(body, stopping), len(body))
        case "trickle":
            response.stream(_trickled(body, config["trickle_ms"] / 1000, stopping), len(body))
        case "huge":
            size = max(len(body), config["huge_bytes"])
            response.stream(_padded(body, size - len(body)), size)
    return response


def _stalled(body: bytes, stopping: threading.Event) -> Iterator[bytes]:
    yield b""  # the headers, with the body's full Content-Length
    stopping.wait(TIMEOUT_SECONDS)
    yield body


def _trickled(body: bytes, interval: float, stopping: threading.Event) -> Iterator[bytes]:
    yield b""
    for index in range(len(body)):
        if stopping.wait(interval):
            return
        yield body[index : index + 1]


def _padded(body: bytes, padding: int) -> Iterator[bytes]:
    yield body  # JSON and XML both allow trailing whitespace: the answer stays parseable
    while padding > 0:
        chunk = PAD_CHUNK[:padding]
        padding -= len(chunk)
        yield chunk
