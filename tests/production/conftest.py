"""Fixtures for the production tests: sane production environment values and a loopback stack.

The stack (bench/stack.py) is the sandbox and gunicorn with DEBUG off, on 127.0.0.1 only. It uses
its own SQLite file, or its own PostgreSQL database and Redis key prefix when DATABASE_URL and
REDIS_URL point at them (the second CI run), never the test database.

Tests marked `long` run only with LOCKER_LONG_TESTS=1 (`make test-long`); CI runs the bounded
versions (marked `slow`: `make test` leaves them out).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import pytest

LONG = os.environ.get("LOCKER_LONG_TESTS") == "1"


def pytest_configure(config):
    config.addinivalue_line("markers", "long: minutes-long load/fault test; runs with LOCKER_LONG_TESTS=1")


def pytest_collection_modifyitems(config, items):
    if LONG:
        return
    skip = pytest.mark.skip(reason="long test: set LOCKER_LONG_TESTS=1 (make test-long)")
    for item in items:
        if "long" in item.keywords:
            item.add_marker(skip)


@pytest.fixture
def production_env() -> dict[str, str]:
    """What a real deployment sets (deploy/README.md): enough for `check --deploy` to be clean."""
    from cryptography.fernet import Fernet

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lockersite.settings",
            "DEBUG": "0",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "locker.example.com",
            "CSRF_TRUSTED_ORIGINS": "https://locker.example.com",
            "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
            "SEVENDIGITAL_API_URL": "https://api.7digital.com/1.2",
            "SEVENDIGITAL_ACCOUNT_URL": "https://account.7digital.com",
            "SEVENDIGITAL_STREAM_URL": "https://stream.svc.7digital.net",
            "SEVENDIGITAL_MEDIA_HOSTS": "media.geo.7digital.com",
            "METRICS_TOKEN": secrets.token_urlsafe(24),
        }
    )
    return env


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """One collectstatic (whitenoise, compressed + hashed) per test session, shared by stacks."""
    return tmp_path_factory.mktemp("static")


@pytest.fixture(scope="package")
def stack_backends():
    """(database_url, redis_url) for a stack: its own PostgreSQL database when the suite runs on
    PostgreSQL (else a SQLite file), and Redis (own key prefix) whenever it is reachable."""
    from bench.stack import drop_postgres_database, drop_redis_prefix, postgres_database, redis_db, redis_up

    database_url = os.environ.get("DATABASE_URL", "")
    # Production shares one Redis between workers; use it whenever this machine has one, in a
    # database apart from the suite's (and under a key prefix of the stack's own).
    redis_url = redis_db(os.environ.get("REDIS_URL", "") or "redis://127.0.0.1:6379/0", 15)
    if not redis_up(redis_url):
        redis_url = None
    made = None
    if database_url.startswith(("postgres://", "postgresql://")):
        name = f"locker_stack_{os.getpid()}"
        made = name
        database_url = postgres_database(database_url, name)
    else:
        database_url = None
    yield database_url, redis_url
    if made:
        drop_postgres_database(os.environ["DATABASE_URL"], made)
    if redis_url:
        drop_redis_prefix(redis_url, f"locker-stack-{os.getpid()}")


@pytest.fixture(scope="package")
def stack(tmp_path_factory, collected_static, stack_backends):
    """(app, sandbox, users): gunicorn with production settings + the sandbox, 50 linked customers.

    Fresh pages live only CACHE_SECONDS and 7digital calls time out after READ_TIMEOUT, so that
    the fault tests see both within seconds.
    """
    from bench.stack import AppServer, SandboxProcess
    from tests.production.load import CACHE_SECONDS, READ_TIMEOUT, USERS

    database_url, redis_url = stack_backends
    workdir = tmp_path_factory.mktemp("stack")
    with SandboxProcess(workdir) as sandbox:
        app = AppServer(
            sandbox,
            workdir,
            database_url=database_url,
            redis_url=redis_url,
            static_root=collected_static,
            env={
                "LOCKER_CACHE_SECONDS": str(CACHE_SECONDS),
                "SEVENDIGITAL_READ_TIMEOUT": str(READ_TIMEOUT),
                "SEVENDIGITAL_CONNECT_TIMEOUT": "1",
                "LOG_LEVEL": "INFO",
            },
        )
        users = app.prepare(users=USERS, account="small@sandbox.test")
        app.start()
        try:
            yield app, sandbox, users
        finally:
            app.stop()


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of this test's own (free port, no persistence), to freeze and stop. Skips
    where redis-server is missing, except in CI (env CI set), where that is a failure."""
    from bench.faults import RedisServer

    if RedisServer.binary() is None:
        if os.environ.get("CI"):
            pytest.fail("redis-server is required in CI (apt-get install redis-server)")
        pytest.skip("redis-server not installed")
    with RedisServer(tmp_path / "redis") as server:
        yield server
