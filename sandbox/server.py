"""A threaded stdlib WSGI server for the sandbox app."""

from __future__ import annotations

import socketserver
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer


class ThreadingWSGIServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (stdlib's name)
        pass


def make_server(host: str, port: int, verbose: bool = False) -> WSGIServer:
    """Bind first (port 0 picks a free one); the caller then builds the app and `set_app`s it."""
    handler = WSGIRequestHandler if verbose else QuietHandler
    return ThreadingWSGIServer((host, port), handler)
