"""The 7digital circuit breaker, through the real sandbox: failing fast, probing, recovering."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from locker import locker_cache, upstream_breaker
from locker.models import DownloadEvent
from tests.locker.test_downloads import post_download, small_locker

SORTS = ["artistName asc", "artistName desc", "releaseTitle asc", "releaseTitle desc", "purchaseDate asc"]


def locker_calls(sandbox) -> int:
    return len(sandbox.log("/1.2/user/locker"))


@pytest.fixture(autouse=True)
def short_log(sandboxed):
    sandboxed.clear_log()  # the sandbox keeps a bounded log: counts must start from an empty one


@pytest.fixture
def breaker(settings):
    settings.SEVENDIGITAL_BREAKER_FAILURES = 3
    settings.SEVENDIGITAL_BREAKER_SECONDS = 60  # pause_elapses() ends it; no test waits on the clock


def pause_elapses() -> None:
    """Time passes, injected rather than slept: the pause's entry expires as it would after
    SEVENDIGITAL_BREAKER_SECONDS."""
    upstream_breaker.cache.delete(upstream_breaker.OPEN)


def fail_three_times(client, sandbox) -> None:
    sandbox.set_faults(mode="error500", paths=["/1.2/user/locker"])
    for sort in SORTS[:3]:
        assert client.get("/locker/", {"sort": sort}).status_code == HTTPStatus.SERVICE_UNAVAILABLE


def test_after_repeated_failures_7digital_is_left_alone(customer_client, linked_customer, sandboxed, breaker):
    row = small_locker(customer_client)["downloadable"]
    locker_cache.invalidate(linked_customer.pk)  # the fresh copy expires; the last good one stays
    fail_three_times(customer_client, sandboxed)
    calls = locker_calls(sandboxed)
    response = customer_client.get("/locker/", {"sort": SORTS[3]})
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert "try again" in response.content.decode()
    shown = customer_client.get("/locker/")  # seen before: its last good copy, downloads paused
    assert shown.status_code == HTTPStatus.OK and "Showing the last copy we have" in shown.content.decode()
    click = post_download(customer_client, row)
    assert click.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert locker_calls(sandboxed) == calls  # nobody waited on 7digital
    assert DownloadEvent.objects.filter(outcome=DownloadEvent.Outcome.UPSTREAM_ERROR).count() == 1


def test_after_the_pause_one_request_probes_and_success_resumes_calls(customer_client, sandboxed, breaker):
    fail_three_times(customer_client, sandboxed)
    sandboxed.clear_faults()
    calls = locker_calls(sandboxed)
    assert customer_client.get("/locker/", {"sort": SORTS[3]}).status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert locker_calls(sandboxed) == calls
    pause_elapses()
    assert customer_client.get("/locker/", {"sort": SORTS[3]}).status_code == HTTPStatus.OK  # the probe
    assert customer_client.get("/locker/", {"sort": SORTS[4]}).status_code == HTTPStatus.OK
    assert locker_calls(sandboxed) == calls + 2


def test_a_failed_probe_pauses_calls_again(customer_client, sandboxed, breaker):
    fail_three_times(customer_client, sandboxed)
    pause_elapses()
    calls = locker_calls(sandboxed)
    customer_client.get("/locker/", {"sort": SORTS[3]})  # the probe, still failing
    customer_client.get("/locker/", {"sort": SORTS[4]})
    assert locker_calls(sandboxed) == calls + 1


def test_it_can_be_turned_off(customer_client, sandboxed, settings):
    settings.SEVENDIGITAL_BREAKER_FAILURES = 0
    fail_three_times(customer_client, sandboxed)
    calls = locker_calls(sandboxed)
    customer_client.get("/locker/", {"sort": SORTS[3]})
    assert locker_calls(sandboxed) == calls + 1


def test_a_retried_call_counts_each_attempt(customer_client, sandboxed, settings):
    settings.SEVENDIGITAL_BREAKER_FAILURES = 4
    settings.SEVENDIGITAL_RETRIES = 1
    sandboxed.set_faults(mode="error500", paths=["/1.2/user/locker"])
    for sort in SORTS[:2]:
        customer_client.get("/locker/", {"sort": sort})
    assert locker_calls(sandboxed) == 4  # two views, each tried twice
    customer_client.get("/locker/", {"sort": SORTS[2]})
    assert locker_calls(sandboxed) == 4
