"""A refused widget says why: a stable reason for the partner's page and true words for the customer."""

from __future__ import annotations

import pytest

from locker.widget import auth
from tests.markup import attribute, element, elements, text

pytestmark = pytest.mark.django_db


def refusal(response) -> tuple[str, str]:
    """(data-reason, the message paragraph) of the widget's error page."""
    page = response.content.decode()
    error = element(page, "*", data_widget_error="auth")
    return attribute(error, "data-reason"), text(elements(error, "p")[0])


def test_an_expired_token_says_reload(client, customer, mint):
    response = client.get(f"/widget/locker/?token={mint(customer.email, now=0)}")
    assert response.status_code == 401
    reason, text = refusal(response)
    assert reason == "expired"
    assert text == (
        "This music widget could not sign you in: its sign-in link has expired. Reload the page to get a new one."
    )


def test_a_replayed_token_says_reloading_wont_help_and_names_the_partner(client, customer, mint, partner):
    token = mint(customer.email)
    assert client.get(f"/widget/locker/?token={token}").status_code == 200
    response = client.get(f"/widget/locker/?token={token}")
    assert response.status_code == 401
    reason, text = refusal(response)
    assert reason == "replayed"
    assert "already been used, so reloading won't help" in text
    assert f"Go back to {partner.name} and open this page from there." in text
    assert "Reload the page" not in text


def test_a_replayed_preview_says_to_open_it_again(client, customer):
    token = auth.preview_token(customer)
    assert client.get(f"/widget/locker/?preview={token}").status_code == 200
    reason, text = refusal(client.get(f"/widget/locker/?preview={token}"))
    assert reason == "replayed"
    assert text.endswith("Go back and open this page from its link.")


def test_an_unknown_customer_is_offered_sign_up(client, mint):
    response = client.get(f"/widget/locker/?token={mint('nobody@example.com')}")
    reason, text = refusal(response)
    assert reason == "unknown-customer"
    assert "there is no Locker account with your email address" in text
    assert "nobody@example.com" not in response.content.decode()  # the address is not echoed
    assert 'href="/accounts/signup/" target="_blank"' in response.content.decode()


def test_an_unverified_email_is_asked_to_confirm(client, customer, mint):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=customer).update(verified=False)
    response = client.get(f"/widget/locker/?token={mint(customer.email)}")
    reason, text = refusal(response)
    assert reason == "unverified-email"
    assert "your email address at Locker isn't confirmed yet" in text
    assert 'href="/accounts/email/" target="_blank"' in response.content.decode()


@pytest.mark.parametrize("token", ["", "not-a-token", "a.b.c"])
def test_any_other_refusal_blames_the_link_not_the_customer(client, token):
    reason, text = refusal(client.get(f"/widget/locker/?token={token}"))
    assert reason == "invalid"
    assert "sent a sign-in link we can't accept" in text


def test_a_bad_signature_is_invalid_and_only_logged_in_detail(client, partner, customer, caplog):
    from locker.widget import tokens

    forged = tokens.mint(
        partner.slug, "not-the-partners-secret-but-long-enough-for-hs256", subject=customer.email
    )
    with caplog.at_level("INFO", logger="locker.widget.views"):
        reason, _ = refusal(client.get(f"/widget/locker/?token={forged}"))
    assert reason == "invalid"
    assert "bad-signature" in caplog.text
