"""Sign-in limits slow an attacker, per address and per account with backoff, instead of locking the
customer out; the refusal offers the password reset (issue 11, item 9)."""

from __future__ import annotations

import re
import time as real_time
from http import HTTPStatus

import pytest
from allauth.core.internal import ratelimit

from tests.helpers import PASSWORD
from tests.markup import elements, text

ATTACKER, CUSTOMER = "203.0.113.5", "198.51.100.9"
RESET = "/accounts/password/reset/"


class Clock:
    """allauth's rate-limit clock, moved forward by the test instead of waiting."""

    def __init__(self) -> None:
        self.offset = 0.0

    def time(self) -> float:
        return real_time.time() + self.offset

    monotonic = staticmethod(real_time.monotonic)
    sleep = staticmethod(real_time.sleep)


@pytest.fixture
def clock(monkeypatch, customer):
    clock = Clock()
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock


def sign_in(client, address: str, password: str = PASSWORD, email: str = "ada@example.com"):
    return client.post("/accounts/login/", {"login": email, "password": password}, REMOTE_ADDR=address)


def signed_in(response) -> bool:
    return response.status_code == HTTPStatus.FOUND and response["Location"] == "/locker/"


def refused(response) -> bool:
    return (
        response.status_code == HTTPStatus.OK
        and "Too many failed login attempts" in response.content.decode()
    )


def test_wrong_passwords_from_another_address_do_not_lock_the_customer_out(client, clock):
    for _ in range(8):
        sign_in(client, ATTACKER, "wrong-password")
    assert refused(sign_in(client, ATTACKER, "wrong-password"))
    assert signed_in(sign_in(client, CUSTOMER))


def test_after_the_backoff_the_right_password_works_from_the_same_address(client, clock):
    for _ in range(5):
        assert not refused(sign_in(client, CUSTOMER, "wrong-password"))
    assert refused(sign_in(client, CUSTOMER))  # slowed: the password is not even checked
    clock.offset += 61
    assert signed_in(sign_in(client, CUSTOMER))


@pytest.mark.slow
def test_the_backoff_grows_while_the_wrong_passwords_go_on(client, clock):
    allowed_at = []
    for second in range(0, 3600, 15):  # one wrong password every 15 s for an hour
        clock.offset = second
        if not refused(sign_in(client, ATTACKER, "wrong-password")):
            allowed_at.append(second)
    assert len(allowed_at) <= 20  # at most 20 guesses an hour on one account from one address
    gaps = [b - a for a, b in zip(allowed_at, allowed_at[1:], strict=False)]
    assert gaps[0] <= 15 and max(gaps) >= 300  # later guesses wait much longer than the first ones


def test_the_refusal_offers_the_password_reset(client, clock):
    for _ in range(5):
        sign_in(client, ATTACKER, "wrong-password")
    html = sign_in(client, ATTACKER, "wrong-password").content.decode()
    [error] = elements(html, "ul", class_="errorlist")
    assert "Too many failed login attempts" in text(error)
    assert elements(error, "a", href=RESET)


def test_one_address_trying_many_accounts_is_refused(client, clock):
    answers = [sign_in(client, ATTACKER, "wrong-password", email=f"user{n}@example.com") for n in range(12)]
    assert not any(refused(answer) for answer in answers[:10])
    assert refused(answers[-1])


def test_many_addresses_hammering_one_account_are_refused(client, clock):
    for n in range(25):
        for _ in range(4):
            sign_in(client, f"192.0.2.{n + 1}", "wrong-password")
    assert refused(sign_in(client, "192.0.2.200", "wrong-password"))


def test_a_password_reset_lifts_the_limit_for_the_customer(client, clock, mailoutbox):
    for _ in range(6):
        sign_in(client, CUSTOMER, "wrong-password")
    client.post("/accounts/password/reset/", {"email": "ada@example.com"}, REMOTE_ADDR=CUSTOMER)
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mailoutbox[-1].body).group(1)
    form = client.get(link, REMOTE_ADDR=CUSTOMER, follow=True)
    new_password = "another-horse-battery-7"
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"password1": new_password, "password2": new_password},
        REMOTE_ADDR=CUSTOMER,
    )
    assert done.status_code == HTTPStatus.FOUND
    assert signed_in(sign_in(client, CUSTOMER, new_password))


def test_hammering_the_sign_in_form_gets_a_page_of_ours(client, clock):
    for n in range(30):
        sign_in(client, ATTACKER, "wrong-password", email=f"user{n}@example.com")
    response = sign_in(client, ATTACKER)
    assert response.status_code == HTTPStatus.TOO_MANY_REQUESTS
    html = response.content.decode()
    assert elements(html, "header", class_="site-header") and "Please wait a minute" in html
    assert elements(html, "a", href=RESET)
