"""One bounded HTTP exchange: a total deadline no answer can stretch, a body size cap, no redirects.

Socket timeouts only bound each wait for a byte: an answer that trickles a byte every few seconds,
headers or body, never trips them. So each exchange also arms a watchdog timer that shuts the
connection's socket down at the deadline, which wakes whatever read is blocked on it. The socket
is handed to the watchdog by the connection classes of `new_session()`'s adapter, when it is
connected or reused for a request.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

CHUNK = 64 * 1024


class DeadlineExceeded(Exception):
    """The exchange did not finish before its deadline."""


class BodyTooLarge(Exception):
    """The answer's body is longer than allowed."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    headers: CaseInsensitiveDict
    content: bytes


class Deadline:
    """A point on the monotonic clock."""

    def __init__(self, seconds: float) -> None:
        self.at = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.at - time.monotonic()


class _Watch:
    """Shuts the current socket down when the deadline passes, unless finished first."""

    def __init__(self, deadline: Deadline) -> None:
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._active = True
        self.expired = False
        self._timer = threading.Timer(max(0.0, deadline.remaining()), self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Watch:
        _local.watch = self
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish()

    def attach(self, sock: socket.socket | None) -> None:
        with self._lock:
            self._sock = sock
            if self.expired and self._active:
                _shut(sock)

    def finish(self) -> bool:
        """Stop watching; True if the deadline passed first."""
        self._timer.cancel()
        with self._lock:
            self._active = False
            self._sock = None
        if getattr(_local, "watch", None) is self:
            _local.watch = None
        return self.expired

    def _expire(self) -> None:
        with self._lock:
            if not self._active:
                return
            self.expired = True
            _shut(self._sock)


def _shut(sock: socket.socket | None) -> None:
    if sock is None:
        return
    try:
        # The plain socket's shutdown, also for TLS sockets: it wakes a read blocked in another
        # thread, and leaves the TLS object alone.
        if isinstance(sock, socket.socket):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)
        else:
            sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass


_local = threading.local()


def _attach(sock: socket.socket | None) -> None:
    watch = getattr(_local, "watch", None)
    if watch is not None:
        watch.attach(sock)


class _Watched:
    sock: socket.socket | None

    def connect(self) -> None:
        super().connect()  # type: ignore[misc]
        _attach(self.sock)

    def request(self, *args, **kwargs):  # a reused keep-alive connection is not connected again
        if self.sock is not None:
            _attach(self.sock)
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _WatchedHTTPConnection(_Watched, HTTPConnection):
    pass


class _WatchedHTTPSConnection(_Watched, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _HTTPPool, "https": _HTTPSPool}


class WatchedAdapter(HTTPAdapter):
    """requests' adapter over connections that report their socket to the watchdog."""

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


def new_session() -> requests.Session:
    session = requests.Session()
    adapter = WatchedAdapter()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def exchange(
    session: requests.Session,
    method: str,
    url: str,
    *,
    deadline: Deadline,
    connect_timeout: float,
    read_timeout: float,
    max_bytes: int,
    **kwargs,
) -> Answer:
    """One request and its whole body, within `deadline`; redirects are answers, never followed.

    Raises DeadlineExceeded, BodyTooLarge, or requests' own exceptions for other failures.
    """
    remaining = deadline.remaining()
    if remaining <= 0:
        raise DeadlineExceeded
    timeout = (min(connect_timeout, remaining), min(read_timeout, remaining))
    with _Watch(deadline) as watch:
        try:
            response = session.request(
                method, url, stream=True, allow_redirects=False, timeout=timeout, **kwargs
            )
        except requests.RequestException:
            if watch.finish():
                raise DeadlineExceeded from None
            raise
        try:
            content = _read(response, max_bytes, deadline)
        except requests.RequestException:
            if watch.finish():
                raise DeadlineExceeded from None
            raise
        finally:
            expired = watch.finish()
            response.close()  # a fully read answer goes back to the pool, anything else is dropped
        if expired:  # an answer without a length may look complete once its socket is shut
            raise DeadlineExceeded
    return Answer(response.status_code, response.headers, content)


def _read(response: requests.Response, max_bytes: int, deadline: Deadline) -> bytes:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge
    body = bytearray()
    for chunk in response.iter_content(CHUNK):
        body += chunk
        if len(body) > max_bytes:  # counted after decoding, so a compressed bomb stops here too
            raise BodyTooLarge
        if deadline.remaining() <= 0:  # for sessions without the watched adapter
            raise DeadlineExceeded
    return bytes(body)


def is_timeout(exc: BaseException) -> bool:
    """True for a socket timeout, however requests and urllib3 wrapped it."""
    seen: set[int] = set()
    stack: list[BaseException] = [exc]
    while stack:
        error = stack.pop()
        if id(error) in seen:
            continue
        seen.add(id(error))
        if isinstance(error, TimeoutError | requests.Timeout) or type(error).__name__.endswith(
            "TimeoutError"
        ):
            return True
        stack.extend(a for a in error.args if isinstance(a, BaseException))
        for linked in (error.__cause__, error.__context__):
            if linked is not None:
                stack.append(linked)
    return False
