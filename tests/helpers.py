"""Helpers the tests import (fixtures stay in conftest.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from http import HTTPStatus
from pathlib import Path
from typing import Any

from tests.markup import Element, attribute, element, elements

PASSWORD = "correct-horse-battery-9"
ROOT = Path(__file__).resolve().parents[1]


def settings_in_subprocess(expression: str, env: dict[str, str]) -> Any:
    """The JSON value of `expression` over the settings (`s`) in a new Python started with `env`
    (plus DJANGO_SETTINGS_MODULE): settings read the environment once, at start-up."""
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({expression}))"
    )
    environ = {**env, "DJANGO_SETTINGS_MODULE": "lockersite.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


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


def assert_downloads_once(answer, sandbox, email: str, row: dict, before: int) -> str:
    """The answer (never cached) sends the browser to a signed media URL of the sandbox, which
    downloads the track and uses one of its downloads. Returns that URL."""
    import requests

    assert answer.status_code == HTTPStatus.OK
    assert "no-store" in answer["Cache-Control"]
    url = answer["HX-Redirect"]
    assert url.startswith(f"{sandbox.url}/media/user/downloadtrack?") and "oauth_signature=" in url
    media = requests.get(url, timeout=5)
    assert media.status_code == HTTPStatus.OK and "attachment" in media.headers["Content-Disposition"]
    assert sandbox.remaining(email, row["release"], row["track"]) == before - 1
    return url


def record_download(user, outcome: str, **fields):
    """A row of the customer's download history: release 1, track 2 in MP3 unless told otherwise."""
    from locker.models import DownloadEvent

    fields = {"release_id": 1, "track_id": 2, "format_id": 17, **fields}
    return DownloadEvent.objects.create(user=user, outcome=outcome, **fields)


def link_to_sandbox(user, sandbox, account_email: str):
    from locker.linking import link_with_token
    from locker.sevendigital.types import AccessToken

    return link_with_token(user, AccessToken(*sandbox.token_for(account_email)))


def download_buttons(page: str | Element) -> list[dict]:
    """Every Download button of a page that submits a download form (locker/_download_forms.html:
    form="dl-<release>-<format>", name="track", value=the track): {"release", "format", "track",
    "enabled"}."""
    found = []
    for button in elements(page, "button", class_="download"):
        form, track = attribute(button, "form") or "", attribute(button, "value")
        if form.startswith("dl-") and attribute(button, "name") == "track" and track:
            _, release, fmt = form.split("-")
            enabled = "disabled" not in button.attributes
            found.append(
                {"release": int(release), "format": int(fmt), "track": int(track), "enabled": enabled}
            )
    return found


def download_post(page: str, button: dict) -> dict:
    """What the browser posts for `button` without JavaScript: its form's fields (the CSRF token,
    release and format) and the button's own (the track)."""
    form = element(page, "form", id=f"dl-{button['release']}-{button['format']}")
    fields = {
        attribute(i, "name"): attribute(i, "value") or "" for i in elements(form, "input", type="hidden")
    }
    return {**fields, "track": str(button["track"])}
