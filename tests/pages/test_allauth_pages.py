"""allauth's pages and emails in the site's words: sentence case, the customer's email as their
name, SITE_NAME and SITE_URL in every email."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest
from django.contrib.messages import get_messages

from tests.helpers import PASSWORD
from tests.markup import element, text

pytestmark = pytest.mark.django_db
TITLE_CASE = re.compile(
    r"\b(Sign In|Sign Up|Sign Out|Email Addresses|Forgot Password|Remember Me|Change Password|Password Reset|Verify Your)\b"
)


def title(html: str) -> str:
    return text(element(html, "title"))


def heading(html: str) -> str:
    return text(element(html, "h1"))


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/accounts/login/", "Sign in"),
        ("/accounts/signup/", "Sign up"),
        ("/accounts/password/reset/", "Password reset"),
    ],
)
def test_signed_out_pages_are_in_sentence_case(client, path, expected):
    html = client.get(path).content.decode()
    assert title(html).startswith(expected) and heading(html) == expected
    assert not TITLE_CASE.search(html), TITLE_CASE.search(html)


@pytest.mark.parametrize(
    "path, expected",
    [
        ("/accounts/email/", "Email addresses"),
        ("/accounts/password/change/", "Change password"),
        ("/accounts/logout/", "Sign out"),
    ],
)
def test_signed_in_pages_are_in_sentence_case(client, customer, path, expected):
    client.force_login(customer)
    html = client.get(path).content.decode()
    assert heading(html) == expected
    assert not TITLE_CASE.search(html), TITLE_CASE.search(html)


def test_forms_use_the_site_s_layout(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<label for="id_login">Email</label>' in html  # no colon
    assert (
        '<input type="checkbox" name="remember" id="id_remember"> <label for="id_remember">Remember me</label>'
        in html
    )
    assert 'aria-describedby="id_password_helptext"' in html and 'id="id_password_helptext"' in html
    assert ">Forgot your password?</a>" in html


def test_the_greeting_after_sign_in_names_the_email_not_a_username(client, customer_factory):
    customer_factory("grace.hopper@example.com")
    response = client.post("/accounts/login/", {"login": "grace.hopper@example.com", "password": PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    greetings = [str(m) for m in get_messages(response.wsgi_request)]
    assert greetings == ["Successfully signed in as grace.hopper@example.com."]


def test_the_greeting_after_sign_up_names_the_email(client, settings, mailoutbox):
    settings.ACCOUNT_EMAIL_VERIFICATION = "none"
    response = client.post(
        "/accounts/signup/",
        {"email": "new.customer@example.com", "password1": PASSWORD, "password2": PASSWORD},
        follow=True,
    )
    html = response.content.decode()
    assert "Successfully signed in as new.customer@example.com." in html
    assert "signed in as new.customer." not in html  # the generated username never shows


def test_emails_are_signed_with_site_name_and_site_url(client, customer, settings, mailoutbox):
    settings.SITE_NAME = "Crate"
    settings.SITE_URL = "https://music.crate.example"
    client.post("/accounts/password/reset/", {"email": customer.email})
    mail = mailoutbox[0]
    assert mail.subject == "Reset your Crate password"
    assert mail.body.startswith("Hello from Crate,")
    assert re.search(r"^https://music\.crate\.example/accounts/password/reset/key/\S+/$", mail.body, re.M)
    assert mail.body.rstrip().endswith("The Crate team\nhttps://music.crate.example/")
    assert "example.com!" not in mail.body and "testserver" not in mail.body


def test_the_confirmation_link_is_on_site_url(client, settings, mailoutbox):
    settings.SITE_URL = "https://music.crate.example"
    client.post(
        "/accounts/signup/", {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    body = mailoutbox[0].body
    assert re.search(r"^https://music\.crate\.example/accounts/confirm-email/\S+/$", body, re.M)
    assert "testserver" not in body


def test_without_site_url_emails_use_the_address_the_customer_used(client, customer, mailoutbox):
    client.post("/accounts/password/reset/", {"email": customer.email})
    body = mailoutbox[0].body
    assert "http://testserver/accounts/password/reset/key/" in body
    assert body.rstrip().endswith("The Locker team\nhttp://testserver/")


def test_allauth_s_own_notices_name_the_site(client, customer, settings, mailoutbox):
    settings.SITE_NAME = "Crate"
    settings.ACCOUNT_EMAIL_NOTIFICATIONS = True
    client.force_login(customer)
    client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": "a-new-passphrase-42", "password2": "a-new-passphrase-42"},
    )
    mail = mailoutbox[-1]
    assert mail.subject == "Crate: Password changed"
    assert mail.body.startswith("Hello from Crate,") and "The Crate team" in mail.body
