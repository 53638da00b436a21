"""Just enough HTTP for a stdlib WSGI app: a parsed request, a response, and 7digital's errors."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from http import HTTPStatus
from urllib.parse import parse_qsl, quote

from .render import render_error_json, render_error_xml

MAX_BODY = 1 << 20

# 7digital's HTTP status per error code (2002 is 401 on the access-token call, see api.py).
STATUS_FOR_CODE = {1001: 400, 1002: 400, 1003: 400, 1006: 400, 2001: 404, 2002: 403, 9001: 500}


class ApiError(Exception):
    """A 7digital error answer: `<error code=..><errorMessage>..` with the right HTTP status."""

    def __init__(self, code: int, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status or STATUS_FOR_CODE.get(code, 400)


def missing(name: str) -> ApiError:
    return ApiError(1001, f"Missing parameter {name}")


def parse_int(name: str, value: str, minimum: int = 0) -> int:
    """A non-negative decimal (no signs, spaces or non-ASCII digits), else 7digital's 1002."""
    if not (value.isascii() and value.isdigit()) or int(value) < minimum:
        raise ApiError(1002, f"Value of parameter {name} is not valid: {value}")
    return int(value)


def parse_country(value: str | None) -> str:
    """The required ISO 3166 alpha-2 `country` parameter, upper-cased."""
    if value is None:
        raise missing("country")
    if not (len(value) == 2 and value.isascii() and value.isalpha()):
        raise ApiError(1002, f"Value of parameter country is not valid: {value}")
    return value.upper()


class OAuthError(Exception):
    """An OAuth failure: 7digital answers these as 401 plain text, not XML/JSON."""


@dataclass
class Request:
    method: str
    path: str  # decoded, for routing
    raw_path: str  # as the client sent it, for signature base strings
    query: str
    headers: dict[str, str]  # lower-case names
    body: bytes
    origin: str  # scheme://host[:port] the client addressed
    remote_addr: str
    oauth_outcome: str = "-"  # what OAuth verification concluded, for the request log

    @classmethod
    def from_environ(cls, environ: dict) -> Request:
        headers = {
            key[5:].replace("_", "-").lower(): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        if environ.get("CONTENT_TYPE"):
            headers["content-type"] = environ["CONTENT_TYPE"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(min(length, MAX_BODY)) if length > 0 else b""
        host = headers.get("host") or f"{environ['SERVER_NAME']}:{environ['SERVER_PORT']}"
        path = environ.get("PATH_INFO", "") or "/"
        # wsgiref hands PATH_INFO over percent-decoded as latin-1; undo that for signing.
        raw_path = quote(path.encode("latin-1"), safe="/:@!$&'()*+,;=-._~")
        return cls(
            method=environ["REQUEST_METHOD"].upper(),
            path=path.encode("latin-1").decode("utf-8", "replace"),
            raw_path=raw_path,
            query=environ.get("QUERY_STRING", ""),
            headers=headers,
            body=body,
            origin=f"{environ.get('wsgi.url_scheme', 'http')}://{host}",
            remote_addr=environ.get("REMOTE_ADDR", ""),
        )

    @cached_property
    def params(self) -> dict[str, str]:
        """Query parameters; the first of repeated names wins; `+` and `%20` are both spaces."""
        params: dict[str, str] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            params.setdefault(key, value)
        return params

    def param(self, name: str) -> str | None:
        """A query parameter by case-insensitive name: `trackid` (media) or `trackId` (stream)."""
        wanted = name.lower()
        return next((v for k, v in self.params.items() if k.lower() == wanted), None)

    @property
    def is_form(self) -> bool:
        content_type = self.headers.get("content-type", "")
        return content_type.split(";")[0].strip().lower() == "application/x-www-form-urlencoded"

    @cached_property
    def form(self) -> dict[str, str]:
        if not self.is_form:
            return {}
        pairs = parse_qsl(self.body.decode("utf-8", "replace"), keep_blank_values=True)
        return dict(reversed(pairs))  # first wins, like `params`

    @property
    def wants_json(self) -> bool:
        return "application/json" in self.headers.get("accept", "").lower()


@dataclass
class Response:
    status: int
    body: bytes = b""
    content_type: str = "text/plain; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    chunks: Iterable[bytes] | None = None  # sent instead of `body`, as they come (faults.deliver)
    length: int | None = None  # Content-Length of `chunks`

    def stream(self, chunks: Iterable[bytes], length: int) -> None:
        self.chunks, self.length = chunks, length

    @property
    def content_length(self) -> int:
        return len(self.body) if self.chunks is None or self.length is None else self.length

    @property
    def status_line(self) -> str:
        return f"{self.status} {HTTPStatus(self.status).phrase}"


def api_response(
    req: Request | None,
    render_json: Callable[..., bytes],
    render_xml: Callable[..., bytes],
    *args: object,
    status: int = 200,
) -> Response:
    """Render JSON only when `Accept` asks for it, else XML, like 7digital (`req=None`: XML)."""
    if req is not None and req.wants_json:
        return Response(status, render_json(*args), "application/json; charset=utf-8")
    return Response(status, render_xml(*args), "application/xml; charset=utf-8")


def error_response(req: Request | None, error: ApiError) -> Response:
    """An error body in the requested format; `req=None` forces XML (the media hosts)."""
    args = (error.code, error.message)
    return api_response(req, render_error_json, render_error_xml, *args, status=error.status)


def oauth_error_response(message: str) -> Response:
    return Response(401, f"OAuth authentication error: {message}".encode())


def json_response(document: object, status: int = 200) -> Response:
    body = json.dumps(document, ensure_ascii=False, indent=2).encode() + b"\n"
    return Response(status, body, "application/json; charset=utf-8")


def html_response(html: str, status: int = 200) -> Response:
    headers = [
        ("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'"),
        ("X-Frame-Options", "DENY"),
        ("Cache-Control", "no-store"),
        ("Referrer-Policy", "no-referrer"),
    ]
    return Response(status, html.encode(), "text/html; charset=utf-8", headers)


def redirect(location: str) -> Response:
    return Response(302, b"", headers=[("Location", location), ("Cache-Control", "no-store")])
