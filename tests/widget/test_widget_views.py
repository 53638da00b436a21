"""The widget against the real sandbox over HTTP: states, paging, downloads and plays, cookie-less."""

from __future__ import annotations

import re
from datetime import timedelta
from http import HTTPStatus

import pytest
import requests
from django.test import Client
from django.utils import timezone

from locker.models import DownloadEvent
from locker.widget.models import WidgetSession
from tests.helpers import assert_downloads_once, link_to_sandbox
from tests.markup import attribute, classes, element, elements, text
from tests.widget.helpers import csp_directives, next_page_href, widget_config

EMAIL = "small@sandbox.test"


def rows(html: str) -> dict[str, dict]:
    """Track rows of the widget (the locker's own partial) by state: {state: {"release", "track", "formats"}}."""
    found = {}
    for li in elements(html, "li", class_="track"):
        _, release, track = (attribute(li, "id") or "").rsplit("-", 2)
        state = next(c for c in (attribute(li, "class") or "").split() if c.startswith("state-"))
        # The Download button's format (its release's form, dl-<release>-<format>), then its menu's.
        formats = []
        for button in elements(li, "button", class_="download"):
            if (attribute(button, "form") or "").startswith("dl-"):
                formats.append(int((attribute(button, "form") or "").rsplit("-", 1)[1]))
            formats += [int(f) for f in (attribute(button, "data-formats") or "").split()]
        found.setdefault(
            state.removeprefix("state-"), {"release": int(release), "track": int(track), "formats": formats}
        )
    return found


@pytest.fixture
def widget(linked_customer, open_widget):
    """A cookie-less browser's view: the widget page and its session id."""
    response, key = open_widget(linked_customer.email, query="&layout=full")
    assert response.status_code == HTTPStatus.OK
    return response, key


@pytest.fixture
def anonymous():
    """A client that never sends cookies, like a third-party iframe with cookies blocked."""
    return Client()


def headers(key: str, **extra) -> dict:
    return {"X-Widget-Session": key, "HX-Request": "true", **extra}


def test_the_widget_shows_every_track_state_from_the_presenters(widget):
    response, key = widget
    html = response.content.decode()
    assert html.count('<article class="release') == 4
    assert set(rows(html)) >= {"downloadable", "last_download", "exhausted", "unavailable", "preorder"}
    assert "last download of this track" in html
    assert "used all downloads" in html
    assert "withdrawn from the 7digital catalogue" in html
    assert "remaining" not in html.lower()
    # A disabled control points at the visible explanation.
    exhausted = elements(html, "li", class_="state-exhausted")[0]
    download = element(exhausted, "button", class_="download")
    message = element(exhausted, "p", class_="track-msg")
    assert "disabled" in download.attributes and attribute(download, "aria-describedby") == attribute(
        message, "id"
    )
    play = element(exhausted, "button", class_="play")
    assert (attribute(play, "aria-label") or "").startswith("Play ") and "disabled" not in play.attributes
    assert widget_config(response)["session"] == key
    # Rows refresh and download through the widget's own routes (the locker's views, widget session).
    assert 'data-track-url="/widget/track/0/0/"' in html and 'data-track-url="/locker/' not in html
    assert 'hx-post="/widget/download/"' in html and "csrfmiddlewaretoken" not in html
    assert response["Cache-Control"].startswith("max-age=0") and "no-store" in response["Cache-Control"]
    assert response["Referrer-Policy"] == "no-referrer"


def test_layouts_and_themes(linked_customer, open_widget):
    compact, _ = open_widget(linked_customer.email)
    assert b'class="locker-widget layout-compact" data-scheme="auto"' in compact.content
    assert b'<details class="tracklist">' in compact.content
    full, _ = open_widget(linked_customer.email, query="&layout=full&theme=dark")
    assert b'class="locker-widget layout-full" data-scheme="dark"' in full.content
    assert (
        b'<details class="tracklist">' not in full.content
    )  # tracks listed (only a withdrawn release folds)
    odd, _ = open_widget(linked_customer.email, query="&layout=huge&theme=neon")
    assert b'class="locker-widget layout-compact" data-scheme="auto"' in odd.content


def test_colours_are_validated_and_never_reflected_raw(linked_customer, open_widget):
    good, _ = open_widget(linked_customer.email, query="&accent=E4007C&bg=000")
    html = good.content.decode()
    assert "--accent:#e4007c;--accent-text:#000000;" in html
    # A dark background picks the dark palette.
    assert "--bg:#000000;" in html and 'data-scheme="dark"' in html
    evil = "red;}</style><script>alert(1)</script>"
    bad, _ = open_widget(linked_customer.email, query=f"&accent={requests.utils.quote(evil)}&bg=12345")
    text = bad.content.decode()
    assert "alert(1)" not in text and "12345" not in text and "<style nonce" not in text


def test_paging_with_the_session_header(customer, sandboxed, anonymous, open_widget):
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    response, key = open_widget(customer.email)
    html = response.content.decode()
    next_href = next_page_href(html)
    assert "page=2" in next_href and "token" not in next_href
    page2 = anonymous.get(f"/widget/locker/{next_href}", headers={"X-Widget-Session": key})
    assert page2.status_code == HTTPStatus.OK
    body = page2.content.decode()
    assert body.startswith('<div id="widget-body"') and "Page 2 of" in body
    assert "widget_session" not in body  # the session id is only in the first page


def test_without_a_live_session_nothing_is_served(anonymous, widget):
    _, key = widget
    assert anonymous.get("/widget/locker/?page=2", headers={"X-Widget-Session": "nope"}).status_code == 401
    WidgetSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    response = anonymous.get("/widget/locker/?page=2", headers={"X-Widget-Session": key})
    assert response.status_code == 401 and response.json()["code"] == "session-expired"


def test_an_inactive_partner_ends_its_sessions(anonymous, widget, partner):
    _, key = widget
    partner.is_active = False
    partner.save()
    assert (
        anonymous.post("/widget/stream/", {"release": 1, "track": 1}, headers=headers(key)).status_code == 401
    )


def test_a_download_through_the_widget_uses_the_locker_download_view(
    anonymous, widget, sandboxed, linked_customer
):
    response, key = widget
    row = rows(response.content.decode())["downloadable"]
    before = sandboxed.remaining(EMAIL, row["release"], row["track"])
    data = {"release": row["release"], "track": row["track"], "format": row["formats"][0]}
    answer = anonymous.post("/widget/download/", data, headers=headers(key, Origin="http://testserver"))
    assert_downloads_once(answer, sandboxed, EMAIL, row, before)
    event = DownloadEvent.objects.get()
    assert (event.user, event.track_id, event.outcome) == (
        linked_customer,
        row["track"],
        DownloadEvent.Outcome.REDIRECTED,
    )
    # The row refresh is the locker's own row, in the widget's layout, with the download remembered.
    path = f"/widget/track/{row['release']}/{row['track']}/"
    fresh = anonymous.get(path, headers=headers(key))
    assert fresh.status_code == HTTPStatus.OK
    html = fresh.content.decode()
    assert html.startswith('<li class="track state-')
    assert "Download started" in html
    assert "locker/_track.html" in [t.name for t in fresh.templates]  # the locker's own row
    assert "csrfmiddlewaretoken" not in html and "Set-Cookie" not in fresh


def test_a_plain_form_post_downloads_without_javascript(anonymous, widget, sandboxed):
    response, key = widget
    row = rows(response.content.decode())["downloadable"]
    data = {
        "widget_session": key,
        "release": row["release"],
        "track": row["track"],
        "format": row["formats"][0],
    }
    answer = anonymous.post("/widget/download/", data)
    assert answer.status_code == HTTPStatus.FOUND
    assert answer["Location"].startswith(f"{sandboxed.url}/media/user/downloadtrack?")


def test_a_refused_download_says_why(anonymous, widget, sandboxed):
    response, key = widget
    row = rows(response.content.decode())["exhausted"]
    data = {
        "release": row["release"],
        "track": row["track"],
        "format": row["formats"][0] if row["formats"] else 17,
    }
    answer = anonymous.post("/widget/download/", data, headers=headers(key))
    assert answer.status_code == HTTPStatus.CONFLICT and "HX-Redirect" not in answer
    assert "used all downloads" in text(element(answer.content.decode(), "*", role="alert"))
    # Without JavaScript the refusal is a small page the partner may frame, not the full site page.
    plain = anonymous.post("/widget/download/", {**data, "widget_session": key})
    assert plain.status_code == HTTPStatus.CONFLICT
    assert b"Download not started" in plain.content and "X-Frame-Options" not in plain
    assert not DownloadEvent.objects.filter(outcome=DownloadEvent.Outcome.REDIRECTED).exists()


def test_a_play_through_the_widget_streams_and_costs_no_download(anonymous, widget, sandboxed):
    response, key = widget
    row = rows(response.content.decode())["exhausted"]  # exhausted tracks still play
    before = sandboxed.remaining(EMAIL, row["release"], row["track"])
    answer = anonymous.post(
        "/widget/stream/", {"release": row["release"], "track": row["track"]}, headers=headers(key)
    )
    assert answer.status_code == HTTPStatus.OK
    url = answer.json()["url"]
    assert url.startswith(f"{sandboxed.url}/stream/locker?") and "oauth_signature=" in url
    stream = requests.get(url, timeout=5)
    assert stream.status_code == HTTPStatus.OK and stream.headers["Content-Type"].startswith("audio/")
    assert sandboxed.remaining(EMAIL, row["release"], row["track"]) == before


def test_a_withdrawn_track_does_not_play(anonymous, widget):
    response, key = widget
    row = rows(response.content.decode())["unavailable"]
    answer = anonymous.post(
        "/widget/stream/", {"release": row["release"], "track": row["track"]}, headers=headers(key)
    )
    assert answer.status_code == HTTPStatus.CONFLICT


@pytest.mark.parametrize(
    "extra",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_cross_origin_posts_are_refused_even_with_the_session(anonymous, widget, extra):
    _, key = widget
    for url in ("/widget/download/", "/widget/stream/"):
        answer = anonymous.post(url, {"release": 1, "track": 1, "format": 1}, headers=headers(key, **extra))
        assert answer.status_code == HTTPStatus.FORBIDDEN


def test_posts_without_the_session_are_refused(anonymous, linked_customer):
    for url in ("/widget/download/", "/widget/stream/"):
        answer = anonymous.post(url, {"release": 1, "track": 1, "format": 1})
        assert answer.status_code == HTTPStatus.UNAUTHORIZED


def test_the_session_is_not_accepted_from_the_query_string(anonymous, widget):
    _, key = widget
    assert anonymous.get(f"/widget/track/1/1/?widget_session={key}").status_code == 401


def test_a_cookie_session_does_not_open_the_widget_api(client, linked_customer):
    client.force_login(linked_customer)
    assert client.post("/widget/stream/", {"release": 1, "track": 1}).status_code == 401


def test_a_customer_without_a_link_is_told_how_to_link(customer, open_widget):
    response, _ = open_widget(customer.email)
    assert response.status_code == HTTPStatus.OK
    assert b"Link your 7digital account" in response.content


def test_the_embed_page_previews_the_signed_in_customers_locker(client, linked_customer, anonymous):
    client.force_login(linked_customer)
    page = client.get("/widget/?layout=full&theme=dark&accent=e4007c&width=300")
    html = page.content.decode()
    src = re.search(
        r'<iframe data-locker-widget id="widget-preview" title="[^"]+" src="([^"]+)" width="300"', html
    ).group(1)
    src = src.replace("&amp;", "&")
    assert "preview=" in src and "layout=full" in src and "accent=e4007c" in src
    snippet = "?token=WIDGET_TOKEN&amp;amp;layout=full&amp;amp;theme=dark&amp;amp;accent=e4007c"
    assert snippet in html  # shown as HTML source, `&` written `&amp;`
    assert page["Cache-Control"] == "no-store"
    preview = anonymous.get(src)
    assert preview.status_code == HTTPStatus.OK and preview.content.count(b'<article class="release') == 4
    assert csp_directives(preview)["frame-ancestors"][0] == "'self'"
    assert anonymous.get(src).status_code == HTTPStatus.UNAUTHORIZED  # single use


def test_the_embed_page_for_visitors_has_the_snippet_but_no_preview(client):
    page = client.get("/widget/?accent=nothex")
    html = page.content.decode()
    assert page.status_code == HTTPStatus.OK
    assert "data-locker-widget" in html and "/widget/embed.js" in html and "preview=" not in html
    assert "Sign in" in html and "isn't a hex colour" in html and "nothex" not in html


def test_the_embed_script_has_a_stable_address(client):
    response = client.get("/widget/embed.js")
    assert response.status_code == HTTPStatus.FOUND
    assert response["Location"].endswith("js/widget-embed.js")
    assert "max-age=300" in response["Cache-Control"]


def test_the_token_stays_out_of_the_access_log(client, mint, customer, caplog):
    token = mint(customer.email)
    with caplog.at_level("INFO", logger="locker.access"):
        first = client.get(f"/widget/locker/?token={token}&layout=full")
        again = client.get(f"/widget/locker/?token={token}")
    assert (first.status_code, again.status_code) == (HTTPStatus.OK, HTTPStatus.UNAUTHORIZED)
    # The access log reads the query string from the request after the view: it is scrubbed there.
    assert first.wsgi_request.META["QUERY_STRING"] == "token=[redacted]&layout=full"
    assert again.wsgi_request.META["QUERY_STRING"] == "token=[redacted]"
    for record in caplog.records:
        assert token not in record.getMessage() and token not in str(getattr(record, "query", ""))


def test_a_page_past_the_end_shows_the_last_page(linked_customer, open_widget):
    response, _ = open_widget(linked_customer.email, query="&page=99")
    assert response.status_code == HTTPStatus.OK
    assert b"1\xe2\x80\x934 of 4 releases" in response.content


def test_the_full_layout_searches_the_index(linked_customer, sandboxed, anonymous, open_widget):
    from locker.library import sync

    sync.run(linked_customer.pk, full=True)
    compact, _ = open_widget(linked_customer.email)
    assert 'role="search"' not in compact.content.decode()  # the compact layout stays compact
    response, key = open_widget(linked_customer.email, query="&layout=full")
    html = response.content.decode()
    assert re.search(
        r'<form class="w-search" role="search".*?<input type="search" id="w-q" name="q"', html, re.S
    )
    assert '<input type="hidden" name="layout" value="full">' in html
    found = anonymous.get(
        "/widget/locker/?q=neon&layout=full", headers={"X-Widget-Session": key}
    ).content.decode()
    assert "1–1 of 1 release" in found and "Harbour Lights" in found
    none = anonymous.get("/widget/locker/?q=%3Cscript%3E", headers={"X-Widget-Session": key}).content.decode()
    assert "No releases match “&lt;script&gt;”" in none


def test_the_widget_and_the_page_render_the_same_track_partial(linked_customer, open_widget):
    from django.core.cache import cache
    from pytest_django.asserts import assertTemplateNotUsed, assertTemplateUsed

    def wording(html: str) -> dict[str, tuple[str, str]]:
        """Each row's state and what it says, by row id."""
        said = {}
        for row in elements(html, "li", class_="track"):
            (state,) = (c.removeprefix("state-") for c in classes(row) if c.startswith("state-"))
            messages = elements(row, "p", class_="track-msg")
            said[attribute(row, "id")] = (state, text(messages[0]) if messages else "")
        return said

    for layout in ("compact", "full"):
        widget_response, _ = open_widget(linked_customer.email, query=f"&layout={layout}")
        assertTemplateUsed(widget_response, "locker/_release.html")
        assertTemplateUsed(widget_response, "locker/_track.html")
        assertTemplateNotUsed(widget_response, "widget/_track.html")
    cache.clear()  # the page renders its cards afresh (they are cached by content)
    page = Client()
    page.force_login(linked_customer)
    page_response = page.get("/locker/")
    assertTemplateUsed(page_response, "locker/_track.html")

    ours, theirs = wording(widget_response.content.decode()), wording(page_response.content.decode())
    assert ours and ours == theirs
    assert {state for state, _ in ours.values()} == {
        "downloadable",
        "last_download",
        "exhausted",
        "unavailable",
        "preorder",
    }
    assert any("used all downloads" in said for _, said in ours.values())
