"""The demo catalogue is deterministic and holds every edge case the Locker must handle."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime

from sandbox import demo
from sandbox.catalogue import FORMATS, parse_date
from sandbox.demo import ACCOUNTS, demo_catalogue, demo_locker_rows

CATALOGUE = demo_catalogue()


def rows_of(email: str) -> list[demo.LockerRow]:
    account = next(a for a in ACCOUNTS if a.email == email)
    return [r for r in demo_locker_rows() if r.account_id == account.id]


def releases_of(email: str) -> list:
    return [CATALOGUE.releases[i] for i in sorted({r.release_id for r in rows_of(email)})]


def test_it_is_big_enough():
    assert len(CATALOGUE.releases) >= 60
    assert sum(len(tracks) for tracks in CATALOGUE.tracks.values()) >= 600
    assert len(releases_of("demo@sandbox.test")) >= 55


def test_it_is_deterministic():
    first = (demo_catalogue(), demo_locker_rows())
    demo_catalogue.cache_clear()
    demo_locker_rows.cache_clear()
    assert (demo_catalogue(), demo_locker_rows()) == first


def test_ids_are_unique():
    track_ids = [t.id for tracks in CATALOGUE.tracks.values() for t in tracks]
    assert len(track_ids) == len(set(track_ids))
    keys = [(r.account_id, r.release_id, r.track_id) for r in demo_locker_rows()]
    assert len(keys) == len(set(keys))


def test_accounts_have_the_promised_lockers():
    demo_ids = {r.id for r in releases_of("demo@sandbox.test")}
    other_ids = {r.id for r in releases_of("other@sandbox.test")}
    assert len(releases_of("small@sandbox.test")) == 4
    assert 6 <= len(other_ids) <= 10
    assert other_ids & demo_ids and other_ids - demo_ids
    assert rows_of("empty@sandbox.test") == []


def test_small_locker_covers_each_state():
    rows = rows_of("small@sandbox.test")
    releases = releases_of("small@sandbox.test")
    now = datetime.now(UTC)
    albums = [r for r in releases if r.type == "Album" and len(r.formats) == 2 and r.available]
    assert len(albums) == 1
    album_counts = {r.remaining for r in rows if r.release_id == albums[0].id}
    assert {0, 1, 2} <= album_counts
    assert any(not r.available for r in releases)
    assert any(r.is_preorder(now) for r in releases)


def test_demo_locker_has_every_edge_case():
    rows = rows_of("demo@sandbox.test")
    releases = releases_of("demo@sandbox.test")
    assert {0, 1, 2, 5, 10} <= {r.remaining for r in rows}
    assert any(not r.available for r in releases)
    preorders = [r for r in releases if r.is_preorder()]
    assert preorders and all(r.available and r.formats for r in preorders)
    assert any(r.release_date.startswith("2031-03-27") for r in preorders)
    discs = {t.disc for r in releases for t in CATALOGUE.tracks[r.id]}
    assert discs == {1, 2, 3}
    assert {f for r in releases for f in r.formats} == set(FORMATS.values())
    assert [FORMATS[i].description for i in (17, 48, 33, 55)] == [
        "MP3 320",
        "MP3 256",
        "AAC 320",
        "FLAC 0",
    ]
    assert any(r.barcode is None for r in releases)
    assert any(not r.has_image for r in releases)
    assert any(r.label is None for r in releases)
    assert any(r.purchase_id == 0 for r in rows)
    assert {r.type for r in releases} == {"Album", "EP", "Single"}
    assert len({r.label for r in releases if r.label}) >= 3
    assert len({r.licensor for r in releases}) >= 3


def test_demo_titles_include_scripts_and_html():
    titles = " ".join(r.title for r in releases_of("demo@sandbox.test"))
    for script in (
        r"[\u3040-\u30ff\u4e00-\u9fff]",
        r"[\u0400-\u04ff]",
        r"[\u0600-\u06ff]",
        r"[\u0370-\u03ff]",
    ):
        assert re.search(script, titles), script
    for special in ('<script>alert("x")</script>', "Rock & Roll \"Live\" 'Edit'", "<b>Bold</b>"):
        assert special in titles
    assert max(len(r.title) for r in releases_of("demo@sandbox.test")) > 200


def test_demo_purchases_vary():
    rows = rows_of("demo@sandbox.test")
    by_release = defaultdict(list)
    for row in rows:
        by_release[row.release_id].append(row)
    assert any(len({r.purchase_date for r in group}) > 1 for group in by_release.values())
    partial = [rid for rid, group in by_release.items() if len(group) < len(CATALOGUE.tracks[rid])]
    assert partial
    assert any(all(r.complete_album for r in group) for group in by_release.values())
    assert any(not r.complete_album for r in rows)


def test_dates_use_every_7digital_variant():
    dates = [r.purchase_date for r in demo_locker_rows()] + [
        r.release_date for r in CATALOGUE.releases.values()
    ]
    patterns = [r":\d\dZ$", r"\.\d\dZ$", r"\.\d{7}Z$", r"\+01:00$"]
    for pattern in patterns:
        assert any(re.search(pattern, d) for d in dates), pattern
    assert all(parse_date(d) for d in dates)
    assert all(parse_date(r.purchase_date) < datetime.now(UTC) for r in demo_locker_rows())


def test_big_account_is_a_serious_collection():
    rows = rows_of("big@sandbox.test")
    releases = releases_of("big@sandbox.test")
    assert len(releases) == 2_000
    assert len(rows) >= 20_000
    assert {r.type for r in releases} == {"Album", "EP", "Single"}
    assert any(not r.available for r in releases) and any(r.is_preorder() for r in releases)
    assert any(not r.complete_album for r in rows) and {0, 1, 5} <= {r.remaining for r in rows}
    assert len({r.artist.id for r in releases}) >= 200
    assert len({parse_date(r.purchase_date).year for r in rows}) >= 10
    assert all(parse_date(r.purchase_date) < datetime.now(UTC) for r in rows)
    demo_ids = {r.id for r in releases_of("demo@sandbox.test")}
    assert not demo_ids & {r.id for r in releases}
