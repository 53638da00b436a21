"""Signature checks on 3-legged calls, with 7digital's 401 plain-text messages."""

from __future__ import annotations

import time

import pytest
import requests
from requests_oauthlib import OAuth1

from sandbox.testing import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET

from .helpers import DEMO, signed_url, user_auth


def details(sandbox, auth) -> requests.Response:
    return requests.get(f"{sandbox.api_url}/user/details", auth=auth)


def assert_oauth_error(response: requests.Response, message: str) -> None:
    assert response.status_code == 401
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.text == f"OAuth authentication error: {message}"


@pytest.mark.parametrize("signature_type", ["AUTH_HEADER", "QUERY"])
def test_a_good_signature_passes(sandbox, signature_type):
    response = details(sandbox, user_auth(sandbox, DEMO, signature_type))
    assert response.status_code == 200, response.text
    assert sandbox.log("/1.2/user/details")[-1]["oauth"] == "ok"


def test_a_form_body_signature_passes(sandbox):
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, signature_type="BODY")
    response = requests.post(
        f"{sandbox.api_url}/oauth/requesttoken",
        data={"country": "GB"},
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        auth=auth,
    )
    assert response.status_code == 200, response.text


def test_a_wrong_consumer_secret_fails(sandbox):
    token, secret = sandbox.token_for(DEMO)
    auth = OAuth1(DEMO_CONSUMER_KEY, "locker-demo-secret", token, secret)  # without the "=="
    assert_oauth_error(details(sandbox, auth), "Invalid signature")
    assert sandbox.log()[-1]["oauth"] == "Invalid signature"


def test_a_wrong_token_secret_fails(sandbox):
    token, _ = sandbox.token_for(DEMO)
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, token, "demo-secret")
    assert_oauth_error(details(sandbox, auth), "Invalid signature")


def test_an_unknown_token_fails(sandbox):
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, "no-such-token", "x")
    assert_oauth_error(details(sandbox, auth), "Access to resource denied")


def test_another_accounts_token_with_the_wrong_secret_fails(sandbox):
    token, _ = sandbox.token_for("other@sandbox.test")
    _, secret = sandbox.token_for(DEMO)
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, token, secret)
    assert_oauth_error(details(sandbox, auth), "Invalid signature")


def test_an_unknown_consumer_fails(sandbox):
    token, secret = sandbox.token_for(DEMO)
    auth = OAuth1("someone-else", DEMO_CONSUMER_SECRET, token, secret)
    assert_oauth_error(details(sandbox, auth), "Invalid consumer key")


def test_a_tampered_parameter_fails(sandbox):
    url = signed_url(sandbox, f"{sandbox.api_url}/user/locker?country=GB&pageSize=5")
    assert requests.get(url).status_code == 200
    tampered = signed_url(sandbox, f"{sandbox.api_url}/user/locker?country=GB&pageSize=5")
    assert_oauth_error(
        requests.get(tampered.replace("pageSize=5", "pageSize=50")), "Invalid signature"
    )


def test_an_old_timestamp_fails(sandbox):
    auth = user_auth(sandbox, DEMO, timestamp=str(int(time.time()) - 301 - 5))
    assert_oauth_error(details(sandbox, auth), "Timestamp out of range")


def test_a_future_timestamp_fails(sandbox):
    auth = user_auth(sandbox, DEMO, timestamp=str(int(time.time()) + 400))
    assert_oauth_error(details(sandbox, auth), "Timestamp out of range")


def test_a_reused_nonce_fails(sandbox):
    assert details(sandbox, user_auth(sandbox, DEMO, nonce="once-only-nonce")).status_code == 200
    again = details(sandbox, user_auth(sandbox, DEMO, nonce="once-only-nonce"))
    assert_oauth_error(again, "Nonce already used")


def test_a_revoked_token_fails(sandbox):
    assert details(sandbox, user_auth(sandbox)).status_code == 200
    assert sandbox.revoke(email=DEMO) == 1
    assert_oauth_error(details(sandbox, user_auth(sandbox)), "Access to resource denied")


def test_revoking_by_token_over_http(sandbox):
    token, _ = sandbox.token_for(DEMO)
    response = requests.post(f"{sandbox.url}/_sandbox/revoke", json={"token": token})
    assert response.json() == {"revoked": 1}
    assert_oauth_error(details(sandbox, user_auth(sandbox)), "Access to resource denied")
    sandbox.reset()
    assert details(sandbox, user_auth(sandbox)).status_code == 200


def test_a_call_without_a_token_fails(sandbox):
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET)
    assert_oauth_error(details(sandbox, auth), "Resource requires access token")
    assert_oauth_error(details(sandbox, None), "Resource requires access token")


def test_a_request_token_is_not_an_access_token(sandbox):
    response = requests.post(
        f"{sandbox.api_url}/oauth/requesttoken",
        auth=OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET),
    )
    fields = dict(pair.split("=", 1) for pair in response.text.split("&"))
    token, secret = fields["oauth_token"], requests.utils.unquote(fields["oauth_token_secret"])
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, token, secret)
    assert_oauth_error(details(sandbox, auth), "Access to resource denied")


def test_a_malformed_authorization_header_fails(sandbox):
    response = requests.get(
        f"{sandbox.api_url}/user/details", headers={"Authorization": 'OAuth oauth_token="x'}
    )
    assert response.status_code == 401
    assert response.text.startswith("OAuth authentication error: ")
