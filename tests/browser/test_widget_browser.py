"""The embed snippet on a partner page of another origin, in Chromium with third-party cookies blocked.

Locker's live server is `http://localhost:<port>`; partner pages are served from
`http://127.0.0.1:<other port>`, a different site, so the widget is a third-party iframe there.
"""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import ARTIFACTS, AXE, CHROMIUM, CHROMIUM_ARGS, screenshot, signed_in
from tests.widget.helpers import make_partner

EMAIL = "small@sandbox.test"
EVENTS = ("ready", "resize", "play", "pause", "ended", "download-started", "error")


class PageServer:
    """A tiny web server on 127.0.0.1 serving whatever HTML the test puts in `pages`; it can also
    set and echo a cookie, to prove the browser blocks third-party cookies."""

    def __init__(self) -> None:
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                self.send_response(200 if self.path in pages or self.path.startswith("/cookie") else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                if self.path == "/cookie/set":
                    self.send_header("Set-Cookie", "probe=1; Path=/; SameSite=None; Secure")
                    body = "set"
                elif self.path == "/cookie/check":
                    body = f"cookie:{self.headers.get('Cookie', 'none')}"
                else:
                    body = pages.get(self.path, "not found")
                self.end_headers()
                self.wfile.write(body.encode())

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def partner_site():
    server = PageServer()
    yield server
    server.close()


@pytest.fixture
def other_site():
    server = PageServer()
    yield server
    server.close()


@pytest.fixture(scope="module")
def cookieless_browser(browser):
    """Chromium with third-party cookies blocked. Playwright's contexts here already block them
    ("UserPreferences"); --test-third-party-cookie-phaseout makes it explicit. The probe in
    `assert_third_party_cookies_blocked` checks the fact rather than trusting the flags."""
    launched = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--test-third-party-cookie-phaseout"]
    )
    yield launched
    launched.close()


@pytest.fixture
def partner_page(cookieless_browser, live_server, sandboxed):
    context = cookieless_browser.new_context(viewport={"width": 1000, "height": 900}, accept_downloads=True)
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def snippet_page(live_url: str, token: str, query: str = "", width: str = "100%") -> str:
    """A partner's page: the copy-paste snippet, plus a listener that records the widget's events."""
    listeners = "".join(
        f'document.addEventListener("locker-widget:{name}", function (e) {{ window.__events.push(e.detail); }});'
        for name in EVENTS
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Partner shop</title></head>
<body style="margin:0;padding:8px;font-family:sans-serif;background:#eef">
<h1 style="font-size:18px;margin:0 0 8px">Partner shop</h1>
<div style="width:{width}">
<iframe data-locker-widget title="My music" loading="lazy"
        src="{live_url}/widget/locker/?token={token}{query}"></iframe>
</div>
<p id="after">Below the widget</p>
<script>window.__events = []; {listeners}</script>
<script src="{live_url}/widget/embed.js" async></script>
</body></html>"""


def assert_third_party_cookies_blocked(page, site: PageServer) -> None:
    """A SameSite=None cookie set by a cross-site iframe must not come back."""
    cross_site = f"http://localhost:{site.port}"  # localhost vs 127.0.0.1: another site
    site.pages["/probe"] = f'<iframe id="probe" src="{cross_site}/cookie/set"></iframe>'
    page.goto(f"{site.origin}/probe")
    page.frame_locator("#probe").get_by_text("set").wait_for()
    page.evaluate(f"document.getElementById('probe').src = '{cross_site}/cookie/check'")
    expect(page.frame_locator("#probe").locator("body")).to_have_text("cookie:none")


def widget_frame(page):
    return page.locator("iframe[data-locker-widget]").element_handle().content_frame()


def events(page) -> list[str]:
    return page.evaluate("window.__events.map(function (e) { return e.type; })")


@pytest.fixture
def shop(db, partner_site, linked_customer):
    """A partner whose allow-list holds the partner site's origin, and a token for the customer."""
    from locker.widget import tokens

    partner = make_partner("record-shop", partner_site.origin)
    return lambda: tokens.mint(partner.slug, partner.secret, subject=linked_customer.email)


def test_the_snippet_on_an_allowed_origin_renders_resizes_plays_and_downloads(
    partner_page, partner_site, live_server, sandboxed, shop
):
    page = partner_page
    assert_third_party_cookies_blocked(page, partner_site)
    partner_site.pages["/"] = snippet_page(live_server.url, shop())
    page.goto(f"{partner_site.origin}/")

    frame = page.frame_locator("iframe[data-locker-widget]")
    expect(frame.get_by_role("heading", name="My music")).to_be_visible()
    expect(frame.get_by_role("article")).to_have_count(4)

    # Auto-resize: the iframe takes its content's height, and follows it when the content grows.
    page.wait_for_function("window.__events.some(function (e) { return e.type === 'ready'; })")
    content = widget_frame(page)

    def heights() -> tuple[int, int]:
        return (
            page.evaluate(
                "Math.round(document.querySelector('iframe[data-locker-widget]').getBoundingClientRect().height)"
            ),
            content.evaluate("Math.ceil(document.body.getBoundingClientRect().height)"),
        )

    page.wait_for_function(
        "document.querySelector('iframe[data-locker-widget]').getBoundingClientRect().height > 300"
    )
    outer, inner = heights()
    assert outer == inner and outer > 4 * 100, (outer, inner)
    # No scrollbar inside the iframe.
    assert content.evaluate("document.documentElement.scrollHeight <= window.innerHeight")
    release = frame.locator("article.release").filter(has=frame.locator("li.state-exhausted")).first
    release.locator("summary").click()
    page.wait_for_function(
        f"document.querySelector('iframe[data-locker-widget]').getBoundingClientRect().height > {outer}"
    )
    grown, inner = heights()
    assert grown == inner > outer

    # The token left the iframe's address once it was exchanged.
    assert "token=" not in content.evaluate("location.href")

    # Play: an exhausted track still streams; the partner hears about it.
    row = release.locator("li.state-exhausted").first
    row.get_by_role("button", name=re.compile("^Play")).click()
    content.wait_for_function("() => document.getElementById('w-audio').currentTime > 0", timeout=15_000)
    expect(frame.get_by_role("region", name="Player")).to_be_visible()
    # The row's Play button is a toggle button (its label stays "Play"), pressed while it plays.
    expect(row.get_by_role("button", name=re.compile("^Play"))).to_have_attribute("aria-pressed", "true")
    expect(frame.get_by_role("region", name="Player").get_by_role("button", name="Pause")).to_be_visible()
    expect(frame.locator("#w-now-title")).to_have_text(re.compile("^Now playing: "))
    page.wait_for_function("window.__events.some(function (e) { return e.type === 'play'; })")
    play = next(e for e in page.evaluate("window.__events") if e["type"] == "play")
    assert play["source"] == "locker-widget" and play["track"] > 0
    # The partner can pause it through the embed script.
    page.evaluate("LockerWidget.pause(document.querySelector('iframe[data-locker-widget]'))")
    page.wait_for_function("window.__events.some(function (e) { return e.type === 'pause'; })")
    assert content.evaluate("document.getElementById('w-audio').paused")
    expect(row.get_by_role("button", name=re.compile("^Play"))).to_have_attribute("aria-pressed", "false")

    # Download: the last copy of a track, through the locker's own download view.
    last = frame.locator("li.state-last_download").first
    if not last.is_visible():
        frame.locator("article.release").filter(has=last).locator("summary").click()
    _, release_id, track_id = last.get_attribute("id").split("-")
    with page.expect_request(re.compile(r"/widget/download/$")) as posted, page.expect_download() as info:
        last.get_by_role("button", name=re.compile(r"^Download MP3 320")).click()
    # htmx posted the locker's own row form, with the widget session from the body's hx-headers.
    headers = posted.value.headers
    assert headers.get("hx-request") == "true" and headers.get("x-widget-session")
    assert "cookie" not in headers
    assert info.value.url.startswith(f"{sandboxed.url}/media/user/downloadtrack?")
    assert sandboxed.remaining(EMAIL, int(release_id), int(track_id)) == 0
    page.wait_for_function("window.__events.some(function (e) { return e.type === 'download-started'; })")
    refreshed = frame.locator(f"#track-{release_id}-{track_id}")
    expect(refreshed).to_have_class(re.compile("state-exhausted"), timeout=10_000)
    expect(refreshed.get_by_role("button", name=re.compile(r"^Download MP3 320"))).to_be_disabled()

    # All of that without a single cookie.
    assert page.context.cookies(live_server.url) == []
    assert {"ready", "resize", "play", "pause", "download-started"} <= set(events(page))
    screenshot(page, "widget-partner-page")


def test_a_page_from_an_origin_not_allowed_cannot_frame_the_widget(
    partner_page, partner_site, other_site, live_server, shop
):
    page = partner_page
    refusals = []
    page.on(
        "console",
        lambda message: refusals.append(message.text) if "frame-ancestors" in message.text else None,
    )
    other_site.pages["/"] = snippet_page(live_server.url, shop())
    with page.expect_console_message(lambda message: "frame-ancestors" in message.text):
        page.goto(f"{other_site.origin}/")
    page.wait_for_timeout(200)  # anything the widget would post to the page has had its turn
    # Chromium replaced the widget with its error page and said why; nothing reached the page.
    assert widget_frame(page).url.startswith("chrome-error://")
    assert any(f"frame-ancestors 'self' {partner_site.origin}" in text for text in refusals), refusals
    assert events(page) == []
    assert page.locator("iframe[data-locker-widget]").evaluate("el => el.style.height") == ""


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("expired", "has expired. Reload the page"),
        ("replayed", "already been used, so reloading won't help. Go back to Record Shop"),
        ("unknown-customer", "there is no Locker account with your email address"),
        ("unverified-email", "isn't confirmed yet"),
    ],
)
def test_a_refused_token_tells_the_partner_and_the_customer_why(
    partner_page, partner_site, live_server, linked_customer, reason, words
):
    from allauth.account.models import EmailAddress

    from locker.widget import auth, tokens

    partner = make_partner("record-shop", partner_site.origin)
    email = "nobody@example.com" if reason == "unknown-customer" else linked_customer.email
    token = tokens.mint(partner.slug, partner.secret, subject=email, now=0 if reason == "expired" else None)
    if reason == "replayed":
        auth.exchange({"token": token})
    if reason == "unverified-email":
        EmailAddress.objects.filter(user=linked_customer).update(verified=False)
    partner_site.pages["/"] = snippet_page(live_server.url, token)
    page = partner_page
    page.goto(f"{partner_site.origin}/")
    alert = page.frame_locator("iframe[data-locker-widget]").get_by_role("alert")
    expect(alert).to_contain_text("could not sign you in")
    expect(alert).to_contain_text(words)
    page.wait_for_function("window.__events.some(function (e) { return e.type === 'error'; })")
    error = next(e for e in page.evaluate("window.__events") if e["type"] == "error")
    assert (error["code"], error["reason"]) == ("auth", reason)
    assert words in error["message"]


@pytest.mark.parametrize(
    ("layout", "theme", "width"),
    [("compact", "light", 280), ("compact", "dark", 280), ("full", "light", 280), ("full", "dark", 600)],
)
def test_screenshots_at_narrow_widths(partner_page, partner_site, live_server, shop, layout, theme, width):
    page = partner_page
    partner_site.pages["/"] = snippet_page(
        live_server.url, shop(), f"&layout={layout}&theme={theme}", f"{width}px"
    )
    page.goto(f"{partner_site.origin}/")
    frame = page.frame_locator("iframe[data-locker-widget]")
    expect(frame.get_by_role("article")).to_have_count(4)
    if layout == "compact":
        frame.locator("summary").first.click()
    page.wait_for_function("window.__events.some(function (e) { return e.type === 'ready'; })")
    page.wait_for_timeout(300)
    content = widget_frame(page)
    # Nothing is cut off or scrolls sideways at this width.
    assert content.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert page.locator("iframe[data-locker-widget]").bounding_box()["width"] == width
    # Chromium paints a cross-site iframe only inside the viewport: make the viewport the page's height.
    page.set_viewport_size(
        {"width": width + 40, "height": page.evaluate("document.documentElement.scrollHeight")}
    )
    page.wait_for_timeout(300)
    page.screenshot(path=str(_artifact(f"widget-{layout}-{theme}-{width}")))


def test_the_embed_page_previews_and_offers_the_snippet(page, linked_customer, live_server):
    signed_in(page, linked_customer, to="/widget/?layout=full&theme=dark&accent=e4007c&width=360")
    expect(page.get_by_role("heading", name="Embed the locker on your site")).to_be_visible()
    preview = page.frame_locator("#widget-preview")
    expect(preview.get_by_role("article")).to_have_count(4)
    page.wait_for_function("document.getElementById('widget-preview').style.height !== ''")
    expect(page.locator("#snippet-code")).to_contain_text("widget/embed.js")
    expect(page.locator("#snippet-code")).to_contain_text("layout=full")
    screenshot(page, "widget-embed-page")


def test_the_embed_page_fits_a_phone(browser, live_server, sandboxed, linked_customer):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    signed_in(page, linked_customer, to="/widget/")
    preview = page.frame_locator("#widget-preview")
    expect(preview.get_by_role("article")).to_have_count(4)
    # Nothing widens the page: the snippet's long lines scroll inside their own box.
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    box = page.locator("#widget-preview").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, box
    widget = page.locator("#widget-preview").element_handle().content_frame()
    assert widget.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    context.close()


@pytest.mark.parametrize("query", ["", "&layout=full&theme=dark&accent=ffcc00&bg=102030"])
def test_the_widget_has_no_serious_accessibility_violations(page, shop, query):
    # The token works once, so axe goes in before the first load (an init script is outside the CSP).
    page.add_init_script(path=str(AXE))
    page.goto(f"/widget/locker/?token={shop()}{query}")
    expect(page.get_by_role("article")).to_have_count(4)
    if "full" not in query:
        page.locator("summary").first.click()
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        (v["id"], [n["target"] for n in v["nodes"]][:3])
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


def _artifact(name: str):
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / f"{name}.png"
