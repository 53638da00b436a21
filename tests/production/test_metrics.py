"""Upstream call metrics (count + latency by endpoint and status) and the /metrics endpoint."""

from __future__ import annotations

import os
import re
import uuid

import pytest

from locker import metrics

TOKEN = "metrics-scraper-token-0123456789"


@pytest.fixture(autouse=True)
def fresh_metrics(settings):
    settings.METRICS_TOKEN = TOKEN
    metrics.process_metrics.reset()
    metrics.reset_shared()  # the suite may run on Redis (REDIS_URL): start from zero there too
    yield
    metrics.process_metrics.reset()
    metrics.reset_shared()


def value(text: str, name: str, **labels) -> float | None:
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name + "{"):
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0]))
        if all(got.get(k) == v for k, v in labels.items()) and set(got) - {"pid"} == set(labels):
            return float(line.rsplit(" ", 1)[1])
    return None


def test_observations_become_prometheus_counters_and_histograms():
    metrics.observe_upstream("user/locker", 200, 0.08)
    metrics.observe_upstream("user/locker", 200, 0.3)
    metrics.observe_upstream("user/locker", 500, 0.02)
    metrics.observe_upstream("user/details", None, 3.1)
    text = metrics.render_prometheus()
    assert "# TYPE locker_upstream_requests_total counter" in text
    assert "# TYPE locker_upstream_request_duration_seconds histogram" in text
    assert value(text, "locker_upstream_requests_total", endpoint="user/locker", status="200") == 2
    assert value(text, "locker_upstream_requests_total", endpoint="user/locker", status="500") == 1
    assert value(text, "locker_upstream_requests_total", endpoint="user/details", status="error") == 1
    bucket = "locker_upstream_request_duration_seconds_bucket"
    assert value(text, bucket, endpoint="user/locker", status="200", le="0.1") == 1
    assert value(text, bucket, endpoint="user/locker", status="200", le="0.5") == 2
    assert value(text, bucket, endpoint="user/locker", status="200", le="+Inf") == 2
    assert value(text, bucket, endpoint="user/details", status="error", le="2.5") == 0
    assert value(text, bucket, endpoint="user/details", status="error", le="5") == 1
    total = value(text, "locker_upstream_request_duration_seconds_sum", endpoint="user/locker", status="200")
    assert total == pytest.approx(0.38)
    assert value(text, "locker_process_upstream_requests_total", endpoint="user/locker", status="200") == 2


# ---- access control ------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_authenticate(client):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "locker_upstream" not in response.content.decode()


@pytest.mark.django_db
def test_customers_are_refused(client, customer):
    client.force_login(customer)
    response = client.get("/metrics")
    assert response.status_code == 403
    assert "locker_upstream" not in response.content.decode()


@pytest.mark.django_db
def test_staff_may_read_metrics(client, customer):
    customer.is_staff = True
    customer.save()
    client.force_login(customer)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "locker_upstream_metrics_shared" in response.content.decode()


@pytest.mark.django_db
def test_a_scraper_with_the_bearer_token_may_read_metrics(client):
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


@pytest.mark.django_db
def test_no_token_configured_means_no_bearer_access(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


# ---- wired into the 7digital client --------------------------------------------------------


def test_locker_page_views_are_counted_and_timed(customer_client, sandboxed):
    first = customer_client.get("/locker/")
    assert first.status_code == 200
    assert re.search(r'upstream;dur=[\d.]+;desc="7digital x1"', first["Server-Timing"])
    second = customer_client.get("/locker/")
    assert "upstream" not in second["Server-Timing"]  # served from the cache
    sandboxed.set_faults(mode="error500")
    customer_client.get("/locker/?sort=artistName+asc")
    text = metrics.render_prometheus()
    assert value(text, "locker_process_upstream_requests_total", endpoint="user/locker", status="200") == 1
    assert value(text, "locker_process_upstream_requests_total", endpoint="user/locker", status="500") >= 1


def test_a_paused_7digital_shows_in_the_metrics(customer_client, sandboxed, settings):
    settings.SEVENDIGITAL_BREAKER_FAILURES = 2
    assert re.search(r"^locker_upstream_paused 0$", metrics.render_prometheus(), re.M)
    sandboxed.set_faults(mode="error500")
    for sort in ("artistName+asc", "artistName+desc"):
        customer_client.get(f"/locker/?sort={sort}")
    assert re.search(r"^locker_upstream_paused 1$", metrics.render_prometheus(), re.M)


# ---- shared through Redis ------------------------------------------------------------------


def _redis_url() -> str:
    from bench.stack import redis_db

    return redis_db(os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0", 15)


@pytest.fixture
def redis_cache(settings):
    from bench.stack import drop_redis_prefix, redis_up

    url = _redis_url()
    if not redis_up(url):
        if os.environ.get("CI"):
            pytest.fail(f"Redis is not reachable at {url}")
        pytest.skip("Redis is not reachable on localhost")
    prefix = f"locker-metrics-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        }
    }
    yield
    drop_redis_prefix(url, prefix)


def test_with_redis_every_worker_adds_to_shared_totals(redis_cache):
    metrics.observe_upstream("user/locker", 200, 0.05)
    metrics.observe_upstream("user/locker", 200, 0.07)
    metrics.process_metrics.reset()  # as if another worker answers the scrape
    metrics.observe_upstream("user/locker", 429, 0.01)
    shared = metrics.shared_snapshot()
    assert shared[("user/locker", "200")].count == 2
    assert shared[("user/locker", "200")].seconds == pytest.approx(0.12)
    text = metrics.render_prometheus()
    assert "locker_upstream_metrics_shared 1" in text
    assert value(text, "locker_upstream_requests_total", endpoint="user/locker", status="200") == 2
    assert value(text, "locker_upstream_requests_total", endpoint="user/locker", status="429") == 1
    assert value(text, "locker_process_upstream_requests_total", endpoint="user/locker", status="200") is None


def test_an_unreachable_redis_never_breaks_a_request(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 0.2},
        }
    }
    metrics.observe_upstream("user/locker", 200, 0.05)  # no exception
    text = metrics.render_prometheus()
    assert "locker_upstream_metrics_shared 0" in text
    assert value(text, "locker_upstream_requests_total", endpoint="user/locker", status="200") == 1
