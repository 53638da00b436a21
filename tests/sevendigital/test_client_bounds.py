"""What no 7digital answer can make the client do: wait past its deadline, follow a redirect off
7digital's hosts, swallow a huge body. Real HTTP to the sandbox's faults (and to tiny local servers
where the sandbox can't misbehave that way)."""

from __future__ import annotations

import gzip
import socket
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from locker.sevendigital.client import SevenDigitalClient
from locker.sevendigital.errors import (
    MalformedResponse,
    ServerError,
    UnexpectedRedirect,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from locker.sevendigital.types import AccessToken
from tests.sevendigital.helpers import SMALL

LOCKER = "/1.2/user/locker"
SLACK = 0.75  # scheduling on a busy machine; the faults would otherwise hold a call for minutes


@pytest.fixture
def faults(sandbox):
    sandbox.reset()
    yield sandbox
    sandbox.reset()  # faults, counts and revocations: the next test owns its state


@pytest.fixture
def small(sandbox) -> AccessToken:
    return AccessToken(*sandbox.token_for(SMALL))


class Canary(ThreadingHTTPServer):
    """A loopback server that only counts the requests that reach it."""

    daemon_threads = True

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (stdlib's name)
                canary.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"status":"ok"}')

            def log_message(self, *args: object) -> None:
                pass

        super().__init__(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server_address[1]}"
        threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()

    def __enter__(self) -> Canary:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()


# ---- the total deadline -------------------------------------------------------------------


def test_a_trickling_body_is_cut_at_the_total_deadline(faults, make_client, small, attempts):
    # A byte every 0.2 s never trips a 1 s read timeout: only a total deadline ends it.
    faults.set_faults(mode="trickle", trickle_ms=200, paths=[LOCKER])
    seven = make_client(connect_timeout=0.5, read_timeout=1.0, retries=2)
    started = time.monotonic()
    with pytest.raises(UpstreamTimeout):
        seven.get_locker(small)
    assert time.monotonic() - started < 1.5 + SLACK
    assert attempts.statuses == [None]  # and no retry after the deadline


def test_a_body_that_stalls_after_the_headers_is_a_timeout_and_not_retried(
    faults, make_client, small, attempts
):
    faults.set_faults(mode="stall", paths=[LOCKER])
    seven = make_client(read_timeout=0.3, retries=2)
    started = time.monotonic()
    with pytest.raises(UpstreamTimeout) as caught:
        seven.get_locker(small)
    assert time.monotonic() - started < 0.3 + SLACK
    assert "too long" in caught.value.message
    assert attempts.statuses == [None]


def test_trickling_headers_are_cut_at_the_total_deadline(sandbox_config, attempts):
    """Not only the body: a status line and headers sent a byte at a time are bounded too."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        stop = threading.Event()

        def serve() -> None:
            conn, _ = listener.accept()
            with conn:
                conn.recv(65536)
                for byte in (
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Pad: " + b"x" * 100
                ):
                    if stop.wait(0.1):
                        return
                    try:
                        conn.sendall(bytes([byte]))
                    except OSError:
                        return

        threading.Thread(target=serve, daemon=True).start()
        config = replace(
            sandbox_config,
            api_url=f"http://127.0.0.1:{listener.getsockname()[1]}/1.2",
            connect_timeout=0.5,
            read_timeout=0.5,
            retries=2,
        )
        started = time.monotonic()
        try:
            with pytest.raises(UpstreamTimeout):
                SevenDigitalClient(config, observer=attempts).get_locker(AccessToken("k", "s"))
        finally:
            stop.set()
        assert time.monotonic() - started < 1.0 + SLACK
        assert attempts.statuses == [None]


def test_a_retry_never_starts_after_the_deadline(faults, make_client, small, attempts):
    faults.set_faults(mode="error500", latency_ms=400, paths=[LOCKER])
    seven = make_client(read_timeout=1.0, total_timeout=0.9, retries=5, backoff=0.5)
    started = time.monotonic()
    # The 500 comes at 0.4 s (later on a busy machine): a 0.5 s backoff would end past the 0.9 s
    # deadline, so no other attempt starts.
    with pytest.raises(ServerError):
        seven.get_locker(small)
    assert time.monotonic() - started < 0.9 + SLACK
    assert attempts.statuses == [500]


# ---- redirects ----------------------------------------------------------------------------


def test_a_redirect_to_another_host_is_not_followed(faults, make_client, small, attempts):
    with Canary() as canary:
        faults.set_faults(
            mode="redirect", redirect_to=f"{canary.url}/latest/meta-data/", paths=[LOCKER]
        )
        with pytest.raises(UnexpectedRedirect) as caught:
            make_client(retries=2).get_locker(small)
        assert canary.hits == []
    assert isinstance(caught.value, UpstreamUnavailable)
    assert caught.value.status == 302
    assert attempts.statuses == [302]


def test_a_redirect_within_the_api_host_is_followed_and_signed_again(faults, make_client, small):
    # user/details redirected to user/locker: the second request must carry a valid signature.
    faults.set_faults(
        mode="redirect",
        redirect_to=f"{faults.api_url}/user/locker?country=GB",
        paths=["/1.2/user/details"],
    )
    faults.clear_log()
    with pytest.raises(MalformedResponse):  # a locker is not user details: but it was fetched
        make_client().get_user_details(small)
    assert [(e["path"], e["status"], e["oauth"]) for e in faults.log("/1.2/user")] == [
        ("/1.2/user/details", 302, "-"),
        ("/1.2/user/locker", 200, "ok"),
    ]


# ---- the body size cap --------------------------------------------------------------------


def test_a_huge_parseable_answer_is_refused(faults, make_client, small, attempts):
    faults.set_faults(mode="huge", huge_bytes=3_000_000, paths=[LOCKER])
    with pytest.raises(MalformedResponse) as caught:
        make_client(max_body_bytes=1_000_000, retries=2).get_locker(small)
    assert "larger than" in caught.value.message
    assert attempts.statuses == [None]


def test_a_compressed_bomb_is_refused_by_its_decoded_size(sandbox_config, attempts):
    bomb = gzip.compress(b" " * 5_000_000)  # about 5 kB on the wire

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (stdlib's name)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Content-Length", str(len(bomb)))
            self.end_headers()
            self.wfile.write(bomb)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    try:
        config = replace(
            sandbox_config,
            api_url=f"http://127.0.0.1:{server.server_address[1]}/1.2",
            max_body_bytes=1_000_000,
        )
        with pytest.raises(MalformedResponse) as caught:
            SevenDigitalClient(config, observer=attempts).get_locker(AccessToken("k", "s"))
    finally:
        server.shutdown()
        server.server_close()
    assert "larger than" in caught.value.message


def test_a_normal_answer_fits_the_default_cap(sandbox, make_client):
    token = AccessToken(*sandbox.token_for("demo@sandbox.test"))
    for fmt in ("json", "xml"):
        assert len(make_client().get_locker(token, page_size=50, fmt=fmt).releases) == 50


# ---- OAuth token requests -----------------------------------------------------------------


def test_token_requests_go_through_the_client(faults, make_client, attempts):
    seven = make_client()
    request_token = seven.get_request_token("http://testserver/accounts/sevendigital/callback/")
    assert request_token.key and request_token.secret
    assert [endpoint for endpoint, _, _ in attempts] == ["oauth/requesttoken"]
    faults.set_faults(mode="error500", paths=["/1.2/oauth/accesstoken"])
    with pytest.raises(ServerError):
        make_client(retries=2).get_access_token(request_token)
    assert attempts.statuses[-1:] == [500] and len(attempts) == 2  # a POST answer is never retried


def test_a_token_request_is_bounded_too(faults, make_client, attempts):
    faults.set_faults(mode="trickle", trickle_ms=200, paths=["/1.2/oauth/requesttoken"])
    started = time.monotonic()
    with pytest.raises(UpstreamTimeout):
        make_client(connect_timeout=0.3, read_timeout=0.6, retries=2).get_request_token(
            "http://x/cb"
        )
    assert time.monotonic() - started < 0.9 + SLACK
