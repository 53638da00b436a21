"""Real 7digital answers (fixtures/) parse into the objects we expect, field by field."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from locker.sevendigital.parse import parse_locker, parse_token_answer
from locker.sevendigital.types import Artist, DownloadUrl, Format, Named, Release, Track

FIXTURES = Path(__file__).parent / "fixtures"


def load(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def xml(name: str):
    return parse_locker(load(name), "text/xml; charset=utf-8")


def json_(name: str):
    return parse_locker(load(name), "application/json")


def test_it_parses_the_2014_locker_with_old_formats_and_presigned_urls():
    page = xml("7digital-api__test_responses_locker-single-release-and-track.xml")
    assert (page.page, page.page_size, page.total_items) == (1, 1, 1)
    [item] = page.releases
    assert item.available is True
    assert item.release == Release(
        id=3058001,
        title="Run The Jewels",
        version="",
        type="Album",
        barcode="5021392876191",
        artist=Artist(id=2057842, name="Run The Jewels", appears_as="Run The Jewels"),
        label=None,
        licensor=Named(id=317, name=""),
        image="http://artwork-cdn.7static.com/static/img/sleeveart/00/030/580/0003058001_50.jpg",
        release_date=datetime(2014, 1, 13, tzinfo=UTC),
        slug="",
    )
    [locker_track] = item.tracks
    assert locker_track.track == Track(
        id=32578219,
        title="Run the Jewels",
        version="",
        artist=Artist(id=2057842, name="Run The Jewels", appears_as="Run The Jewels"),
        track_number=1,
        disc=1,
        number=1,
        duration=210,
        isrc="GBCFB1306000",
    )
    assert locker_track.remaining_downloads == 5
    assert locker_track.purchase_id == 812485994
    assert locker_track.purchase_date == datetime(2014, 4, 16, 15, 8, 55, tzinfo=UTC)
    assert locker_track.complete_album_purchase is False
    assert [u.format for u in locker_track.download_urls] == [
        Format(17, "MP3 320"),
        Format(33, "M4A 320"),
    ]
    first = locker_track.download_urls[0].url
    assert first.startswith("http://media.geo.7digital.com/media/user/downloadtrack?")
    assert "&formatid=17&" in first and "presigned=1" in first  # &amp; decoded


def test_it_parses_a_release_with_an_empty_track_list_and_a_7_digit_fraction():
    page = json_("7digital-api__test_responses_parsed_locker-release-no-tracks.json")
    assert (page.page, page.page_size, page.total_items) == (1, 10, 1)
    [item] = page.releases
    assert item.tracks == ()
    assert item.available is True
    assert item.release.id == 103828
    assert item.release.title == "Accident(s)"
    assert item.release.barcode == "829410997652"
    assert item.release.artist == Artist(80986, "Sneaky Thieves", "Sneaky Thieves")
    assert item.release.licensor == Named(21, "")
    assert item.release.release_date == datetime(2006, 11, 16, tzinfo=UTC)


def test_it_parses_the_2017_xml_format_shape():
    page = xml("api-stub__responses_user_locker_3547_purchase_4.xml")
    [item] = page.releases
    assert item.release.id == 2959123
    assert item.release.title == "New Pin"
    assert item.release.type == "Single"
    assert item.release.slug == "new-pin-1"
    assert item.release.release_date == datetime(2006, 3, 20, tzinfo=UTC)  # download/releaseDate
    [locker_track] = item.tracks
    assert locker_track.track.id == 31536349
    assert locker_track.track.title == "Superfluous To Requirements"
    assert (locker_track.track.disc, locker_track.track.number) == (1, 2)  # from trackNumber
    assert locker_track.remaining_downloads == 5
    assert locker_track.purchase_id == 814920242
    assert locker_track.purchase_date == datetime(2014, 11, 3, 14, 20, 37, tzinfo=UTC)
    assert locker_track.download_urls == (
        DownloadUrl(
            "http://media.geo.7digital.com/media/user/downloadtrack"
            "?formatid=17&releaseid=2959123&shopid=34&trackid=31536349",
            Format(17, "MP3 320"),
        ),
        DownloadUrl(
            "http://media.geo.7digital.com/media/user/downloadtrack"
            "?formatid=33&releaseid=2959123&shopid=34&trackid=31536349",
            Format(33, "AAC 320"),
        ),
    )


def test_it_parses_discnumber_from_xml_in_the_preorder_fixture():
    page = xml("api-stub__responses_user_locker_3547_release_438137_preorder.xml")
    [item] = page.releases
    assert item.release.id == 438137
    assert item.release.release_date == datetime(2030, 4, 26, tzinfo=UTC)
    assert len(item.tracks) == 13
    assert [t.track.number for t in item.tracks] == list(range(1, 14))
    assert {t.track.disc for t in item.tracks} == {1}
    first, last = item.tracks[0], item.tracks[-1]
    assert (first.track.id, first.track.title) == (4903562, "Take California")
    assert (last.track.id, last.track.title) == (4903590, "You Want It Back")
    assert last.track.artist == Artist(
        327701, "Propellerheads / Jungle Brothers", "Propellerheads / Jungle Brothers"
    )
    assert first.purchase_date == datetime(2015, 1, 29, 16, 14, 53, 220000, tzinfo=UTC)
    assert {t.remaining_downloads for t in item.tracks} == {10}
    assert {t.purchase_id for t in item.tracks} == {815404983}
    assert all(t.complete_album_purchase for t in item.tracks)
    assert [u.format for u in first.download_urls] == [Format(17, "MP3 320")]


def test_it_parses_the_xml_access_token_answer():
    token, secret = parse_token_answer(
        load("filip-d-7digital__spec_test-xml_methods_oauth_accesstoken.xml"), "text/xml"
    )
    assert token == "yu87230J29DT7tyuGslO98wrR43e39Of"
    assert secret == "d2I8uj7yaoa39KKdu3upasybu98f89fln"


def test_it_parses_the_seed_json_locker():
    page = json_("seed-locker.json")
    assert (page.page, page.page_size, page.total_items) == (1, 10, 1)
    [item] = page.releases
    assert item.available is True
    release = item.release
    assert (release.id, release.title, release.version, release.type) == (
        569720,
        "Awake",
        "",
        "Album",
    )
    assert release.barcode == "075679983732"
    assert release.artist == Artist(4617, "Skillet", "Skillet")
    assert release.label == Named(116, "Atlantic Records")
    assert release.licensor == Named(18, "Warner")
    assert release.slug == "awake-569720"
    assert release.release_date == datetime(2013, 10, 21, 13, 0, tzinfo=UTC)
    [locker_track] = item.tracks
    assert locker_track.track == Track(
        id=6313215,
        title="Hero",
        version="",
        artist=Artist(4617, "Skillet", "Skillet"),
        track_number=1,
        disc=1,
        number=1,
        duration=190,
        isrc="USAT20901852",
    )
    assert locker_track.remaining_downloads == 10
    assert locker_track.purchase_id == 824007092
    assert locker_track.purchase_date == datetime(2017, 3, 21, 11, 51, 13, 770000, tzinfo=UTC)
    assert locker_track.complete_album_purchase is True
    assert [(u.format.id, u.format.description) for u in locker_track.download_urls] == [
        (17, "MP3 320"),
        (48, "MP3 256"),
    ]
    assert locker_track.download_urls[1].url.endswith(
        "formatid=48&releaseid=569720&shopid=1064&trackid=6313215"
    )


def test_it_parses_the_seed_xml_locker():
    page = xml("seed-locker.xml")
    assert (page.page, page.page_size, page.total_items) == (1, 10, 1)
    [item] = page.releases
    release = item.release
    assert (release.id, release.title, release.version) == (302123, "Original Album Classics", "")
    assert release.artist == Artist(1194, "Patti Smith", "Patti Smith")
    assert release.licensor == Named(2, "Sony Music")
    assert release.label == Named(92, "Arista")
    assert release.barcode == ""  # absent
    assert release.release_date == datetime(2008, 6, 15, 23, 0, tzinfo=UTC)  # +01:00
    [locker_track] = item.tracks
    track = locker_track.track
    assert (track.id, track.title, track.version) == (
        3544116,
        "Gloria",
        "Digitally Remastered 1996",
    )
    assert (track.track_number, track.disc, track.number, track.duration) == (2, 1, 2, 150)
    assert track.isrc == "USRC10301017"
    assert locker_track.remaining_downloads == 355
    assert locker_track.purchase_id is None  # not in this example
    assert locker_track.complete_album_purchase is None
    assert locker_track.purchase_date == datetime(2009, 7, 22, 10, 41, 41, tzinfo=UTC)
    assert locker_track.download_urls == (
        DownloadUrl(
            "http://media.geo.7digital.com/media/user/downloadtrack...", Format(17, "MP3 320")
        ),
    )


def test_the_seed_withdrawn_release_parses_the_same_from_json_and_xml():
    from_json, from_xml = json_("seed-withdrawn.json"), xml("seed-withdrawn.xml")
    [item], [xml_item] = from_json.releases, from_xml.releases
    # The docs' two snippets differ only in the image URL.
    assert item.release.image.endswith("/00/628/88_50.jpg")
    assert xml_item.release.image.endswith("/00/006/628/2888_50.jpg")
    assert replace(xml_item, release=replace(xml_item.release, image="")) == replace(
        item, release=replace(item.release, image="")
    )
    assert item.release.slug == "do-you-want-the-truth-or-something-beautiful-2"
    assert item.available is False
    assert item.release.id == 662888
    assert item.release.title == "Do You Want The Truth Or Something Beautiful?"
    assert item.release.version == "Live From BBC 1's Radio Live Lounge"
    assert item.release.release_date is None  # `download` removed
    assert item.release.label == Named(1085, "Epic")
    [locker_track] = item.tracks
    assert locker_track.track.id == 7352778
    assert locker_track.track.version == "Jonny L Remix"
    assert (locker_track.track.disc, locker_track.track.number) == (1, 3)
    assert locker_track.remaining_downloads is None
    assert locker_track.download_urls == ()
    assert locker_track.purchase_id == 0
    assert locker_track.complete_album_purchase is False
    assert locker_track.purchase_date == datetime(2010, 1, 13, 21, 19, 58, 810000, tzinfo=UTC)
