"""Linking a 7digital account: the whole OAuth 1.0a dance against the sandbox, unlink and relink."""

from __future__ import annotations

import io
from http import HTTPStatus
from urllib.parse import urlsplit

import requests
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.core.management import call_command

from locker.models import SevenDigitalLink


def dance(client, sandbox, *, approve_as="small@sandbox.test"):
    """Start the connect flow, let the sandbox approve, and follow the callback. Returns the final response."""
    sandbox.set_faults(auto_approve=approve_as)
    start = client.post("/accounts/sevendigital/login/?process=connect")
    assert start.status_code == HTTPStatus.FOUND
    authorise = start["Location"]
    assert authorise.startswith(f"{sandbox.url}/locker-demo-key/oauth/authorise?oauth_token=")
    approved = requests.get(authorise, allow_redirects=False, timeout=5)
    assert approved.status_code == HTTPStatus.FOUND
    callback = urlsplit(approved.headers["Location"])
    assert "status=Authorised" in callback.query
    return client.get(f"{callback.path}?{callback.query}")


def test_a_customer_links_their_account_through_oauth(client, customer, sandboxed):
    client.force_login(customer)
    done = dance(client, sandboxed)
    assert done.status_code == HTTPStatus.FOUND
    assert done["Location"] == "/locker/"
    link = SevenDigitalLink.objects.get(user=customer)
    assert link.sevendigital_email == "small@sandbox.test"
    token = link.get_token()
    assert token.key and token.secret
    assert token.key not in link.token_ciphertext and token.secret not in link.token_ciphertext
    assert not SocialToken.objects.exists()  # never allauth's plain-text token table
    assert not any(k.startswith("oauth_") for k in client.session.keys())  # noqa: SIM118 (not iterable)
    page = client.get("/locker/")
    assert page.content.decode().count("<article") == 4


def test_a_denied_authorisation_links_nothing(client, customer, sandboxed):
    client.force_login(customer)
    client.post("/accounts/sevendigital/login/?process=connect")
    response = client.get("/accounts/sevendigital/login/callback/?oauth_token=x&status=Denied&denied=x")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("/login/cancelled/")
    assert not SevenDigitalLink.objects.filter(user=customer).exists()


def test_a_forged_callback_links_nothing(client, customer, sandboxed):
    client.force_login(customer)
    client.post("/accounts/sevendigital/login/?process=connect")
    response = client.get("/accounts/sevendigital/login/callback/?oauth_token=forged&status=Authorised")
    assert response.status_code == HTTPStatus.UNAUTHORIZED
    assert not SevenDigitalLink.objects.filter(user=customer).exists()


def test_relinking_after_a_revoked_token_restores_the_locker(client, customer, sandboxed):
    client.force_login(customer)
    dance(client, sandboxed)
    sandboxed.revoke(email="small@sandbox.test")
    assert "Link your 7digital account again" in client.get("/locker/").content.decode()
    dance(client, sandboxed)
    link = SevenDigitalLink.objects.get(user=customer)
    assert not link.needs_relink
    assert client.get("/locker/").content.decode().count("<article") == 4


def test_another_customers_7digital_account_is_not_handed_over(client, customer_factory, sandboxed):
    first, second = customer_factory("first@example.com"), customer_factory("second@example.com")
    client.force_login(first)
    dance(client, sandboxed)
    client.force_login(second)
    dance(client, sandboxed)
    assert not SevenDigitalLink.objects.filter(user=second).exists()
    assert SevenDigitalLink.objects.get(user=first).sevendigital_email == "small@sandbox.test"


def test_unlink_deletes_the_tokens(customer_client, linked_customer):
    response = customer_client.post("/locker/unlink/")
    assert response.status_code == HTTPStatus.FOUND
    assert not SevenDigitalLink.objects.filter(user=linked_customer).exists()
    assert not SocialAccount.objects.filter(user=linked_customer).exists()
    assert "Link your 7digital account" in customer_client.get("/locker/").content.decode()


def test_unlink_needs_post_and_csrf(linked_customer, sandboxed):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(linked_customer)
    assert strict.get("/locker/unlink/").status_code == HTTPStatus.METHOD_NOT_ALLOWED
    assert strict.post("/locker/unlink/").status_code == HTTPStatus.FORBIDDEN
    assert SevenDigitalLink.objects.filter(user=linked_customer).exists()


def test_tokens_never_appear_in_the_admin(admin_client, linked_customer):
    token = linked_customer.sevendigital_link.get_token()
    link = linked_customer.sevendigital_link
    for url in ("/admin/locker/sevendigitallink/", f"/admin/locker/sevendigitallink/{link.pk}/change/"):
        html = admin_client.get(url).content.decode()
        assert token.key not in html and token.secret not in html and link.token_ciphertext not in html


def test_key_rotation_reencrypts_tokens_and_widget_secrets(linked_customer, settings):
    from cryptography.fernet import Fernet

    from locker.widget.models import Partner

    link = linked_customer.sevendigital_link
    before = link.token_ciphertext
    token = link.get_token()
    partner = Partner(name="Shop", slug="shop", allowed_origins="https://shop.example")
    secret = partner.set_new_secret()
    partner.save()
    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.TOKEN_ENCRYPTION_KEYS]
    call_command("rotate_token_keys", stdout=io.StringIO())
    link.refresh_from_db()
    partner.refresh_from_db()
    assert link.token_ciphertext != before
    settings.TOKEN_ENCRYPTION_KEYS = settings.TOKEN_ENCRYPTION_KEYS[:1]  # the old key is gone
    assert link.get_token() == token
    assert partner.get_secret() == secret.encode()


def test_disconnecting_on_allauths_page_deletes_the_tokens(customer_client, linked_customer):
    account = SocialAccount.objects.get(user=linked_customer)
    response = customer_client.post("/accounts/3rdparty/", {"account": account.pk})
    assert response.status_code == HTTPStatus.FOUND
    assert not SevenDigitalLink.objects.filter(user=linked_customer).exists()


def test_support_can_link_a_customer_from_a_token_pair(customer, sandboxed, monkeypatch):
    key, secret = sandboxed.token_for("other@sandbox.test")
    monkeypatch.setenv("SEVENDIGITAL_TOKEN_SECRET", secret)
    call_command("link_7digital", customer.email, token=key)
    link = SevenDigitalLink.objects.get(user=customer)
    assert link.sevendigital_email == "other@sandbox.test"
    assert link.get_token().secret == secret


def test_linking_refuses_a_token_7digital_rejects(customer, sandboxed, monkeypatch):
    import pytest
    from django.core.management import CommandError

    monkeypatch.setenv("SEVENDIGITAL_TOKEN_SECRET", "wrong")
    with pytest.raises(CommandError, match="did not accept"):
        call_command("link_7digital", customer.email, token="demo-token")
    assert not SevenDigitalLink.objects.filter(user=customer).exists()
