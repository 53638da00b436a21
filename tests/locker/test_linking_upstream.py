"""The linking flow's token requests go through the 7digital client: observed, bounded, mapped."""

from __future__ import annotations

import time
from http import HTTPStatus

import pytest

from tests.locker.test_linking import dance

SEEN: list[tuple[str, int | None]] = []


def record(endpoint: str, status: int | None, seconds: float) -> None:
    SEEN.append((endpoint, status))


@pytest.fixture
def recorded(settings):
    SEEN.clear()
    settings.SEVENDIGITAL_OBSERVER = "tests.locker.test_linking_upstream.record"
    yield SEEN
    SEEN.clear()


def test_token_requests_are_observed_like_every_7digital_call(client, customer, sandboxed, recorded):
    client.force_login(customer)
    assert dance(client, sandboxed).status_code == HTTPStatus.FOUND
    assert ("oauth/requesttoken", 200) in recorded
    assert ("oauth/accesstoken", 200) in recorded


def test_a_trickling_token_answer_ends_in_time(client, customer, sandboxed, settings):
    settings.SEVENDIGITAL_CONNECT_TIMEOUT = 0.3
    settings.SEVENDIGITAL_READ_TIMEOUT = 0.7
    settings.SEVENDIGITAL_BREAKER_FAILURES = 0
    sandboxed.set_faults(mode="trickle", trickle_ms=200, paths=["/1.2/oauth/requesttoken"])
    client.force_login(customer)
    started = time.monotonic()
    response = client.post("/accounts/sevendigital/login/?process=connect")
    assert time.monotonic() - started < 1.0 + 0.75
    assert response.status_code == HTTPStatus.UNAUTHORIZED  # allauth's "could not link" page
    assert "Location" not in response
