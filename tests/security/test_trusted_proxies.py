"""Behind our proxies every request comes from the proxy's address: TRUSTED_PROXY_COUNT says how
many of ours append to X-Forwarded-For, and both the sign-in limits and the support audit use it
(issue 11, item 8)."""

from __future__ import annotations

from http import HTTPStatus

import pytest

from tests.helpers import PASSWORD, settings_in_subprocess

PROXY = "127.0.0.1"  # the one nginx in front of us: every request's REMOTE_ADDR


@pytest.fixture
def one_proxy(settings, customer):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**getattr(settings, "ACCOUNT_RATE_LIMITS", {}), "login": "3/m/ip"}


def sign_in(client, forwarded_for: str, password: str = PASSWORD, email: str = "ada@example.com"):
    return client.post(
        "/accounts/login/",
        {"login": email, "password": password},
        headers={"X-Forwarded-For": forwarded_for},
        REMOTE_ADDR=PROXY,
    )


def test_each_client_behind_the_proxy_has_its_own_sign_in_limit(client, django_user_model, one_proxy):
    for attempt in range(3):
        sign_in(client, "203.0.113.5", email=f"nobody{attempt}@example.com")
    assert (
        sign_in(client, "203.0.113.5", email="nobody9@example.com").status_code
        == HTTPStatus.TOO_MANY_REQUESTS
    )
    # Another customer behind the same proxy is not limited by the first one's attempts.
    response = sign_in(client, "198.51.100.9")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/locker/"


def test_a_forged_x_forwarded_for_does_not_dodge_the_limit(client, one_proxy):
    for attempt in range(3):  # the client claims a new address each time; our proxy appends the real one
        sign_in(client, f"10.9.9.{attempt}, 203.0.113.5", email=f"nobody{attempt}@example.com")
    assert sign_in(client, "10.9.9.99, 203.0.113.5").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_without_trusted_proxies_x_forwarded_for_is_ignored(client, one_proxy, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for attempt in range(3):
        sign_in(client, f"10.9.9.{attempt}", email=f"nobody{attempt}@example.com")
    assert sign_in(client, "10.9.9.99").status_code == HTTPStatus.TOO_MANY_REQUESTS


def test_a_request_that_skipped_a_proxy_is_answered_not_a_500(client, one_proxy, settings):
    settings.TRUSTED_PROXY_COUNT = settings.ALLAUTH_TRUSTED_PROXY_COUNT = (
        2  # this request carries one address
    )
    response = sign_in(client, "203.0.113.5")
    assert response.status_code == HTTPStatus.FOUND


def settings_from_env(**env) -> list:
    expression = "[s.TRUSTED_PROXY_COUNT, s.ALLAUTH_TRUSTED_PROXY_COUNT]"
    return settings_in_subprocess(expression, {"PATH": "/usr/bin:/bin", **env})


def test_one_environment_variable_drives_every_use_and_the_old_name_still_works():
    assert settings_from_env() == [0, 0]
    assert settings_from_env(TRUSTED_PROXY_COUNT="1") == [1, 1]
    assert settings_from_env(SUPPORT_AUDIT_TRUSTED_PROXIES="2") == [2, 2]


def test_the_access_log_records_the_client_behind_the_proxy(client, one_proxy, caplog):
    caplog.set_level("INFO", logger="locker.access")
    client.get("/accounts/login/", headers={"X-Forwarded-For": "10.9.9.9, 203.0.113.5"}, REMOTE_ADDR=PROXY)
    (line,) = [r for r in caplog.records if r.name == "locker.access"]
    assert line.remote_addr == "203.0.113.5"
