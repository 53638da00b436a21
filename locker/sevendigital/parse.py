"""Turn 7digital answers (JSON or XML bytes) into the typed objects of `types.py`.

One pass over the parsed tree, no intermediate copies. The two formats differ in small ways
(docs/7digital.md, "Answer shapes"): ids are XML attributes but JSON fields, XML says `discNumber`
where JSON says `disc`, converted JSON gives single objects instead of one-item lists and
strings instead of numbers, withdrawn releases lose `download`, `downloadUrls` and
`remainingDownloads`, and the format element changed shape in 2017. Anything we cannot make
sense of raises MalformedResponse; a 7digital error body raises the ApiError subclass for its code.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal, overload
from urllib.parse import parse_qsl
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as _defused_fromstring

from .errors import MalformedResponse, api_error_for
from .types import (
    Artist,
    DownloadUrl,
    Format,
    LockerPage,
    LockerRelease,
    LockerTrack,
    Named,
    Release,
    Track,
    UserDetails,
)

Kind = Literal["json", "xml"]

_XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"
_TRUE = frozenset({"true", "1", "yes"})
_FALSE = frozenset({"false", "0", "no"})
_DATE_RE = re.compile(
    r"(\d{4}-\d{2}-\d{2})"
    r"(?:[T ](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?)?"
    r"\s*(Z|[+-]\d{2}(?::?\d{2})?)?",
    re.IGNORECASE,
)


# ---- public API ---------------------------------------------------------------------------


def parse_locker(body: bytes, content_type: str) -> LockerPage:
    """Parse a `user/locker` answer into a LockerPage."""
    if detect_kind(body, content_type) == "json":
        return _guard(_locker_from_json, _json_response(body))
    return _guard(_locker_from_xml, _xml_response(body))


def parse_user_details(body: bytes, content_type: str) -> UserDetails:
    """Parse a `user/details` answer: `<user id=".."><emailAddress>..` or its JSON twin."""
    if detect_kind(body, content_type) == "json":
        return _guard(_user_from_json, _json_response(body))
    return _guard(_user_from_xml, _xml_response(body))


def parse_token_answer(body: bytes, content_type: str) -> tuple[str, str]:
    """(oauth_token, oauth_token_secret) from a form-encoded or XML token answer.

    The content type is ignored: servers label these loosely, and the first byte is reliable.
    """
    if detect_kind(body, "", default=None) == "xml":
        root = _xml_root(body)
        if root.tag not in _TOKEN_HOLDERS:
            root = _first_child(_checked_xml(root), _TOKEN_HOLDERS)
        token, secret = _xml_text(root, "oauth_token"), _xml_text(root, "oauth_token_secret")
    else:
        try:
            text = body.decode("utf-8").strip()
        except UnicodeDecodeError:
            raise MalformedResponse("token answer is not UTF-8") from None
        # parse_qsl follows form rules: %2B is a literal "+", a raw "+" is a space.
        fields = dict(parse_qsl(text, keep_blank_values=True))
        token, secret = fields.get("oauth_token"), fields.get("oauth_token_secret")
    token, secret = (token or "").strip(), (secret or "").strip()
    if not token or not secret:
        raise MalformedResponse("token answer without oauth_token/oauth_token_secret")
    return token, secret


def parse_error(body: bytes, content_type: str) -> tuple[int | None, str]:
    """(code, message) of an error answer; plain text (OAuth errors) gives (None, text).

    Raises MalformedResponse when the body is empty, HTML, or JSON/XML without an error.
    """
    kind = detect_kind(body, content_type, default=None)
    if kind is None:
        text = body.decode("utf-8", "replace").strip()
        if not text or "html" in content_type.lower():
            raise MalformedResponse("no error details in the answer")
        return None, text.splitlines()[0][:300]
    if kind == "json":
        data = _json_object(body)
        error = data.get("error")
        if not isinstance(error, dict):
            raise MalformedResponse("no error object in the answer")
        return _error_code(error.get("code")), _error_message(error)
    root = _xml_root(body)
    error = root if root.tag == "error" else root.find("error")
    if error is None:
        raise MalformedResponse("no <error> in the answer")
    code = error.get("code")
    if code is None:
        code = _xml_text(error, "code")
    message = _xml_text(error, "errorMessage") or _xml_text(error, "message") or ""
    return _error_code(code), message.strip()


def detect_kind(body: bytes, content_type: str, default: Kind | None = "xml") -> Kind | None:
    """Which parser to use: the body's first byte when it is `{`, `[` or `<`, else the type."""
    first = body[:64].lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if first == b"{" or first == b"[":
        return "json"
    if first == b"<":
        return "xml"
    ct = content_type.lower()
    if "json" in ct:
        return "json"
    if "xml" in ct:
        return "xml"
    return default


# ---- shared helpers -----------------------------------------------------------------------


def _guard[T](build: Callable[[Any], T], root: Any) -> T:
    """Run a builder; a shape it did not expect becomes MalformedResponse, not a TypeError."""
    try:
        return build(root)
    except (TypeError, AttributeError, KeyError, ValueError) as exc:
        raise MalformedResponse(f"unexpected answer shape ({type(exc).__name__})") from None


@overload
def _int(value: Any, field: str, *, required: Literal[True]) -> int: ...
@overload
def _int(value: Any, field: str, *, required: bool = False) -> int | None: ...
def _int(value: Any, field: str, *, required: bool = False) -> int | None:
    if type(value) is int:
        return value
    if value is None or value == "":
        if required:
            raise MalformedResponse(f"{field} missing")
        return None
    if isinstance(value, str):
        text = value.strip()
        digits = text[1:] if text[:1] in ("-", "+") else text
        if digits.isascii() and digits.isdigit():
            return int(text)
    elif isinstance(value, float) and value.is_integer():
        return int(value)
    raise MalformedResponse(f"{field} is not a number")


@overload
def _bool(value: Any, field: str, default: bool) -> bool: ...
@overload
def _bool(value: Any, field: str, default: None) -> bool | None: ...
def _bool(value: Any, field: str, default: bool | None) -> bool | None:
    if value is None or value == "":
        return default
    if isinstance(value, bool):
        return value
    if type(value) is int and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise MalformedResponse(f"{field} is not a boolean")


def _str(value: Any) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise MalformedResponse("expected text")


def _date(value: Any, field: str) -> datetime | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise MalformedResponse(f"{field} is not a date")
    try:
        return _parse_date(value.strip())
    except ValueError:
        raise MalformedResponse(f"{field} is not a date") from None


@lru_cache(maxsize=1024)  # a locker repeats the same purchase and release dates many times
def _parse_date(text: str) -> datetime:
    """ISO 8601 as 7digital writes it, as an aware datetime in UTC. No offset means UTC."""
    match = _DATE_RE.fullmatch(text)
    if match is None:
        raise ValueError(text)
    day, clock, fraction, offset = match.groups()
    iso = day
    if clock:
        iso += "T" + clock
        if fraction:  # 7digital sends 2 to 7 digits; microseconds are 6
            iso += "." + (fraction + "000000")[:6]
    if offset:
        iso += "+00:00" if offset in ("Z", "z") else offset
    parsed = datetime.fromisoformat(iso)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _describe(description: Any, file_format: Any, bit_rate: Any) -> str:
    """The 2017+ `description`, else the older `fileFormat` + `bitRate` ("MP3 320")."""
    text = description.strip() if type(description) is str else _str(description).strip()
    if text:
        return text
    return " ".join(p for p in (_str(file_format).strip(), _str(bit_rate).strip()) if p)


def _error_code(value: Any) -> int | None:
    try:
        return _int(value, "error code")
    except MalformedResponse:
        return None


def _error_message(error: dict[str, Any]) -> str:
    message = error.get("errorMessage", error.get("message"))
    return _str(message).strip() if isinstance(message, (str, int)) else ""


def _raise_api_error(code: Any, message: str) -> None:
    raise api_error_for(_error_code(code), message or "7digital answered with an error", None)


# ---- JSON ---------------------------------------------------------------------------------


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)  # bytes: json detects UTF-8/16/32 and a BOM itself
    except (ValueError, RecursionError):
        raise MalformedResponse("answer is not valid JSON") from None
    if not isinstance(data, dict):
        raise MalformedResponse("JSON answer is not an object")
    inner = data.get("response")  # a Node-client style wrapper around the real answer
    if "status" not in data and isinstance(inner, dict):
        return inner
    return data


def _json_response(body: bytes) -> dict[str, Any]:
    """The answer object, after checking `status`; error answers raise their ApiError."""
    data = _json_object(body)
    status = data.get("status")
    error = data.get("error")
    if status == "error" or (status is None and isinstance(error, dict)):
        if not isinstance(error, dict):
            raise MalformedResponse("error answer without an error object")
        _raise_api_error(error.get("code"), _error_message(error))
    if status != "ok":
        raise MalformedResponse("answer status is missing or not ok")
    return data


def _listed(value: Any) -> list[Any]:
    """XML-to-JSON converters give a lone item as an object instead of a one-item list."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        return [value]
    raise MalformedResponse("expected a list")


def _inner(container: Any, key: str) -> list[Any]:
    """Items of `{"lockerTrack": [...]}` style wrappers; the wrapper may be null or missing."""
    if container is None or container == "":
        return []
    if isinstance(container, list):
        return container
    return _listed(container[key]) if key in container else []


def _locker_from_json(data: dict[str, Any]) -> LockerPage:
    locker = data.get("locker")
    if not isinstance(locker, dict) or not isinstance(locker.get("lockerReleases"), dict):
        raise MalformedResponse("answer has no locker")
    releases_node = locker["lockerReleases"]
    releases = tuple(_locker_release_json(r) for r in _listed(releases_node.get("lockerRelease")))
    return _page(
        releases_node.get("page"),
        releases_node.get("pageSize"),
        releases_node.get("totalItems"),
        releases,
    )


def _page(page: Any, page_size: Any, total: Any, releases: tuple[LockerRelease, ...]) -> LockerPage:
    page_n = _int(page, "page")
    size_n = _int(page_size, "pageSize")
    total_n = _int(total, "totalItems")
    return LockerPage(
        page=1 if page_n is None else page_n,
        page_size=len(releases) if size_n is None else size_n,
        total_items=len(releases) if total_n is None else total_n,
        releases=releases,
    )


def _locker_release_json(node: dict[str, Any]) -> LockerRelease:
    return LockerRelease(
        release=_release_json(node["release"]),
        tracks=tuple(
            _locker_track_json(t) for t in _inner(node.get("lockerTracks"), "lockerTrack")
        ),
        available=_bool(node.get("available"), "available", True),
    )


def _release_json(node: dict[str, Any]) -> Release:
    download = node.get("download")
    released = download.get("releaseDate") if isinstance(download, dict) else None
    if released is None:
        released = node.get("releaseDate")
    return Release(
        id=_int(node.get("id"), "release id", required=True),
        title=_str(node.get("title")),
        version=_str(node.get("version")),
        type=_str(node.get("type")),
        barcode=_str(node.get("barcode")),
        artist=_artist_json(node.get("artist")),
        label=_named_json(node.get("label")),
        licensor=_named_json(node.get("licensor")),
        image=_str(node.get("image")),
        release_date=_date(released, "releaseDate"),
        slug=_str(node.get("slug")),
    )


def _artist_json(node: Any) -> Artist | None:
    if not isinstance(node, dict):
        return None
    return Artist(
        id=_int(node.get("id"), "artist id"),
        name=_str(node.get("name")),
        appears_as=_str(node.get("appearsAs")),
    )


def _named_json(node: Any) -> Named | None:
    if not isinstance(node, dict):
        return None
    return Named(id=_int(node.get("id"), "id"), name=_str(node.get("name")))


def _locker_track_json(node: dict[str, Any]) -> LockerTrack:
    return LockerTrack(
        track=_track_json(node["track"]),
        remaining_downloads=_int(node.get("remainingDownloads"), "remainingDownloads"),
        purchase_id=_int(node.get("purchaseId"), "purchaseId"),
        purchase_date=_date(node.get("purchaseDate"), "purchaseDate"),
        complete_album_purchase=_bool(
            node.get("completeAlbumPurchase"), "completeAlbumPurchase", None
        ),
        download_urls=tuple(
            d
            for d in map(_download_url_json, _inner(node.get("downloadUrls"), "downloadUrl"))
            if d is not None
        ),
    )


def _track_json(node: dict[str, Any]) -> Track:
    track_number = _int(node.get("trackNumber"), "trackNumber")
    disc = node.get("disc")
    number = _int(node.get("number"), "number")
    return Track(
        id=_int(node.get("id"), "track id", required=True),
        title=_str(node.get("title")),
        version=_str(node.get("version")),
        artist=_artist_json(node.get("artist")),
        track_number=track_number,
        disc=_int(node.get("discNumber") if disc is None else disc, "disc") or 1,
        number=track_number if number is None else number,
        duration=_int(node.get("duration"), "duration"),
        isrc=_str(node.get("isrc")),
    )


def _download_url_json(node: dict[str, Any]) -> DownloadUrl | None:
    fmt = node.get("format")
    if not isinstance(fmt, dict):
        raise MalformedResponse("download URL without a format")
    url = _str(node.get("url") or fmt.get("url")).strip()
    if not url:
        return None
    description = _describe(fmt.get("description"), fmt.get("fileFormat"), fmt.get("bitRate"))
    return DownloadUrl(url, Format(_int(fmt.get("id"), "format id", required=True), description))


def _user_from_json(data: dict[str, Any]) -> UserDetails:
    user = data.get("user")
    if not isinstance(user, dict):
        raise MalformedResponse("answer has no user")
    return _user(user.get("id", user.get("userId")), user.get("email", user.get("emailAddress")))


def _user(user_id: Any, email: Any) -> UserDetails:
    user_id = _str(user_id).strip()
    if not user_id:
        raise MalformedResponse("user id missing")
    return UserDetails(id=user_id, email=_str(email).strip())


# ---- XML ----------------------------------------------------------------------------------


_TOKEN_HOLDERS = ("oauth_access_token", "oauth_request_token")


def _xml_root(body: bytes) -> Element:
    try:
        # defusedxml refuses any DTD, so entity bombs and external entities never expand.
        return _defused_fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError):
        raise MalformedResponse("answer is not valid XML") from None


def _xml_response(body: bytes) -> Element:
    """The `<response>` root, after checking `status`; error answers raise their ApiError."""
    return _checked_xml(_xml_root(body))


def _checked_xml(root: Element) -> Element:
    if root.tag != "response":
        raise MalformedResponse(f"unexpected XML root <{root.tag[:40]}>")
    status = root.get("status")
    error = root.find("error")
    if status == "error" or (status is None and error is not None):
        if error is None:
            raise MalformedResponse("error answer without <error>")
        code = error.get("code")
        _raise_api_error(
            code if code is not None else _xml_text(error, "code"),
            (_xml_text(error, "errorMessage") or "").strip(),
        )
    if status != "ok":
        raise MalformedResponse("answer status is missing or not ok")
    return root


def _first_child(parent: Element, tags: tuple[str, ...]) -> Element:
    for tag in tags:
        child = parent.find(tag)
        if child is not None:
            return child
    raise MalformedResponse(f"answer has no <{tags[0]}>")


def _xml_text(parent: Element, tag: str) -> str | None:
    """Text of a child: None when missing or `xsi:nil`, "" for an empty element."""
    child = parent.find(tag)
    if child is None or child.get(_XSI_NIL) == "true":
        return None
    return child.text or ""


def _xml_id(element: Element) -> str | None:
    value = element.get("id")
    return _xml_text(element, "id") if value is None else value


def _present(parent: Element, tag: str) -> Element | None:
    child = parent.find(tag)
    if child is None or child.get(_XSI_NIL) == "true":
        return None
    return child


def _locker_from_xml(root: Element) -> LockerPage:
    node = root.find("locker/lockerReleases")
    if node is None:
        raise MalformedResponse("answer has no locker")
    releases = tuple(_locker_release_xml(r) for r in node.iterfind("lockerRelease"))
    return _page(
        _xml_text(node, "page"),
        _xml_text(node, "pageSize"),
        _xml_text(node, "totalItems"),
        releases,
    )


def _locker_release_xml(node: Element) -> LockerRelease:
    release = node.find("release")
    if release is None:
        raise MalformedResponse("locker release without <release>")
    tracks = node.find("lockerTracks")
    return LockerRelease(
        release=_release_xml(release),
        tracks=()
        if tracks is None
        else tuple(map(_locker_track_xml, tracks.iterfind("lockerTrack"))),
        available=_bool(_xml_text(node, "available"), "available", True),
    )


def _release_xml(node: Element) -> Release:
    released = _xml_text(node, "download/releaseDate")
    if released is None:
        released = _xml_text(node, "releaseDate")
    return Release(
        id=_int(_xml_id(node), "release id", required=True),
        title=_xml_text(node, "title") or "",
        version=_xml_text(node, "version") or "",
        type=_xml_text(node, "type") or "",
        barcode=_xml_text(node, "barcode") or "",
        artist=_artist_xml(_present(node, "artist")),
        label=_named_xml(_present(node, "label")),
        licensor=_named_xml(_present(node, "licensor")),
        image=_xml_text(node, "image") or "",
        release_date=_date(released, "releaseDate"),
        slug=_xml_text(node, "slug") or "",
    )


def _artist_xml(node: Element | None) -> Artist | None:
    if node is None:
        return None
    return Artist(
        id=_int(_xml_id(node), "artist id"),
        name=_xml_text(node, "name") or "",
        appears_as=_xml_text(node, "appearsAs") or "",
    )


def _named_xml(node: Element | None) -> Named | None:
    if node is None:
        return None
    return Named(id=_int(_xml_id(node), "id"), name=_xml_text(node, "name") or "")


def _locker_track_xml(node: Element) -> LockerTrack:
    track = node.find("track")
    if track is None:
        raise MalformedResponse("locker track without <track>")
    urls = _present(node, "downloadUrls")
    return LockerTrack(
        track=_track_xml(track),
        remaining_downloads=_int(_xml_text(node, "remainingDownloads"), "remainingDownloads"),
        purchase_id=_int(_xml_text(node, "purchaseId"), "purchaseId"),
        purchase_date=_date(_xml_text(node, "purchaseDate"), "purchaseDate"),
        complete_album_purchase=_bool(
            _xml_text(node, "completeAlbumPurchase"), "completeAlbumPurchase", None
        ),
        download_urls=()
        if urls is None
        else tuple(
            d for d in map(_download_url_xml, urls.iterfind("downloadUrl")) if d is not None
        ),
    )


def _track_xml(node: Element) -> Track:
    track_number = _int(_xml_text(node, "trackNumber"), "trackNumber")
    disc = _xml_text(node, "discNumber")
    number = _int(_xml_text(node, "number"), "number")
    return Track(
        id=_int(_xml_id(node), "track id", required=True),
        title=_xml_text(node, "title") or "",
        version=_xml_text(node, "version") or "",
        artist=_artist_xml(_present(node, "artist")),
        track_number=track_number,
        disc=_int(_xml_text(node, "disc") if disc is None else disc, "disc") or 1,
        number=track_number if number is None else number,
        duration=_int(_xml_text(node, "duration"), "duration"),
        isrc=_xml_text(node, "isrc") or "",
    )


def _download_url_xml(node: Element) -> DownloadUrl | None:
    fmt = node.find("format")
    if fmt is None:
        raise MalformedResponse("download URL without a format")
    url = _xml_text(node, "url")  # old shape: <url> beside <format>; 2017+: inside it
    url = (_xml_text(fmt, "url") if url is None else url) or ""
    if not url.strip():
        return None
    description = _describe(
        _xml_text(fmt, "description"), _xml_text(fmt, "fileFormat"), _xml_text(fmt, "bitRate")
    )
    return DownloadUrl(
        url.strip(), Format(_int(_xml_id(fmt), "format id", required=True), description)
    )


def _user_from_xml(root: Element) -> UserDetails:
    user = root.find("user")
    if user is None:
        raise MalformedResponse("answer has no <user>")
    email = _xml_text(user, "emailAddress")
    return _user(_xml_id(user), _xml_text(user, "email") if email is None else email)
