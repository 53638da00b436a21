"""The locker page in the customer's language: words, formats, and its cached renders kept apart."""

from __future__ import annotations

import re

from locker.models import AccountSettings
from tests.markup import attribute, element, elements, text


def language_and_direction(html: str) -> tuple[str | None, str | None]:
    page = element(html, "html")
    return attribute(page, "lang"), attribute(page, "dir")


def buttons(html: str) -> list[str]:
    """Each button's accessible name: its aria-label, else its text."""
    return [attribute(button, "aria-label") or text(button) for button in elements(html, "button")]


def count(html: str) -> str:
    return text(element(html, "p", class_="count", role="status"))


def test_the_locker_speaks_german_to_a_german_browser(customer_client):
    html = customer_client.get("/locker/", headers={"accept-language": "de-DE,de"}).content.decode()
    assert language_and_direction(html) == ("de", "ltr")
    said = buttons(html)
    assert any(b.startswith("MP3 320 herunterladen") for b in said)
    assert any(b.startswith("Abspielen") for b in said) and not any(b.startswith("Play") for b in said)
    assert "Sortieren nach" in html and "Neueste Käufe zuerst" in html
    assert re.fullmatch(r"\d+–\d+ von \d+ Releases", count(html))
    assert "Das ist dein letzter Download dieses Titels" in html
    assert "Download MP3" not in html


def test_cached_renders_never_cross_languages(customer_client):
    german = customer_client.get("/locker/", headers={"accept-language": "de"}).content.decode()
    english = customer_client.get("/locker/", headers={"accept-language": "en"}).content.decode()
    french = customer_client.get("/locker/", headers={"accept-language": "fr"}).content.decode()
    assert "herunterladen" in german
    assert "Download MP3 320" in english and "herunterladen" not in english
    assert "Télécharger en MP3 320" in french and "herunterladen" not in french


def test_arabic_is_right_to_left_with_arabic_plurals(customer_client):
    html = customer_client.get("/locker/", headers={"accept-language": "ar"}).content.decode()
    assert language_and_direction(html) == ("ar", "rtl")
    assert re.fullmatch(r"\d+–\d+ من \d+ (إصدارات|إصدارًا|إصدار)", count(html))
    assert "تنزيل MP3 320" in html


def test_release_dates_are_calendar_days_in_every_time_zone(customer_client, linked_customer):
    AccountSettings.objects.create(user=linked_customer, time_zone="America/Los_Angeles", language="en")
    html = customer_client.get("/locker/").content.decode()
    released = [span for span in elements(html, "span") if text(span).startswith("Released ")]
    dates = [(attribute(t, "datetime") or "", text(t)) for span in released for t in elements(span, "time")]
    assert dates and all(re.fullmatch(r"\d{4}-\d\d-\d\d", iso) for iso, _ in dates)
    assert all(int(iso[-2:]) == int(day.split()[0]) for iso, day in dates)  # no day lost to UTC-8


def test_counts_are_grouped_the_way_each_language_writes_them():
    from django.utils import translation

    from locker.templatetags.locker_tags import grouped

    expected = {
        "en": "2,000",
        "de": "2.000",
        "it": "2.000",
        "nl": "2.000",
        "es": "2\xa0000",
        "sv": "2\xa0000",
    }
    for language, written in expected.items():
        with translation.override(language):
            assert grouped(2000) == written, language
    with translation.override("fr"):
        assert grouped(2000).replace("\u202f", "\xa0") == "2\xa0000"
