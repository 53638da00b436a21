"""Metrics (prometheus_client): requests by route and status, 7digital calls by endpoint and
status, the breaker gauge, and who may read /metrics. Counters only grow in one process, so the
tests compare before and after."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Permission

from locker import metrics

TOKEN = "metrics-scraper-token-0123456789"


@pytest.fixture(autouse=True)
def metrics_token(settings):
    settings.METRICS_TOKEN = TOKEN


def value(text: str, name: str, **labels) -> float:
    """The sample `name{labels}` in Prometheus text (0 when absent)."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name + "{" if labels else name + " "):
            continue
        got = dict(re.findall(r'(\w+)="([^"]*)"', line.split("}")[0])) if labels else {}
        if got == labels:
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def sample(name: str, **labels) -> float:
    return value(metrics.render_prometheus(), name, **labels)


def test_observations_become_prometheus_counters_and_histograms():
    before = metrics.render_prometheus()
    metrics.observe_upstream("user/test-series", 200, 0.08)
    metrics.observe_upstream("user/test-series", 200, 0.3)
    metrics.observe_upstream("user/test-series", 500, 0.02)
    metrics.observe_upstream("user/test-details", None, 3.1)
    text = metrics.render_prometheus()
    assert "# TYPE locker_upstream_requests_total counter" in text
    assert "# TYPE locker_upstream_request_duration_seconds histogram" in text

    def grew(name, **labels):
        return value(text, name, **labels) - value(before, name, **labels)

    assert grew("locker_upstream_requests_total", endpoint="user/test-series", status="200") == 2
    assert grew("locker_upstream_requests_total", endpoint="user/test-series", status="500") == 1
    assert grew("locker_upstream_requests_total", endpoint="user/test-details", status="error") == 1
    bucket = "locker_upstream_request_duration_seconds_bucket"
    assert grew(bucket, endpoint="user/test-series", status="200", le="0.1") == 1
    assert grew(bucket, endpoint="user/test-series", status="200", le="0.5") == 2
    assert grew(bucket, endpoint="user/test-series", status="200", le="+Inf") == 2
    assert grew(bucket, endpoint="user/test-details", status="error", le="2.5") == 0
    assert grew(bucket, endpoint="user/test-details", status="error", le="5.0") == 1
    total = grew("locker_upstream_request_duration_seconds_sum", endpoint="user/test-series", status="200")
    assert total == pytest.approx(0.38)


# ---- access control ------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_visitors_are_asked_to_authenticate(client):
    response = client.get("/metrics")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "locker_upstream" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("staff", [False, True], ids=["customer", "staff-without-the-permission"])
def test_signed_in_users_without_the_metrics_permission_are_refused(client, customer, staff):
    customer.is_staff = staff
    customer.save()
    client.force_login(customer)
    response = client.get("/metrics")
    assert response.status_code == 403
    assert "locker_upstream" not in response.content.decode()


@pytest.mark.django_db
def test_users_with_the_metrics_permission_may_read_metrics(client, customer):
    customer.user_permissions.add(Permission.objects.get(codename="view_metrics"))
    client.force_login(customer)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=0.0.4")
    assert "locker_upstream_paused" in response.content.decode()


@pytest.mark.django_db
def test_a_scraper_with_the_bearer_token_may_read_metrics(client):
    assert client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong-token"}).status_code == 401
    assert client.get("/metrics", headers={"Authorization": f"Basic {TOKEN}"}).status_code == 401


@pytest.mark.django_db
def test_no_token_configured_means_no_bearer_access(client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", headers={"Authorization": "Bearer "}).status_code == 401


# ---- requests and 7digital calls -----------------------------------------------------------


def test_requests_are_counted_and_timed_by_route_and_status(customer_client, sandboxed):
    labels = {"route": "locker/", "method": "GET", "status": "200"}
    count = sample("locker_http_requests_total", **labels)
    slow = sample("locker_http_request_duration_seconds_bucket", le="+Inf", **labels)
    assert customer_client.get("/locker/").status_code == 200
    assert customer_client.get("/locker/?sort=artistName+asc&pageSize=10&page=1").status_code == 200
    assert sample("locker_http_requests_total", **labels) == count + 2
    assert sample("locker_http_request_duration_seconds_bucket", le="+Inf", **labels) == slow + 2
    # The route, never the path: ids and junk paths don't each make a series.
    track = {"route": "locker/track/<int:release_id>/<int:track_id>/", "method": "GET"}
    before = sum(sample("locker_http_requests_total", **track, status=s) for s in ("200", "404"))
    customer_client.get("/locker/track/1/2/")
    customer_client.get("/locker/track/3/4/")
    after = sum(sample("locker_http_requests_total", **track, status=s) for s in ("200", "404"))
    assert after == before + 2
    unmatched = {"route": "<unmatched>", "method": "GET", "status": "404"}
    missing = sample("locker_http_requests_total", **unmatched)
    customer_client.get("/no/such/page-12345/")
    assert sample("locker_http_requests_total", **unmatched) == missing + 1
    assert "page-12345" not in metrics.render_prometheus()


@pytest.mark.django_db
def test_probes_are_counted_under_their_route(client):
    labels = {"route": "readyz", "method": "GET", "status": "200"}
    before = sample("locker_http_requests_total", **labels)
    client.get("/readyz")
    assert sample("locker_http_requests_total", **labels) == before + 1


def test_locker_page_views_are_counted_and_timed(customer_client, sandboxed):
    ok = {"endpoint": "user/locker", "status": "200"}
    failed = {"endpoint": "user/locker", "status": "500"}
    calls, errors = (
        sample("locker_upstream_requests_total", **ok),
        sample("locker_upstream_requests_total", **failed),
    )
    first = customer_client.get("/locker/")
    assert first.status_code == 200
    assert re.search(r'upstream;dur=[\d.]+;desc="7digital x1"', first["Server-Timing"])
    second = customer_client.get("/locker/")
    assert "upstream" not in second["Server-Timing"]  # served from the cache
    sandboxed.set_faults(mode="error500")
    customer_client.get("/locker/?sort=artistName+asc")
    assert sample("locker_upstream_requests_total", **ok) == calls + 1
    assert sample("locker_upstream_requests_total", **failed) >= errors + 1


def test_a_paused_7digital_shows_in_the_metrics(customer_client, sandboxed, settings):
    settings.SEVENDIGITAL_BREAKER_FAILURES = 2
    assert re.search(r"^locker_upstream_paused 0.0$", metrics.render_prometheus(), re.M)
    sandboxed.set_faults(mode="error500")
    for sort in ("artistName+asc", "artistName+desc"):
        customer_client.get(f"/locker/?sort={sort}")
    assert re.search(r"^locker_upstream_paused 1.0$", metrics.render_prometheus(), re.M)
