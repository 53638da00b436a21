"""The widget's language: the partner's documented `lang`, else the visitor's browser (docs/widget.md)."""

from __future__ import annotations

from http import HTTPStatus

from django.test import Client

from tests.helpers import link_to_sandbox
from tests.markup import attribute, element
from tests.widget.helpers import next_page_href, widget_config


def html_lang(html: str) -> tuple[str, str]:
    root = element(html, "html")
    return attribute(root, "lang"), attribute(root, "dir")


def test_the_partner_s_lang_wins_over_the_browser(linked_customer, open_widget):
    response, _ = open_widget(linked_customer.email, query="&lang=fr", **{"Accept-Language": "de-DE"})
    html = response.content.decode()
    assert response.status_code == HTTPStatus.OK
    assert html_lang(html) == ("fr", "ltr")
    assert "Télécharger" in html and "Écouter" in html
    assert widget_config(response)["lang"] == "fr"  # widget.js sends it with every request
    assert "/jsi18n/?lang=fr" in html


def test_without_lang_the_browser_decides(linked_customer, open_widget):
    response, _ = open_widget(linked_customer.email, **{"Accept-Language": "ar"})
    html = response.content.decode()
    assert html_lang(html) == ("ar", "rtl")
    assert widget_config(response)["lang"] == "ar"


def test_an_unknown_lang_falls_back_and_is_never_echoed(linked_customer, open_widget):
    response, _ = open_widget(linked_customer.email, query="&lang=%3Cscript%3E", **{"Accept-Language": "it"})
    html = response.content.decode()
    assert html_lang(html)[0] == "it" and "<script>" not in html.split("</head>")[1]
    response, _ = open_widget(linked_customer.email, query="&lang=de-CH")  # a regional variant: German
    assert html_lang(response.content.decode())[0] == "de"


def test_paging_keeps_the_language(customer, sandboxed, open_widget):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    response, key = open_widget(customer.email, query="&lang=sv")
    html = response.content.decode()
    next_href = next_page_href(html)
    assert "lang=sv" in next_href
    page2 = Client().get(f"/widget/locker/{next_href}", headers={"X-Widget-Session": key})
    assert "Sida 2 av" in page2.content.decode()


def test_session_requests_follow_the_accept_language_widget_js_sends(linked_customer, open_widget):
    response, key = open_widget(linked_customer.email, query="&lang=nl")
    page = Client().get("/widget/locker/?page=1", headers={"X-Widget-Session": key, "Accept-Language": "nl"})
    assert page["Content-Language"] == "nl"


def test_the_script_catalog_follows_lang(client, db):
    german = client.get("/jsi18n/?lang=de").content.decode()
    arabic = client.get("/jsi18n/?lang=ar").content.decode()
    assert '"Pause": "Pause"' in german and '"Play": "Abspielen"' in german
    assert '"Pause": "\\u0625\\u064a\\u0642\\u0627\\u0641 ' in arabic  # إيقاف مؤقت
    assert "plural" in arabic and "n==2" in arabic.replace(" ", "")  # Arabic's six forms
