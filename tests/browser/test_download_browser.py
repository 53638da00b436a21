"""Click Download, follow the redirect to the sandbox media host, see the row update; play a track."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from locker.models import DownloadEvent
from tests.browser.helpers import axe_violations, screenshot, signed_in, wait_until

EMAIL = "small@sandbox.test"


def test_downloading_the_last_copy_downloads_and_disables_the_button(page, linked_customer, sandboxed):
    signed_in(page, linked_customer)
    row = page.locator("li.state-last_download").first
    row_id = row.get_attribute("id")
    _, release_id, track_id = row_id.split("-")
    with page.expect_download() as download_info:
        row.get_by_role("button", name=re.compile(r"^Download MP3 320")).click()
    download = download_info.value
    assert download.url.startswith(f"{sandboxed.url}/media/user/downloadtrack?")
    assert download.suggested_filename.endswith(".mp3")
    assert sandboxed.remaining(EMAIL, int(release_id), int(track_id)) == 0

    updated = page.locator(f"#{row_id}")
    expect(updated).to_have_class(re.compile("state-exhausted"), timeout=10_000)
    button = updated.get_by_role("button", name=re.compile(r"^Download MP3 320"))
    expect(button).to_be_disabled()
    expect(button).to_have_accessible_description(re.compile("used all downloads"))
    expect(updated.get_by_text("Download started")).to_be_visible()
    assert sandboxed.remaining(EMAIL, int(release_id), int(track_id)) == 0  # nothing used twice
    screenshot(page, "after-last-download")


def test_play_streams_and_the_player_advances(page, linked_customer, sandboxed):
    signed_in(page, linked_customer)
    row = page.locator("li.state-exhausted").first  # exhausted tracks still play
    _, release_id, track_id = row.get_attribute("id").split("-")
    before = sandboxed.remaining(EMAIL, int(release_id), int(track_id))
    row.get_by_role("button", name=re.compile("^Play")).click()
    player = page.get_by_role("region", name="Player")
    expect(player).to_be_visible()
    wait_until(page, "() => document.getElementById('player-audio').currentTime > 0")
    expect(player.get_by_role("button", name="Pause")).to_be_visible()
    # The player survives an htmx page swap.
    page.get_by_label("Sort by").select_option("releaseTitle asc")
    expect(page).to_have_url(re.compile("releaseTitle"))
    assert page.evaluate("!document.getElementById('player-audio').paused")
    assert sandboxed.remaining(EMAIL, int(release_id), int(track_id)) == before
    screenshot(page, "player")


def test_download_all_lists_what_will_happen_and_ends_saying_what_happened(
    page, linked_customer, sandboxed, settings
):
    settings.LOCKER_DOWNLOAD_ALL_GAP_MS = 300  # the deployed default is 1500
    signed_in(page, linked_customer)
    last_id = page.locator("li.state-last_download").first.get_attribute("id")
    album = page.locator("article", has=page.locator(f"#{last_id}"))
    ready = album.locator("li.track button.download:not([disabled])").count()
    skipped = album.locator("li.track button.download[disabled]").count()
    assert ready >= 2 and skipped >= 1
    album.get_by_text("Download all").click()
    panel = album.locator("details.download-all")
    expect(panel.get_by_text(f"{ready} of {ready + skipped} tracks will be downloaded")).to_be_visible()
    expect(panel.get_by_text("These will use their last download:")).to_be_visible()
    expect(panel.get_by_text("These can't be downloaded and will be skipped:")).to_be_visible()
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    format_choice = panel.get_by_label("Format")
    expect(format_choice).to_have_value("17")  # the preferred format (MP3 320 by default)
    format_choice.select_option(label="MP3 320")
    panel.get_by_role("button", name="Start downloads").click()
    # It ends in a finished state, not "Starting download 3 of 3…".
    expect(panel.get_by_role("status")).to_have_text(
        f"{ready} downloads started, {skipped} skipped.", timeout=ready * 4000
    )
    expect(panel.get_by_role("button", name="Start downloads")).to_be_enabled()
    assert len(downloads) == ready
    assert all(d.url.startswith(f"{sandboxed.url}/media/user/downloadtrack?") for d in downloads)
    # The row that had its last download left is now exhausted; no count was used twice.
    expect(page.locator(f"#{last_id}")).to_have_class(re.compile("state-exhausted"), timeout=10_000)
    _, release_id, track_id = last_id.split("-")
    assert sandboxed.remaining(EMAIL, int(release_id), int(track_id)) == 0


def test_download_all_in_a_format_chosen_for_the_whole_release(page, linked_customer, sandboxed, settings):
    settings.LOCKER_DOWNLOAD_ALL_GAP_MS = 300  # the deployed default is 1500
    signed_in(page, linked_customer)
    menus = page.locator("li.state-downloadable button.formats")  # menu.js adds them
    album = page.locator("article", has=menus.first)
    wanted = album.locator("li.track button.download:not([disabled])").count()
    offered = {
        int(t)
        for t in album.locator("button.formats").evaluate_all(
            "els => els.map(e => e.closest('li').id.split('-')[2])"
        )
    }
    album.get_by_text("Download all").click()
    panel = album.locator("details.download-all")
    panel.get_by_label("Format").select_option(label="AAC 320")
    panel.get_by_role("button", name="Start downloads").click()
    expect(panel.get_by_role("status")).to_have_text(
        re.compile(rf"^{wanted} downloads? started"), timeout=wanted * 4000
    )
    started = DownloadEvent.objects.filter(user=linked_customer, outcome=DownloadEvent.Outcome.REDIRECTED)
    assert {e.track_id for e in started if e.format_id == 33} == offered  # AAC 320 wherever offered
    assert all(e.format_id == 17 for e in started if e.track_id not in offered)  # else the row's own


def test_the_format_menu_by_keyboard_alone(page, linked_customer, sandboxed):
    """APG menu button: Enter opens on the first item, arrows move, Escape closes and returns
    focus, Enter on an item downloads in that format; the row's buttons never move."""
    signed_in(page, linked_customer)
    assert axe_violations(page) == []  # (reloads the page with axe-core)
    row = page.locator("li.state-downloadable", has=page.locator("button.formats")).first
    row_id = row.get_attribute("id")
    _, release_id, track_id = row_id.split("-")
    main = row.get_by_role("button", name=re.compile(r"^Download MP3 320"))
    more = row.get_by_role("button", name=re.compile("^Other formats"))
    expect(more).to_have_attribute("aria-haspopup", "menu")
    expect(more).to_have_attribute("aria-expanded", "false")
    main.focus()
    page.keyboard.press("Tab")
    expect(more).to_be_focused()
    page.keyboard.press("Enter")
    menu = page.get_by_role("menu")
    expect(menu).to_be_visible()
    expect(more).to_have_attribute("aria-expanded", "true")
    first = menu.get_by_role("menuitem", name="Download AAC 320")
    expect(first).to_be_focused()
    serious = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id)"
    )
    assert serious == []  # the open menu too
    page.keyboard.press("ArrowDown")  # one other format: Down wraps to it again
    expect(first).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.get_by_role("menu")).to_have_count(0)
    expect(more).to_be_focused()
    expect(more).to_have_attribute("aria-expanded", "false")
    before = sandboxed.remaining(EMAIL, int(release_id), int(track_id))
    page.keyboard.press("ArrowDown")
    expect(menu.get_by_role("menuitem").first).to_be_focused()
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    assert "formatId=33" in download_info.value.url or "formatid=33" in download_info.value.url.lower()
    assert sandboxed.remaining(EMAIL, int(release_id), int(track_id)) == before - 1
    expect(page.get_by_role("menu")).to_have_count(0)
    updated = page.locator(f"#{row_id}")
    expect(updated.get_by_text("Download started")).to_be_visible(timeout=10_000)
    # The Download button is still MP3 320, the menu still holds AAC 320: nothing moved.
    expect(updated.get_by_role("button", name=re.compile(r"^Download MP3 320"))).to_be_enabled()
    expect(updated.locator("button.download")).to_have_attribute("data-formats", "33")
    expect(updated.get_by_role("button", name=re.compile("^Other formats"))).to_be_visible()
    assert DownloadEvent.objects.get(user=linked_customer, track_id=int(track_id)).format_id == 33


def test_without_javascript_the_download_button_posts_and_other_formats_have_a_page(
    browser, live_server, linked_customer, sandboxed
):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False, accept_downloads=True)
    page = context.new_page()
    try:
        signed_in(page, linked_customer)
        row = page.locator("li.state-downloadable", has=page.locator("button.download[data-formats]")).first
        _, release_id, track_id = row.get_attribute("id").split("-")
        with page.expect_download() as download_info:
            row.get_by_role("button", name=re.compile(r"^Download MP3 320")).click()
        assert download_info.value.url.startswith(f"{sandboxed.url}/media/user/downloadtrack?")
        expect(row.get_by_role("button", name=re.compile("^Other formats"))).to_have_count(0)  # a script's
        page.locator(f"#release-{release_id}").get_by_role("link", name=re.compile("^Other formats")).click()
        expect(page).to_have_url(re.compile(rf"/locker/releases/{release_id}/formats/$"))
        expect(page.get_by_role("heading", name="Every format of this release")).to_be_visible()
        with page.expect_download() as download_info:
            page.locator(f"#track-{release_id}-{track_id}").get_by_role(
                "button", name=re.compile(r"^Download AAC 320")
            ).click()
        assert download_info.value.url.startswith(f"{sandboxed.url}/media/user/downloadtrack?")
        formats = DownloadEvent.objects.filter(user=linked_customer, track_id=int(track_id)).values_list(
            "format_id", flat=True
        )
        assert sorted(formats) == [17, 33]
    finally:
        context.close()


def test_a_refusal_by_the_media_host_keeps_the_customer_on_their_locker(page, linked_customer, sandboxed):
    """The last copy is taken elsewhere between our re-check and the browser's fetch: the media
    host answers its XML error. The customer stays on the locker page, which says what happened,
    and the history tells the refusal from a download started."""
    signed_in(page, linked_customer)
    locker_url = page.url
    row = page.locator("li.state-last_download").first
    row_id = row.get_attribute("id")
    _, release_id, track_id = row_id.split("-")
    account = sandboxed.store.account_by_email(EMAIL)
    answers = []

    def taken_meanwhile(route):
        sandboxed.store.use_download(account.id, int(release_id), int(track_id))
        route.continue_()

    page.route("**/media/user/downloadtrack**", taken_meanwhile)
    page.on("response", lambda r: answers.append(r) if "/media/user/downloadtrack" in r.url else None)
    row.get_by_role("button", name=re.compile(r"^Download MP3 320")).click()
    updated = page.locator(f"#{row_id}")
    expect(updated.get_by_role("alert")).to_contain_text("download server refused that download")
    expect(updated).to_have_class(re.compile("state-exhausted"))
    assert page.url == locker_url  # never 7digital's raw XML
    assert answers and answers[0].status >= 400 and "xml" in answers[0].headers["content-type"]
    expect(updated.get_by_text("Download started")).to_have_count(0)
    page.goto("/locker/history/")
    expect(page.get_by_role("cell", name="Refused by 7digital's download server")).to_be_visible()
