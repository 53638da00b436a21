"""The player with the keyboard alone: find a track, play, pause, download, next track; the
shortcuts (never in a text field) and their dialog, the volume, focus kept when a row is refreshed,
nothing focused hidden under the bar, and music going on across the site's own navigation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import AXE, screenshot, signed_in, wait_until
from tests.helpers import link_to_sandbox

EMAIL = "small@sandbox.test"
AUDIO = "document.getElementById('player-audio')"


@pytest.fixture
def indexed_customer(linked_customer):
    """The small locker, indexed (as the worker would), so the page has its search box."""
    from locker.library import sync

    assert sync.run(linked_customer.pk, full=True)
    return linked_customer


def tab_to(page, predicate: str, limit: int = 80, key: str = "Tab") -> int:
    """Press Tab until the focused element satisfies a JS predicate on `el`; return how many presses."""
    for presses in range(1, limit + 1):
        page.keyboard.press(key)
        if page.evaluate(f"(() => {{ const el = document.activeElement; return !!el && ({predicate}); }})()"):
            return presses
    raise AssertionError(f"no element matching {predicate} within {limit} tab stops")


def focused(page, script: str):
    return page.evaluate(f"(() => {{ const el = document.activeElement; return {script}; }})()")


def now_playing(page):
    return page.locator("#player-now-title")


def playing(page) -> bool:
    return page.evaluate(f"!{AUDIO}.paused && {AUDIO}.currentTime > 0")


def start_playing(page, row) -> None:
    row.get_by_role("button", name=re.compile("^Play")).click()
    wait_until(page, f"{AUDIO}.currentTime > 0")


def serious_violations(page) -> list[str]:
    """axe-core on the page as it is now (axe_violations reloads, which would stop the player)."""
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v["id"] for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_the_locker_by_keyboard_alone(page, indexed_customer, sandboxed):
    signed_in(page, indexed_customer)
    expect(page.get_by_role("heading", name="My music")).to_be_visible()

    # Find a track: Tab to the search box and type.
    tab_to(page, "el.id === 'locker-q'")
    page.keyboard.type("lights", delay=40)
    expect(page.get_by_role("article")).to_have_count(1)
    expect(page.get_by_role("heading", name="Harbour Lights")).to_be_visible()

    # Play: Tab on to the first track's Play button, press Enter.
    tab_to(page, "el.matches('button.play')")
    play = page.locator("button.play").first
    expect(play).to_be_focused()
    title = play.get_attribute("data-title")
    expect(play).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Enter")
    wait_until(page, f"{AUDIO}.currentTime > 0.5")
    expect(play).to_have_attribute("aria-pressed", "true")
    expect(play).to_have_accessible_name(re.compile(rf"^Play {re.escape(title)}"))  # the label stays
    expect(now_playing(page)).to_have_text(re.compile(rf"^Now playing: {re.escape(title)} — "))
    row = page.locator("li.track").first
    expect(row).to_have_class(re.compile(r"\bis-current\b"))

    # Pause with Space on the same button: paused where it was, not restarted.
    page.keyboard.press("Space")
    wait_until(page, f"{AUDIO}.paused")
    position = page.evaluate(f"{AUDIO}.currentTime")
    expect(play).to_have_attribute("aria-pressed", "false")
    expect(now_playing(page)).to_have_text(re.compile(rf"^Paused: {re.escape(title)}"))
    page.keyboard.press("Space")
    wait_until(page, f"!{AUDIO}.paused")
    assert page.evaluate(f"{AUDIO}.currentTime") >= position > 0.4
    expect(play).to_have_attribute("aria-pressed", "true")

    # Download: Tab to the row's download button, Enter; the file comes from the media host.
    tab_to(page, "el.matches('button.download')")
    button = focused(page, "el.value")
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.url.startswith(f"{sandboxed.url}/media/user/downloadtrack?")
    # The row is refreshed (htmx swaps the <li>); focus stays on the same button in the new row.
    expect(row.get_by_text("Download started")).to_be_visible(timeout=10_000)
    # (focus comes back once htmx has settled the new row, a moment after it shows)
    wait_until(
        page,
        f"document.activeElement.matches('button.download[value=\"{button}\"]')"
        " && !!document.activeElement.closest('li.track')",
        timeout=5,
    )
    assert playing(page)  # the music never stopped

    # Next track: n.
    next_title = page.locator("button.play:not(:disabled)").nth(1).get_attribute("data-title")
    page.keyboard.press("n")
    expect(now_playing(page)).to_have_text(re.compile(rf"^Now playing: {re.escape(next_title)} — "))
    wait_until(page, f"{AUDIO}.currentTime > 0.3 && !{AUDIO}.paused")
    expect(page.locator("button.play").nth(1)).to_have_attribute("aria-pressed", "true")
    expect(play).to_have_attribute("aria-pressed", "false")
    screenshot(page, "player-keyboard")


def test_the_skip_link_reaches_the_player(page, linked_customer):
    signed_in(page, linked_customer)
    skip = page.get_by_role("link", name="Skip to player")
    expect(skip).to_be_hidden()  # nothing to skip to before anything plays
    start_playing(page, page.locator("li.state-exhausted").first)
    # The skip links come first: Skip to content, then Skip to player, then the site's name.
    page.get_by_role("link", name="Locker", exact=True).focus()
    page.keyboard.press("Shift+Tab")
    expect(skip).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(
        page.get_by_role("region", name="Player").get_by_role("button", name="Previous track")
    ).to_be_focused()


def test_shortcuts_never_fire_in_the_search_field(page, indexed_customer):
    signed_in(page, indexed_customer)
    row = page.locator("li.state-exhausted").first
    start_playing(page, row)
    title = now_playing(page).text_content()
    box = page.get_by_role("searchbox", name=re.compile("Search"))
    box.focus()
    position = page.evaluate(f"{AUDIO}.currentTime")
    page.keyboard.type("k jlnp?", delay=30)
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowRight")
    expect(box).to_have_value("k jlnp?")
    expect(page.get_by_role("dialog")).to_have_count(0)
    assert playing(page)
    assert page.evaluate(f"{AUDIO}.currentTime") >= position  # no seek back
    expect(now_playing(page)).to_have_text(title)  # no next or previous track
    # Outside the field the same keys act: k pauses, l seeks forward 10 s.
    page.locator("h1").click()
    page.keyboard.press("k")
    wait_until(page, f"{AUDIO}.paused")
    before = page.evaluate(f"{AUDIO}.currentTime")
    page.keyboard.press("l")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(
        min(before + 10, page.evaluate(f"{AUDIO}.duration")), abs=0.5
    )
    page.keyboard.press("j")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(max(0, before), abs=0.5)
    page.keyboard.press("ArrowRight")
    assert page.evaluate(f"{AUDIO}.currentTime") == pytest.approx(before + 5, abs=0.5)
    # Ctrl (or another modifier) with a shortcut key is the browser's, not ours.
    page.keyboard.press("Control+k")
    assert page.evaluate(f"{AUDIO}.paused")


def test_the_shortcuts_dialog_opens_on_question_mark_and_closes_on_escape(page, linked_customer):
    page.add_init_script(path=str(AXE))  # an init script runs outside the page's CSP
    signed_in(page, linked_customer)
    start_playing(page, page.locator("li.state-exhausted").first)
    assert serious_violations(page) == []  # the page with its player showing and a row pressed
    opener = page.locator("button.play").first
    opener.focus()
    page.keyboard.press("Shift+Slash")  # "?"
    dialog = page.get_by_role("dialog", name="Keyboard shortcuts")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Close")).to_be_focused()
    expect(dialog.get_by_role("definition").filter(has_text="Play or pause")).to_be_visible()
    expect(dialog.get_by_text("Next track")).to_be_visible()
    page.keyboard.press("k")  # shortcuts sleep while the dialog is open
    assert playing(page)
    assert serious_violations(page) == []
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()
    # The player's own "?" button opens it too.
    page.get_by_role("button", name="Keyboard shortcuts").click()
    expect(dialog).to_be_visible()
    page.keyboard.press("Enter")  # on Close
    expect(dialog).to_be_hidden()


def test_the_volume_and_mute_are_remembered(page, linked_customer):
    signed_in(page, linked_customer)
    start_playing(page, page.locator("li.state-exhausted").first)
    volume = page.get_by_role("slider", name="Volume")
    volume.focus()
    for _ in range(4):
        page.keyboard.press("ArrowLeft")  # the slider's own keys: not a seek
    expect(volume).to_have_value("80")
    expect(volume).to_have_attribute("aria-valuetext", "80%")
    assert page.evaluate(f"{AUDIO}.volume") == pytest.approx(0.8)
    mute = page.get_by_role("button", name="Mute")
    expect(mute).to_have_attribute("aria-pressed", "false")
    mute.press("Enter")
    expect(mute).to_have_attribute("aria-pressed", "true")
    assert page.evaluate(f"{AUDIO}.muted")
    page.reload()
    expect(page.get_by_role("slider", name="Volume", include_hidden=True)).to_have_value("80")
    expect(page.get_by_role("button", name="Mute", include_hidden=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    assert page.evaluate(f"{AUDIO}.volume") == pytest.approx(0.8) and page.evaluate(f"{AUDIO}.muted")


def test_focus_stays_in_a_row_whose_download_button_is_now_disabled(page, linked_customer, sandboxed):
    signed_in(page, linked_customer)
    row = page.locator("li.state-last_download").first
    row_id = row.get_attribute("id")
    button = row.get_by_role("button", name=re.compile(r"^Download MP3 320"))
    button.focus()
    with page.expect_download():
        page.keyboard.press("Enter")
    refreshed = page.locator(f"#{row_id}")
    expect(refreshed).to_have_class(re.compile("state-exhausted"), timeout=10_000)
    expect(refreshed.get_by_role("button", name=re.compile(r"^Download MP3 320"))).to_be_disabled()
    expect(refreshed).to_be_focused()  # not the page: the row, which reads out its new state
    page.keyboard.press("Tab")
    assert focused(page, f"el.closest('li') && el.closest('li').id === '{row_id}'")


def test_nothing_focused_hides_under_the_player_bar(page, customer, sandboxed):
    """Tab through a 10-release page with the player showing: every focused element's box is clear of the bar."""
    link_to_sandbox(customer, sandboxed, "demo@sandbox.test")
    signed_in(page, customer)
    expect(page.get_by_role("article")).to_have_count(10)
    start_playing(page, page.locator("button.play:not(:disabled)").first.locator("xpath=ancestor::li"))
    page.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    bar = page.get_by_role("region", name="Player")
    stops = hidden = 0
    while True:
        page.keyboard.press("Tab")
        box = page.evaluate(
            """(() => { const el = document.activeElement, bar = document.getElementById('player');
            if (!el || el === document.body || bar.contains(el)) return null;
            const r = el.getBoundingClientRect(), b = bar.getBoundingClientRect();
            return {covered: r.bottom > b.top && r.top < b.bottom && r.height > 0, footer: !!el.closest('.site-footer')}; })()"""
        )
        if box is None:
            if stops:
                break  # reached the player itself: the page is done
            continue
        stops += 1
        hidden += box["covered"]
        if box["footer"] or stops > 400:
            break
    print(f"tab stops: {stops}, partly under the player bar: {hidden}")
    assert stops > 100 and hidden == 0
    expect(bar).to_be_visible()


def test_music_goes_on_across_boosted_navigation(page, linked_customer):
    signed_in(page, linked_customer)
    start_playing(page, page.locator("li.state-exhausted").first)
    title = now_playing(page).text_content()
    page.evaluate("window.__marker = 'same document'")
    nav = page.get_by_role("navigation", name="Main")

    nav.get_by_role("link", name="Downloads").click()
    expect(page).to_have_url(re.compile(r"/locker/history/$"))
    expect(page).to_have_title(re.compile("^Download"))  # the new page's own title
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    expect(nav.get_by_role("link", name="Downloads")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="My music")).not_to_have_attribute("aria-current", "page")
    assert playing(page)

    nav.get_by_role("link", name="Account").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/locker/account/$"))
    expect(page.get_by_role("heading", name="Account", level=1)).to_be_focused()
    expect(nav.get_by_role("link", name="Account")).to_have_attribute("aria-current", "page")
    assert playing(page)
    expect(now_playing(page)).to_have_text(title)
    # The player's next still follows the list the track came from.
    page.keyboard.press("n")
    expect(now_playing(page)).not_to_have_text(title)
    wait_until(page, f"!{AUDIO}.paused && {AUDIO}.currentTime > 0")

    page.go_back()
    expect(page).to_have_url(re.compile(r"/locker/history/$"))
    expect(page.get_by_role("heading", name=re.compile("^Download"), level=1)).to_be_visible()
    expect(nav.get_by_role("link", name="Downloads")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=1)).to_be_focused()
    page.go_back()
    expect(page.get_by_role("heading", name="My music", level=1)).to_be_visible()
    expect(page.locator("button.play[aria-pressed=true]")).to_have_count(1)  # the playing row, marked again
    assert playing(page)
    assert page.evaluate("window.__marker") == "same document"

    # Plain forms stay plain: signing out is a real page load, and stops the music with the session.
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/$|/accounts/"))
    assert page.evaluate("window.__marker === undefined")


def test_the_player_fits_a_phone(phone, linked_customer):
    phone.add_init_script(path=str(AXE))
    signed_in(phone, linked_customer)
    start_playing(phone, phone.locator("li.state-exhausted").first)
    bar = phone.get_by_role("region", name="Player")
    expect(bar.get_by_role("button", name="Pause")).to_be_visible()
    expect(bar.get_by_role("button", name="Mute")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    assert bar.bounding_box()["height"] < 140  # a bar, not half the screen
    assert serious_violations(phone) == []
    screenshot(phone, "player-phone")
