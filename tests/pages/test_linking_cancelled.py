"""Denying on 7digital's authorise page (the sandbox's, over real HTTP) lands on our own page."""

from __future__ import annotations

from http import HTTPStatus
from urllib.parse import urlsplit

import requests
from pytest_django.asserts import assertContains

from locker.models import SevenDigitalLink


def deny_on_7digital(client, sandbox) -> str:
    """Start linking, press Deny on the sandbox's authorise page; the callback URL it sends back."""
    start = client.post("/accounts/sevendigital/login/?process=connect")
    authorise = start["Location"]
    assert authorise.startswith(f"{sandbox.url}/")
    form = requests.get(authorise, timeout=5)
    assert form.status_code == HTTPStatus.OK and 'value="deny"' in form.text
    denied = requests.post(authorise, data={"action": "deny"}, allow_redirects=False, timeout=5)
    assert denied.status_code == HTTPStatus.FOUND
    callback = urlsplit(denied.headers["Location"])
    return f"{callback.path}?{callback.query}"


def test_deny_lands_on_linking_cancelled_with_try_again(client, customer, sandboxed):
    client.force_login(customer)
    response = client.get(deny_on_7digital(client, sandboxed), follow=True)
    assert response.status_code == HTTPStatus.OK
    html = response.content.decode()
    assert "<h1>Linking was cancelled; your account is unchanged</h1>" in html
    assert "Login Cancelled" not in html and "proceed to" not in html
    assertContains(response, '<button type="submit" class="button primary">Try again</button>', html=True)
    assert 'action="/accounts/sevendigital/login/?process=connect' in html
    assert not SevenDigitalLink.objects.filter(user=customer).exists()


def test_try_again_starts_a_new_link(client, customer, sandboxed):
    client.force_login(customer)
    client.get(deny_on_7digital(client, sandboxed), follow=True)
    sandboxed.set_faults(auto_approve="small@sandbox.test")
    again = client.post("/accounts/sevendigital/login/?process=connect&next=/locker/")
    approved = requests.get(again["Location"], allow_redirects=False, timeout=5)
    callback = urlsplit(approved.headers["Location"])
    done = client.get(f"{callback.path}?{callback.query}")
    assert done["Location"] == "/locker/"
    assert SevenDigitalLink.objects.filter(user=customer).exists()


def test_a_linked_customer_who_cancels_keeps_their_link(client, linked_customer, sandboxed):
    before = SevenDigitalLink.objects.get(user=linked_customer).token_ciphertext
    client.force_login(linked_customer)
    client.get(deny_on_7digital(client, sandboxed), follow=True)
    assert SevenDigitalLink.objects.get(user=linked_customer).token_ciphertext == before
