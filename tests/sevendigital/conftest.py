"""Clients of the session's sandbox, fast to retry, recording each HTTP attempt."""

from __future__ import annotations

from dataclasses import replace

import pytest

from locker.sevendigital.client import SevenDigitalClient
from tests.sevendigital.helpers import Attempts


@pytest.fixture
def attempts() -> Attempts:
    return Attempts()


@pytest.fixture
def make_client(sandbox_config, attempts):
    def make(**changes) -> SevenDigitalClient:
        config = replace(sandbox_config, **{"backoff": 0.01, **changes})
        return SevenDigitalClient(config, observer=attempts)

    return make
