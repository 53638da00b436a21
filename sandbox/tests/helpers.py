"""Helpers the sandbox's tests import: its accounts, signed requests and catalogue look-ups."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import requests
from requests_oauthlib import OAuth1

from sandbox.demo import demo_catalogue
from sandbox.testing import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, SandboxServer

DEMO = "demo@sandbox.test"
SMALL = "small@sandbox.test"
OTHER = "other@sandbox.test"
EMPTY = "empty@sandbox.test"
JSON = {"Accept": "application/json"}


def user_auth(
    sandbox: SandboxServer, email: str = DEMO, signature_type: str = "AUTH_HEADER", **kw: str
) -> OAuth1:
    token, secret = sandbox.token_for(email)
    return OAuth1(
        DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET, token, secret, signature_type=signature_type, **kw
    )


def get_locker(
    sandbox: SandboxServer, email: str = DEMO, fmt: str = "json", **params: object
) -> requests.Response:
    params.setdefault("country", "GB")
    headers = JSON if fmt == "json" else {"Accept": "application/xml"}
    return requests.get(
        f"{sandbox.api_url}/user/locker",
        params=params,
        headers=headers,
        auth=user_auth(sandbox, email),
    )


def releases_of(response: requests.Response) -> list[dict]:
    assert response.status_code == 200, response.text
    return response.json()["locker"]["lockerReleases"].get("lockerRelease", [])


def xml_of(response: requests.Response) -> ET.Element:
    return ET.fromstring(response.content)


def release_id(key: str) -> int:
    return demo_catalogue().by_key[key]


def first_track_id(key: str, number: int = 1) -> int:
    return demo_catalogue().tracks[release_id(key)][number - 1].id


def signed_url(sandbox: SandboxServer, url: str, email: str = DEMO, **kw: str) -> str:
    """A URL signed in its query string, the way the Locker signs media and stream URLs."""
    prepared = requests.Request("GET", url, auth=user_auth(sandbox, email, "query", **kw)).prepare()
    return prepared.url
