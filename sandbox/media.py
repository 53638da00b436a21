"""Deterministic media bodies: silent MP3, placeholder AAC and FLAC, a WAV tone, solid PNGs."""

from __future__ import annotations

import array
import colorsys
import math
import struct
import sys
import zlib
from functools import cache, lru_cache

DOWNLOAD_SIZE = 64 * 1024
# MPEG-1 Layer III, 128 kbps, 44.1 kHz, joint stereo: 417-byte frames; zero side info is silence.
MP3_FRAME = bytes.fromhex("FFFB9064") + bytes(413)
PLACEHOLDER_NOTE = b"Locker sandbox placeholder: a valid container header, but no real audio.\n"
TONE_RATE = 8_000
TONE_SECONDS = 30

# format id -> (content type, file extension)
DOWNLOAD_TYPES = {
    17: ("audio/mpeg", "mp3"),
    48: ("audio/mpeg", "mp3"),
    33: ("audio/mp4", "m4a"),
    55: ("audio/flac", "flac"),
}


@cache
def download_body(format_id: int) -> bytes:
    if format_id == 33:
        return _m4a_placeholder()
    if format_id == 55:
        return _flac_placeholder()
    return MP3_FRAME * (DOWNLOAD_SIZE // len(MP3_FRAME))


def _m4a_placeholder() -> bytes:
    ftyp = b"ftypM4A " + struct.pack(">I", 0) + b"M4A mp42isom"
    ftyp = struct.pack(">I", 8 + len(ftyp)) + ftyp
    free_size = DOWNLOAD_SIZE - len(ftyp)
    note = PLACEHOLDER_NOTE.ljust(free_size - 8, b" ")
    return ftyp + struct.pack(">I", free_size) + b"free" + note


def _flac_placeholder() -> bytes:
    # STREAMINFO: 4096-sample blocks, 44.1 kHz, stereo, 16 bits, 0 samples, no MD5.
    packed = (44_100 << 44) | (1 << 41) | (15 << 36)
    streaminfo = struct.pack(">HH", 4096, 4096) + bytes(6) + struct.pack(">Q", packed) + bytes(16)
    header = b"fLaC" + _flac_block(0, streaminfo, last=False)
    padding = DOWNLOAD_SIZE - len(header) - 4
    return header + _flac_block(1, PLACEHOLDER_NOTE.ljust(padding, b"\0"), last=True)


def _flac_block(kind: int, data: bytes, last: bool) -> bytes:
    return bytes([kind | (0x80 if last else 0)]) + len(data).to_bytes(3, "big") + data


def tone_frequency(track_id: int) -> int:
    """Two octaves of semitones from A3, picked by the track id (whole hertz, see below)."""
    return round(220 * 2 ** ((track_id % 24) / 12))


@lru_cache(maxsize=16)
def stream_wav(track_id: int) -> bytes:
    """A 30-second 8 kHz 16-bit mono sine tone with short fades, as a WAV file."""
    # A whole number of hertz repeats exactly every second, so one second is computed, then copied.
    step = 2 * math.pi * tone_frequency(track_id) / TONE_RATE
    second = array.array("h", (int(9_000 * math.sin(i * step)) for i in range(TONE_RATE)))
    samples = second * TONE_SECONDS
    fade = TONE_RATE // 20
    for i in range(fade):
        samples[i] = samples[i] * i // fade
        samples[-1 - i] = samples[-1 - i] * i // fade
    if sys.byteorder == "big":
        samples.byteswap()
    data = samples.tobytes()
    header = b"RIFF" + struct.pack("<I", 36 + len(data)) + b"WAVE"
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, TONE_RATE, TONE_RATE * 2, 2, 16)
    return header + fmt + b"data" + struct.pack("<I", len(data)) + data


def artwork_colour(release_id: int) -> tuple[int, int, int]:
    hue = (release_id * 0.618_033_988_75) % 1.0
    red, green, blue = colorsys.hsv_to_rgb(hue, 0.45, 0.85)
    return round(red * 255), round(green * 255), round(blue * 255)


@lru_cache(maxsize=64)
def artwork_png(release_id: int, size: int) -> bytes:
    row = b"\0" + bytes(artwork_colour(release_id)) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(row * size, 9))
        + _png_chunk(b"IEND", b"")
    )


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
