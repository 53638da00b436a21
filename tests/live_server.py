"""The live server the browser tests drive, made safe for the tests that share it.

Django's live server answers each connection in its own thread. On SQLite the test database lives
in memory, behind the one connection every thread shares, and SQLite refuses a statement while
another thread's is half done ("database table is locked", "cannot open savepoint"): requests are
then taken one at a time. On every database the server counts the requests it is answering, so a
test can wait for the last one its page started before the next test resets the sandbox.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread


class InFlight:
    """A WSGI app wrapper: counts requests until their response is closed, and with `one_at_a_time`
    lets only one request run, its body included, at a time."""

    def __init__(self, app: Callable, *, one_at_a_time: bool) -> None:
        self.app = app
        self.turn = threading.Lock() if one_at_a_time else None
        self.count = 0
        self.changed = threading.Condition()

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        with self.changed:
            self.count += 1
        if self.turn:
            self.turn.acquire()
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._done()
            raise
        return _Closing(body, self._done)

    def _done(self) -> None:
        if self.turn:
            self.turn.release()
        with self.changed:
            self.count -= 1
            self.changed.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self.changed:
            while self.count:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self.changed.wait(left)
        return True


class _Closing:
    """The response body, with `done` called once when the server closes it."""

    def __init__(self, body: Iterable[bytes], done: Callable[[], None]) -> None:
        self.body = body
        self.done: Callable[[], None] | None = done

    def __iter__(self):
        return iter(self.body)

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close:
                close()
        finally:
            done, self.done = self.done, None
            if done:
                done()


class CountingServer(ThreadedWSGIServer):
    def set_app(self, application: Callable) -> None:
        shared = bool(self.connections_override)  # only in-memory SQLite connections are shared
        super().set_app(InFlight(application, one_at_a_time=shared))


def count_requests() -> None:
    LiveServerThread.server_class = CountingServer


def wait_idle(live_server, timeout: float = 15.0) -> None:
    """Returns once no request is being answered; fails the test if one outlasts `timeout`."""
    app = live_server.thread.httpd.get_app()
    assert app.wait_idle(timeout), f"the live server is still answering a request after {timeout:g} s"
