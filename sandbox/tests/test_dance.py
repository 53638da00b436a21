"""The whole three-legged dance: request token, the authorise page, access token, user details."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
import requests
from requests_oauthlib import OAuth1

from sandbox.testing import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, SandboxServer

from .helpers import DEMO, JSON

CALLBACK = "http://127.0.0.1:8000/accounts/sevendigital/login/callback/"


def request_token(sandbox, callback: str | None = CALLBACK) -> dict[str, str]:
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, callback_uri=callback)
    response = requests.post(f"{sandbox.api_url}/oauth/requesttoken", auth=auth)
    assert response.status_code == 200, response.text
    return dict(parse_qsl(response.text))


def authorise_url(sandbox, token: str, callback: str | None = None, key=DEMO_CONSUMER_KEY) -> str:
    url = f"{sandbox.url}/{key}/oauth/authorise?oauth_token={token}"
    if callback:
        url += "&" + requests.compat.urlencode({"oauth_callback": callback})
    return url


def allow(sandbox, url: str, email=DEMO, password="demo", action="allow") -> requests.Response:
    form = {"email": email, "password": password, "action": action}
    return requests.post(url, data=form, allow_redirects=False)


def access_token(sandbox, token: str, secret: str, **headers: str) -> requests.Response:
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, token, secret)
    return requests.post(f"{sandbox.api_url}/oauth/accesstoken", auth=auth, headers=headers)


def redirect_params(response: requests.Response) -> dict[str, list[str]]:
    assert response.status_code == 302, response.text
    return parse_qs(urlsplit(response.headers["Location"]).query)


def test_the_whole_dance_through_the_form(sandbox):
    pair = request_token(sandbox)
    assert pair["oauth_callback_confirmed"] == "true"
    page = requests.get(authorise_url(sandbox, pair["oauth_token"], CALLBACK))
    assert page.status_code == 200
    assert "<title>7digital sandbox: authorise Locker</title>" in page.text
    for needle in ('name="email"', 'name="password"', 'type="password"', ">Allow<", ">Deny<"):
        assert needle in page.text
    assert "Set-Cookie" not in page.headers

    done = allow(sandbox, authorise_url(sandbox, pair["oauth_token"], CALLBACK))
    assert done.headers["Location"].startswith(CALLBACK + "?")
    assert redirect_params(done) == {"oauth_token": [pair["oauth_token"]], "status": ["Authorised"]}

    answer = access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"])
    assert answer.status_code == 200, answer.text
    access = dict(parse_qsl(answer.text))
    assert set(access) == {"oauth_token", "oauth_token_secret"}
    assert access["oauth_token"] != pair["oauth_token"]

    auth = OAuth1(
        DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, access["oauth_token"], access["oauth_token_secret"]
    )
    details = requests.get(f"{sandbox.api_url}/user/details", auth=auth, headers=JSON)
    assert details.json() == {
        "status": "ok",
        "version": "1.2",
        "user": {"id": "108596530", "email": DEMO, "type": "user"},
    }
    xml = ET.fromstring(requests.get(f"{sandbox.api_url}/user/details", auth=auth).content)
    assert xml.attrib == {"status": "ok", "version": "1.2"}
    assert xml.find("user").get("id") == "108596530"
    assert xml.findtext("user/email") == DEMO
    assert xml.findtext("user/type") == "user"


def test_secrets_are_base64_and_need_encoding(sandbox):
    secrets = [request_token(sandbox)["oauth_token_secret"] for _ in range(5)]
    assert all(s.endswith("==") and len(s) == 24 for s in secrets)


def test_the_callback_recorded_with_the_request_token_is_used(sandbox):
    pair = request_token(sandbox, "http://example.test/back?next=%2Flocker%2F")
    done = allow(sandbox, authorise_url(sandbox, pair["oauth_token"]))
    location = done.headers["Location"]
    assert location.startswith("http://example.test/back?next=%2Flocker%2F&oauth_token=")
    assert redirect_params(done)["status"] == ["Authorised"]


def test_a_callback_sent_as_a_query_parameter_is_recorded(sandbox):
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET)
    response = requests.get(
        f"{sandbox.api_url}/oauth/requesttoken", params={"oauth_callback": CALLBACK}, auth=auth
    )
    token = dict(parse_qsl(response.text))["oauth_token"]
    done = allow(sandbox, authorise_url(sandbox, token))
    assert done.headers["Location"].startswith(CALLBACK + "?oauth_token=")


def test_a_wrong_password_shows_the_page_again(sandbox):
    pair = request_token(sandbox)
    page = allow(sandbox, authorise_url(sandbox, pair["oauth_token"]), password="wrong")
    assert page.status_code == 200
    assert "do not match" in page.text
    assert 'value="demo@sandbox.test"' in page.text
    refused = access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"])
    assert refused.status_code == 401


def test_deny_redirects_with_denied(sandbox):
    pair = request_token(sandbox)
    done = allow(sandbox, authorise_url(sandbox, pair["oauth_token"]), action="deny")
    assert redirect_params(done) == {
        "oauth_token": [pair["oauth_token"]],
        "status": ["Denied"],
        "denied": [pair["oauth_token"]],
    }
    refused = access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"])
    assert refused.status_code == 401
    assert ET.fromstring(refused.content).find("error").get("code") == "2002"


def test_an_unauthorised_request_token_gets_2002(sandbox):
    pair = request_token(sandbox)
    xml = access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"])
    assert xml.status_code == 401
    root = ET.fromstring(xml.content)
    assert root.get("status") == "error"
    assert root.find("error").get("code") == "2002"
    assert root.findtext("error/errorMessage") == "Request token has not been authorised"
    json = access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"], **JSON)
    assert json.status_code == 401
    assert json.json()["error"] == {
        "code": 2002,
        "errorMessage": "Request token has not been authorised",
    }


def test_a_request_token_is_single_use(sandbox):
    pair = request_token(sandbox)
    allow(sandbox, authorise_url(sandbox, pair["oauth_token"]))
    assert access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"]).status_code == 200
    again = access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"])
    assert again.status_code == 401
    assert again.text == "OAuth authentication error: Access to resource denied"
    page = requests.get(authorise_url(sandbox, pair["oauth_token"]))
    assert page.status_code == 400


def test_auto_approve_from_the_fault_config(sandbox):
    sandbox.set_faults(auto_approve="small@sandbox.test")
    pair = request_token(sandbox)
    done = requests.get(authorise_url(sandbox, pair["oauth_token"]), allow_redirects=False)
    assert redirect_params(done)["status"] == ["Authorised"]
    access = dict(
        parse_qsl(access_token(sandbox, pair["oauth_token"], pair["oauth_token_secret"]).text)
    )
    auth = OAuth1(
        DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, access["oauth_token"], access["oauth_token_secret"]
    )
    details = requests.get(f"{sandbox.api_url}/user/details", auth=auth, headers=JSON)
    assert details.json()["user"]["email"] == "small@sandbox.test"


def test_auto_approve_from_the_server_option():
    with SandboxServer(auto_approve="other@sandbox.test") as other:
        pair = request_token(other)
        done = requests.get(authorise_url(other, pair["oauth_token"]), allow_redirects=False)
        assert redirect_params(done)["status"] == ["Authorised"]
        answer = access_token(other, pair["oauth_token"], pair["oauth_token_secret"])
        assert answer.status_code == 200


def test_xml_token_answers(sandbox):
    sandbox.set_faults(token_format="xml")
    auth = OAuth1(DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, callback_uri=CALLBACK)
    answer = requests.post(f"{sandbox.api_url}/oauth/requesttoken", auth=auth)
    root = ET.fromstring(answer.content)
    assert root.attrib == {"status": "ok", "version": "1.2"}
    token = root.findtext("oauth_request_token/oauth_token")
    secret = root.findtext("oauth_request_token/oauth_token_secret")
    assert token and secret
    allow(sandbox, authorise_url(sandbox, token))
    access = ET.fromstring(access_token(sandbox, token, secret).content)
    assert access.findtext("oauth_access_token/oauth_token")
    assert access.findtext("oauth_access_token/oauth_token_secret")


@pytest.mark.parametrize(
    ("key", "token"),
    [("unknown-key", None), (DEMO_CONSUMER_KEY, "no-such-token"), (DEMO_CONSUMER_KEY, "")],
)
def test_bad_authorise_requests_get_a_400_page(sandbox, key, token):
    if token is None:
        token = request_token(sandbox)["oauth_token"]
    page = requests.get(authorise_url(sandbox, token, key=key))
    assert page.status_code == 400
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Cannot authorise" in page.text


def test_the_page_escapes_what_it_echoes(sandbox):
    token = request_token(sandbox)["oauth_token"]
    evil = 'http://127.0.0.1/cb?x="><script>alert(1)</script>'
    page = requests.get(authorise_url(sandbox, token, evil))
    assert "<script>" not in page.text
    page = allow(sandbox, authorise_url(sandbox, token), email='"><script>x</script>', password="x")
    assert "<script>" not in page.text


def test_a_non_http_callback_is_refused(sandbox):
    token = request_token(sandbox)["oauth_token"]
    page = requests.get(authorise_url(sandbox, token, "javascript:alert(1)"))
    assert page.status_code == 400
