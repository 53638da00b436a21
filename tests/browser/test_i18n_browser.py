"""The locker in the customer's language, in Chromium: German by the browser's locale alone, French
by the switcher (kept on the account), Arabic right to left with a working player; axe stays clean.

LOCKER_SCREENSHOTS=docs also writes the screenshots in docs/screenshots/ (the README's); otherwise
they go to test-artifacts/ only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from locker.models import AccountSettings
from tests.browser.helpers import ARTIFACTS, axe_violations, wait_until
from tests.helpers import PASSWORD, link_to_sandbox

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture
def open_context(browser, live_server, sandboxed):
    contexts = []

    def open_(locale: str = "en-GB", width: int = 1280, height: int = 900, **options):
        context = browser.new_context(
            base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}, **options
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def sign_in(page, email: str) -> None:
    """Signs in whatever the page's language (the fields by name, the form's own button)."""
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile("/locker/"))


def save_screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
    if os.environ.get("LOCKER_SCREENSHOTS") == "docs":
        page.screenshot(path=str(DOCS / f"{name}.png"))


def test_a_german_browser_gets_german_without_choosing_anything(open_context, linked_customer):
    page = open_context(locale="de-DE", timezone_id="Europe/Berlin")
    sign_in(page, linked_customer.email)
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Musik")
    last = page.locator("li.state-last_download").first
    expect(last.get_by_role("button", name=re.compile(r"^MP3 320 herunterladen"))).to_be_enabled()
    expect(last.get_by_role("button", name=re.compile(r"^Abspielen"))).to_be_visible()
    expect(last.get_by_text("Das ist dein letzter Download dieses Titels")).to_be_visible()
    expect(page.get_by_label("Sortieren nach")).to_have_value("purchaseDate desc")
    expect(page.get_by_text(re.compile(r"^\d+–\d+ von \d+ Releases?$"))).to_be_visible()
    months = "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
    expect(
        page.get_by_text(re.compile(rf"^Erschienen am \d{{1,2}}\. ({months}) \d{{4}}$")).first
    ).to_be_visible()
    # Script strings come from the JavaScript catalog, in German too.
    assert page.evaluate("gettext('This track could not be played right now.')").startswith("Dieser Titel")
    # The browser's time zone is saved on the account, once.
    wait_until(page, "() => true")
    for _ in range(50):
        if AccountSettings.objects.filter(user=linked_customer, time_zone="Europe/Berlin").exists():
            break
        page.wait_for_timeout(100)
    assert AccountSettings.objects.get(user=linked_customer).time_zone == "Europe/Berlin"
    assert axe_violations(page) == []
    save_screenshot(page, "locker-de")


def test_switching_to_french_persists_after_signing_out_and_in(open_context, linked_customer):
    page = open_context(locale="en-GB")
    sign_in(page, linked_customer.email)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator("#footer-language").select_option("fr")
    page.locator(".site-footer .language-form button").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma musique")
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter")).to_be_visible()
    sign_in(page, linked_customer.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma musique")

    laptop = open_context(locale="en-US")  # another device: no cookie, an English browser
    sign_in(laptop, linked_customer.email)
    expect(laptop.locator("html")).to_have_attribute("lang", "fr")
    expect(laptop.get_by_role("button", name=re.compile(r"^Télécharger en MP3 320")).first).to_be_visible()


def test_arabic_is_right_to_left_and_the_player_works(open_context, linked_customer):
    page = open_context(locale="ar")
    sign_in(page, linked_customer.email)
    html = page.locator("html")
    expect(html).to_have_attribute("lang", "ar")
    expect(html).to_have_attribute("dir", "rtl")
    release = page.locator("article.release").first
    art, title = release.locator(".artwork").bounding_box(), release.locator("h2").bounding_box()
    assert art["x"] > title["x"], "artwork sits at the inline start: on the right"
    brand, nav = page.locator(".brand").bounding_box(), page.get_by_role("navigation").first.bounding_box()
    assert brand["x"] > nav["x"], "the menu mirrors too"

    row = page.locator("li.state-exhausted").first  # exhausted tracks still play
    row.get_by_role("button", name=re.compile("^تشغيل")).click()
    player = page.get_by_role("region", name="المشغّل")
    expect(player).to_be_visible()
    wait_until(page, "() => document.getElementById('player-audio').currentTime > 0")
    expect(player.get_by_role("button", name="إيقاف مؤقت")).to_be_visible()  # set by the script
    # Transport buttons keep the media's order: previous, play, next from left to right.
    boxes = [
        player.locator(f"[data-player={name}]").bounding_box()["x"] for name in ("prev", "toggle", "next")
    ]
    assert boxes == sorted(boxes)
    save_screenshot(page, "locker-ar-player")
    player.get_by_role("button", name="إيقاف مؤقت").click()
    assert page.evaluate("document.getElementById('player-audio').paused")
    assert axe_violations(page) == []


@pytest.mark.slow
def test_arabic_screenshots_and_every_language_s_locker(open_context, customer, sandboxed):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")  # a full locker, with pages
    for width, height, name in ((1280, 900, "locker-ar-desktop"), (390, 844, "locker-ar-phone")):
        page = open_context(locale="ar", width=width, height=height)
        sign_in(page, customer.email)
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
        nav = page.get_by_role("navigation", name="الصفحات")
        # Previous and Next: First and Last give way on a phone, so the pagination keeps to one line.
        previous, following = (
            nav.get_by_text("السابقة").bounding_box(),
            nav.get_by_text("التالية").bounding_box(),
        )
        assert previous["x"] > following["x"], "pagination runs right to left"
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
            "no sideways scroll"
        )
        save_screenshot(page, name)
        page.locator("nav.pagination").scroll_into_view_if_needed()
        save_screenshot(page, f"{name}-pagination")
    for code in ("en", "de", "fr", "es", "it", "nl", "sv", "fi", "nb", "ar"):
        page = open_context(locale=code)
        sign_in(page, customer.email)
        expect(page.locator("html")).to_have_attribute("lang", code)
        save_screenshot(page, f"locker-{code}")


def test_the_support_view_mirrors_in_arabic(open_context, customer_factory, linked_customer):
    from django.urls import reverse

    from tests.support.helpers import make_support_user

    staff = make_support_user(customer_factory)
    page = open_context(locale="ar")
    page.goto("/accounts/login/")
    page.locator("input[name=login]").fill(staff.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form[action='/accounts/login/'] button[type=submit]").click()
    page.goto(reverse("admin:support_locker", args=[linked_customer.pk]))
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.get_by_role("heading", name=f"مكتبة {linked_customer.email}")).to_be_visible()
    exhausted = page.locator("li.track.state-exhausted").first
    expect(exhausted.locator(".support-state")).to_have_text("لا توجد تنزيلات متبقية")
    facts = page.locator(".support-facts").first
    term, value = facts.locator("dt").first.bounding_box(), facts.locator("dd").first.bounding_box()
    assert term["x"] > value["x"], "labels sit at the inline start: on the right"
    save_screenshot(page, "support-ar")
