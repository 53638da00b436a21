"""Without JavaScript a row's format menu is the release's "Other formats" page: every track of the
release with a Download button per format, each posting like the row's own button."""

from __future__ import annotations

from http import HTTPStatus

from tests.helpers import download_buttons, download_post
from tests.locker.test_downloads import track_rows
from tests.markup import attribute, element, elements, text


def a_release_with_other_formats(client) -> dict:
    return next(r for r in track_rows(client) if r["state"] == "downloadable" and len(r["formats"]) > 1)


def test_a_card_with_format_menus_links_its_formats_page_for_browsers_without_javascript(customer_client):
    row = a_release_with_other_formats(customer_client)
    html = customer_client.get("/locker/").content.decode()
    card = element(html, "article", id=f"release-{row['release']}")
    [link] = [
        a
        for a in elements(card, "a")
        if attribute(a, "href") == f"/locker/releases/{row['release']}/formats/"
    ]
    assert text(link).startswith("Other formats")
    # The row's own button names the other formats its menu (menu.js) offers.
    button = element(
        element(card, "li", id=f"track-{row['release']}-{row['track']}"), "button", class_="download"
    )
    assert [int(f) for f in (attribute(button, "data-formats") or "").split()] == row["formats"][1:]


def test_the_formats_page_has_a_button_per_format_that_downloads(customer_client, sandboxed):
    row = a_release_with_other_formats(customer_client)
    response = customer_client.get(f"/locker/releases/{row['release']}/formats/")
    assert response.status_code == HTTPStatus.OK
    page = response.content.decode()
    assert "Every format of this release" in page
    buttons = [b for b in download_buttons(page) if b["track"] == row["track"]]
    assert sorted(b["format"] for b in buttons) == sorted(row["formats"]) and all(
        b["enabled"] for b in buttons
    )
    other = next(b for b in buttons if b["format"] == row["formats"][-1])
    answer = customer_client.post("/locker/download/", download_post(page, other))
    assert answer.status_code == HTTPStatus.FOUND
    assert answer["Location"].startswith(f"{sandboxed.url}/media/user/downloadtrack?")


def test_another_customers_release_and_an_unlinked_customer_get_no_formats_page(
    customer_client, client, customer_factory
):
    assert customer_client.get("/locker/releases/999999999/formats/").status_code == HTTPStatus.NOT_FOUND
    client.force_login(customer_factory("unlinked@example.com"))
    assert client.get("/locker/releases/1/formats/").status_code == HTTPStatus.NOT_FOUND
