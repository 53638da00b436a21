"""Helpers the browser tests import: Chromium's path and flags, signing in, axe, waits, screenshots."""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--autoplay-policy=no-user-gesture-required",
]
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def sign_in(page, email: str, password: str) -> None:
    """Through the sign-in form, as a customer does."""
    page.goto("/accounts/login/")
    page.get_by_label(re.compile("^Email")).fill(email)
    page.get_by_label(re.compile("^Password")).fill(password)
    page.get_by_role("button", name="Sign in").click()


def signed_in(page, user, to: str = "/locker/") -> None:
    """Open `to` already signed in as `user`: the session cookie the form would have set, for tests
    about what comes after (the form has its own: test_locker_browser.py, test_i18n_browser.py)."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    session = {
        "name": settings.SESSION_COOKIE_NAME,
        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
    }
    page.context.add_cookies(
        [{**session, "domain": "localhost", "path": "/", "httpOnly": True, "sameSite": "Lax"}]
    )
    page.goto(to)


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    # An init script runs outside the page's CSP (which rightly forbids injected inline scripts).
    page.add_init_script(path=str(AXE))
    page.reload()
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def wait_until(page, predicate: str, timeout: float = 10) -> None:
    """Poll a JS predicate from Python: page.wait_for_function evals strings, which our CSP forbids."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(predicate):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {predicate}")
        time.sleep(0.1)


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
