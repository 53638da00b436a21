"""The media, stream and artwork hosts: downloads (counted), streams (ranged, free), sleeve art."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from .catalogue import ARTWORK_SIZES, SbRelease
from .context import SandboxContext
from .media import DOWNLOAD_TYPES, artwork_png, download_body, stream_wav
from .web import ApiError, Request, Response, missing, parse_country, parse_int

NO_LICENCES = (
    "No licences found for the download request. Either the purchase Id supplied does not exist "
    "or does not belong to the user supplied, or the user does not exist."
)
STREAM_REPLAY_SECONDS = 120  # browsers re-request the same stream URL with Range headers
RANGE = re.compile(r"bytes=(\d*)-(\d*)")


def _int_param(req: Request, name: str, required: bool = True) -> int:
    """An integer query parameter (0 when optional and absent)."""
    value = req.param(name)
    if value is None:
        if required:
            raise missing(name)
        return 0
    return parse_int(name, value)


def _check_available(release: SbRelease, preorder_message: str) -> None:
    if not release.available:
        raise ApiError(2002, "This release is no longer available")
    if release.is_preorder():
        raise ApiError(2002, preorder_message)


def download_track(ctx: SandboxContext, req: Request) -> Response:
    account = ctx.account_for(ctx.verify(req))
    release_id = _int_param(req, "releaseid")
    track_id = _int_param(req, "trackid")
    format_id = _int_param(req, "formatid")
    _int_param(req, "shopid", required=False)
    release = ctx.catalogue.releases.get(release_id)
    owned = ctx.store.remaining(account.id, release_id, track_id) is not None
    if release is None or not owned or format_id not in {f.id for f in release.formats}:
        raise ApiError(2002, NO_LICENCES, status=404)
    _check_available(release, "This release is not yet available")
    if not ctx.store.use_download(account.id, release.id, track_id):
        raise ApiError(2002, "Download limit reached for this track")
    track = ctx.catalogue.track(release.id, track_id)
    assert track is not None  # it is in the locker, so it is in the catalogue
    content_type, extension = DOWNLOAD_TYPES[format_id]
    filename = f"{track.artist.name} - {track.title}.{extension}"
    headers = [
        ("Content-Disposition", content_disposition(filename, f"track-{track.id}.{extension}")),
        ("Cache-Control", "no-store"),
    ]
    return Response(200, download_body(format_id), content_type, headers)


def content_disposition(filename: str, fallback: str) -> str:
    """`attachment` with an ASCII filename (or `fallback`) plus the exact UTF-8 name (RFC 6266)."""
    clean = "".join(
        "_" if c in '/\\"' or unicodedata.category(c)[0] == "C" else c for c in filename
    )
    ascii_name = unicodedata.normalize("NFKD", clean).encode("ascii", "ignore").decode()
    stem = ascii_name.rsplit(".", 1)[0]
    if sum(c.isalnum() for c in stem) < 2:  # e.g. all-Japanese titles: " - .mp3"
        ascii_name = fallback
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(clean, safe='')}"


def stream_locker(ctx: SandboxContext, req: Request) -> Response:
    account = ctx.account_for(ctx.verify(req, replay_for=STREAM_REPLAY_SECONDS))
    track_id = _int_param(req, "trackid")
    _int_param(req, "formatid", required=False)
    parse_country(req.param("country"))
    row = next((r for r in ctx.store.locker_rows(account.id) if r.track_id == track_id), None)
    if row is None:
        raise ApiError(2002, "No licences found for the stream request: track not in the locker")
    _check_available(ctx.catalogue.releases[row.release_id], "Pre-release: not yet available")
    return ranged(req, stream_wav(row.track_id), "audio/wav")


def ranged(req: Request, body: bytes, content_type: str) -> Response:
    """Honour one `Range: bytes=a-b` (also `a-` and `-n`); anything else gets the whole body."""
    headers = [("Accept-Ranges", "bytes"), ("Cache-Control", "no-store")]
    match = RANGE.fullmatch(req.headers.get("range", "").strip())
    if not match or match.groups() == ("", ""):
        return Response(200, body, content_type, headers)
    first, last, size = match[1], match[2], len(body)
    if first:
        start, end = int(first), min(int(last) if last else size - 1, size - 1)
        if last and int(last) < start:
            return Response(200, body, content_type, headers)
    else:
        start, end = max(size - int(last), 0), size - 1
    if start >= size or (not first and int(last) == 0):
        headers.append(("Content-Range", f"bytes */{size}"))
        return Response(416, b"", content_type, headers)
    headers.append(("Content-Range", f"bytes {start}-{end}/{size}"))
    return Response(206, body[start : end + 1], content_type, headers)


def artwork(ctx: SandboxContext, req: Request, release_id: str, size: str) -> Response:
    release = ctx.catalogue.releases.get(int(release_id))
    if release is None or not release.has_image or int(size) not in ARTWORK_SIZES:
        raise ApiError(2001, "Image not found")
    headers = [("Cache-Control", "public, max-age=86400")]
    return Response(200, artwork_png(release.id, int(size)), "image/png", headers)
