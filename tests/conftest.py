"""Shared fixtures: a real 7digital sandbox over HTTP, settings pointing at it, and customers."""

from __future__ import annotations

import pytest
from django.core.cache import cache

PASSWORD = "correct-horse-battery-9"


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs():
    """The .mo files are built, not committed: compile any catalog newer than its .mo first."""
    from lockersite.catalogs import compile_stale

    compile_stale()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing is deliberately slow; tests create many customers.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    )


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


@pytest.fixture
def sandboxed(settings, sandbox):
    """Django talks to a freshly reset sandbox; caches start empty."""
    sandbox.reset()
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


def link_to_sandbox(user, sandbox, account_email: str):
    from locker.linking import link_with_token
    from locker.sevendigital.types import AccessToken

    return link_with_token(user, AccessToken(*sandbox.token_for(account_email)))


@pytest.fixture
def linked_customer(customer, sandboxed):
    """A customer linked to the sandbox's small locker (every track state, four releases)."""
    link_to_sandbox(customer, sandboxed, "small@sandbox.test")
    return customer


@pytest.fixture
def customer_client(client, linked_customer):
    client.force_login(linked_customer)
    return client
