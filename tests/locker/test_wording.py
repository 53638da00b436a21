"""What customers read about a track's state and a refusal is worded once (locker/wording.py):
the row, the refusal of a click on it, the page's notice and the account page say it alike."""

from __future__ import annotations

from http import HTTPStatus
from pathlib import Path

from locker import wording
from tests.locker.test_downloads import EMAIL, post_download, small_locker

LOCKER = Path(__file__).resolve().parents[2] / "locker"


def test_each_text_is_written_in_one_place_only():
    sources = [p for p in LOCKER.rglob("*") if p.suffix in {".py", ".html"} and "migrations" not in p.parts]
    for phrase in (
        "used all downloads",
        "needs to be linked again. Until then",
        "no longer available to download",
    ):
        where = [p.relative_to(LOCKER).as_posix() for p in sources if phrase in p.read_text()]
        assert where == ["wording.py"], (phrase, where)


def test_an_exhausted_row_and_the_refusal_of_its_download_say_the_same(customer_client, sandboxed):
    row = small_locker(customer_client)["exhausted"]
    page = customer_client.get("/locker/").content.decode()
    said = str(wording.STATE_MESSAGES["exhausted"])
    assert said in page
    response = post_download(customer_client, row, HX_Request="true")
    assert response.status_code == HTTPStatus.CONFLICT
    assert said in response.content.decode()  # the row again, with the same words as its flash


def test_a_link_needing_renewal_is_worded_alike_everywhere(customer_client, linked_customer, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    before = sandboxed.remaining(EMAIL, row["release"], row["track"])
    linked_customer.sevendigital_link.mark_needs_relink("revoked")
    said = str(wording.RELINK)
    assert said in customer_client.get("/locker/").content.decode()
    assert said in customer_client.get("/locker/account/").content.decode()
    refused = post_download(customer_client, row)
    assert refused.status_code == HTTPStatus.CONFLICT and said in refused.content.decode()
    played = customer_client.post("/locker/stream/", {"release": row["release"], "track": row["track"]})
    assert played.json()["error"] == said
    assert sandboxed.remaining(EMAIL, row["release"], row["track"]) == before  # nothing signed
