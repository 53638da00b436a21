"""Pure functions turning the sandbox's records into 7digital's JSON and XML bodies.

Shapes follow the 2017+ ("usageTypes") answers: JSON has numbers and booleans as JSON types and
lists as arrays; XML carries ids as attributes, `discNumber` instead of `disc`, and `xsi:nil` for a
missing barcode. A withdrawn release loses `release.download`, `remainingDownloads` and its
download URLs (`downloadUrls: null` in JSON, absent in XML).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from .catalogue import (
    SCHEMA_URL,
    SbArtist,
    SbLockerEntry,
    SbLockerTrack,
    SbRelease,
    SbTrack,
    artwork_url,
    download_url,
)

XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"

# JSON


def _json(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def _artist_json(artist: SbArtist) -> dict:
    return {
        "id": artist.id,
        "name": artist.name,
        "appearsAs": artist.appears_as,
        "slug": artist.slug,
    }


def _release_json(release: SbRelease, base_url: str) -> dict:
    doc = {
        "id": release.id,
        "title": release.title,
        "version": release.version,
        "type": release.type,
        "barcode": release.barcode,
        "artist": _artist_json(release.artist),
        "slug": release.slug,
    }
    if release.has_image:
        doc["image"] = artwork_url(base_url, release.id)
    if release.label:
        doc["label"] = {"id": release.label.id, "name": release.label.name}
    doc["licensor"] = {"id": release.licensor.id, "name": release.licensor.name}
    if release.available:
        doc["download"] = {"releaseDate": release.release_date}
    return doc


def _track_json(track: SbTrack) -> dict:
    return {
        "id": track.id,
        "title": track.title,
        "version": track.version,
        "artist": _artist_json(track.artist),
        "trackNumber": track.track_number,
        "duration": track.duration,
        "isrc": track.isrc,
        "disc": track.disc,
        "number": track.number,
    }


def _locker_track_json(item: SbLockerTrack, release: SbRelease, base_url: str) -> dict:
    doc: dict = {"track": _track_json(item.track)}
    if release.available:
        doc["remainingDownloads"] = item.remaining_downloads
    doc["purchaseId"] = item.purchase_id
    doc["purchaseDate"] = item.purchase_date
    doc["completeAlbumPurchase"] = item.complete_album_purchase
    doc["downloadUrls"] = None
    if release.available:
        urls = [
            {
                "url": download_url(base_url, release.id, item.track.id, fmt.id),
                "format": {"id": fmt.id, "description": fmt.description},
            }
            for fmt in release.formats
        ]
        doc["downloadUrls"] = {"downloadUrl": urls}
    return doc


def _locker_release_json(entry: SbLockerEntry, base_url: str) -> dict:
    tracks = [_locker_track_json(t, entry.release, base_url) for t in entry.tracks]
    return {
        "release": _release_json(entry.release, base_url),
        "lockerTracks": {"lockerTrack": tracks},
        "available": entry.release.available,
    }


def render_locker_json(
    page: int, page_size: int, total_items: int, entries: Sequence[SbLockerEntry], base_url: str
) -> bytes:
    releases: dict = {"page": page, "pageSize": page_size, "totalItems": total_items}
    if entries:  # 7digital leaves `lockerRelease` out of an empty page rather than sending []
        releases["lockerRelease"] = [_locker_release_json(e, base_url) for e in entries]
    return _json(
        {
            "status": "ok",
            "version": "1.2",
            "schema": SCHEMA_URL,
            "locker": {"lockerReleases": releases},
        }
    )


def render_error_json(code: int, message: str) -> bytes:
    return _json(
        {"status": "error", "version": "1.2", "error": {"code": code, "errorMessage": message}}
    )


def render_user_json(account_id: str, email: str) -> bytes:
    user = {"id": account_id, "email": email, "type": "user"}
    return _json({"status": "ok", "version": "1.2", "user": user})


# XML


def _xml(root: ET.Element) -> bytes:
    return (XML_DECLARATION + ET.tostring(root, encoding="unicode")).encode()


def _el(parent: ET.Element, tag: str, text: object = None, **attrs: object) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = str(text).lower() if isinstance(text, bool) else str(text)
    return element


def _response(status: str = "ok", schema: bool = False) -> ET.Element:
    attrs = {"xmlns:xsi": XSI, "xmlns:xsd": XSD} if schema else {}
    attrs |= {"status": status, "version": "1.2"}
    if schema:
        attrs["xsi:noNamespaceSchemaLocation"] = SCHEMA_URL
    return ET.Element("response", attrs)


def _artist_xml(parent: ET.Element, artist: SbArtist) -> None:
    element = _el(parent, "artist", id=artist.id)
    _el(element, "name", artist.name)
    _el(element, "appearsAs", artist.appears_as)
    _el(element, "slug", artist.slug)


def _release_xml(parent: ET.Element, release: SbRelease, base_url: str) -> None:
    element = _el(parent, "release", id=release.id)
    _el(element, "title", release.title)
    _el(element, "version", release.version)
    _el(element, "type", release.type)
    if release.barcode is None:
        _el(element, "barcode", **{"xsi:nil": "true"})
    else:
        _el(element, "barcode", release.barcode)
    _artist_xml(element, release.artist)
    _el(element, "slug", release.slug)
    if release.has_image:
        _el(element, "image", artwork_url(base_url, release.id))
    if release.label:
        _el(_el(element, "label", id=release.label.id), "name", release.label.name)
    _el(_el(element, "licensor", id=release.licensor.id), "name", release.licensor.name)
    if release.available:
        _el(_el(element, "download"), "releaseDate", release.release_date)


def _track_xml(parent: ET.Element, track: SbTrack) -> None:
    element = _el(parent, "track", id=track.id)
    _el(element, "title", track.title)
    _el(element, "version", track.version)
    _artist_xml(element, track.artist)
    _el(element, "trackNumber", track.track_number)
    _el(element, "duration", track.duration)
    _el(element, "isrc", track.isrc)
    _el(element, "discNumber", track.disc)
    _el(element, "number", track.number)


def _locker_track_xml(
    parent: ET.Element, item: SbLockerTrack, release: SbRelease, base_url: str
) -> None:
    element = _el(parent, "lockerTrack")
    _track_xml(element, item.track)
    if release.available:
        _el(element, "remainingDownloads", item.remaining_downloads)
    _el(element, "purchaseId", item.purchase_id)
    _el(element, "purchaseDate", item.purchase_date)
    _el(element, "completeAlbumPurchase", item.complete_album_purchase)
    if not release.available:
        return
    urls = _el(element, "downloadUrls")
    for fmt in release.formats:
        format_element = _el(_el(urls, "downloadUrl"), "format", id=fmt.id)
        _el(format_element, "url", download_url(base_url, release.id, item.track.id, fmt.id))
        _el(format_element, "description", fmt.description)


def render_locker_xml(
    page: int, page_size: int, total_items: int, entries: Sequence[SbLockerEntry], base_url: str
) -> bytes:
    root = _response(schema=True)
    releases = _el(_el(root, "locker"), "lockerReleases")
    _el(releases, "page", page)
    _el(releases, "pageSize", page_size)
    _el(releases, "totalItems", total_items)
    for entry in entries:
        element = _el(releases, "lockerRelease")
        _release_xml(element, entry.release, base_url)
        tracks = _el(element, "lockerTracks")
        for item in entry.tracks:
            _locker_track_xml(tracks, item, entry.release, base_url)
        _el(element, "available", entry.release.available)
    return _xml(root)


def render_error_xml(code: int, message: str) -> bytes:
    root = _response("error")
    _el(_el(root, "error", code=code), "errorMessage", message)
    return _xml(root)


def render_user_xml(account_id: str, email: str) -> bytes:
    root = _response()
    user = _el(root, "user", id=account_id)
    _el(user, "email", email)
    _el(user, "type", "user")
    return _xml(root)


def render_token_xml(kind: str, token: str, secret: str) -> bytes:
    """`kind` is "request" or "access": `<oauth_request_token>` / `<oauth_access_token>`."""
    root = _response()
    element = _el(root, f"oauth_{kind}_token")
    _el(element, "oauth_token", token)
    _el(element, "oauth_token_secret", secret)
    return _xml(root)
