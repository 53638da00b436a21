"""/healthz (alive) and /readyz (database and cache reachable, 503 otherwise)."""

from __future__ import annotations

import pytest
from django.db import OperationalError

REDIS_NOWHERE = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_answer_200_when_all_is_well(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/healthz/", "/readyz/"])
def test_probes_have_one_spelling(client, path):
    """deploy/nginx.conf keeps /readyz from the public: no second spelling may slip past it."""
    assert client.get(path).status_code == 404


def test_healthz_touches_neither_database_nor_cache(client, settings):
    settings.CACHES = REDIS_NOWHERE  # no database access allowed here either (no django_db mark)
    response = client.get("/healthz")
    assert response.status_code == 200


@pytest.mark.django_db
def test_readyz_names_an_unreachable_cache_but_stays_in_rotation(client, settings):
    """The page cache (Redis) is optional: the site serves without it, so readiness says
    "degraded" with the cache named, and stays 200 (every server answering 503 at once would
    turn a Redis outage into a site outage)."""
    settings.CACHES = {**settings.CACHES, "default": REDIS_NOWHERE["default"]}
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["state"] == "ok"
    assert body["checks"]["cache"].startswith("error: ")


@pytest.mark.django_db
def test_readyz_is_503_when_the_shared_state_is_unreachable(client, settings):
    settings.CACHES = {**settings.CACHES, "state": REDIS_NOWHERE["default"]}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["state"].startswith("error: ")


@pytest.mark.django_db
def test_readyz_is_503_when_the_database_is_unreachable(client, monkeypatch):
    from django.db import connections

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connections["default"], "cursor", broken_cursor)
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "error: OperationalError",
        "state": "error: OperationalError",
        "cache": "ok",
    }


@pytest.mark.django_db
def test_probes_skip_host_validation_and_the_https_redirect(client, settings):
    """A load balancer probes each server by IP over plain HTTP."""
    settings.ALLOWED_HOSTS = ["locker.example.com"]
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz", headers={"host": "10.0.0.7:8000"}).status_code == 200
    assert client.get("/readyz", headers={"host": "10.0.0.7:8000"}).status_code == 200
    # Everything else is still protected.
    assert client.get("/", headers={"host": "10.0.0.7:8000"}).status_code == 400
    assert client.get("/", headers={"host": "locker.example.com"}).status_code == 301


def test_head_probes_work(client):
    assert client.head("/healthz").status_code == 200


def test_the_nginx_example_keeps_probes_and_metrics_from_the_public():
    import re
    from pathlib import Path

    from lockersite.health import PATHS

    conf = (Path(__file__).resolve().parents[2] / "deploy" / "nginx.conf").read_text()
    block = re.search(r"location ~ (\S+) \{([^}]*)\}", conf)
    assert block and "deny all;" in block.group(2)
    for path in [*PATHS, "/metrics"]:
        for spelling in (path, path + "/"):
            assert re.match(block.group(1), spelling), spelling
