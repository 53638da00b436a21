"""The 7digital HTTP client: OAuth-signed GETs, bounded retries, one place for error mapping.

Usage: `from locker.sevendigital import client; client.get_locker(token, page=2)`. The module
functions use `default_client()`, built from Django settings; build a `SevenDigitalClient` yourself
for anything else (tests, scripts).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

import requests
from requests_oauthlib import OAuth1
from urllib3.exceptions import NewConnectionError

from .errors import (
    MalformedResponse,
    OAuthError,
    RateLimited,
    RelinkNeeded,
    SevenDigitalError,
    UnexpectedRedirect,
    UpstreamTimeout,
    UpstreamUnavailable,
    api_error_for,
)
from .parse import parse_error, parse_locker, parse_token_answer, parse_user_details
from .signing import sign_url
from .transport import (
    Answer,
    BodyTooLarge,
    Deadline,
    DeadlineExceeded,
    exchange,
    is_timeout,
    new_session,
)
from .types import (
    DEFAULT_SORT,
    MAX_PAGE_SIZE,
    SORT_COLUMNS,
    SORT_ORDERS,
    AccessToken,
    LockerPage,
    UserDetails,
)

logger = logging.getLogger(__name__)
# oauthlib and requests-oauthlib log token keys and signed requests at DEBUG; keep them quieter
# unless the site's LOGGING setting asks for them by name.
for _name in ("oauthlib", "requests_oauthlib"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.INFO)

Observer = Callable[[str, int | None, float], None]


class CallGate(Protocol):
    """A circuit breaker: asked before each HTTP attempt, told whether it worked (an answer below
    500). Django's is locker.upstream_breaker."""

    def allow(self) -> bool: ...

    def record(self, ok: bool) -> None: ...


ACCEPT = {"json": "application/json", "xml": "application/xml"}
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 2

# OAuth 401 texts: our own signing or key is at fault, or else the user's token is no good.
_OUR_FAULT = re.compile(r"signature|consumer|timestamp|nonce", re.IGNORECASE)
_TOKEN_REJECTED = re.compile(
    r"denied|revoked|expired|requires (an )?access token|no user credentials"
    r"|(invalid|unknown|bad) (access )?token|token (is )?(invalid|unknown|not found|rejected)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ClientConfig:
    consumer_key: str
    consumer_secret: str = field(repr=False)
    api_url: str
    stream_url: str
    country: str = "GB"
    shop_id: int | str | None = None
    connect_timeout: float = 3.05
    read_timeout: float = 10.0
    retries: int = 2
    backoff: float = 0.2
    user_agent: str = "Locker/1.0 (+7digital locker client)"
    signature_type: str = "header"  # "header" or "query" for API calls; media URLs use query
    max_body_bytes: int = 8 * 1024 * 1024
    total_timeout: float | None = None  # a whole call, retries included; None: connect + read

    def __post_init__(self) -> None:
        if self.signature_type not in ("header", "query"):
            raise ValueError("signature_type must be 'header' or 'query'")
        object.__setattr__(self, "api_url", self.api_url.rstrip("/"))
        object.__setattr__(self, "stream_url", self.stream_url.rstrip("/"))

    @classmethod
    def from_settings(cls) -> ClientConfig:
        """The config described by the SEVENDIGITAL_* Django settings."""
        from django.conf import settings

        return cls(
            consumer_key=settings.SEVENDIGITAL_CONSUMER_KEY,
            consumer_secret=settings.SEVENDIGITAL_CONSUMER_SECRET,
            api_url=settings.SEVENDIGITAL_API_URL,
            stream_url=settings.SEVENDIGITAL_STREAM_URL,
            country=settings.SEVENDIGITAL_COUNTRY,
            shop_id=getattr(settings, "SEVENDIGITAL_SHOP_ID", None) or None,
            connect_timeout=float(getattr(settings, "SEVENDIGITAL_CONNECT_TIMEOUT", 3.05)),
            read_timeout=float(getattr(settings, "SEVENDIGITAL_READ_TIMEOUT", 10.0)),
            retries=int(getattr(settings, "SEVENDIGITAL_RETRIES", 2)),
            max_body_bytes=int(getattr(settings, "SEVENDIGITAL_MAX_BODY_BYTES", 8 * 1024 * 1024)),
        )

    @property
    def deadline_seconds(self) -> float:
        """The longest a call may take, connecting, waiting, reading and retrying together."""
        if self.total_timeout is not None:
            return self.total_timeout
        return self.connect_timeout + self.read_timeout


class SevenDigitalClient:
    """A small wrapper over one `requests.Session` (connection pooling) for 7digital's API."""

    def __init__(
        self,
        config: ClientConfig,
        *,
        session: requests.Session | None = None,
        observer: Observer | None = None,
        breaker: CallGate | None = None,
    ) -> None:
        self.config = config
        self.session = session or new_session()
        self.observer = observer
        self.breaker = breaker

    # ---- API calls ----------------------------------------------------------------------

    def get_locker(
        self,
        token: AccessToken,
        *,
        page: int = 1,
        page_size: int = 10,
        sort: str = DEFAULT_SORT,
        release_id: int | None = None,
        track_id: int | None = None,
        purchase_id: int | None = None,
        fmt: str = "json",
    ) -> LockerPage:
        """One page of the user's locker (`GET user/locker`). Bad arguments raise ValueError."""
        params: dict[str, object] = {
            "country": self.config.country,
            "page": _positive(page, "page"),
            "pageSize": min(_positive(page_size, "page_size"), MAX_PAGE_SIZE),
            "sort": _sort(sort),
        }
        for name, value, arg in (
            ("releaseId", release_id, "release_id"),
            ("trackId", track_id, "track_id"),
            ("purchaseId", purchase_id, "purchase_id"),
        ):
            if value is not None:
                params[name] = _positive(value, arg)
        if self.config.shop_id is not None:
            params["shopId"] = self.config.shop_id
        return self._call("user/locker", params, token, fmt, parse_locker)

    def get_user_details(self, token: AccessToken, fmt: str = "json") -> UserDetails:
        """The linked user's 7digital id and email (`GET user/details`)."""
        return self._call("user/details", {}, token, fmt, parse_user_details)

    # ---- signed URLs for the browser ----------------------------------------------------

    def signed_media_url(self, url: str, token: AccessToken) -> str:
        """A locker download URL signed in its query string (stale oauth_* params dropped)."""
        return self._sign(url, token)

    def signed_stream_url(self, track_id: int, format_id: int, token: AccessToken) -> str:
        """`{stream_url}/stream/locker?trackId=..&formatId=..&country=..`, signed."""
        params: dict[str, object] = {
            "trackId": _positive(track_id, "track_id"),
            "formatId": _positive(format_id, "format_id"),
            "country": self.config.country,
        }
        if self.config.shop_id is not None:
            params["shopId"] = self.config.shop_id
        return self._sign(f"{self.config.stream_url}/stream/locker", token, params)

    def _sign(
        self, url: str, token: AccessToken | None, params: Mapping[str, object] | None = None
    ) -> str:
        return sign_url(
            url,
            consumer_key=self.config.consumer_key,
            consumer_secret=self.config.consumer_secret,
            token=token,
            extra_params=params,
        )

    # ---- HTTP ---------------------------------------------------------------------------

    def _call[T](
        self,
        endpoint: str,
        params: Mapping[str, object],
        token: AccessToken,
        fmt: str,
        parse: Callable[[bytes, str], T],
    ) -> T:
        if fmt not in ACCEPT:
            raise ValueError("fmt must be 'json' or 'xml'")
        # quote, not quote_plus: a space in `sort` goes out as %20, as in 7digital's docs.
        query = urlencode(list(params.items()), quote_via=quote)
        url = f"{self.config.api_url}/{endpoint}" + (f"?{query}" if query else "")
        answer = self._send("GET", endpoint, url, lambda u: self._signed(u, token), ACCEPT[fmt])
        return _parsed(answer, endpoint, parse, self.config, token)

    # ---- OAuth token requests (the account-linking flow) --------------------------------

    def get_request_token(self, callback_url: str) -> AccessToken:
        """`POST oauth/requesttoken`, signed with our consumer key only: an unauthorised token."""
        auth = self._consumer_auth(callback_uri=callback_url)
        return self._token_request("oauth/requesttoken", auth)

    def get_access_token(self, request_token: AccessToken) -> AccessToken:
        """`POST oauth/accesstoken` for an authorised request token: the user's access token."""
        auth = self._consumer_auth(
            resource_owner_key=request_token.key, resource_owner_secret=request_token.secret
        )
        try:
            return self._token_request("oauth/accesstoken", auth)
        except SevenDigitalError as exc:
            raise _scrubbed(exc, self.config, request_token) from None

    def _token_request(self, endpoint: str, auth: OAuth1) -> AccessToken:
        url = f"{self.config.api_url}/{endpoint}"
        data = {"country": self.config.country}
        answer = self._send("POST", endpoint, url, lambda u: (u, auth), "*/*", data=data)
        key, secret = _parsed(answer, endpoint, parse_token_answer, self.config, None)
        return AccessToken(key=key, secret=secret)

    def _consumer_auth(self, **kwargs: str) -> OAuth1:
        return OAuth1(
            self.config.consumer_key,
            client_secret=self.config.consumer_secret,
            signature_method="HMAC-SHA1",
            signature_type="AUTH_HEADER",
            **kwargs,
        )

    # ---- HTTP ---------------------------------------------------------------------------

    def _signed(self, url: str, token: AccessToken) -> tuple[str, OAuth1 | None]:
        if self.config.signature_type == "query":
            return self._sign(url, token), None
        return url, self._auth(token)

    def _send(
        self,
        method: str,
        endpoint: str,
        url: str,
        sign: Callable[[str], tuple[str, OAuth1 | None]],
        accept: str,
        data: Mapping[str, str] | None = None,
    ) -> Answer:
        """One call within the config's deadline: retries only where safe and only while time is
        left, a fresh signature per attempt, redirects followed only within the API's origin."""
        config = self.config
        deadline = Deadline(config.deadline_seconds)
        headers = {"Accept": accept, "User-Agent": config.user_agent}
        attempts = 1 + max(0, config.retries)
        attempt = redirects = 0
        delay: float | None = None
        while True:
            if self.breaker is not None and not self.breaker.allow():
                raise UpstreamUnavailable(
                    f"7digital {endpoint}: calls paused after repeated failures"
                )
            if delay:
                time.sleep(delay)
                delay = None
            started = time.monotonic()
            try:
                signed, auth = sign(url)
                answer = exchange(
                    self.session,
                    method,
                    signed,
                    deadline=deadline,
                    connect_timeout=config.connect_timeout,
                    read_timeout=config.read_timeout,
                    max_bytes=config.max_body_bytes,
                    headers=headers,
                    auth=auth,
                    data=data,
                )
            except (requests.RequestException, DeadlineExceeded, BodyTooLarge) as exc:
                self._observe(endpoint, None, started)
                failure, retryable = _transport_error(exc, endpoint, method, config)
                logger.warning("7digital %s attempt %d: %s", endpoint, attempt + 1, failure.message)
                if retryable:
                    delay = self._retry_delay(attempt, attempts, deadline)
                if delay is not None:
                    attempt += 1
                    continue
                raise failure from None
            self._observe(endpoint, answer.status, started)
            if answer.status in REDIRECT_STATUSES:
                url = self._redirect_target(endpoint, url, answer, method, redirects)
                redirects += 1
                continue
            if answer.status >= 500 and method == "GET":
                delay = self._retry_delay(attempt, attempts, deadline)
            if delay is not None:
                logger.warning(
                    "7digital %s attempt %d: HTTP %d", endpoint, attempt + 1, answer.status
                )
                attempt += 1
                continue
            return answer

    def _retry_delay(self, attempt: int, attempts: int, deadline: Deadline) -> float | None:
        """The backoff before another attempt, or None: none left, or too close to the deadline."""
        if attempt + 1 >= attempts:
            return None
        delay = self.config.backoff * 2**attempt
        return delay if deadline.remaining() > delay + 0.05 else None

    def _redirect_target(
        self, endpoint: str, url: str, answer: Answer, method: str, redirects: int
    ) -> str:
        """Where a redirect within the API's own origin points; anything else is refused."""
        location = answer.headers.get("Location", "")
        target = urljoin(url, location)
        parts, api = urlsplit(target), urlsplit(self.config.api_url)
        same_origin = (parts.scheme, parts.netloc) == (api.scheme, api.netloc)
        if not location or not same_origin or method != "GET" or redirects >= MAX_REDIRECTS:
            logger.warning(
                "7digital %s: redirect to %r not followed (HTTP %d)",
                endpoint,
                parts.netloc or "-",
                answer.status,
            )
            raise UnexpectedRedirect(
                f"7digital redirected {endpoint} to {parts.netloc or 'nowhere'}; not followed",
                status=answer.status,
            )
        # Signed afresh for the new address: drop any oauth_* parameters the answer carried.
        return urlunsplit(parts._replace(query=_without_oauth(parts.query)))

    def _auth(self, token: AccessToken) -> OAuth1:
        return OAuth1(
            self.config.consumer_key,
            client_secret=self.config.consumer_secret,
            resource_owner_key=token.key,
            resource_owner_secret=token.secret,
            signature_method="HMAC-SHA1",
            signature_type="AUTH_HEADER",
        )

    def _observe(self, endpoint: str, status: int | None, started: float) -> None:
        if self.breaker is not None:
            self.breaker.record(status is not None and status < 500)
        if self.observer is None:
            return
        try:
            self.observer(endpoint, status, time.monotonic() - started)
        except Exception:  # metrics must never break a customer's request
            logger.exception("7digital observer failed")


# ---- error mapping ------------------------------------------------------------------------


def _transport_error(
    exc: Exception, endpoint: str, method: str, config: ClientConfig
) -> tuple[SevenDigitalError, bool]:
    """The error for a failed attempt, and whether another attempt is safe and may help."""
    if isinstance(exc, DeadlineExceeded):
        seconds = f"{config.deadline_seconds:g}"
        return UpstreamTimeout(f"7digital did not answer {endpoint} within {seconds} s"), False
    if isinstance(exc, BodyTooLarge):
        return MalformedResponse(
            f"7digital's answer to {endpoint} is larger than {config.max_body_bytes} bytes"
        ), False
    if isinstance(exc, requests.ConnectTimeout):  # nothing was sent: safe to retry
        return UpstreamTimeout(f"7digital did not accept a connection for {endpoint}"), True
    if is_timeout(exc):
        # Read timeouts, before or within the body, are not retried: the customer would wait
        # retries x read_timeout.
        return UpstreamTimeout(f"7digital took too long to answer {endpoint}"), False
    if isinstance(exc, requests.ConnectionError):
        # A refused connection sent nothing; anything else may have reached 7digital, which only
        # a GET may repeat.
        safe = method == "GET" or _caused_by(exc, NewConnectionError)
        return UpstreamUnavailable(f"7digital could not be reached for {endpoint}"), safe
    if isinstance(
        exc, requests.exceptions.ChunkedEncodingError | requests.exceptions.ContentDecodingError
    ):
        return UpstreamUnavailable(f"7digital's answer to {endpoint} broke off"), method == "GET"
    return UpstreamUnavailable(
        f"7digital request for {endpoint} failed ({type(exc).__name__})"
    ), False


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    stack, seen = [exc], set()
    while stack:
        error = stack.pop()
        if isinstance(error, kind):
            return True
        if id(error) in seen:
            continue
        seen.add(id(error))
        stack.extend(a for a in error.args if isinstance(a, BaseException))
        stack.extend(e for e in (error.__cause__, error.__context__) if e is not None)
    return False


def _without_oauth(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(k, v) for k, v in pairs if not k.startswith("oauth_")], quote_via=quote)


def _parsed[T](
    answer: Answer,
    endpoint: str,
    parse: Callable[[bytes, str], T],
    config: ClientConfig,
    token: AccessToken | None,
) -> T:
    try:
        _raise_for_error(answer, endpoint)
        return parse(answer.content, answer.headers.get("Content-Type", ""))
    except SevenDigitalError as exc:
        if exc.status is None:
            exc.status = answer.status
        raise _scrubbed(exc, config, token) from None


def _raise_for_error(answer: Answer, endpoint: str) -> None:
    """Raise the SevenDigitalError an answer stands for; 2xx bodies are checked by the parser."""
    status = answer.status
    body = answer.content
    if status == 429:
        raise RateLimited(
            f"7digital rate limit reached on {endpoint}",
            retry_after=_retry_after(answer.headers.get("Retry-After")),
        )
    if body[:64].lstrip().startswith(b"OAuth"):
        raise _oauth_error(body, status)
    if 200 <= status < 300:
        return
    try:
        code, message = parse_error(body, answer.headers.get("Content-Type", ""))
    except MalformedResponse:
        code, message = None, ""
    if status == 401 and code is None:
        raise OAuthError(f"7digital refused the request to {endpoint} (HTTP 401)", status=status)
    raise api_error_for(code, message or f"7digital answered HTTP {status} for {endpoint}", status)


def _oauth_error(body: bytes, status: int) -> OAuthError:
    """`OAuth authentication error: <reason>`: a bad token means relink, anything else is ours."""
    text = body.decode("utf-8", "replace").strip().splitlines()[0]
    reason = text.partition(":")[2].strip()[:200] or text[:200]
    relink = _TOKEN_REJECTED.search(reason) and not _OUR_FAULT.search(reason)
    cls = RelinkNeeded if relink else OAuthError
    return cls(f"7digital refused the OAuth credentials: {reason}", status=status)


def _retry_after(value: str | None) -> int | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return int(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0, int((when - datetime.now(UTC)).total_seconds()))


def _scrubbed(
    exc: SevenDigitalError, config: ClientConfig, token: AccessToken | None
) -> SevenDigitalError:
    """Keep credentials out of messages, even if 7digital echoes them back."""
    message = exc.message
    secrets = (token.key, token.secret) if token is not None else ()
    for secret in (*secrets, config.consumer_secret):
        if secret and secret in message:
            message = message.replace(secret, "***")
    if message != exc.message:
        exc.message = message
        exc.args = (message,)
    return exc


# ---- argument checks ----------------------------------------------------------------------


def _positive(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name} must be a positive integer")
    return value


def _sort(sort: str) -> str:
    parts = sort.split() if isinstance(sort, str) else []
    if len(parts) != 2 or parts[0] not in SORT_COLUMNS or parts[1] not in SORT_ORDERS:
        raise ValueError(f"sort must be '<column> <order>' with column in {SORT_COLUMNS}")
    return " ".join(parts)


# ---- the per-process default client -------------------------------------------------------

_default: tuple[tuple[ClientConfig, str, str], SevenDigitalClient] | None = None
_default_lock = threading.Lock()


def default_client() -> SevenDigitalClient:
    """A client for the current settings, reused across requests (rebuilt if settings change).

    Its observer and breaker are the objects named by settings.SEVENDIGITAL_OBSERVER and
    SEVENDIGITAL_BREAKER (dotted paths), if any.
    """
    global _default
    from django.conf import settings

    key = (
        ClientConfig.from_settings(),
        getattr(settings, "SEVENDIGITAL_OBSERVER", "") or "",
        getattr(settings, "SEVENDIGITAL_BREAKER", "") or "",
    )
    with _default_lock:
        if _default is None or _default[0] != key:
            client = SevenDigitalClient(key[0], observer=_import(key[1]), breaker=_import(key[2]))
            _default = (key, client)
        return _default[1]


def _import(path: str) -> Any:
    from django.utils.module_loading import import_string

    return import_string(path) if path else None


def get_locker(token: AccessToken, **kwargs: Any) -> LockerPage:
    return default_client().get_locker(token, **kwargs)


def get_user_details(token: AccessToken, **kwargs: Any) -> UserDetails:
    return default_client().get_user_details(token, **kwargs)


def signed_media_url(url: str, token: AccessToken) -> str:
    return default_client().signed_media_url(url, token)


def signed_stream_url(track_id: int, format_id: int, token: AccessToken) -> str:
    return default_client().signed_stream_url(track_id, format_id, token)
