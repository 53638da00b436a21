"""The production stack serves the locker: gunicorn + whitenoise + security headers + JSON logs."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest

from tests.markup import attribute, elements

# Its own gunicorn stack takes ~10 s to start: CI's slow pass runs it, `make test` leaves it out.
pytestmark = pytest.mark.slow


def test_the_locker_is_served_with_production_headers(stack):
    app, sandbox, users = stack
    reply = app.get("/locker/", user=users[-1])
    assert reply.status == 200
    html = reply.body.decode()
    assert "<article" in html
    headers = reply.headers
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains; preload"
    assert "default-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["referrer-policy"] == "same-origin"
    assert "camera=()" in headers["permissions-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert re.fullmatch(r"[0-9a-f]{32}", headers["x-request-id"])
    assert headers["server-timing"].startswith("app;dur=")


def test_plain_http_is_redirected_to_https_but_probes_are_not(stack):
    app, _, _ = stack
    reply = app.get("/locker/", headers={"X-Forwarded-Proto": "http"})
    assert reply.status == 301 and reply.headers["location"].startswith("https://")
    assert app.get("/healthz", headers={"X-Forwarded-Proto": "http", "Host": "10.1.2.3"}).status == 200
    ready = app.get("/readyz", headers={"X-Forwarded-Proto": "http", "Host": "10.1.2.3"})
    assert ready.status == 200 and json.loads(ready.body)["checks"] == {
        "database": "ok",
        "state": "ok",
        "cache": "ok",
    }
    assert app.get("/", headers={"Host": "evil.example"}).status == 400


def test_cookies_are_secure(stack):
    app, _, _ = stack
    reply = app.get("/accounts/login/")
    cookie = reply.headers["set-cookie"]
    assert "csrftoken=" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie


def test_static_files_are_hashed_compressed_and_cached_forever(stack):
    app, _, users = stack
    html = app.get("/locker/", user=users[-1]).body.decode()
    sheets = [attribute(link, "href") or "" for link in elements(html, "link", rel="stylesheet")]
    assert sheets and all(re.fullmatch(r"/static/\S+\.[0-9a-f]{12}\.css", s) for s in sheets), sheets
    reply = app.get(sheets[0], headers={"Accept-Encoding": "gzip"})
    assert reply.status == 200
    assert reply.headers["content-encoding"] == "gzip"
    assert (
        "immutable" in reply.headers["cache-control"]
        and "max-age=315360000" in reply.headers["cache-control"]
    )
    assert b"{" in gzip.decompress(reply.body)


def test_access_lines_are_json_with_the_request_id(stack):
    app, _, users = stack
    reply = app.get("/locker/", user=users[-1], headers={"X-Request-ID": "serving-test-42"})
    assert reply.headers["x-request-id"] == "serving-test-42"
    lines = (Path(app.workdir) / "gunicorn.log").read_text().splitlines()
    entries = [json.loads(line) for line in lines if line.startswith("{")]
    mine = [e for e in entries if e.get("request_id") == "serving-test-42"]
    assert mine and mine[-1]["logger"] == "locker.access" and mine[-1]["status"] == 200
    assert mine[-1]["user_id"] == users[-1].id


def test_metrics_need_the_token_and_count_upstream_calls(stack):
    app, _, users = stack
    assert app.get("/metrics").status == 401
    assert app.get("/metrics", user=users[-1]).status == 403
    app.get("/locker/?sort=releaseTitle+desc", user=users[-1])
    text = app.metrics()
    assert re.search(r'locker_upstream_requests_total\{endpoint="user/locker",status="200"\} [1-9]', text)


def http_count(text: str, route: str) -> float:
    pattern = rf'^locker_http_requests_total\{{method="GET",route="{re.escape(route)}",status="200"\}} (\S+)$'
    found = re.search(pattern, text, re.M)
    return float(found.group(1)) if found else 0.0


def test_every_worker_answers_a_scrape_with_the_servers_totals(stack):
    """Without a shared store each worker reported its own counts (1, 4, 1: false resets)."""
    app, _, _ = stack
    scrape = {"Authorization": f"Bearer {app.metrics_token}"}
    before = http_count(app.get("/metrics", headers=scrape, keepalive=False).body.decode(), "healthz")
    for _ in range(40):  # fresh connections: spread over the workers
        assert app.get("/healthz", keepalive=False).status == 200
    counts = {
        http_count(app.get("/metrics", headers=scrape, keepalive=False).body.decode(), "healthz")
        for _ in range(8)
    }
    assert counts == {before + 40}, counts
