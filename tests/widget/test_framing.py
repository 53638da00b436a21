"""Framing headers per route: only /widget/locker/ is framable, and only by allowed origins."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from locker.widget.checks import check_widget_settings
from locker.widget.origins import normalise_origin, parse_origins
from tests.widget.helpers import SHOP, csp_directives, make_partner

pytestmark = pytest.mark.django_db

GLOBAL = "https://artist.example"


@pytest.fixture(autouse=True)
def global_ancestors(settings):
    settings.WIDGET_FRAME_ANCESTORS = [GLOBAL]


def assert_not_framable(response):
    assert response["X-Frame-Options"] == "DENY"
    assert csp_directives(response)["frame-ancestors"] == ["'none'"]


def test_the_widget_is_framable_by_the_settings_and_the_partners_origins(client, mint, customer):
    response = client.get(f"/widget/locker/?token={mint()}")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    directives = csp_directives(response)
    assert directives["frame-ancestors"] == ["'self'", GLOBAL, SHOP]
    # The rest of the site policy is kept whole.
    assert directives["default-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["script-src"][0] == "'self'"


def test_another_partners_origins_may_not_frame_it(client, customer):
    make_partner()  # record-shop, https://shop.example
    other = make_partner("other-shop", "https://other.example\nhttp://127.0.0.1:8080")
    from locker.widget import tokens

    response = client.get(
        f"/widget/locker/?token={tokens.mint(other.slug, other.secret, subject=customer.email)}"
    )
    assert response.status_code == 200
    assert csp_directives(response)["frame-ancestors"] == [
        "'self'",
        GLOBAL,
        "https://other.example",
        "http://127.0.0.1:8080",
    ]


def test_without_a_valid_token_only_the_settings_origins_may_frame_the_error(client):
    response = client.get("/widget/locker/")
    assert response.status_code == 401
    assert "X-Frame-Options" not in response
    assert csp_directives(response)["frame-ancestors"] == ["'self'", GLOBAL]
    assert b"could not sign you in" in response.content


def test_a_refused_token_of_a_known_partner_shows_that_partner_the_error(client, partner, mint):
    response = client.get(f"/widget/locker/?token={mint(now=0)}")  # long expired
    assert response.status_code == 401
    assert csp_directives(response)["frame-ancestors"] == ["'self'", GLOBAL, SHOP]
    assert b'data-widget-error="auth"' in response.content


def test_an_inactive_partners_origins_are_dropped(client, partner, mint):
    token = mint()
    partner.is_active = False
    partner.save()
    response = client.get(f"/widget/locker/?token={token}")
    assert response.status_code == 401
    assert csp_directives(response)["frame-ancestors"] == ["'self'", GLOBAL]


def test_theme_styles_need_the_nonce_and_nothing_inline_runs_without_it(client, mint, customer):
    response = client.get(f"/widget/locker/?token={mint()}&accent=e4007c")
    html = response.content.decode()
    nonce = csp_directives(response)["style-src"][-1]
    assert nonce.startswith("'nonce-")
    assert f'<style nonce="{nonce[7:-1]}">' in html
    assert "<script>" not in html and " style=" not in html and "onclick" not in html


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/"),
        ("get", "/locker/"),
        ("get", "/locker/account/"),
        ("get", "/accounts/login/"),
        ("get", "/admin/login/"),
        ("get", "/widget/"),
        ("get", "/widget/embed.js"),
        ("get", "/widget/track/1/2/"),
        ("post", "/widget/download/"),
        ("post", "/widget/stream/"),
        ("post", "/locker/download/"),
    ],
)
def test_every_other_route_denies_framing(client, method, url):
    assert_not_framable(getattr(client, method)(url))


def test_signed_in_pages_deny_framing_too(client, customer):
    client.force_login(customer)
    for url in ("/locker/", "/locker/history/", "/widget/"):
        assert_not_framable(client.get(url))


def test_widget_routes_set_no_cookies(client, mint, customer):
    responses = [
        client.get(f"/widget/locker/?token={mint()}"),
        client.get("/widget/locker/"),
        client.post("/widget/download/", {"release": 1, "track": 1, "format": 1}),
        client.post("/widget/stream/", {"release": 1, "track": 1}),
    ]
    for response in responses:
        assert not response.cookies, response.cookies


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://Shop.Example", "https://shop.example"),
        ("https://shop.example/", "https://shop.example"),
        ("https://shop.example:443", "https://shop.example"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:3000", "http://[::1]:3000"),
        ("https://bücher.example", "https://xn--bcher-kva.example"),
    ],
)
def test_origins_are_normalised_as_browsers_serialise_them(raw, origin):
    assert normalise_origin(raw) == origin


@pytest.mark.parametrize(
    "raw",
    [
        "shop.example",
        "https://*.shop.example",
        "https://shop.example/path",
        "https://shop.example?x=1",
        "https://user@shop.example",
        "javascript:alert(1)",
        "https://shop.example;script-src",
        "https://shop.example:99999",
        "ftp://shop.example",
        "'none'",
    ],
)
def test_anything_but_one_origin_is_refused(raw):
    with pytest.raises(ValidationError):
        normalise_origin(raw)


def test_partner_origins_are_validated_and_deduplicated():
    assert parse_origins("https://a.example, https://A.example\n http://b.example:81") == [
        "https://a.example",
        "http://b.example:81",
    ]
    partner = make_partner("third", "https://c.example/\nhttps://C.example")
    partner.full_clean()
    assert partner.allowed_origins == "https://c.example"


def test_a_bad_settings_origin_fails_the_system_check(settings):
    settings.WIDGET_FRAME_ANCESTORS = ["https://ok.example", "https://bad.example;x"]
    errors = check_widget_settings(None)
    assert [e.id for e in errors] == ["widget.E001"]
