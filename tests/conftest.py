"""Shared fixtures: a real 7digital sandbox over HTTP, settings pointing at it, and customers."""

from __future__ import annotations

import os

import pytest
from django.core.cache import cache

from tests.helpers import PASSWORD, link_to_sandbox, point_settings_at
from tests.live_server import count_requests, wait_idle
from tests.widget.helpers import make_partner, widget_config

count_requests()  # before pytest-django's session live server starts


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The .mo files are built, not committed: compile any catalog newer than its .mo first."""
    from lockersite.catalogs import compile_stale

    compile_stale()


@pytest.fixture(scope="session", autouse=True)
def worker_cache_prefix(worker_id):
    """Each pytest-xdist worker keeps its page-cache keys under its own prefix, in Redis too (a
    prefix-scoped `cache.clear()`, lockersite/redis_cache.py, then never empties another worker's)."""
    from django.conf import settings
    from django.test import override_settings

    if worker_id == "master":
        yield
        return
    default = settings.CACHES["default"]
    prefix = f"{default.get('KEY_PREFIX', '')}-{worker_id}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("CACHE_KEY_PREFIX", prefix)  # servers the tests start (make run, gunicorn)
        with override_settings(CACHES={**settings.CACHES, "default": {**default, "KEY_PREFIX": prefix}}):
            yield


@pytest.fixture(scope="session")
def live_server(django_db_setup):
    """pytest-django's live server, started only once the test database exists: started before,
    it would not know SQLite's database is in memory, and its threads would each open their own
    connection to it and lock each other out."""
    from pytest_django.live_server_helper import LiveServer

    server = LiveServer(os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost"))
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def live_server_settles(request):
    """A request a test's browser started is answered before the next test resets the sandbox
    and the database (it once logged a call into the next test's count)."""
    yield
    if "live_server" in request.fixturenames:
        wait_idle(request.getfixturevalue("live_server"))


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts and ends in the default language: a request or mail in another language
    leaves that language active in the thread, where the next test in the worker would find it."""
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fresh_breaker_reading(monkeypatch):
    """Pages may go by a breaker reading up to a second old (upstream_breaker.py); the database
    it was read from is rolled back after each test, so no reading outlives its test."""
    from locker.upstream_breaker import breaker

    monkeypatch.setattr(breaker, "_seen", None)


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests create many customers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def steady_rate_limit_clock(monkeypatch):
    """Rate-limit windows don't roll over mid-test (a loop straddling a minute boundary once
    reset its count): the throttle's clock stands still unless a test moves it."""
    from locker import throttle

    monkeypatch.setattr(throttle, "clock", lambda: 1_800_000_000.0)


@pytest.fixture(scope="session")
def sandbox():
    from sandbox.testing import SandboxServer

    with SandboxServer() as server:
        yield server


@pytest.fixture
def sandbox_config(sandbox):
    from locker.sevendigital.client import ClientConfig
    from sandbox.testing import DEMO_CONSUMER_KEY, DEMO_CONSUMER_SECRET

    return ClientConfig(
        consumer_key=DEMO_CONSUMER_KEY,
        consumer_secret=DEMO_CONSUMER_SECRET,
        api_url=sandbox.api_url,
        stream_url=sandbox.url,
        country="GB",
        shop_id=None,
        connect_timeout=3.05,
        read_timeout=10.0,
        retries=2,
        max_body_bytes=8 * 1024 * 1024,
    )


@pytest.fixture
def sandboxed(settings, sandbox):
    """Django talks to a freshly reset sandbox; caches start empty."""
    sandbox.reset()
    sandbox.clear_log()  # the request log is bounded: counts taken from it need an empty start
    point_settings_at(settings, sandbox)
    cache.clear()
    yield sandbox
    sandbox.reset()  # counts and revocations too, not only faults: the next test owns its state
    cache.clear()


@pytest.fixture
def customer_factory(db, django_user_model):
    def make(email: str = "ada@example.com"):
        from allauth.account.models import EmailAddress

        user = django_user_model.objects.create_user(
            username=email.split("@")[0], email=email, password=PASSWORD
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        return user

    return make


@pytest.fixture
def customer(customer_factory):
    return customer_factory()


@pytest.fixture
def linked_customer(customer, sandboxed):
    """A customer linked to the sandbox's small locker (every track state, four releases)."""
    link_to_sandbox(customer, sandboxed, "small@sandbox.test")
    return customer


@pytest.fixture
def customer_client(client, linked_customer):
    client.force_login(linked_customer)
    return client


# Widget partners and tokens: the widget's tests use them, and so do the locker's download rules.
@pytest.fixture
def partner(db):
    return make_partner()


@pytest.fixture
def mint(partner):
    def make(subject: str = "ada@example.com", **kwargs) -> str:
        from locker.widget import tokens

        return tokens.mint(partner.slug, partner.secret, subject=subject, **kwargs)

    return make


@pytest.fixture
def open_widget(client, mint):
    """Open the widget with a fresh token; returns (response, session id)."""

    def open_(subject: str = "ada@example.com", query: str = "", **headers):
        response = client.get(f"/widget/locker/?token={mint(subject)}{query}", headers=headers)
        return response, widget_config(response)["session"] if response.status_code == 200 else ""

    return open_
