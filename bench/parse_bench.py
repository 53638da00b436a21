"""How much slower is our locker parser than just decoding the bytes?

Builds a 50-release locker page from the sandbox's demo catalogue (rendered by the sandbox's own
JSON and XML renderers) and prints the median time of `parse_locker` next to bare `json.loads` /
bare `defusedxml.ElementTree.fromstring` on the same bytes.

    .venv/bin/python bench/parse_bench.py
"""

from __future__ import annotations

import json
import statistics
import sys
import timeit
from pathlib import Path

from defusedxml.ElementTree import fromstring

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from locker.sevendigital.parse import parse_locker  # noqa: E402
from sandbox.catalogue import SbLockerEntry, SbLockerTrack  # noqa: E402
from sandbox.demo import demo_catalogue  # noqa: E402
from sandbox.render import render_locker_json, render_locker_xml  # noqa: E402

RELEASES = 50
REPEAT = 41
BASE_URL = "http://127.0.0.1:8001"


def demo_entries() -> list[SbLockerEntry]:
    """The first 50 demo releases, every track bought, with varied (deterministic) counts."""
    catalogue = demo_catalogue()
    entries = []
    for index, release_id in enumerate(sorted(catalogue.releases)[:RELEASES]):
        tracks = tuple(
            SbLockerTrack(
                track=track,
                remaining_downloads=(index + n) % 6,
                purchase_id=814_900_000 + index,
                purchase_date=f"2015-01-{1 + index % 28:02d}T16:14:53.{n % 100:02d}Z",
                complete_album_purchase=True,
            )
            for n, track in enumerate(catalogue.tracks[release_id])
        )
        entries.append(SbLockerEntry(catalogue.releases[release_id], tracks))
    return entries


def paired_median_ms(first, second) -> tuple[float, float]:
    """Median ms of each, timed alternately so that machine noise hits both alike."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(REPEAT):
        for func, bucket in zip((first, second), times, strict=True):
            bucket.append(timeit.timeit(func, number=1))
    return statistics.median(times[0]) * 1000, statistics.median(times[1]) * 1000


def main() -> None:
    entries = demo_entries()
    total = len(entries) + 10
    tracks = sum(len(e.tracks) for e in entries)
    bodies = {
        "JSON": (render_locker_json(1, RELEASES, total, entries, BASE_URL), json.loads),
        "XML": (render_locker_xml(1, RELEASES, total, entries, BASE_URL), fromstring),
    }
    print(f"locker page: {len(entries)} releases, {tracks} tracks; median of {REPEAT} runs")
    print(f"{'':5} {'bytes':>8} {'bare parse':>11} {'parse_locker':>13} {'ratio':>6}")
    for name, (body, bare) in bodies.items():
        content_type = f"application/{name.lower()}"
        assert len(parse_locker(body, content_type).releases) == len(entries)
        bare_ms, ours_ms = paired_median_ms(
            lambda body=body, bare=bare: bare(body),
            lambda body=body, ct=content_type: parse_locker(body, ct),
        )
        ratio = ours_ms / bare_ms
        print(f"{name:5} {len(body):>8} {bare_ms:>9.2f}ms {ours_ms:>11.2f}ms {ratio:>5.1f}x")


if __name__ == "__main__":
    main()
