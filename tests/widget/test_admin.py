"""Partners are managed in the admin: the secret is shown once, stored encrypted, and can be rotated."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from locker.widget import tokens
from locker.widget.models import Partner, WidgetSession
from tests.markup import element, elements, text

pytestmark = pytest.mark.django_db


def shown_secret(response) -> str:
    """The secret in the table's row (the second cell; the third is its fingerprint)."""
    secret = text(elements(element(response.content.decode(), "tbody"), "td")[1])
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret), secret
    return secret


def test_adding_a_partner_shows_its_secret_once(admin_client):
    response = admin_client.post(
        "/admin/widget/partner/add/",
        {
            "name": "Record Shop",
            "slug": "record-shop",
            "is_active": "on",
            "allowed_origins": "https://Shop.example/",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = shown_secret(response)
    partner = Partner.objects.get()
    assert partner.allowed_origins == "https://shop.example"
    assert partner.get_secret() == secret.encode() and secret not in partner.secret_ciphertext
    page = admin_client.get(f"/admin/widget/partner/{partner.pk}/change/").content.decode()
    assert secret not in page and partner.secret_fingerprint in page
    assert tokens.verify(tokens.mint("record-shop", secret, subject="ada@example.com")).partner == partner


def test_an_invalid_origin_is_refused_by_the_form(admin_client):
    response = admin_client.post(
        "/admin/widget/partner/add/",
        {
            "name": "Bad",
            "slug": "bad",
            "is_active": "on",
            "allowed_origins": "https://*.shop.example",
            "notes": "",
        },
    )
    assert response.status_code == 200 and not Partner.objects.exists()
    assert response.content.decode().count("invalid host name") == 1


def test_rotating_the_secret_invalidates_old_tokens(admin_client, partner, mint):
    old = mint()
    response = admin_client.post(
        "/admin/widget/partner/", {"action": "rotate_secret", "_selected_action": [partner.pk]}
    )
    new_secret = shown_secret(response)
    with pytest.raises(tokens.InvalidWidgetToken):
        tokens.verify(old)
    assert tokens.verify(tokens.mint(partner.slug, new_secret, subject="x@example.com"))


def test_support_can_end_widget_sessions(admin_client, mint, customer):
    from locker.widget import auth

    auth.exchange({"token": mint()})
    session = WidgetSession.objects.get()
    admin_client.post(
        "/admin/widget/widgetsession/", {"action": "end_sessions", "_selected_action": [session.pk]}
    )
    assert not WidgetSession.objects.exists()


def test_the_widget_token_command_mints_a_working_token(partner, capsys):
    call_command("widget_token", partner.slug, "ada@example.com", "--base-url", "https://locker.example")
    token, url = capsys.readouterr().out.split()
    assert tokens.verify(token).subject == "ada@example.com"
    assert url == f"https://locker.example/widget/locker/?token={token}"


def test_the_widget_token_command_is_quiet_for_a_verified_customer(partner, customer, capsys):
    call_command("widget_token", partner.slug, customer.email)
    assert capsys.readouterr().err == ""


def test_the_widget_token_command_warns_when_the_widget_would_refuse(partner, customer, capsys):
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=customer).update(verified=False)
    call_command("widget_token", partner.slug, customer.email)
    out, err = capsys.readouterr()
    assert "Warning: ada@example.com has not confirmed that address" in err
    assert "unverified-email" in err
    assert tokens.verify(out.split()[0]).subject == customer.email  # the token is still printed

    call_command("widget_token", partner.slug, "nobody@example.com")
    assert "no active Locker customer has the address nobody@example.com" in capsys.readouterr().err


def test_partner_secrets_follow_a_key_rotation(partner, settings):
    from cryptography.fernet import Fernet

    settings.TOKEN_ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *settings.TOKEN_ENCRYPTION_KEYS]
    call_command("reencrypt_widget_secrets")
    partner.refresh_from_db()
    settings.TOKEN_ENCRYPTION_KEYS = settings.TOKEN_ENCRYPTION_KEYS[:1]
    assert partner.get_secret() == partner.secret.encode()
