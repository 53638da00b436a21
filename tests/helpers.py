"""Helpers the tests import (fixtures stay in conftest.py)."""

from __future__ import annotations

import html as html_lib
import re

PASSWORD = "correct-horse-battery-9"


def point_settings_at(settings, sandbox) -> None:
    from sandbox.testing import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET

    settings.SEVENDIGITAL_CONSUMER_KEY = DEMO_CONSUMER_KEY
    settings.SEVENDIGITAL_CONSUMER_SECRET = DEMO_CONSUMER_SECRET
    settings.SEVENDIGITAL_API_URL = sandbox.api_url
    settings.SEVENDIGITAL_ACCOUNT_URL = sandbox.url
    settings.SEVENDIGITAL_STREAM_URL = sandbox.url
    settings.SEVENDIGITAL_MEDIA_HOSTS = [sandbox.host]
    settings.SEVENDIGITAL_RETRIES = 0
    settings.SOCIALACCOUNT_PROVIDERS = {
        "sevendigital": {
            "APPS": [{"client_id": DEMO_CONSUMER_KEY, "secret": DEMO_CONSUMER_SECRET, "key": ""}]
        }
    }
    csp = dict(settings.SECURE_CSP)
    csp["img-src"] = [*csp["img-src"], sandbox.url]
    csp["media-src"] = [*csp["media-src"], sandbox.url]
    csp["form-action"] = [*csp["form-action"], sandbox.url]
    csp["frame-src"] = [*csp.get("frame-src", []), sandbox.url]
    settings.SECURE_CSP = csp


def link_to_sandbox(user, sandbox, account_email: str):
    from locker.linking import link_with_token
    from locker.sevendigital.types import AccessToken

    return link_with_token(user, AccessToken(*sandbox.token_for(account_email)))


# A row's Download button submits its release's form for that format (locker/_download_forms.html):
# <button type="submit" form="dl-<release>-<format>" name="track" value="<track>" ... class="button download"...>
DOWNLOAD_BUTTON = re.compile(
    r'<button type="submit" form="dl-(\d+)-(\d+)" name="track" value="(\d+)"([^>]*)>'
)
# An enabled one: nothing (no `disabled`) after its class.
ENABLED_DOWNLOAD = re.compile(
    r'<button type="submit" form="dl-\d+-\d+" name="track"[^>]*class="button download[^"]*"\s*>'
)


def download_buttons(page: str) -> list[dict]:
    """Every Download button of a page: {"release", "format", "track", "enabled"}."""
    return [
        {"release": int(r), "format": int(f), "track": int(t), "enabled": "disabled" not in rest}
        for r, f, t, rest in DOWNLOAD_BUTTON.findall(page)
    ]


def download_post(page: str, button: dict) -> dict:
    """What the browser posts for `button` without JavaScript: its form's fields (the CSRF token,
    release and format) and the button's own (the track)."""
    form = re.search(rf'<form id="dl-{button["release"]}-{button["format"]}"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no download form for {button}"
    fields = {
        n: html_lib.unescape(v)
        for n, v in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form[1])
    }
    return {**fields, "track": str(button["track"])}
