"""The account emails (our allauth overrides) speak the customer's language and carry SITE_NAME."""

from __future__ import annotations

import re

from tests.helpers import PASSWORD


def test_the_confirmation_email_is_in_the_visitor_s_language_and_brand(client, db, mailoutbox, settings):
    settings.SITE_NAME = "Klangkiste"
    client.post(
        "/accounts/signup/",
        {"email": "neu@example.com", "password1": PASSWORD, "password2": PASSWORD},
        headers={"accept-language": "de-DE"},
    )
    mail = mailoutbox[0]
    assert "Bestätige deine E-Mail-Adresse für Klangkiste" in mail.subject
    assert mail.body.startswith("Hallo von Klangkiste,")
    assert "Öffne diesen Link, um sie zu bestätigen:" in mail.body
    assert re.search(r"https?://\S+/accounts/confirm-email/\S+/", mail.body)
    assert "für ein Konto bei Klangkiste angegeben" in mail.body
    assert "Dein Klangkiste-Team" in mail.body
    assert "example.com" not in mail.subject  # branded with the site's name, not its host


def test_the_password_reset_email_follows_the_saved_language(client, customer, mailoutbox):
    from locker.models import AccountSettings

    AccountSettings.objects.create(user=customer, language="fr")
    client.post("/i18n/setlang/", {"language": "fr", "next": "/"})  # the visitor's own choice
    client.post("/accounts/password/reset/", {"email": customer.email})
    mail = mailoutbox[0]
    assert "Réinitialisez votre mot de passe Locker" in mail.subject
    assert "/accounts/password/reset/key/" in mail.body and "L’équipe Locker" in mail.body
    assert "votre compte Locker" in mail.body


def test_english_stays_the_source(client, db, mailoutbox):
    client.post(
        "/accounts/signup/", {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
    )
    assert "Confirm your email address for Locker" in mailoutbox[0].subject
    assert "The Locker team" in mailoutbox[0].body


def test_arabic_emails_have_arabic_words(client, db, mailoutbox):
    client.post(
        "/accounts/signup/",
        {"email": "jadid@example.com", "password1": PASSWORD, "password2": PASSWORD},
        headers={"accept-language": "ar"},
    )
    assert "أكّد عنوان بريدك الإلكتروني لدى Locker" in mailoutbox[0].subject
    assert "فريق Locker" in mailoutbox[0].body
