"""Downloads (counted, single-use URLs), locker streams (ranged, free) and artwork."""

from __future__ import annotations

import io
import struct
import wave
import xml.etree.ElementTree as ET
import zlib
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import unquote

import pytest
import requests

from sandbox.catalogue import download_url

from .helpers import DEMO, OTHER, SMALL, first_track_id, release_id, signed_url


def media_url(sandbox, key: str, number: int = 1, format_id: int = 17, email: str = DEMO) -> str:
    url = download_url(sandbox.url, release_id(key), first_track_id(key, number), format_id)
    return signed_url(sandbox, url, email)


def stream_url(sandbox, key: str, number: int = 1, email: str = DEMO, **kw: str) -> str:
    track = first_track_id(key, number)
    return signed_url(
        sandbox, f"{sandbox.url}/stream/locker?trackId={track}&formatId=26&country=GB", email, **kw
    )


def assert_media_error(response: requests.Response, status: int, message: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/xml")
    root = ET.fromstring(response.content)
    assert root.get("status") == "error"
    assert root.find("error").get("code") == "2002"
    assert message in root.findtext("error/errorMessage")


def test_a_download_takes_exactly_one(sandbox):
    track = first_track_id("northern-lights", 2)
    before = sandbox.remaining(DEMO, release_id("northern-lights"), track)
    response = requests.get(media_url(sandbox, "northern-lights", 2))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert int(response.headers["Content-Length"]) == len(response.content) > 60_000
    assert response.content[:4] == b"\xff\xfb\x90\x64"
    assert response.content[417:421] == b"\xff\xfb\x90\x64"  # the next frame
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="The Paper Lanterns - ')
    assert ".mp3\"; filename*=UTF-8''The%20Paper%20Lanterns%20-%20" in disposition
    assert sandbox.remaining(DEMO, release_id("northern-lights"), track) == before - 1
    assert sandbox.log("/media")[-1]["oauth"] == "ok"


@pytest.mark.parametrize(
    ("format_id", "content_type", "magic", "extension"),
    [
        (48, "audio/mpeg", b"\xff\xfb", "mp3"),
        (33, "audio/mp4", b"ftypM4A ", "m4a"),
        (55, "audio/flac", b"fLaC", "flac"),
    ],
)
def test_every_format_downloads(sandbox, format_id, content_type, magic, extension):
    response = requests.get(media_url(sandbox, "northern-lights", 1, format_id))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == content_type
    assert magic in response.content[:12]
    assert f'.{extension}"' in response.headers["Content-Disposition"]


def test_a_non_latin_filename_has_an_ascii_fallback(sandbox):
    response = requests.get(media_url(sandbox, "japanese"))
    disposition = response.headers["Content-Disposition"]
    ascii_name = disposition.split('filename="')[1].split('"')[0]
    assert ascii_name == f"track-{first_track_id('japanese')}.mp3"
    utf8_name = unquote(disposition.split("filename*=UTF-8''")[1])
    assert utf8_name == "青い鳥楽団 - 夜明け.mp3"


def test_the_last_download_then_none(sandbox):
    key, number = "harbour", 2  # small's track with exactly one left
    assert sandbox.remaining(SMALL, release_id(key), first_track_id(key, number)) == 1
    assert requests.get(media_url(sandbox, key, number, email=SMALL)).status_code == 200
    assert sandbox.remaining(SMALL, release_id(key), first_track_id(key, number)) == 0
    response = requests.get(media_url(sandbox, key, number, email=SMALL))
    assert_media_error(response, 403, "Download limit reached")
    assert sandbox.remaining(SMALL, release_id(key), first_track_id(key, number)) == 0


def test_parallel_downloads_never_overspend(sandbox):
    key, number = "harbour", 1  # small's track with two left
    urls = [media_url(sandbox, key, number, email=SMALL) for _ in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        statuses = sorted(pool.map(lambda url: requests.get(url).status_code, urls))
    assert statuses == [200, 200, 403, 403, 403, 403]
    assert sandbox.remaining(SMALL, release_id(key), first_track_id(key, number)) == 0


def test_a_withdrawn_release_cannot_download(sandbox):
    response = requests.get(media_url(sandbox, "withdrawn-album"))
    assert_media_error(response, 403, "no longer available")


def test_a_preorder_cannot_download_yet(sandbox):
    before = sandbox.remaining(DEMO, release_id("preorder-album"), first_track_id("preorder-album"))
    response = requests.get(media_url(sandbox, "preorder-album"))
    assert_media_error(response, 403, "not yet available")
    assert (
        sandbox.remaining(DEMO, release_id("preorder-album"), first_track_id("preorder-album"))
        == before
    )


def test_another_accounts_track_is_not_licensed(sandbox):
    response = requests.get(media_url(sandbox, "other-1", email=DEMO))
    assert_media_error(response, 404, "No licences found for the download request")
    assert requests.get(media_url(sandbox, "other-1", email=OTHER)).status_code == 200


def test_a_format_the_release_lacks_is_not_licensed(sandbox):
    response = requests.get(media_url(sandbox, "harbour", format_id=55))
    assert_media_error(response, 404, "No licences found")


def test_a_media_url_is_single_use(sandbox):
    url = media_url(sandbox, "northern-lights", 1)
    assert requests.get(url).status_code == 200
    again = requests.get(url)
    assert again.status_code == 401
    assert again.text == "OAuth authentication error: Nonce already used"


def test_an_unsigned_media_url_is_refused(sandbox):
    url = download_url(
        sandbox.url, release_id("northern-lights"), first_track_id("northern-lights"), 17
    )
    response = requests.get(url)
    assert response.status_code == 401
    assert response.text.startswith("OAuth authentication error: ")


def test_missing_media_parameters(sandbox):
    url = signed_url(sandbox, f"{sandbox.url}/media/user/downloadtrack?formatid=17&trackid=1")
    response = requests.get(url)
    assert response.status_code == 400
    assert ET.fromstring(response.content).find("error").get("code") == "1001"


def test_a_stream_is_a_wav_tone_and_costs_nothing(sandbox):
    key = "harbour"
    before = sandbox.remaining(SMALL, release_id(key), first_track_id(key, 3))
    assert before == 0  # exhausted tracks still stream
    response = requests.get(stream_url(sandbox, key, 3, email=SMALL))
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/wav"
    assert response.headers["Accept-Ranges"] == "bytes"
    with wave.open(io.BytesIO(response.content)) as wav:
        assert (wav.getframerate(), wav.getsampwidth(), wav.getnchannels()) == (8000, 2, 1)
        assert wav.getnframes() == 30 * 8000
        frames = wav.readframes(8000)
    samples = struct.unpack("<8000h", frames)
    assert max(samples) > 5000  # audible, not silence
    assert sandbox.remaining(SMALL, release_id(key), first_track_id(key, 3)) == before


def test_a_stream_honours_ranges_and_may_be_re_requested(sandbox):
    url = stream_url(sandbox, "northern-lights", 1)
    full = requests.get(url)
    part = requests.get(url, headers={"Range": "bytes=100-199"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-199/{len(full.content)}"
    assert part.content == full.content[100:200]
    tail = requests.get(url, headers={"Range": "bytes=-44"})
    assert tail.status_code == 206 and tail.content == full.content[-44:]
    rest = requests.get(url, headers={"Range": f"bytes={len(full.content) - 10}-"})
    assert rest.content == full.content[-10:]
    beyond = requests.get(url, headers={"Range": f"bytes={len(full.content)}-"})
    assert beyond.status_code == 416
    assert beyond.headers["Content-Range"] == f"bytes */{len(full.content)}"
    track = first_track_id("northern-lights")
    assert sandbox.remaining(DEMO, release_id("northern-lights"), track) == 10


def test_a_new_signature_with_a_used_nonce_is_refused(sandbox):
    assert (
        requests.get(stream_url(sandbox, "northern-lights", 1, nonce="stream-nonce")).status_code
        == 200
    )
    response = requests.get(stream_url(sandbox, "northern-lights", 2, nonce="stream-nonce"))
    assert response.status_code == 401
    assert response.text == "OAuth authentication error: Nonce already used"


def test_tones_differ_by_track(sandbox):
    first = requests.get(stream_url(sandbox, "northern-lights", 1)).content
    second = requests.get(stream_url(sandbox, "northern-lights", 2)).content
    assert first[:44] == second[:44] and first != second


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("withdrawn-album", "no longer available"),
        ("preorder-album", "Pre-release"),
        ("other-1", "not in the locker"),
    ],
)
def test_streams_that_are_refused(sandbox, key, message):
    assert_media_error(requests.get(stream_url(sandbox, key)), 403, message)


def parse_png(data: bytes) -> dict[bytes, bytes]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body)
        chunks[kind] = body
        offset += 12 + length
    return chunks


@pytest.mark.parametrize("size", [50, 100, 150, 200, 350, 500])
def test_artwork_is_a_valid_png(sandbox, size):
    response = requests.get(f"{sandbox.url}/artwork/{release_id('northern-lights')}_{size}.png")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "image/png"
    assert response.headers["Cache-Control"] == "public, max-age=86400"
    chunks = parse_png(response.content)
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (width, height, depth, colour) == (size, size, 8, 2)
    pixels = zlib.decompress(chunks[b"IDAT"])
    assert len(pixels) == size * (1 + 3 * size)
    assert b"IEND" in chunks


def test_artwork_colours_differ_by_release(sandbox):
    def pixel(key):
        data = requests.get(f"{sandbox.url}/artwork/{release_id(key)}_50.png").content
        return zlib.decompress(parse_png(data)[b"IDAT"])[1:4]

    assert pixel("northern-lights") != pixel("double")


@pytest.mark.parametrize(("key", "size"), [("no-image", 50), ("northern-lights", 64), (None, 50)])
def test_missing_artwork_is_404(sandbox, key, size):
    rid = release_id(key) if key else 1
    assert requests.get(f"{sandbox.url}/artwork/{rid}_{size}.png").status_code == 404
