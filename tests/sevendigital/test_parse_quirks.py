"""The shapes 7digital answers take besides the textbook one (docs/7digital.md: "Answer shapes",
"Track rules", "Errors")."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from locker.sevendigital.errors import (
    ApiError,
    InputError,
    MalformedResponse,
    NotAvailable,
    NotFound,
    ServerError,
)
from locker.sevendigital.parse import (
    parse_error,
    parse_locker,
    parse_token_answer,
    parse_user_details,
)
from locker.sevendigital.types import Format, UserDetails

XSI = 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'


def json_locker(releases, *, page=1, page_size=10, total=1) -> bytes:
    node = {"page": page, "pageSize": page_size, "totalItems": total}
    if releases is not None:
        node["lockerRelease"] = releases
    return json.dumps(
        {"status": "ok", "version": "1.2", "locker": {"lockerReleases": node}}
    ).encode()


def xml_locker(inner: str, *, total: int = 1) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><response status="ok" version="1.2" {XSI}>'
        f"<locker><lockerReleases><page>1</page><pageSize>10</pageSize>"
        f"<totalItems>{total}</totalItems>{inner}</lockerReleases></locker></response>"
    ).encode()


def xml_release(tracks: str = "", *, release_extra: str = "", available: str = "true") -> str:
    return (
        f'<lockerRelease><release id="7"><title>R</title>{release_extra}</release>'
        f"<lockerTracks>{tracks}</lockerTracks><available>{available}</available></lockerRelease>"
    )


def xml_track(extra: str = "", *, track_extra: str = "") -> str:
    return f'<lockerTrack><track id="70"><title>T</title>{track_extra}</track>{extra}</lockerTrack>'


def only_track(page):
    [item] = page.releases
    [locker_track] = item.tracks
    return locker_track


# ---- lists given as single objects, strings for numbers and booleans ---------------------


def test_it_accepts_single_objects_where_lists_are_expected():
    body = json_locker(
        {
            "release": {"id": 7, "title": "R"},
            "lockerTracks": {
                "lockerTrack": {
                    "track": {"id": 70, "title": "T"},
                    "downloadUrls": {
                        "downloadUrl": {
                            "url": "http://m/d?x=1",
                            "format": {"id": 17, "description": "MP3 320"},
                        }
                    },
                }
            },
        }
    )
    locker_track = only_track(parse_locker(body, "application/json"))
    assert locker_track.track.id == 70
    assert [u.format for u in locker_track.download_urls] == [Format(17, "MP3 320")]


def test_it_reads_numbers_and_booleans_given_as_strings():
    body = json.dumps(
        {
            "status": "ok",
            "locker": {
                "lockerReleases": {
                    "page": "2",
                    "pageSize": "5",
                    "totalItems": "11",
                    "lockerRelease": [
                        {
                            "release": {"id": "7", "title": "R"},
                            "available": "True",
                            "lockerTracks": {
                                "lockerTrack": [
                                    {
                                        "track": {
                                            "id": "70",
                                            "trackNumber": "4",
                                            "discNumber": "2",
                                            "duration": "180",
                                        },
                                        "remainingDownloads": "1",
                                        "purchaseId": "99",
                                        "completeAlbumPurchase": "true",
                                    }
                                ]
                            },
                        }
                    ],
                }
            },
        }
    ).encode()
    page = parse_locker(body, "application/json")
    assert (page.page, page.page_size, page.total_items) == (2, 5, 11)
    assert page.releases[0].release.id == 7
    assert page.releases[0].available is True
    locker_track = only_track(page)
    assert (locker_track.track.id, locker_track.track.disc, locker_track.track.number) == (70, 2, 4)
    assert locker_track.track.duration == 180
    assert (locker_track.remaining_downloads, locker_track.purchase_id) == (1, 99)
    assert locker_track.complete_album_purchase is True


@pytest.mark.parametrize(
    ("text", "expected"), [("false", False), ("False", False), ("0", False), ("1", True)]
)
def test_it_reads_the_available_flag_in_its_spellings(text, expected):
    page = parse_locker(xml_locker(xml_release(available=text)), "application/xml")
    assert page.releases[0].available is expected


def test_it_prefers_disc_over_discnumber_and_number_over_tracknumber_in_json():
    body = json_locker(
        [
            {
                "release": {"id": 7},
                "lockerTracks": {
                    "lockerTrack": [
                        {"track": {"id": 70, "disc": 3, "number": 2, "trackNumber": 14}}
                    ]
                },
            }
        ]
    )
    track = only_track(parse_locker(body, "application/json")).track
    assert (track.disc, track.number, track.track_number) == (3, 2, 14)


def test_it_parses_discnumber_from_xml():
    body = xml_locker(
        xml_release(
            xml_track(
                track_extra="<trackNumber>9</trackNumber><discNumber>2</discNumber><number>3</number>"
            )
        )
    )
    track = only_track(parse_locker(body, "application/xml")).track
    assert (track.disc, track.number, track.track_number) == (2, 3, 9)


def test_disc_defaults_to_1_and_number_to_the_track_number():
    body = xml_locker(xml_release(xml_track(track_extra="<trackNumber>5</trackNumber>")))
    track = only_track(parse_locker(body, "application/xml")).track
    assert (track.disc, track.number) == (1, 5)


def test_it_reads_ids_from_attributes_or_child_elements_in_xml():
    body = xml_locker(
        "<lockerRelease><release><id>7</id><title>R</title></release>"
        "<lockerTracks><lockerTrack><track><id>70</id></track></lockerTrack></lockerTracks>"
        "</lockerRelease>"
    )
    item = parse_locker(body, "application/xml").releases[0]
    assert (item.release.id, item.tracks[0].track.id) == (7, 70)


# ---- nil, empty and missing -------------------------------------------------------------


def test_xsi_nil_is_none_and_an_empty_element_is_an_empty_string():
    body = xml_locker(
        xml_release(
            xml_track(
                '<remainingDownloads xsi:nil="true"/><purchaseDate xsi:nil="true"/>'
                '<downloadUrls xsi:nil="true"/>',
                track_extra="<version/>",
            ),
            release_extra='<version/><barcode xsi:nil="true"/><label xsi:nil="true"/>',
        )
    )
    page = parse_locker(body, "application/xml")
    release = page.releases[0].release
    assert (release.version, release.barcode, release.label) == ("", "", None)
    locker_track = only_track(page)
    assert locker_track.track.version == ""
    assert locker_track.remaining_downloads is None
    assert locker_track.purchase_date is None
    assert locker_track.download_urls == ()


def test_an_empty_locker_has_no_lockerrelease_at_all():
    page = parse_locker(json_locker(None, total=0), "application/json")
    assert page.releases == () and page.total_items == 0
    page = parse_locker(xml_locker("", total=0), "application/xml")
    assert page.releases == () and page.total_items == 0


def test_an_absent_lockerrelease_with_total_items_above_zero_is_still_an_empty_page():
    page = parse_locker(xml_locker("", total=1), "text/xml")
    assert (page.total_items, page.releases) == (1, ())
    page = parse_locker(json_locker(None, total=3), "application/json")
    assert (page.total_items, page.releases) == (3, ())


@pytest.mark.parametrize("urls", [None, "missing", {"downloadUrl": []}, {}, []])
def test_null_missing_or_empty_download_urls_give_no_urls(urls):
    locker_track = {"track": {"id": 70}, "purchaseId": 1}
    if urls != "missing":
        locker_track["downloadUrls"] = urls
    body = json_locker([{"release": {"id": 7}, "lockerTracks": {"lockerTrack": [locker_track]}}])
    assert only_track(parse_locker(body, "application/json")).download_urls == ()


def test_lockertracks_null_or_missing_gives_no_tracks():
    body = json_locker([{"release": {"id": 7}, "lockerTracks": None}, {"release": {"id": 8}}])
    page = parse_locker(body, "application/json")
    assert [r.tracks for r in page.releases] == [(), ()]


def test_unknown_fields_are_ignored():
    body = json_locker(
        [
            {
                "release": {"id": 7, "title": "R", "popularity": 0.7, "tags": ["x"]},
                "usageTypes": {"a": 1},
            }
        ]
    )
    assert parse_locker(body, "application/json").releases[0].release.title == "R"


# ---- format shapes ------------------------------------------------------------------------


def test_it_reads_the_old_xml_format_with_file_format_and_bit_rate():
    body = xml_locker(
        xml_release(
            xml_track(
                "<downloadUrls><downloadUrl><url>http://m/d?f=17</url>"
                '<format id="17"><fileFormat>MP3</fileFormat><bitRate>320</bitRate>'
                "<drmFree>true</drmFree></format></downloadUrl></downloadUrls>"
            )
        )
    )
    [url] = only_track(parse_locker(body, "application/xml")).download_urls
    assert (url.url, url.format) == ("http://m/d?f=17", Format(17, "MP3 320"))


def test_it_reads_the_2017_xml_format_with_url_inside():
    body = xml_locker(
        xml_release(
            xml_track(
                '<downloadUrls><downloadUrl><format id="33"><url>http://m/d?f=33</url>'
                "<description>AAC 320</description></format></downloadUrl></downloadUrls>"
            )
        )
    )
    [url] = only_track(parse_locker(body, "application/xml")).download_urls
    assert (url.url, url.format) == ("http://m/d?f=33", Format(33, "AAC 320"))


def test_it_reads_the_2017_json_format_and_an_old_json_format():
    body = json_locker(
        [
            {
                "release": {"id": 7},
                "lockerTracks": {
                    "lockerTrack": [
                        {
                            "track": {"id": 70},
                            "downloadUrls": {
                                "downloadUrl": [
                                    {
                                        "url": "http://m/1",
                                        "format": {"id": 17, "description": "MP3 320"},
                                    },
                                    {
                                        "url": "http://m/2",
                                        "format": {"id": "26", "fileFormat": "FLAC", "bitRate": 0},
                                    },
                                ]
                            },
                        }
                    ]
                },
            }
        ]
    )
    urls = only_track(parse_locker(body, "application/json")).download_urls
    assert [(u.url, u.format) for u in urls] == [
        ("http://m/1", Format(17, "MP3 320")),
        ("http://m/2", Format(26, "FLAC 0")),
    ]


# ---- dates --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2014-01-13T00:00:00Z", datetime(2014, 1, 13, tzinfo=UTC)),
        ("2015-01-29T16:14:53.22Z", datetime(2015, 1, 29, 16, 14, 53, 220000, tzinfo=UTC)),
        ("2006-11-16T00:00:00.0000000Z", datetime(2006, 11, 16, tzinfo=UTC)),
        ("1990-04-24T13:56:06.9600000Z", datetime(1990, 4, 24, 13, 56, 6, 960000, tzinfo=UTC)),
        ("2014-04-16T16:08:55+01:00", datetime(2014, 4, 16, 15, 8, 55, tzinfo=UTC)),
        ("2014-04-16T16:08:55-05:30", datetime(2014, 4, 16, 21, 38, 55, tzinfo=UTC)),
        ("2014-04-16T16:08:55", datetime(2014, 4, 16, 16, 8, 55, tzinfo=UTC)),
        ("2014-04-16T16:08:55.1234567", datetime(2014, 4, 16, 16, 8, 55, 123456, tzinfo=UTC)),
        ("2014-04-16", datetime(2014, 4, 16, tzinfo=UTC)),
    ],
)
def test_it_parses_every_date_form_into_an_aware_utc_datetime(text, expected):
    body = xml_locker(xml_release(xml_track(f"<purchaseDate>{text}</purchaseDate>")))
    parsed = only_track(parse_locker(body, "application/xml")).purchase_date
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)


def test_an_offset_date_is_the_same_instant_as_in_its_own_zone():
    body = xml_locker(
        xml_release(xml_track("<purchaseDate>2009-07-22T11:41:41+01:00</purchaseDate>"))
    )
    parsed = only_track(parse_locker(body, "application/xml")).purchase_date
    assert parsed == datetime(2009, 7, 22, 11, 41, 41, tzinfo=timezone(timedelta(hours=1)))


def test_release_date_is_read_from_download_or_the_older_place():
    newer = json_locker(
        [{"release": {"id": 7, "download": {"releaseDate": "2030-04-26T00:00:00Z"}}}]
    )
    older = json_locker([{"release": {"id": 7, "releaseDate": "2006-03-20T00:00:00Z"}}])
    assert parse_locker(newer, "application/json").releases[0].release.release_date.year == 2030
    assert parse_locker(older, "application/json").releases[0].release.release_date.year == 2006


@pytest.mark.parametrize("text", ["yesterday", "2014-13-45T00:00:00Z", "2014-01-13T25:00:00Z"])
def test_a_nonsense_date_is_malformed(text):
    body = xml_locker(xml_release(xml_track(f"<purchaseDate>{text}</purchaseDate>")))
    with pytest.raises(MalformedResponse):
        parse_locker(body, "application/xml")


# ---- error bodies -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        (1002, InputError),
        (2001, NotFound),
        (2002, NotAvailable),
        (9001, ServerError),
        (3001, ApiError),
    ],
)
def test_error_bodies_raise_the_class_for_their_code(code, cls):
    xml_body = (
        f'<response status="error" version="1.2"><error code="{code}">'
        f"<errorMessage>Release not found</errorMessage></error></response>"
    ).encode()
    json_body = json.dumps(
        {
            "status": "error",
            "version": "1.2",
            "error": {"code": code, "errorMessage": "Release not found"},
        }
    ).encode()
    for body, content_type in ((xml_body, "application/xml"), (json_body, "application/json")):
        with pytest.raises(cls) as caught:
            parse_locker(body, content_type)
        assert type(caught.value) is cls
        assert caught.value.code == code
        assert caught.value.message == "Release not found"
        assert parse_error(body, content_type) == (code, "Release not found")


def test_parse_error_reads_plain_text_and_refuses_html():
    text = b"OAuth authentication error: Invalid signature"
    assert parse_error(text, "text/plain") == (None, text.decode())
    with pytest.raises(MalformedResponse):
        parse_error(b"<html><body>Bad gateway</body></html>", "text/html")
    with pytest.raises(MalformedResponse):
        parse_error(b"", "text/plain")


# ---- bodies that are not what we expect ---------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"status": "ok", "locker": {"lockerReleases": {"page": 1', "application/json"),
        (b'<response status="ok"><locker><lockerReleases><page>1</page>', "application/xml"),
        (b"", "application/json"),
        (b"", "application/xml"),
        (b"Service Unavailable", "text/plain"),
        (b"<html><body>502</body></html>", "text/html"),
        (b"[1, 2]", "application/json"),
        (b'{"locker": {"lockerReleases": {}}}', "application/json"),  # no status
        (b'{"status": "pending", "locker": {"lockerReleases": {}}}', "application/json"),
        (b'{"status": "ok"}', "application/json"),  # no locker
        (
            b'{"status": "ok", "locker": {"lockerReleases": {"lockerRelease": [1]}}}',
            "application/json",
        ),
        (
            b'<response version="1.2"><locker><lockerReleases/></locker></response>',
            "application/xml",
        ),
        (b'<response status="ok"/>', "application/xml"),
        (
            b'<error code="2001"><errorMessage>x</errorMessage></error>',
            "application/xml",
        ),  # wrong root
        (b'<html><body><response status="ok"/></body></html>', "text/html"),
        (b"\xff\xfe{not json", "application/json"),
        (b'{"a":' * 100_000, "application/json"),  # nesting deep enough to hit the recursion limit
    ],
)
def test_unexpected_bodies_are_malformed(body, content_type):
    with pytest.raises(MalformedResponse):
        parse_locker(body, content_type)


@pytest.mark.parametrize(
    "release",
    [
        {"title": "no id"},
        {"id": "abc"},
        {"id": None},
        {"id": True},
        {"id": 1.5},
    ],
)
def test_a_missing_or_non_numeric_release_id_is_malformed(release):
    with pytest.raises(MalformedResponse):
        parse_locker(json_locker([{"release": release}]), "application/json")


def test_a_missing_track_id_or_format_id_is_malformed():
    no_track_id = xml_locker(
        xml_release("<lockerTrack><track><title>T</title></track></lockerTrack>")
    )
    no_format_id = xml_locker(
        xml_release(
            xml_track(
                "<downloadUrls><downloadUrl><url>http://m/x</url><format/></downloadUrl></downloadUrls>"
            )
        )
    )
    for body in (no_track_id, no_format_id):
        with pytest.raises(MalformedResponse):
            parse_locker(body, "application/xml")


def test_a_non_numeric_remaining_count_is_malformed():
    body = xml_locker(xml_release(xml_track("<remainingDownloads>lots</remainingDownloads>")))
    with pytest.raises(MalformedResponse):
        parse_locker(body, "application/xml")


def test_every_prefix_of_a_real_answer_is_malformed_not_a_crash():
    body = json_locker([{"release": {"id": 7, "title": "R"}, "available": True}])
    for cut in range(1, len(body) - 1, 7):
        with pytest.raises(MalformedResponse):
            parse_locker(body[:cut], "application/json")
    xml_body = xml_locker(xml_release(xml_track()))
    for cut in range(1, len(xml_body) - 1, 11):
        with pytest.raises(MalformedResponse):
            parse_locker(xml_body[:cut], "application/xml")


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<response status="ok"><locker><lockerReleases><page>1</page><pageSize>10</pageSize>
<totalItems>1</totalItems><lockerRelease><release id="1"><title>&lol9;</title></release>
</lockerRelease></lockerReleases></locker></response>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE response [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<response status="ok"><locker><lockerReleases><lockerRelease><release id="1"><title>&xxe;</title>
</release></lockerRelease></lockerReleases></locker></response>"""

BARE_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE response SYSTEM "http://example.invalid/evil.dtd">
<response status="ok"><locker><lockerReleases/></locker></response>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY, BARE_DTD])
def test_hostile_xml_is_refused_without_expanding(body):
    with pytest.raises(MalformedResponse):
        parse_locker(body, "application/xml")
    with pytest.raises(MalformedResponse):
        parse_token_answer(body, "application/xml")


def test_a_mislabelled_body_is_read_by_its_first_byte():
    xml_body = xml_locker(xml_release())
    assert parse_locker(xml_body, "application/json") == parse_locker(xml_body, "application/xml")
    json_body = json_locker([{"release": {"id": 7}}])
    assert parse_locker(json_body, "text/html").releases[0].release.id == 7
    assert parse_locker(b"\xef\xbb\xbf  " + json_body, "").releases[0].release.id == 7


# ---- token answers and user details -------------------------------------------------------


def test_it_parses_a_form_encoded_token_answer_with_an_encoded_secret():
    body = b"oauth_token=ABC1XYZ&oauth_token_secret=oGBr7s1xQ0OBk6L1fddTCQ%3d%3d"
    assert parse_token_answer(body, "text/plain") == ("ABC1XYZ", "oGBr7s1xQ0OBk6L1fddTCQ==")


def test_a_percent_encoded_plus_stays_a_plus_and_a_raw_plus_is_a_space():
    body = b"oauth_token=t&oauth_token_secret=a%2Bb%2F%3D+c"
    assert parse_token_answer(body, "application/x-www-form-urlencoded") == ("t", "a+b/= c")


def test_it_parses_an_xml_request_token_answer():
    body = (
        b'<response status="ok" version="1.2"><oauth_request_token><oauth_token>rt</oauth_token>'
        b"<oauth_token_secret>s+/=</oauth_token_secret></oauth_request_token></response>"
    )
    assert parse_token_answer(body, "application/xml") == ("rt", "s+/=")


def test_an_xml_token_answer_with_an_error_raises_its_api_error():
    body = b'<response status="error"><error code="2002"><errorMessage>Not authorised</errorMessage></error></response>'
    with pytest.raises(NotAvailable):
        parse_token_answer(body, "application/xml")


@pytest.mark.parametrize("body", [b"", b"oauth_token=only", b"garbage", b"<response status='ok'/>"])
def test_an_incomplete_token_answer_is_malformed(body):
    with pytest.raises(MalformedResponse):
        parse_token_answer(body, "text/plain")


def test_it_parses_user_details_in_xml_and_json():
    xml_body = (
        b'<?xml version="1.0"?><response status="ok" version="1.2"><user id="4874230">'
        b"<type>7digital</type><emailAddress>someone@example.com</emailAddress></user></response>"
    )
    json_body = b'{"status": "ok", "user": {"id": 4874230, "email": "someone@example.com"}}'
    expected = UserDetails(id="4874230", email="someone@example.com")
    assert parse_user_details(xml_body, "application/xml") == expected
    assert parse_user_details(json_body, "application/json") == expected
    with pytest.raises(MalformedResponse):
        parse_user_details(
            b'{"status": "ok", "user": {"email": "x@example.com"}}', "application/json"
        )
