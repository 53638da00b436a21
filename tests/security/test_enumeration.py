"""Sign-up and password reset never tell which addresses have accounts; a new address is verified by
mail before it signs in (issue 11, item 10)."""

from __future__ import annotations

import io
import re
from http import HTTPStatus

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import MD5PasswordHasher
from django.core.management import call_command

from tests.helpers import PASSWORD, settings_in_subprocess
from tests.test_settings import start

OTHER_PASSWORD = "another-horse-battery-7"


def sign_up(client, email: str, password: str = OTHER_PASSWORD):
    return client.post("/accounts/signup/", {"email": email, "password1": password, "password2": password})


def confirmation_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", message.body).group(1)


def test_sign_up_answers_the_same_for_a_taken_and_a_new_address(client, customer, mailoutbox):
    taken = sign_up(client, customer.email)
    new = sign_up(client, "newcomer@example.com")
    assert taken.status_code == new.status_code == HTTPStatus.FOUND
    assert taken["Location"] == new["Location"] == "/accounts/confirm-email/"
    page = client.get(taken["Location"]).content.decode()
    assert "already" not in page.lower()
    # Only the owner of the address learns the answer, by mail.
    assert {m.to[0] for m in mailoutbox} == {customer.email, "newcomer@example.com"}
    assert get_user_model().objects.filter(email=customer.email).count() == 1
    customer.refresh_from_db()
    assert customer.check_password(PASSWORD)  # the existing account is untouched


def test_password_reset_answers_the_same_for_a_known_and_an_unknown_address(client, customer, mailoutbox):
    known = client.post("/accounts/password/reset/", {"email": customer.email})
    unknown = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    assert known.status_code == unknown.status_code == HTTPStatus.FOUND
    assert known["Location"] == unknown["Location"]
    assert page_without_csrf(client, known["Location"]) == page_without_csrf(client, unknown["Location"])


def page_without_csrf(client, url: str) -> str:
    html = client.get(url).content.decode()
    return re.sub(r'("X-CSRFToken": "|name="csrfmiddlewaretoken" value="|nonce=")[^"]+', r"\1", html)


def test_a_new_address_is_confirmed_by_mail_before_it_signs_in(client, db, mailoutbox):
    sign_up(client, "newcomer@example.com")
    assert client.get("/locker/").status_code == HTTPStatus.FOUND  # not signed in yet
    other_browser = client.__class__()
    refused = other_browser.post(
        "/accounts/login/", {"login": "newcomer@example.com", "password": OTHER_PASSWORD}
    )
    assert refused["Location"] == "/accounts/confirm-email/"
    link = confirmation_link(mailoutbox[0])
    stranger = client.__class__()  # holds only the link (a forwarded mail, a log line)
    stranger.get(link)  # opening the link alone confirms nothing
    assert not EmailAddress.objects.get(email="newcomer@example.com").verified
    confirmed = stranger.post(link)
    assert confirmed.status_code == HTTPStatus.FOUND
    assert EmailAddress.objects.get(email="newcomer@example.com").verified
    # Confirming signs in only a browser that gave the password; the link alone signs no one in.
    assert stranger.get("/locker/").status_code == HTTPStatus.FOUND
    signed_in = other_browser.post(
        "/accounts/login/", {"login": "newcomer@example.com", "password": OTHER_PASSWORD}
    )
    assert signed_in["Location"] == "/locker/"


def test_mandatory_verification_is_the_default():
    assert settings_in_subprocess("s.ACCOUNT_EMAIL_VERIFICATION", {"PATH": "/usr/bin:/bin"}) == "mandatory"
    bad = start(ACCOUNT_EMAIL_VERIFICATION="sometimes")
    assert bad.returncode != 0 and "ACCOUNT_EMAIL_VERIFICATION" in bad.stderr


def test_the_demo_customer_still_signs_in_with_mandatory_verification(client, db, sandboxed):
    call_command("seed_demo", stdout=io.StringIO())
    response = client.post("/accounts/login/", {"login": "demo@example.com", "password": "locker-demo"})
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/locker/"


class CountingHasher(MD5PasswordHasher):
    encoded = 0

    def encode(self, password, salt):
        CountingHasher.encoded += 1
        return super().encode(password, salt)


def test_sign_up_hashes_the_password_for_a_taken_address_too(client, customer, settings):
    """Hashing is the slow part of a sign-up: skipping it for a taken address would tell by timing."""
    settings.PASSWORD_HASHERS = ["tests.security.test_enumeration.CountingHasher"]
    CountingHasher.encoded = 0
    sign_up(client, "newcomer@example.com")
    new = CountingHasher.encoded
    CountingHasher.encoded = 0
    sign_up(client, customer.email)
    assert new >= 1 and CountingHasher.encoded == new
