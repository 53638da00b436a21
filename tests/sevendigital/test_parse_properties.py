"""Any locker the sandbox can render parses to the same page from JSON and from XML."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from locker.sevendigital.parse import parse_locker
from sandbox.catalogue import parse_date
from sandbox.render import render_locker_json, render_locker_xml
from sandbox.strategies import locker_entries

BASE_URL = "http://127.0.0.1:8001"


# Drawing entries dominates the run time (about 0.1 s each at 3 releases), hence the sizes.
@settings(max_examples=45, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    entries=locker_entries(max_size=3),
    page=st.integers(1, 20),
    page_size=st.integers(1, 50),
    more=st.integers(0, 100),
)
def test_json_and_xml_renderings_parse_to_equal_pages(entries, page, page_size, more):
    total = len(entries) + more
    from_json = parse_locker(
        render_locker_json(page, page_size, total, entries, BASE_URL), "application/json"
    )
    from_xml = parse_locker(
        render_locker_xml(page, page_size, total, entries, BASE_URL), "application/xml"
    )
    assert from_json == from_xml
    assert (from_json.page, from_json.page_size, from_json.total_items) == (page, page_size, total)

    for item, entry in zip(from_json.releases, entries, strict=True):
        release, available = entry.release, entry.release.available
        assert (item.release.id, item.release.title, item.release.version) == (
            release.id,
            release.title,
            release.version,
        )
        assert item.available is available
        assert item.release.barcode == (release.barcode or "")
        assert item.release.artist.name == release.artist.name
        assert item.release.label == (
            None
            if release.label is None
            else type(item.release.label)(release.label.id, release.label.name)
        )
        assert item.release.release_date == (
            parse_date(release.release_date) if available else None
        )
        for locker_track, sb in zip(item.tracks, entry.tracks, strict=True):
            track = locker_track.track
            assert (track.id, track.title, track.version) == (
                sb.track.id,
                sb.track.title,
                sb.track.version,
            )
            assert (track.disc, track.number, track.track_number, track.duration) == (
                sb.track.disc,
                sb.track.number,
                sb.track.track_number,
                sb.track.duration,
            )
            assert locker_track.remaining_downloads == (
                sb.remaining_downloads if available else None
            )
            assert locker_track.purchase_id == sb.purchase_id
            assert locker_track.purchase_date == parse_date(sb.purchase_date)
            assert locker_track.complete_album_purchase is sb.complete_album_purchase
            expected_formats = [(f.id, f.description) for f in release.formats] if available else []
            assert [(u.format.id, u.format.description) for u in locker_track.download_urls] == (
                expected_formats
            )
