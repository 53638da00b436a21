"""`GET /1.2/user/locker`: shapes in JSON and XML, every parameter, and 7digital's errors."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
import requests

from sandbox.catalogue import parse_date
from sandbox.demo import demo_locker_rows

from .helpers import (
    DEMO,
    EMPTY,
    JSON,
    SMALL,
    first_track_id,
    get_locker,
    release_id,
    releases_of,
    user_auth,
    xml_of,
)

XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
DEMO_RELEASES = len({r.release_id for r in demo_locker_rows() if r.account_id == "108596530"})


def all_releases(sandbox, email=DEMO, sort="releaseTitle asc") -> list[dict]:
    return releases_of(get_locker(sandbox, email, pageSize=50, sort=sort)) + releases_of(
        get_locker(sandbox, email, pageSize=50, page=2, sort=sort)
    )


def xml_ids(response: requests.Response) -> list[int]:
    return [int(e.get("id")) for e in xml_of(response).iterfind(".//lockerRelease/release")]


def assert_error(response, status: int, code: int, message: str | None = None) -> None:
    assert response.status_code == status, response.text
    if response.headers["Content-Type"].startswith("application/json"):
        body = response.json()
        assert body["status"] == "error" and body["version"] == "1.2"
        error = body["error"]
        assert error["code"] == code
        text = error["errorMessage"]
    else:
        root = ET.fromstring(response.content)
        assert root.get("status") == "error"
        assert root.find("error").get("code") == str(code)
        text = root.findtext("error/errorMessage")
    if message is not None:
        assert text == message


def test_json_shape(sandbox):
    response = get_locker(sandbox)
    assert response.headers["Content-Type"] == "application/json; charset=utf-8"
    for header in ("X-RateLimit-Current", "X-RateLimit-Reset"):
        assert response.headers[header].isdigit()
    assert response.headers["X-RateLimit-Limit"] == "4000"
    body = response.json()
    assert list(body) == ["status", "version", "schema", "locker"]
    paging = body["locker"]["lockerReleases"]
    assert (paging["page"], paging["pageSize"], paging["totalItems"]) == (1, 10, DEMO_RELEASES)
    entry = paging["lockerRelease"][0]
    assert list(entry) == ["release", "lockerTracks", "available"]
    assert entry["available"] is True
    track = entry["lockerTracks"]["lockerTrack"][0]
    assert isinstance(track["remainingDownloads"], int)
    assert isinstance(track["completeAlbumPurchase"], bool)
    assert {"trackNumber", "disc", "number"} <= set(track["track"])
    url = track["downloadUrls"]["downloadUrl"][0]
    assert set(url) == {"url", "format"} and set(url["format"]) == {"id", "description"}
    release = entry["release"]
    assert release["download"]["releaseDate"]
    assert url["url"] == (
        f"{sandbox.url}/media/user/downloadtrack?formatid={url['format']['id']}"
        f"&releaseid={release['id']}&shopid=34&trackid={track['track']['id']}"
    )


def test_xml_is_the_default_and_matches_json(sandbox):
    response = get_locker(sandbox, fmt="xml")
    assert response.headers["Content-Type"] == "application/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    plain = requests.get(
        f"{sandbox.api_url}/user/locker", params={"country": "GB"}, auth=user_auth(sandbox)
    )
    assert plain.headers["Content-Type"].startswith("application/xml")
    root = xml_of(response)
    assert (root.get("status"), root.get("version")) == ("ok", "1.2")
    assert root.findtext("locker/lockerReleases/totalItems") == str(DEMO_RELEASES)
    assert xml_ids(response) == [r["release"]["id"] for r in releases_of(get_locker(sandbox))]
    track = root.find(".//lockerTrack/track")
    assert track.get("id").isdigit()
    assert [c.tag for c in track][-3:] == ["isrc", "discNumber", "number"]
    fmt = root.find(".//downloadUrls/downloadUrl/format")
    assert fmt.get("id") in {"17", "48", "33", "55"}
    assert fmt.findtext("url").startswith(f"{sandbox.url}/media/user/downloadtrack?formatid=")
    assert fmt.findtext("description")
    assert root.findtext(".//lockerRelease/available") == "true"
    assert root.find(".//release/artist").get("id").isdigit()
    assert root.find(".//release/licensor").get("id").isdigit()


@pytest.mark.parametrize("order", ["asc", "desc"])
@pytest.mark.parametrize("column", ["releaseTitle", "artistName", "purchaseDate"])
def test_sorting(sandbox, column, order):
    entries = all_releases(sandbox, sort=f"{column} {order}")
    assert len(entries) == DEMO_RELEASES

    def key(entry):
        if column == "releaseTitle":
            return entry["release"]["title"].casefold()
        if column == "artistName":
            return entry["release"]["artist"]["name"].casefold()
        tracks = entry["lockerTracks"]["lockerTrack"]
        return max(parse_date(t["purchaseDate"]) for t in tracks)

    keys = [key(e) for e in entries]
    assert keys == sorted(keys, reverse=order == "desc")
    for a, b in zip(entries, entries[1:], strict=False):  # ties: release id ascending
        if key(a) == key(b):
            assert a["release"]["id"] < b["release"]["id"]
    xml = get_locker(sandbox, fmt="xml", pageSize=50, sort=f"{column} {order}")
    assert xml_ids(xml) == [e["release"]["id"] for e in entries[:50]]


def test_the_default_sort_is_release_title_ascending(sandbox):
    default = [r["release"]["id"] for r in releases_of(get_locker(sandbox))]
    explicit = [
        r["release"]["id"] for r in releases_of(get_locker(sandbox, sort="releaseTitle asc"))
    ]
    assert default == explicit


def test_sort_accepts_percent_20_and_plus(sandbox):
    ids = []
    for query in ("sort=purchaseDate%20desc", "sort=purchaseDate+desc"):
        url = f"{sandbox.api_url}/user/locker?country=GB&{query}"
        response = requests.get(url, headers=JSON, auth=user_auth(sandbox))
        ids.append([r["release"]["id"] for r in releases_of(response)])
    assert ids[0] == ids[1]
    expected = [r["release"]["id"] for r in all_releases(sandbox, sort="purchaseDate desc")[:10]]
    assert ids[0] == expected


def test_tracks_come_in_disc_then_number_order(sandbox):
    entry = releases_of(get_locker(sandbox, releaseId=release_id("long-way")))[0]
    positions = [
        (t["track"]["disc"], t["track"]["number"]) for t in entry["lockerTracks"]["lockerTrack"]
    ]
    assert positions == sorted(positions)
    assert {disc for disc, _ in positions} == {1, 2, 3}


def test_paging(sandbox):
    pages = [releases_of(get_locker(sandbox, page=n, pageSize=7)) for n in range(1, 12)]
    ids = [e["release"]["id"] for page in pages for e in page]
    assert len(ids) == len(set(ids)) == DEMO_RELEASES
    assert [len(p) for p in pages if p][:-1] == [7] * (len([p for p in pages if p]) - 1)


def test_page_size_is_capped_at_50(sandbox):
    for size in (51, 500):
        response = get_locker(sandbox, pageSize=size)
        paging = response.json()["locker"]["lockerReleases"]
        assert paging["pageSize"] == 50
        assert len(paging["lockerRelease"]) == 50
    assert xml_of(get_locker(sandbox, fmt="xml", pageSize=99)).findtext(".//pageSize") == "50"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_page_past_the_end_is_empty(sandbox, fmt):
    response = get_locker(sandbox, fmt=fmt, page=99)
    assert response.status_code == 200
    if fmt == "json":
        paging = response.json()["locker"]["lockerReleases"]
        assert paging == {"page": 99, "pageSize": 10, "totalItems": DEMO_RELEASES}
    else:
        paging = xml_of(response).find("locker/lockerReleases")
        assert [c.tag for c in paging] == ["page", "pageSize", "totalItems"]


def test_an_empty_locker(sandbox):
    paging = get_locker(sandbox, EMPTY).json()["locker"]["lockerReleases"]
    assert paging == {"page": 1, "pageSize": 10, "totalItems": 0}
    assert xml_of(get_locker(sandbox, EMPTY, fmt="xml")).find(".//lockerRelease") is None


def test_the_small_locker(sandbox):
    entries = releases_of(get_locker(sandbox, SMALL))
    assert len(entries) == 4
    counts = {
        t["remainingDownloads"]
        for e in entries
        for t in e["lockerTracks"]["lockerTrack"]
        if e["available"]
    }
    assert {0, 1, 2} <= counts


def test_release_filter(sandbox):
    wanted = release_id("northern-lights")
    response = get_locker(sandbox, releaseId=wanted)
    entries = releases_of(response)
    assert [e["release"]["id"] for e in entries] == [wanted]
    assert response.json()["locker"]["lockerReleases"]["totalItems"] == 1
    assert len(entries[0]["lockerTracks"]["lockerTrack"]) == 12
    assert xml_ids(get_locker(sandbox, fmt="xml", releaseId=wanted)) == [wanted]
    assert releases_of(get_locker(sandbox, releaseId=1)) == []


def test_release_and_track_filter(sandbox):
    wanted = first_track_id("northern-lights", 3)
    entries = releases_of(
        get_locker(sandbox, releaseId=release_id("northern-lights"), trackId=wanted)
    )
    assert [t["track"]["id"] for t in entries[0]["lockerTracks"]["lockerTrack"]] == [wanted]
    xml = xml_of(
        get_locker(sandbox, fmt="xml", releaseId=release_id("northern-lights"), trackId=wanted)
    )
    assert [int(t.get("id")) for t in xml.iterfind(".//lockerTrack/track")] == [wanted]
    none = get_locker(
        sandbox, releaseId=release_id("northern-lights"), trackId=first_track_id("double")
    )
    assert none.json()["locker"]["lockerReleases"]["totalItems"] == 0


def test_purchase_filter(sandbox):
    basket = next(
        t["purchaseId"]
        for e in releases_of(get_locker(sandbox, releaseId=release_id("basket-a")))
        for t in e["lockerTracks"]["lockerTrack"]
    )
    entries = releases_of(get_locker(sandbox, purchaseId=basket))
    assert {e["release"]["id"] for e in entries} == {release_id("basket-a"), release_id("basket-b")}
    assert all(t["purchaseId"] == basket for e in entries for t in e["lockerTracks"]["lockerTrack"])
    assert len(xml_ids(get_locker(sandbox, fmt="xml", purchaseId=basket))) == 2


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_purchase_is_an_error(sandbox, fmt):
    response = get_locker(sandbox, fmt=fmt, purchaseId=123)
    assert_error(response, 404, 2001, "No tracks found for purchase id")


def test_legacy_purchases_have_id_0(sandbox):
    entries = releases_of(get_locker(sandbox, releaseId=release_id("legacy")))
    assert {t["purchaseId"] for t in entries[0]["lockerTracks"]["lockerTrack"]} == {0}


@pytest.mark.parametrize(
    ("params", "status", "code", "message"),
    [
        ({"page": "abc"}, 400, 1002, "Value of parameter page is not valid: abc"),
        ({"pageSize": "0"}, 400, 1002, "Value of parameter pageSize is not valid: 0"),
        ({"pageSize": "-5"}, 400, 1002, "Value of parameter pageSize is not valid: -5"),
        ({"releaseId": "x1"}, 400, 1002, "Value of parameter releaseId is not valid: x1"),
        ({"trackId": "1.5"}, 400, 1002, "Value of parameter trackId is not valid: 1.5"),
        ({"purchaseId": "nope"}, 400, 1002, "Value of parameter purchaseId is not valid: nope"),
        ({"country": None}, 400, 1001, None),
        ({"country": "GBR"}, 400, 1002, "Value of parameter country is not valid: GBR"),
        ({"sort": "price asc"}, 400, 1006, None),
        ({"sort": "releaseTitle up"}, 400, 1006, None),
    ],
)
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_parameters(sandbox, fmt, params, status, code, message):
    params = {"country": "GB"} | params
    response = requests.get(
        f"{sandbox.api_url}/user/locker",
        params={k: v for k, v in params.items() if v is not None},
        headers=JSON if fmt == "json" else {},
        auth=user_auth(sandbox),
    )
    assert_error(response, status, code, message)


def test_shop_and_usage_types_are_accepted(sandbox):
    assert len(releases_of(get_locker(sandbox, shopId=34, usageTypes="download"))) == 10


def test_the_withdrawn_shape_in_json(sandbox):
    entry = releases_of(get_locker(sandbox, releaseId=release_id("withdrawn-album")))[0]
    assert entry["available"] is False
    assert "download" not in entry["release"]
    for track in entry["lockerTracks"]["lockerTrack"]:
        assert track["downloadUrls"] is None
        assert "remainingDownloads" not in track
        assert {"purchaseId", "purchaseDate", "completeAlbumPurchase"} <= set(track)


def test_the_withdrawn_shape_in_xml(sandbox):
    root = xml_of(get_locker(sandbox, fmt="xml", releaseId=release_id("withdrawn-album")))
    assert root.findtext(".//lockerRelease/available") == "false"
    assert root.find(".//release/download") is None
    assert root.find(".//remainingDownloads") is None
    assert root.find(".//downloadUrls") is None
    assert root.findtext(".//lockerTrack/purchaseDate")


def test_a_preorder_keeps_its_download_urls(sandbox):
    entry = releases_of(get_locker(sandbox, releaseId=release_id("preorder-album")))[0]
    assert entry["release"]["download"]["releaseDate"].startswith("2031-03-27")
    assert entry["available"] is True
    assert all(t["downloadUrls"]["downloadUrl"] for t in entry["lockerTracks"]["lockerTrack"])


def test_missing_barcode_image_and_label(sandbox):
    release = releases_of(get_locker(sandbox, releaseId=release_id("bare")))[0]["release"]
    assert release["barcode"] is None
    assert "image" not in release and "label" not in release
    root = xml_of(get_locker(sandbox, fmt="xml", releaseId=release_id("bare")))
    assert root.find(".//release/barcode").get(XSI_NIL) == "true"
    assert root.find(".//release/image") is None and root.find(".//release/label") is None
    withimage = releases_of(get_locker(sandbox, releaseId=release_id("northern-lights")))[0][
        "release"
    ]
    assert withimage["image"] == f"{sandbox.url}/artwork/{release_id('northern-lights')}_50.png"


def test_single_items_are_still_lists(sandbox):
    entries = releases_of(get_locker(sandbox, releaseId=release_id("bold")))
    tracks = entries[0]["lockerTracks"]["lockerTrack"]
    assert isinstance(entries, list) and isinstance(tracks, list) and len(tracks) == 1
    assert isinstance(tracks[0]["downloadUrls"]["downloadUrl"], list)


@pytest.mark.parametrize("key", ["script", "rock-roll", "bold", "japanese", "arabic"])
def test_special_text_survives_both_formats(sandbox, key):
    entry = releases_of(get_locker(sandbox, releaseId=release_id(key)))[0]
    root = xml_of(get_locker(sandbox, fmt="xml", releaseId=release_id(key)))
    assert root.findtext(".//release/title") == entry["release"]["title"]
    assert root.findtext(".//release/version") == entry["release"]["version"]
    xml_titles = [t.findtext("title") for t in root.iterfind(".//lockerTrack/track")]
    assert xml_titles == [t["track"]["title"] for t in entry["lockerTracks"]["lockerTrack"]]


def test_an_unknown_path_is_2001(sandbox):
    response = requests.get(f"{sandbox.api_url}/no/such/thing")
    assert_error(response, 404, 2001, "Resource not found")
    response = requests.get(f"{sandbox.api_url}/no/such/thing", headers=JSON)
    assert_error(response, 404, 2001, "Resource not found")
