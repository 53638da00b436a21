"""Browser tests in Debian's Chromium, driven by Playwright's sync API (no browser download)."""

from __future__ import annotations

import os

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="package")
def browser():
    if not os.path.exists(CHROMIUM):
        missing = f"Chromium not found at {CHROMIUM}: install Debian's chromium package (make browser)"
        if os.environ.get("CI"):
            pytest.fail(missing)  # CI must never pass by skipping every browser test
        pytest.skip(missing)
    from playwright.sync_api import sync_playwright

    # Playwright runs an event loop in this thread while the browser tests run; their ORM calls are
    # still synchronous. Allowed only for this package, so no later test or subprocess inherits it.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield launched
            launched.close()
    finally:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


@pytest.fixture
def page(browser, live_server, sandboxed):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def phone(browser, live_server, sandboxed):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()
