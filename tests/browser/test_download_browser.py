"""Click Download, follow the redirect to the sandbox media host, see the row update; play a track."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.helpers import screenshot, sign_in, wait_until
from tests.helpers import PASSWORD

EMAIL = "small@sandbox.test"


def test_downloading_the_last_copy_downloads_and_disables_the_button(page, linked_customer, sandboxed):
    sign_in(page, linked_customer.email, PASSWORD)
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
    sign_in(page, linked_customer.email, PASSWORD)
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


def test_download_all_lists_what_will_happen_and_downloads_each_track(page, linked_customer, sandboxed):
    sign_in(page, linked_customer.email, PASSWORD)
    last_id = page.locator("li.state-last_download").first.get_attribute("id")
    album = page.locator("article", has=page.locator(f"#{last_id}"))
    album.get_by_text("Download all").click()
    panel = album.locator("details.download-all")
    expect(panel.get_by_text("These will use their last download:")).to_be_visible()
    expect(panel.get_by_text("These can't be downloaded and will be skipped:")).to_be_visible()
    wanted = panel.locator("input[name=track]").count()
    assert wanted >= 2
    downloads = []
    page.on("download", lambda download: downloads.append(download))
    panel.get_by_label("Format").select_option(label="MP3 320")
    panel.get_by_role("button", name="Start downloads").click()
    expect(panel.get_by_role("status")).to_have_text(f"Started {wanted} downloads.", timeout=wanted * 4000)
    assert len(downloads) == wanted
    assert all(d.url.startswith(f"{sandboxed.url}/media/user/downloadtrack?") for d in downloads)
    # The row that had its last download left is now exhausted; no count was used twice.
    expect(page.locator(f"#{last_id}")).to_have_class(re.compile("state-exhausted"), timeout=10_000)
    _, release_id, track_id = last_id.split("-")
    assert sandboxed.remaining(EMAIL, int(release_id), int(track_id)) == 0


def test_a_refusal_by_the_media_host_keeps_the_customer_on_their_locker(page, linked_customer, sandboxed):
    """The last copy is taken elsewhere between our re-check and the browser's fetch: the media
    host answers its XML error. The customer stays on the locker page, which says what happened,
    and the history tells the refusal from a download started."""
    sign_in(page, linked_customer.email, PASSWORD)
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
