"""Our query-string signatures pass oauthlib's own server-side verification."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from oauthlib.common import Request
from oauthlib.oauth1.rfc5849 import signature

from locker.sevendigital.client import ClientConfig, SevenDigitalClient
from locker.sevendigital.signing import sign_url
from locker.sevendigital.types import AccessToken

CONSUMER_SECRET = "consumer/secret+with=="
TOKEN = AccessToken("demo-token", "demo-secret+/=")


def verify(url: str, consumer_secret: str, token_secret: str | None) -> bool:
    """What an OAuth 1.0a server does with a query-signed GET."""
    query = urlsplit(url).query
    request = Request(url, "GET")
    request.params = signature.collect_parameters(uri_query=query, exclude_oauth_signature=True)
    request.signature = dict(parse_qsl(query)).get("oauth_signature", "")
    return signature.verify_hmac_sha1(request, consumer_secret, token_secret)


def oauth_params(url: str) -> dict[str, str]:
    return {k: v for k, v in parse_qsl(urlsplit(url).query) if k.startswith("oauth_")}


def client() -> SevenDigitalClient:
    return SevenDigitalClient(
        ClientConfig(
            consumer_key="locker-demo-key",
            consumer_secret=CONSUMER_SECRET,
            api_url="http://api.example.test/1.2",
            stream_url="http://stream.example.test/",
            country="GB",
            shop_id=34,
            connect_timeout=1.0,
            read_timeout=1.0,
            retries=0,
            max_body_bytes=1024,
        )
    )


def sign(url: str, **kwargs) -> str:
    return sign_url(url, consumer_key="k", consumer_secret=CONSUMER_SECRET, token=TOKEN, **kwargs)


def test_a_signed_url_verifies_with_secrets_containing_equals_plus_and_slash():
    url = sign("http://media.example.test/media/user/downloadtrack?formatid=17&trackid=5")
    assert verify(url, CONSUMER_SECRET, TOKEN.secret)
    params = oauth_params(url)
    assert params["oauth_signature_method"] == "HMAC-SHA1"
    assert params["oauth_consumer_key"] == "k"
    assert params["oauth_token"] == "demo-token"
    assert "demo-secret" not in url and "consumer/secret" not in url


def test_existing_and_extra_params_are_kept_and_signed():
    url = sign("http://h.test/p?b=2&a=x%20y&c=a%2Bb", extra_params={"country": "GB", "n": 3})
    pairs = parse_qsl(urlsplit(url).query)
    assert pairs[:5] == [("b", "2"), ("a", "x y"), ("c", "a+b"), ("country", "GB"), ("n", "3")]
    assert "a=x%20y" in url  # spaces stay %20
    assert verify(url, CONSUMER_SECRET, TOKEN.secret)


def test_two_legged_signing_without_a_token_verifies():
    url = sign_url("http://h.test/p", consumer_key="k", consumer_secret=CONSUMER_SECRET, token=None)
    assert "oauth_token" not in oauth_params(url)
    assert verify(url, CONSUMER_SECRET, None)


@pytest.mark.parametrize(
    "tamper",
    [
        lambda url: url.replace("trackid=5", "trackid=6"),
        lambda url: url.replace("formatid=17", "formatid=17&extra=1"),
        lambda url: url.replace("http://media.example.test", "http://other.example.test"),
        lambda url: url.replace("/downloadtrack", "/download/release"),
    ],
)
def test_a_tampered_url_is_rejected(tamper):
    url = sign("http://media.example.test/media/user/downloadtrack?formatid=17&trackid=5")
    assert verify(url, CONSUMER_SECRET, TOKEN.secret)
    assert not verify(tamper(url), CONSUMER_SECRET, TOKEN.secret)


def test_a_wrong_secret_or_a_stripped_signature_is_rejected():
    url = sign("http://media.example.test/media/user/downloadtrack?trackid=5")
    assert not verify(url, "consumer/secret+with=", TOKEN.secret)
    assert not verify(url, CONSUMER_SECRET, "demo-secret /=")  # "+" read as a space
    assert not verify(url, CONSUMER_SECRET, None)
    stripped = "&".join(p for p in url.split("&") if not p.startswith("oauth_signature="))
    assert not verify(stripped, CONSUMER_SECRET, TOKEN.secret)


def test_every_call_has_a_fresh_nonce():
    first = oauth_params(sign("http://h.test/p?x=1"))
    second = oauth_params(sign("http://h.test/p?x=1"))
    assert first["oauth_nonce"] != second["oauth_nonce"]
    assert first["oauth_signature"] != second["oauth_signature"]
    assert abs(int(first["oauth_timestamp"]) - int(second["oauth_timestamp"])) <= 1


def test_signed_media_url_drops_the_stale_signature_of_a_presigned_url():
    presigned = (
        "http://media.geo.7digital.com/media/user/downloadtrack?oauth_consumer_key=7djre5mr5e9z"
        "&oauth_nonce=ku4k7i9qgg4w09e6&oauth_signature=Sle%2F%2BMrsZMgzAG56gSnZGsOmsMw%3D"
        "&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1407841134&oauth_version=1.0a"
        "&formatid=17&partnerid=712&presigned=1&releaseid=3058001&shopid=34&trackid=32578219"
    )
    url = client().signed_media_url(presigned, TOKEN)
    keys = [k for k, _ in parse_qsl(urlsplit(url).query)]
    assert keys.count("oauth_signature") == 1 and keys.count("oauth_nonce") == 1
    assert "ku4k7i9qgg4w09e6" not in url and "1407841134" not in url
    assert oauth_params(url)["oauth_consumer_key"] == "locker-demo-key"
    assert ("trackid", "32578219") in parse_qsl(urlsplit(url).query)
    assert verify(url, CONSUMER_SECRET, TOKEN.secret)


def test_signed_stream_url_carries_track_format_country_and_shop():
    url = client().signed_stream_url(29286733, 26, TOKEN)
    assert url.startswith("http://stream.example.test/stream/locker?")
    params = dict(parse_qsl(urlsplit(url).query))
    assert (params["trackId"], params["formatId"], params["country"], params["shopId"]) == (
        "29286733",
        "26",
        "GB",
        "34",
    )
    assert verify(url, CONSUMER_SECRET, TOKEN.secret)
    with pytest.raises(ValueError):
        client().signed_stream_url(0, 26, TOKEN)
