"""The client over real HTTP against the sandbox (tests/conftest.py starts it once per session)."""

from __future__ import annotations

import socket
import time
from dataclasses import replace
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests

from locker.sevendigital import client as module
from locker.sevendigital.client import ClientConfig, SevenDigitalClient
from locker.sevendigital.errors import (
    MalformedResponse,
    NotFound,
    OAuthError,
    RateLimited,
    RelinkNeeded,
    ServerError,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from locker.sevendigital.types import MAX_PAGE_SIZE, AccessToken
from tests.sevendigital.helpers import DEMO, EMPTY, SMALL


@pytest.fixture(autouse=True)
def fresh_sandbox(sandbox):
    """Each test owns the sandbox's state: counts, revocations and faults reset before and after."""
    sandbox.reset()
    yield
    sandbox.reset()


@pytest.fixture
def seven(make_client) -> SevenDigitalClient:
    return make_client()


@pytest.fixture
def token_for(sandbox):
    return lambda email: AccessToken(*sandbox.token_for(email))


@pytest.fixture
def faults(sandbox):
    yield sandbox
    sandbox.clear_faults()


def release_ids(page) -> list[int]:
    return [item.release.id for item in page.releases]


# ---- reading the locker -------------------------------------------------------------------


def test_json_and_xml_answers_give_equal_pages(seven, token_for):
    token = token_for(DEMO)
    for query in ({"page_size": 20}, {"page": 2, "page_size": 50, "sort": "releaseTitle asc"}):
        from_json = seven.get_locker(token, fmt="json", **query)
        from_xml = seven.get_locker(token, fmt="xml", **query)
        assert from_json == from_xml
        assert from_json.releases


def test_it_pages_through_the_whole_locker(seven, token_for):
    token = token_for(DEMO)
    first = seven.get_locker(token, page=1, page_size=50)
    assert first.total_items >= 55
    assert (first.page, first.page_size, len(first.releases)) == (1, 50, 50)
    second = seven.get_locker(token, page=2, page_size=50)
    assert second.page == 2
    assert len(second.releases) == first.total_items - 50
    ids = release_ids(first) + release_ids(second)
    assert len(set(ids)) == first.total_items


def test_a_page_size_above_50_is_capped_not_refused(seven, token_for):
    page = seven.get_locker(token_for(DEMO), page_size=500)
    assert len(page.releases) == MAX_PAGE_SIZE


SORT_KEYS = {
    "releaseTitle": lambda item: item.release.title.casefold(),
    "artistName": lambda item: item.release.artist.name.casefold(),
    "purchaseDate": lambda item: max(t.purchase_date for t in item.tracks),
}


@pytest.mark.parametrize("column", SORT_KEYS)
def test_the_sandbox_applies_our_sort(seven, token_for, column):
    key = SORT_KEYS[column]
    token = token_for(DEMO)
    ascending = [
        key(i) for i in seven.get_locker(token, sort=f"{column} asc", page_size=50).releases
    ]
    descending = [
        key(i) for i in seven.get_locker(token, sort=f"{column} desc", page_size=50).releases
    ]
    assert ascending == sorted(ascending)
    assert descending == sorted(descending, reverse=True)
    assert ascending[0] < descending[0]


def test_filters_narrow_the_answer(seven, token_for):
    token = token_for(DEMO)
    everything = seven.get_locker(token, page_size=50)
    item = next(i for i in everything.releases if len(i.tracks) > 1)
    release_id, track = item.release.id, item.tracks[1]

    by_release = seven.get_locker(token, release_id=release_id)
    assert release_ids(by_release) == [release_id]
    assert len(by_release.releases[0].tracks) == len(item.tracks)

    by_track = seven.get_locker(token, release_id=release_id, track_id=track.track.id)
    assert [t.track.id for t in by_track.releases[0].tracks] == [track.track.id]

    if track.purchase_id:
        by_purchase = seven.get_locker(token, purchase_id=track.purchase_id, page_size=50)
        assert all(
            t.purchase_id == track.purchase_id for i in by_purchase.releases for t in i.tracks
        )
        assert release_id in release_ids(by_purchase)

    assert seven.get_locker(token, release_id=999_999_999).releases == ()


def test_a_purchase_id_without_tracks_is_not_found(seven, token_for):
    with pytest.raises(NotFound) as caught:
        seven.get_locker(token_for(DEMO), purchase_id=1)
    assert caught.value.code == 2001


def test_an_empty_locker_has_no_releases(seven, token_for):
    page = seven.get_locker(token_for(EMPTY), fmt="xml")
    assert (page.total_items, page.releases) == (0, ())
    assert seven.get_locker(token_for(EMPTY)) == page


def test_query_string_signing_works_too(make_client, token_for):
    page = make_client(signature_type="query").get_locker(
        token_for(SMALL), sort="purchaseDate desc"
    )
    assert len(page.releases) == 4


@pytest.mark.parametrize(
    "bad",
    [
        {"page": 0},
        {"page": "2"},
        {"page_size": 0},
        {"page_size": -5},
        {"sort": "title asc"},
        {"sort": "purchaseDate"},
        {"sort": "purchaseDate+desc"},
        {"sort": "purchaseDate up"},
        {"release_id": 0},
        {"track_id": -1},
        {"purchase_id": True},
        {"fmt": "yaml"},
    ],
)
def test_bad_arguments_raise_value_error_before_any_request(seven, attempts, bad):
    with pytest.raises(ValueError):
        seven.get_locker(AccessToken("k", "s"), **bad)
    assert attempts == []


def test_it_sends_what_7digital_documents(sandbox_config, token_for):
    sent: list[requests.PreparedRequest] = []
    session = requests.Session()
    session.hooks["response"].append(lambda response, **kwargs: sent.append(response.request))
    seven = SevenDigitalClient(replace(sandbox_config, shop_id=34), session=session)
    seven.get_locker(token_for(SMALL), page_size=5, sort="purchaseDate desc", fmt="xml")
    [request] = sent
    assert "sort=purchaseDate%20desc" in request.url
    assert dict(parse_qsl(urlsplit(request.url).query)) == {
        "country": "GB",
        "page": "1",
        "pageSize": "5",
        "sort": "purchaseDate desc",
        "shopId": "34",
    }
    # requests-oauthlib hands the signed headers back as bytes
    headers = {k: v.decode() if isinstance(v, bytes) else v for k, v in request.headers.items()}
    assert headers["Accept"] == "application/xml"
    assert headers["User-Agent"] == "Locker/1.0 (+7digital locker client)"
    authorization = headers["Authorization"]
    assert authorization.startswith("OAuth ")
    assert 'oauth_signature_method="HMAC-SHA1"' in authorization
    assert token_for(SMALL).secret not in authorization


def test_the_observer_sees_each_attempt(seven, token_for, attempts):
    seven.get_locker(token_for(SMALL))
    [(endpoint, status, seconds)] = attempts
    assert (endpoint, status) == ("user/locker", 200)
    assert 0 < seconds < 5


def test_it_reads_user_details(seven, token_for):
    details = seven.get_user_details(token_for(DEMO))
    assert details.email == DEMO
    assert details.id
    assert seven.get_user_details(token_for(DEMO), fmt="xml") == details


# ---- errors -------------------------------------------------------------------------------


def test_a_wrong_consumer_secret_is_an_oauth_error_not_a_relink(make_client, token_for, attempts):
    seven = make_client(consumer_secret="not-the-secret")
    with pytest.raises(OAuthError) as caught:
        seven.get_locker(token_for(SMALL))
    assert type(caught.value) is OAuthError
    assert caught.value.status == 401
    assert "signature" in caught.value.message.lower()
    assert attempts.statuses == [401]  # 4xx is never retried


def test_a_revoked_token_needs_relinking(sandbox, seven, token_for):
    token = token_for(SMALL)
    sandbox.revoke(email=SMALL)
    try:
        with pytest.raises(RelinkNeeded) as caught:
            seven.get_locker(token)
    finally:
        sandbox.reset()
    message = str(caught.value)
    assert token.key not in message and token.secret not in message
    assert "denied" in message.lower()


def test_an_unknown_token_needs_relinking(seven):
    with pytest.raises(RelinkNeeded):
        seven.get_locker(AccessToken("no-such-token", "no-such-secret"))


def test_a_500_is_retried_then_raised_as_server_error(faults, make_client, token_for, attempts):
    faults.set_faults(mode="error500", paths=["/1.2/user/locker"])
    faults.clear_log()
    seven = make_client(retries=2)
    with pytest.raises(ServerError) as caught:
        seven.get_locker(token_for(SMALL))
    assert caught.value.status == 500
    assert attempts.statuses == [500, 500, 500]
    assert [e["status"] for e in faults.log("/1.2/user/locker")] == [500, 500, 500]


def test_no_retries_means_one_attempt(faults, make_client, token_for, attempts):
    faults.set_faults(mode="error500", paths=["/1.2/user/locker"])
    with pytest.raises(ServerError):
        make_client(retries=0).get_locker(token_for(SMALL))
    assert attempts.statuses == [500]


def test_garbage_is_a_malformed_response(faults, seven, token_for, attempts):
    faults.set_faults(mode="garbage", paths=["/1.2/user/locker"])
    with pytest.raises(MalformedResponse):
        seven.get_locker(token_for(SMALL))
    assert len(attempts) == 1


def test_a_slow_answer_times_out_without_retrying(faults, make_client, token_for, attempts):
    faults.set_faults(latency_ms=1500, paths=["/1.2/user/locker"])
    seven = make_client(read_timeout=0.2, retries=2)
    started = time.monotonic()
    with pytest.raises(UpstreamTimeout):
        seven.get_locker(token_for(SMALL))
    assert time.monotonic() - started < 1.4
    assert attempts.statuses == [None]


def test_an_answer_still_on_its_way_when_the_log_is_cleared_stays_out_of_it(
    faults, make_client, token_for
):
    """A call that gave up waiting leaves the sandbox answering it; the sandbox logs a request as
    it arrives, so the answer finishing later never lands in the next test's count. (user/details:
    no other test slows it, so no earlier test's slow answer can arrive here.)"""
    faults.set_faults(latency_ms=800, paths=["/1.2/user/details"])
    with pytest.raises(UpstreamTimeout):
        make_client(read_timeout=0.2, retries=0).get_user_details(token_for(SMALL))
    [pending] = faults.log("/1.2/user/details")
    assert pending["status"] is None  # still being answered
    faults.clear_log()
    deadline = time.monotonic() + 5
    while pending["status"] is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert pending["status"] == 200 and faults.log("/1.2/user/details") == []


def test_rate_limiting_is_reported_and_not_retried(faults, seven, token_for, attempts):
    faults.set_faults(mode="ratelimit", paths=["/1.2/user/locker"])
    with pytest.raises(RateLimited) as caught:
        seven.get_locker(token_for(SMALL))
    assert caught.value.status == 429
    assert caught.value.retry_after == 60  # the sandbox sends `Retry-After: 60`
    assert attempts.statuses == [429]


def test_a_closed_port_is_unavailable_after_retries(sandbox_config, attempts):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = replace(
        sandbox_config, api_url=f"http://127.0.0.1:{port}/1.2", retries=2, backoff=0.01
    )
    with pytest.raises(UpstreamUnavailable) as caught:
        SevenDigitalClient(config, observer=attempts).get_locker(AccessToken("k", "s"))
    assert not isinstance(caught.value, UpstreamTimeout)
    assert attempts.statuses == [None, None, None]


# ---- signed URLs against the sandbox's media and stream hosts -----------------------------


def test_the_sandbox_accepts_our_signed_media_url_and_counts_one_download(
    sandbox, seven, token_for
):
    sandbox.reset()
    token = token_for(SMALL)
    page = seven.get_locker(token, page_size=50)
    item, locker_track = next(
        (i, t)
        for i in page.releases
        for t in i.tracks
        if i.available and (t.remaining_downloads or 0) >= 2 and t.download_urls
    )
    before = sandbox.remaining(SMALL, item.release.id, locker_track.track.id)
    assert before == locker_track.remaining_downloads

    url = seven.signed_media_url(locker_track.download_urls[0].url, token)
    answer = requests.get(url, timeout=5)
    assert answer.status_code == 200, answer.text[:200]
    assert answer.content
    assert sandbox.remaining(SMALL, item.release.id, locker_track.track.id) == before - 1

    replayed = requests.get(url, timeout=5)  # same nonce: refused, nothing counted
    assert replayed.status_code != 200
    assert sandbox.remaining(SMALL, item.release.id, locker_track.track.id) == before - 1
    sandbox.reset()


def test_the_sandbox_accepts_our_signed_stream_url_without_counting(sandbox, seven, token_for):
    token = token_for(SMALL)
    page = seven.get_locker(token)
    item = next(i for i in page.releases if i.available and i.tracks)
    locker_track = item.tracks[0]
    before = sandbox.remaining(SMALL, item.release.id, locker_track.track.id)
    format_id = locker_track.download_urls[0].format.id
    answer = requests.get(
        seven.signed_stream_url(locker_track.track.id, format_id, token), timeout=5
    )
    assert answer.status_code == 200, answer.text[:200]
    assert sandbox.remaining(SMALL, item.release.id, locker_track.track.id) == before


def test_a_media_url_signed_with_the_wrong_token_is_refused(sandbox, seven, token_for):
    page = seven.get_locker(token_for(SMALL))
    url = next(t.download_urls[0].url for i in page.releases for t in i.tracks if t.download_urls)
    signed = seven.signed_media_url(url, AccessToken(token_for(SMALL).key, "wrong-secret"))
    assert requests.get(signed, timeout=5).status_code == 401


# ---- the module-level default client ------------------------------------------------------


SEEN: list[tuple[str, int | None]] = []


def remember_attempt(endpoint: str, status: int | None, seconds: float) -> None:
    SEEN.append((endpoint, status))


def test_module_functions_use_a_client_built_from_settings(settings, sandbox, token_for):
    settings.SEVENDIGITAL_OBSERVER = f"{__name__}.remember_attempt"
    SEEN.clear()
    settings.SEVENDIGITAL_API_URL = sandbox.api_url
    settings.SEVENDIGITAL_STREAM_URL = sandbox.url
    settings.SEVENDIGITAL_CONSUMER_KEY = "locker-demo-key"
    settings.SEVENDIGITAL_CONSUMER_SECRET = "locker-demo-secret=="
    first = module.default_client()
    assert first is module.default_client()
    assert first.config == ClientConfig.from_settings()
    assert len(module.get_locker(token_for(SMALL)).releases) == 4
    assert SEEN == [("user/locker", 200)]

    settings.SEVENDIGITAL_COUNTRY = "FR"
    rebuilt = module.default_client()
    assert rebuilt is not first and rebuilt.config.country == "FR"
    assert "country=FR" in module.signed_stream_url(5, 26, token_for(SMALL))

    settings.SEVENDIGITAL_OBSERVER = ""
    assert module.default_client().observer is None


# ---- which OAuth complaints mean "link again" ---------------------------------------------


@pytest.mark.parametrize(
    ("reason", "relink"),
    [
        ("Access to resource denied", True),
        ("Resource requires access token", True),
        ("Not authorised - no user credentials provided", True),
        ("Invalid token", True),
        ("Token revoked", True),
        ("Access token expired", True),
        ("Invalid signature", False),
        ("Invalid consumer key", False),
        ("Timestamp out of range", False),
        ("Timestamp expired", False),
        ("Nonce already used", False),
    ],
)
def test_oauth_complaints_about_the_token_mean_relink(reason, relink):
    from locker.sevendigital.client import _oauth_error

    error = _oauth_error(f"OAuth authentication error: {reason}".encode(), 401)
    assert isinstance(error, OAuthError)
    assert isinstance(error, RelinkNeeded) is relink
    assert reason in error.message
