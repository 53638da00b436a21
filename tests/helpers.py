"""Helpers the tests import (fixtures stay in conftest.py)."""

from __future__ import annotations

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
