"""Rendering arbitrary entries both ways gives well-formed documents that say the same thing."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sandbox.catalogue import SbLockerEntry, download_url, parse_date
from sandbox.render import (
    render_error_json,
    render_error_xml,
    render_locker_json,
    render_locker_xml,
)
from sandbox.strategies import dates, locker_entries

BASE = "http://sandbox.test:8001"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def check_release(entry: SbLockerEntry, doc: dict, element: ET.Element) -> None:
    release = entry.release
    rel_json, rel_xml = doc["release"], element.find("release")
    assert rel_json["id"] == int(rel_xml.get("id")) == release.id
    for field in ("title", "version", "type"):
        assert rel_json[field] == (rel_xml.findtext(field) or "") == getattr(release, field)
    if release.barcode is None:
        assert rel_json["barcode"] is None and rel_xml.find("barcode").get(XSI_NIL) == "true"
    else:
        assert rel_json["barcode"] == rel_xml.findtext("barcode") == release.barcode
    assert ("image" in rel_json) == (rel_xml.find("image") is not None) == release.has_image
    assert (
        ("label" in rel_json) == (rel_xml.find("label") is not None) == (release.label is not None)
    )
    assert (
        rel_json["artist"]["name"] == (rel_xml.findtext("artist/name") or "") == release.artist.name
    )
    assert doc["available"] is release.available
    assert element.findtext("available") == str(release.available).lower()
    if release.available:
        assert rel_json["download"]["releaseDate"] == rel_xml.findtext("download/releaseDate")
    else:
        assert "download" not in rel_json and rel_xml.find("download") is None


def check_tracks(entry: SbLockerEntry, doc: dict, element: ET.Element) -> None:
    tracks_json = doc["lockerTracks"]["lockerTrack"]
    tracks_xml = element.findall("lockerTracks/lockerTrack")
    assert len(tracks_json) == len(tracks_xml) == len(entry.tracks)
    for item, tj, tx in zip(entry.tracks, tracks_json, tracks_xml, strict=True):
        assert tj["track"]["id"] == int(tx.find("track").get("id")) == item.track.id
        assert tj["track"]["title"] == (tx.findtext("track/title") or "") == item.track.title
        assert tj["track"]["disc"] == int(tx.findtext("track/discNumber")) == item.track.disc
        assert tj["track"]["number"] == int(tx.findtext("track/number")) == item.track.number
        assert tj["purchaseId"] == int(tx.findtext("purchaseId")) == item.purchase_id
        assert tj["purchaseDate"] == tx.findtext("purchaseDate") == item.purchase_date
        assert tj["completeAlbumPurchase"] is item.complete_album_purchase
        if not entry.release.available:
            assert tj["downloadUrls"] is None and "remainingDownloads" not in tj
            assert tx.find("downloadUrls") is None and tx.find("remainingDownloads") is None
            continue
        assert tj["remainingDownloads"] == int(tx.findtext("remainingDownloads"))
        urls_json = [(u["format"]["id"], u["url"]) for u in tj["downloadUrls"]["downloadUrl"]]
        urls_xml = [
            (int(f.get("id")), f.findtext("url"))
            for f in tx.iterfind("downloadUrls/downloadUrl/format")
        ]
        expected = [
            (f.id, download_url(BASE, entry.release.id, item.track.id, f.id))
            for f in entry.release.formats
        ]
        assert urls_json == urls_xml == expected


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(locker_entries(), st.integers(1, 20), st.integers(1, 50))
def test_json_and_xml_agree(entries, page, page_size):
    as_json = json.loads(render_locker_json(page, page_size, len(entries), entries, BASE))
    as_xml = ET.fromstring(render_locker_xml(page, page_size, len(entries), entries, BASE))
    paging = as_json["locker"]["lockerReleases"]
    assert (paging["page"], paging["pageSize"], paging["totalItems"]) == (
        page,
        page_size,
        len(entries),
    )
    xml_paging = as_xml.find("locker/lockerReleases")
    assert [xml_paging.findtext(t) for t in ("page", "pageSize", "totalItems")] == [
        str(page),
        str(page_size),
        str(len(entries)),
    ]
    releases_json = paging.get("lockerRelease", [])
    releases_xml = xml_paging.findall("lockerRelease")
    assert ("lockerRelease" in paging) == bool(entries)
    assert len(releases_json) == len(releases_xml) == len(entries)
    for entry, doc, element in zip(entries, releases_json, releases_xml, strict=True):
        check_release(entry, doc, element)
        check_tracks(entry, doc, element)


@given(dates())
def test_generated_dates_parse(value):
    assert parse_date(value).tzinfo is not None


@given(st.integers(1000, 9999), st.text())
def test_errors_render_both_ways(code, message):
    message = "".join(c for c in message if c.isprintable())
    assert json.loads(render_error_json(code, message))["error"] == {
        "code": code,
        "errorMessage": message,
    }
    root = ET.fromstring(render_error_xml(code, message))
    assert root.get("status") == "error"
    assert root.find("error").get("code") == str(code)
    assert (root.findtext("error/errorMessage") or "") == message
