"""A misbehaving 7digital, seen by the customer: an answer in bounded time with the right words.
Real HTTP to the sandbox's faults."""

from __future__ import annotations

import time

import pytest
from pytest_django.asserts import assertContains

from tests.locker.test_downloads import post_download, small_locker

LOCKER = "/1.2/user/locker"


@pytest.fixture
def short_timeouts(settings):
    settings.SEVENDIGITAL_CONNECT_TIMEOUT = 0.3
    settings.SEVENDIGITAL_READ_TIMEOUT = 0.7  # a call's deadline: 1 s
    settings.SEVENDIGITAL_RETRIES = 1
    settings.SEVENDIGITAL_BREAKER_FAILURES = 0


def test_a_trickling_locker_answer_ends_in_time_with_the_slow_message(
    customer_client, sandboxed, short_timeouts
):
    sandboxed.set_faults(mode="trickle", trickle_ms=200, paths=[LOCKER])
    started = time.monotonic()
    response = customer_client.get("/locker/")
    assert time.monotonic() - started < 1.0 + 0.75
    assertContains(response, "7digital is taking too long to answer right now.", status_code=503)


def test_a_stalled_download_check_ends_in_time_with_the_slow_message(
    customer_client, sandboxed, short_timeouts
):
    row = small_locker(customer_client)["downloadable"]
    sandboxed.set_faults(mode="stall", paths=[LOCKER])
    started = time.monotonic()
    response = post_download(customer_client, row, HX_Request="true")
    assert time.monotonic() - started < 1.0 + 0.75
    assert response.status_code == 503
    assertContains(response, "it is taking too long to answer", status_code=503)


def test_a_huge_answer_is_refused_not_shown(customer_client, sandboxed, settings):
    settings.SEVENDIGITAL_MAX_BODY_BYTES = 1_000_000
    sandboxed.set_faults(mode="huge", huge_bytes=3_000_000, paths=[LOCKER])
    response = customer_client.get("/locker/")
    assertContains(response, "We couldn&#x27;t load your locker from 7digital just now.", status_code=503)
    assert response.content.decode().count("<article") == 0
