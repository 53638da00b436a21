from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.testing import SandboxServer


@pytest.fixture(scope="session")
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as running:
        yield running


@pytest.fixture
def sandbox(server: SandboxServer) -> Iterator[SandboxServer]:
    """The shared server with fresh demo data, no faults and an empty request log; reset again
    afterwards, so that no test leaves counts, revocations or faults to the next."""
    server.reset()
    server.clear_log()
    yield server
    server.reset()
