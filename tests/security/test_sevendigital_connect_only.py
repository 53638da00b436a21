"""7digital is a connected account only: it never signs anyone in to Locker (issue 11, item 1).

The whole OAuth round trip runs against the sandbox over HTTP: Locker starts the flow, the sandbox's
authorise page approves as the 7digital account, and the callback comes back to Locker.
"""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlsplit

import pytest
import requests
from allauth.socialaccount.internal import statekit
from django.test import Client

from locker.models import SevenDigitalLink
from tests.locker.test_linking import dance

AUTH_SESSION_KEYS = ("_auth_user_id", "_auth_user_backend", "_auth_user_hash")


def approve(sandbox, authorise_url: str, account: str) -> str:
    """Let the sandbox's authorise page approve as `account`; returns Locker's callback path + query."""
    sandbox.set_faults(auto_approve=account)
    approved = requests.get(authorise_url, allow_redirects=False, timeout=5)
    assert approved.status_code == HTTPStatus.FOUND
    callback = urlsplit(approved.headers["Location"])
    return f"{callback.path}?{callback.query}"


def round_trip(client: Client, sandbox, start_url: str, account: str = "small@sandbox.test"):
    """Start at `start_url` and, if Locker sends the browser to 7digital, go all the way back."""
    start = client.post(start_url)
    location = start.get("Location", "")
    if start.status_code != HTTPStatus.FOUND or not location.startswith(sandbox.url):
        return start, None
    return start, client.get(approve(sandbox, location, account), follow=True)


def assert_signed_out(client: Client) -> None:
    assert not any(key in client.session for key in AUTH_SESSION_KEYS)
    locker = client.get("/locker/")
    assert locker.status_code == HTTPStatus.FOUND
    assert locker["Location"].startswith("/accounts/login/")


@pytest.fixture
def linked_by_oauth(client, customer, sandboxed):
    """A customer who linked small@sandbox.test through the OAuth flow, then signed out."""
    client.force_login(customer)
    assert dance(client, sandboxed)["Location"] == "/locker/"
    client.logout()
    return customer


@pytest.mark.parametrize(
    "start_url",
    [
        "/accounts/sevendigital/login/",
        "/accounts/sevendigital/login/?process=login",
        "/accounts/sevendigital/login/?process=redirect",
    ],
)
def test_an_anonymous_round_trip_through_7digital_ends_signed_out(linked_by_oauth, sandboxed, start_url):
    anonymous = Client()
    start, _ = round_trip(anonymous, sandboxed, start_url)
    assert_signed_out(anonymous)
    assert not start.get("Location", "").startswith(sandboxed.url)  # refused before 7digital


def test_a_staff_members_7digital_account_does_not_open_the_admin(customer_factory, sandboxed):
    staff = customer_factory("staff@example.com")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    linker = Client()
    linker.force_login(staff)
    dance(linker, sandboxed)
    assert SevenDigitalLink.objects.filter(user=staff).exists()

    anonymous = Client()
    round_trip(anonymous, sandboxed, "/accounts/sevendigital/login/")
    admin = anonymous.get("/admin/")
    assert admin.status_code == HTTPStatus.FOUND
    assert "/login/" in admin["Location"]
    assert_signed_out(anonymous)


def test_a_signed_in_customer_cannot_switch_to_the_linker_through_7digital(
    client, linked_by_oauth, customer_factory, sandboxed
):
    other = customer_factory("other@example.com")
    client.force_login(other)
    start, _ = round_trip(client, sandboxed, "/accounts/sevendigital/login/?process=login")
    assert start.status_code == HTTPStatus.FORBIDDEN
    assert "never used to sign in" in start.content.decode()
    assert client.session["_auth_user_id"] == str(other.pk)


def test_connecting_without_a_session_is_refused(db, sandboxed):
    anonymous = Client()
    start = anonymous.post("/accounts/sevendigital/login/?process=connect")
    assert start.status_code == HTTPStatus.FOUND
    assert start["Location"].startswith("/accounts/login/")  # sign in first
    assert not anonymous.session.get(statekit.STATES_SESSION_KEY)  # nothing stashed for a callback


@pytest.mark.parametrize("signed_in_at_callback", [False, True])
def test_the_callback_never_signs_in_even_with_a_stashed_login_state(
    client, linked_by_oauth, customer_factory, sandboxed, signed_in_at_callback
):
    """A state stashed with process=login (an old session, any other path) must not log anyone in."""
    other = customer_factory("other@example.com")
    client.force_login(other)
    start = client.post("/accounts/sevendigital/login/?process=connect")
    assert start["Location"].startswith(sandboxed.url)
    session = client.session
    states = session[statekit.STATES_SESSION_KEY]
    for state, *_ in states.values():
        state["process"] = "login"
    session[statekit.STATES_SESSION_KEY] = states
    if not signed_in_at_callback:
        for key in AUTH_SESSION_KEYS:
            session.pop(key, None)
    session.save()

    done = client.get(approve(sandboxed, start["Location"], "small@sandbox.test"), follow=True)
    assert done.status_code < 500
    if signed_in_at_callback:
        assert client.session["_auth_user_id"] == str(other.pk)  # still themselves, not the linker
    else:
        assert_signed_out(client)
    assert not SevenDigitalLink.objects.filter(user=other).exists()


def test_allauths_social_sign_up_form_is_not_routed(client, db):
    for url in ("/accounts/3rdparty/signup/", "/accounts/social/signup/"):
        assert client.get(url).status_code == HTTPStatus.NOT_FOUND
        assert client.post(url, {"email": "x@example.com"}).status_code == HTTPStatus.NOT_FOUND
