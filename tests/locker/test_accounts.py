"""Customer accounts (django-allauth): sign up, sign in, sign out, password reset."""

from __future__ import annotations

import re
from http import HTTPStatus

from pytest_django.asserts import assertContains, assertNotContains

from tests.conftest import PASSWORD


def test_a_visitor_signs_up_confirms_their_address_and_lands_on_the_locker(client, db, mailoutbox):
    response = client.post(
        "/accounts/signup/", {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"] == "/accounts/confirm-email/"  # mandatory verification
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/[^\s/]+/)", mailoutbox[0].body).group(1)
    confirmed = client.post(link)
    assert confirmed.status_code == HTTPStatus.FOUND
    assert confirmed["Location"] == "/locker/"
    assertContains(client.get("/locker/"), "Link your 7digital account")


def test_sign_in_pages_offer_no_sign_in_with_7digital(client, db):
    for url in ("/accounts/login/", "/accounts/signup/"):
        response = client.get(url)
        assertContains(response, 'class="page auth-card"')
        assertNotContains(response, "sevendigital/login")


def test_password_reset_sends_an_email(client, customer, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": customer.email})
    assert response.status_code == HTTPStatus.FOUND
    assert len(mailoutbox) == 1
    assert "/accounts/password/reset/key/" in mailoutbox[0].body


def test_sign_out_needs_a_post(client, customer):
    client.force_login(customer)
    assert client.get("/accounts/logout/").status_code == HTTPStatus.OK  # a confirmation page
    assert client.post("/accounts/logout/").status_code == HTTPStatus.FOUND
    assert client.get("/locker/").status_code == HTTPStatus.FOUND


def test_the_home_page_invites_visitors_and_sends_customers_to_their_locker(client, customer):
    assertContains(client.get("/"), "Create an account")
    client.force_login(customer)
    assert client.get("/")["Location"] == "/locker/"
