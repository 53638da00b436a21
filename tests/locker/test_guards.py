"""Security rules on the download and stream paths that no other test pinned down (issue 15):
each test here fails when its rule is removed."""

from __future__ import annotations

import re
from http import HTTPStatus

import pytest

from locker.models import SevenDigitalLink
from tests.locker.test_downloads import small_locker, someone_elses_row


def play(client, row):
    return client.post("/locker/stream/", {"release": row["release"], "track": row["track"]})


def test_playing_another_customers_track_is_refused(client, customer_factory, sandboxed):
    row = someone_elses_row(client, customer_factory, sandboxed, "small@sandbox.test", "other@sandbox.test")
    response = play(client, row)
    assert response.status_code == HTTPStatus.NOT_FOUND
    assert "url" not in response.json()


def test_play_and_download_need_a_linked_account(client, customer, sandboxed):
    client.force_login(customer)
    played = client.post("/locker/stream/", {"release": 1, "track": 1})
    assert played.status_code == HTTPStatus.CONFLICT and "url" not in played.json()
    downloaded = client.post("/locker/download/", {"release": 1, "track": 1, "format": 17})
    assert downloaded.status_code == HTTPStatus.CONFLICT
    assert "Location" not in downloaded and "HX-Redirect" not in downloaded


def test_an_undecryptable_stored_token_asks_for_relinking_and_signs_nothing(customer_client, sandboxed):
    row = small_locker(customer_client)["downloadable"]
    link = SevenDigitalLink.objects.get()
    SevenDigitalLink.objects.filter(pk=link.pk).update(token_ciphertext="gAAAAAnot-a-fernet-token")
    response = customer_client.post(
        "/locker/download/", {"release": row["release"], "track": row["track"], "format": row["formats"][0]}
    )
    assert response.status_code == HTTPStatus.CONFLICT
    assert re.search(r"link(ed)? (it )?again", response.content.decode())  # asks to relink
    assert "Location" not in response
    assert SevenDigitalLink.objects.get().needs_relink
    assert "url" not in play(customer_client, row).json()


def test_7digitals_media_hosts_are_upgraded_to_https(customer_client, sandboxed, settings):
    from locker.downloads import _allowed_media_url

    settings.SEVENDIGITAL_MEDIA_HOSTS = ["media.geo.7digital.com", sandboxed.host]
    assert _allowed_media_url("http://media.geo.7digital.com/media/user/downloadtrack?x=1") == (
        "https://media.geo.7digital.com/media/user/downloadtrack?x=1"
    )
    # Only 7digital's own hosts: another allowed host keeps its scheme (the sandbox speaks http).
    assert _allowed_media_url(f"http://{sandboxed.host}/media/user/downloadtrack").startswith("http://")
    assert _allowed_media_url("http://media.geo.7digital.com.evil.example/x") is None


def test_credentials_echoed_in_a_7digital_error_are_scrubbed():
    from locker.sevendigital.client import ClientConfig, _scrubbed
    from locker.sevendigital.errors import OAuthError
    from locker.sevendigital.types import AccessToken

    token = AccessToken("tok-key-123", "tok-secret-456")
    config = ClientConfig(
        consumer_key="ck",
        consumer_secret="consumer-secret-789",
        api_url="http://x/1.2",
        stream_url="http://x",
        country="GB",
        shop_id=None,
        connect_timeout=1.0,
        read_timeout=1.0,
        retries=0,
        max_body_bytes=1024,
    )
    echoed = OAuthError("bad oauth_token=tok-key-123 secret tok-secret-456 consumer-secret-789")
    message = _scrubbed(echoed, config, token).message
    assert "tok-key-123" not in message and "tok-secret-456" not in message
    assert "consumer-secret-789" not in message and "***" in message


@pytest.mark.parametrize(
    ("path", "mode"),
    [
        ("/1.2/oauth/requesttoken", "error500"),
        ("/1.2/oauth/requesttoken", "garbage"),
        ("/1.2/oauth/accesstoken", "error500"),
        ("/1.2/oauth/accesstoken", "garbage"),
    ],
)
def test_token_request_errors_link_nothing_and_explain(client, customer, sandboxed, path, mode):
    from tests.locker.test_linking import dance

    client.force_login(customer)
    sandboxed.set_faults(mode=mode, paths=[path])
    if path.endswith("requesttoken"):
        response = client.post("/accounts/sevendigital/login/?process=connect")
    else:
        response = dance(client, sandboxed)
    assert response.status_code < HTTPStatus.INTERNAL_SERVER_ERROR
    assert not SevenDigitalLink.objects.filter(user=customer).exists()
    assert "7digital" in response.content.decode()


def test_plays_are_rate_limited(customer_client, sandboxed):
    from locker import track_views

    row = small_locker(customer_client)["downloadable"]
    statuses = [play(customer_client, row).status_code for _ in range(track_views.PLAYS_PER_MINUTE + 1)]
    assert statuses[: track_views.PLAYS_PER_MINUTE] == [HTTPStatus.OK] * track_views.PLAYS_PER_MINUTE
    assert statuses[-1] == HTTPStatus.TOO_MANY_REQUESTS
