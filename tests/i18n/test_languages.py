"""Choosing the language (saved choice, else Accept-Language, else LANGUAGE_CODE) and the time zone."""

from __future__ import annotations

from http import HTTPStatus

import pytest
from django.test import Client
from pytest_django.asserts import assertContains

from locker.models import AccountSettings
from tests.helpers import PASSWORD, record_download
from tests.markup import attribute, element
from tests.test_settings import start


def html_lang(response) -> tuple[str | None, str | None]:
    """Every page says its language and direction."""
    page = element(response.content.decode(), "html")
    return attribute(page, "lang"), attribute(page, "dir")


@pytest.mark.django_db
def test_accept_language_picks_the_language_and_urls_stay_as_they_are(client):
    response = client.get("/", headers={"accept-language": "de-DE,de;q=0.9,en;q=0.5"})
    assert response.status_code == HTTPStatus.OK
    assert html_lang(response) == ("de", "ltr")
    assert response["Content-Language"] == "de"
    assert "Accept-Language" in response["Vary"]
    assert "Anmelden" in response.content.decode()


@pytest.mark.django_db
def test_without_a_choice_the_default_is_language_code(client, settings):
    assert html_lang(client.get("/")) == ("en", "ltr")
    assert html_lang(client.get("/", headers={"accept-language": "pt-BR,ja"})) == ("en", "ltr")
    settings.LANGUAGE_CODE = "fr"
    assert html_lang(client.get("/", headers={"accept-language": "pt-BR"})) == ("fr", "ltr")


@pytest.mark.django_db
def test_norwegian_browsers_get_bokmal_and_arabic_is_right_to_left(client):
    assert html_lang(client.get("/", headers={"accept-language": "nb-NO"}))[0] == "nb"
    assert html_lang(client.get("/", headers={"accept-language": "no"}))[0] == "nb"
    assert html_lang(client.get("/", headers={"accept-language": "ar-EG"})) == ("ar", "rtl")


@pytest.mark.django_db
def test_only_offered_languages_are_used(client, settings):
    settings.LANGUAGES = [("en", "English"), ("fr", "Français")]
    assert html_lang(client.get("/", headers={"accept-language": "de"}))[0] == "en"
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert html_lang(client.get("/"))[0] == "en"
    assert 'value="de"' not in client.get("/").content.decode()  # the switcher offers fr and en only


def test_the_switcher_posts_to_set_language_in_the_footer(client, db):
    html = client.get("/").content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert 'action="/i18n/setlang/"' in footer and 'name="language"' in footer
    assert all(
        f'value="{code}"' in footer for code in ("en", "de", "fr", "es", "it", "nl", "sv", "fi", "nb", "ar")
    )


def test_a_visitor_s_choice_is_kept_in_django_s_language_cookie(client, db):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == HTTPStatus.FOUND and response["Location"] == "/"
    assert response.cookies["django_language"].value == "es"
    assert html_lang(client.get("/", headers={"accept-language": "de"}))[0] == "es"


def test_set_language_refuses_foreign_redirects(client, db):
    response = client.post("/i18n/setlang/", {"language": "fr", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_a_customer_s_choice_is_saved_on_the_account_and_follows_them(customer, db):
    phone = Client()
    phone.login(email=customer.email, password=PASSWORD)
    phone.post("/i18n/setlang/", {"language": "fr", "next": "/locker/account/"})
    assert AccountSettings.objects.get(user=customer).language == "fr"

    laptop = Client(headers={"accept-language": "de-DE"})  # another device, no cookie, German browser
    assert html_lang(laptop.get("/"))[0] == "de"
    assert laptop.post("/accounts/login/", {"login": customer.email, "password": PASSWORD}).status_code == 302
    page = laptop.get("/locker/account/")
    assert html_lang(page)[0] == "fr" and "Compte" in page.content.decode()

    laptop.post("/accounts/logout/")
    laptop.cookies.clear()
    laptop.post("/accounts/login/", {"login": customer.email, "password": PASSWORD})
    assert html_lang(laptop.get("/locker/account/"))[0] == "fr"


def test_one_account_s_choice_never_leaks_into_another_s_session(customer_factory, db):
    ada, bob = customer_factory("ada@example.com"), customer_factory("bob@example.com")
    AccountSettings.objects.create(user=ada, language="it")
    browser = Client()
    browser.login(email=ada.email, password=PASSWORD)
    assert html_lang(browser.get("/locker/account/"))[0] == "it"
    browser.login(email=bob.email, password=PASSWORD)
    assert html_lang(browser.get("/locker/account/"))[0] == "en"


def test_a_bad_language_is_not_saved(customer, client, db):
    client.login(email=customer.email, password=PASSWORD)
    client.post("/i18n/setlang/", {"language": "xx-evil", "next": "/"})
    client.post("/i18n/setlang/", {"language": "pt", "next": "/"})  # Django has it, Locker doesn't offer it
    assert not AccountSettings.objects.filter(user=customer).exclude(language="").exists()


def test_the_browser_time_zone_is_saved_once_and_the_account_page_changes_it(customer, client, db):
    client.login(email=customer.email, password=PASSWORD)
    assert (
        'data-time-zone-url="/locker/account/time-zone/"' in client.get("/locker/account/").content.decode()
    )
    url = "/locker/account/time-zone/"
    assert client.post(url, {"time_zone": "Europe/Berlin", "source": "browser"}).status_code == 204
    assert AccountSettings.objects.get(user=customer).time_zone == "Europe/Berlin"
    assert "data-time-zone-url" not in client.get("/locker/account/").content.decode()
    client.post(url, {"time_zone": "Asia/Tokyo", "source": "browser"})  # never overrides a saved zone
    assert AccountSettings.objects.get(user=customer).time_zone == "Europe/Berlin"

    response = client.post(url, {"time_zone": "America/New_York"}, follow=True)
    assert AccountSettings.objects.get(user=customer).time_zone == "America/New_York"
    assert "America/New York" in response.content.decode()
    assert '<option value="America/New_York" selected>' in response.content.decode()

    response = client.post(url, {"time_zone": "Mars/Olympus_Mons"}, follow=True)
    assert response.status_code == HTTPStatus.OK and "choose a time zone" in response.content.decode()
    assert AccountSettings.objects.get(user=customer).time_zone == "America/New_York"


def test_the_time_zone_view_needs_a_signed_in_customer(client, db):
    assert client.post("/locker/account/time-zone/", {"time_zone": "UTC"}).status_code == 403
    assert not AccountSettings.objects.exists()


def test_history_times_are_in_the_customer_s_zone_and_language(customer, client, db):
    from datetime import UTC, datetime

    from locker.models import DownloadEvent

    record_download(
        customer,
        DownloadEvent.Outcome.REDIRECTED,
        track_title="Song",
        created_at=datetime(2026, 3, 5, 23, 30, tzinfo=UTC),
    )
    AccountSettings.objects.create(user=customer, language="de", time_zone="Europe/Berlin")
    client.login(email=customer.email, password=PASSWORD)
    response = client.get("/locker/history/")
    html = response.content.decode()
    assert "6. März 2026 00:30" in html  # 23:30 UTC is past midnight in Berlin, said in German
    assertContains(response, '<td data-label="Ergebnis">Download gestartet</td>', html=True)
    assert "Zeitpunkt (Europe/Berlin)" in html  # the zone is named, in the column heading too


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"LANGUAGE_CODE": "pt"}, "LANGUAGE_CODE must be one of the offered languages"),
        ({"LOCKER_LANGUAGES": "de,xx"}, "LOCKER_LANGUAGES lists xx"),
        ({"LOCKER_LANGUAGES": "de,fr", "LANGUAGE_CODE": "en"}, "LANGUAGE_CODE must be one of"),
        ({"LOCKER_LANGUAGES": " , "}, "LOCKER_LANGUAGES must list at least one language"),
    ],
)
def test_bad_language_settings_stop_start_up(env, message):
    result = start(**env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


def test_locker_languages_offers_a_subset():
    result = start(LOCKER_LANGUAGES="fr,de", LANGUAGE_CODE="de")
    assert result.returncode == 0, result.stderr
