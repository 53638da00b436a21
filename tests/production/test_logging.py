"""Structured JSON logs with request ids, and no tokens or signed URLs in any log line."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest

from bench.stack import download_buttons
from locker.request_middleware import valid_request_id
from lockersite.logging import (
    REDACTED,
    JsonFormatter,
    RedactingFilter,
    RequestIdFilter,
    TextFormatter,
    redact,
)

SIGNED_MEDIA = (
    "https://media.geo.7digital.com/media/user/downloadtrack?releaseId=1&trackId=2&formatId=17"
    "&oauth_consumer_key=key&oauth_nonce=n0nce&oauth_signature_method=HMAC-SHA1&oauth_timestamp=1700000000"
    "&oauth_token=SECRET-TOKEN&oauth_version=1.0&oauth_signature=SIG%2Bnature%3D"
)


@pytest.fixture
def captured():
    """Every record from every logger, as the production handler would write it (JSON lines)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    lines = []

    def read():
        lines[:] = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
        return lines

    yield read
    root.removeHandler(handler)
    root.setLevel(old_level)


# ---- redaction -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        SIGNED_MEDIA,
        f"redirecting to {SIGNED_MEDIA} now",
        "http://127.0.0.1:8001/stream/locker?trackId=1&formatId=26&country=GB&oauth_token=SECRET-TOKEN&oauth_signature=abc",
        'Authorization: OAuth oauth_consumer_key="key", oauth_token="SECRET-TOKEN", oauth_signature="SIG%3D"',
        "/accounts/sevendigital/login/callback/?oauth_token=SECRET-TOKEN&status=Authorised",
        "next=%2Fmedia%3Foauth_token%3DSECRET-TOKEN%26oauth_signature%3Dabc",
        "{'oauth_token': 'SECRET-TOKEN', 'oauth_token_secret': 'SECRET-TOKEN'}",
        '{"oauth_signature": "SECRET-TOKEN"}',
        "Authorization: Bearer SECRET-TOKEN-1234",
    ],
)
def test_redact_removes_oauth_material(text):
    cleaned = redact(text)
    assert "SECRET-TOKEN" not in cleaned
    assert "SIG" not in cleaned
    assert REDACTED in cleaned


def test_redact_keeps_ordinary_text_and_urls():
    for text in ["GET /locker/ 200", "/locker/?sort=purchaseDate+desc&page=2", "user 7 relinked", ""]:
        assert redact(text) == text


def test_request_ids_from_clients_are_checked():
    assert valid_request_id("abc-123_DEF.9") == "abc-123_DEF.9"
    assert valid_request_id("b3c5e6f0-1c2d-4e5f-8a9b-0c1d2e3f4a5b") is not None
    for bad in [None, "", "x" * 200, "two words", "line\nbreak", '"quoted"', "<script>"]:
        assert valid_request_id(bad) is None


# ---- formatters and filters ----------------------------------------------------------------


def _record(msg, *args, exc_info=None, **extra):
    record = logging.LogRecord("locker.test", logging.WARNING, __file__, 1, msg, args, exc_info)
    record.__dict__.update(extra)
    return record


def test_json_formatter_writes_one_json_object_per_line():
    record = _record("fetched %s in %d ms", "user/locker", 12, status=200, upstream="user/locker")
    line = JsonFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["msg"] == "fetched user/locker in 12 ms"
    assert entry["level"] == "WARNING" and entry["logger"] == "locker.test"
    assert entry["request_id"] == "-"
    assert entry["status"] == 200 and entry["upstream"] == "user/locker"
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", entry["ts"])


def test_arguments_extras_and_tracebacks_are_redacted():
    try:
        raise ValueError(f"could not fetch {SIGNED_MEDIA}")
    except ValueError:
        import sys

        record = _record("redirect to %s", SIGNED_MEDIA, exc_info=sys.exc_info(), url=SIGNED_MEDIA)
    assert RedactingFilter().filter(record)
    entry = json.loads(JsonFormatter().format(record))
    blob = json.dumps(entry)
    assert "SECRET-TOKEN" not in blob and "SIG%2Bnature" not in blob
    assert "ValueError" in entry["exc"]
    assert entry["msg"].startswith("redirect to https://media.geo.7digital.com/media/user/downloadtrack?")


def test_the_text_format_is_redacted_too():
    record = _record("redirect to %s", SIGNED_MEDIA)
    assert "SECRET-TOKEN" not in TextFormatter().format(record)


def test_settings_log_json_lines_outside_debug(production_env):
    import subprocess
    import sys

    code = (
        "import django, logging; django.setup(); "
        "logging.getLogger('locker.loader').warning('redirect to %s', " + repr(SIGNED_MEDIA) + ")"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=production_env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    entry = json.loads(done.stderr.strip().splitlines()[-1])
    assert entry["logger"] == "locker.loader" and entry["level"] == "WARNING"
    assert "SECRET-TOKEN" not in done.stderr


# ---- requests ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_every_response_carries_a_request_id_and_one_access_line(client, captured):
    response = client.get("/healthz")
    request_id = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    assert response["Server-Timing"].startswith("app;dur=")
    access = [e for e in captured() if e["logger"] == "locker.access"]
    assert len(access) == 1
    assert access[0]["request_id"] == request_id
    assert access[0]["method"] == "GET" and access[0]["path"] == "/healthz" and access[0]["status"] == 200
    assert access[0]["duration_ms"] >= 0


@pytest.mark.django_db
def test_the_proxys_request_id_is_kept(client, captured):
    response = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a-0001"})
    assert response["X-Request-ID"] == "lb-7f3a-0001"
    assert [e["request_id"] for e in captured() if e["logger"] == "locker.access"] == ["lb-7f3a-0001"]


@pytest.mark.django_db
def test_a_malformed_request_id_is_replaced(client, captured):
    response = client.get("/healthz", headers={"X-Request-ID": "evil id\twith junk"})
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])


@pytest.mark.django_db
def test_oauth_callback_query_strings_are_not_logged(client, captured):
    client.get("/accounts/sevendigital/login/callback/?oauth_token=SECRET-TOKEN&status=Authorised")
    blob = json.dumps(captured())
    assert "SECRET-TOKEN" not in blob
    access = [e for e in captured() if e["logger"] == "locker.access"]
    assert access and REDACTED in access[0]["query"]


def test_lines_logged_inside_a_request_carry_its_id(customer_client, sandboxed, captured):
    sandboxed.set_faults(mode="error500")
    response = customer_client.get(
        "/locker/?sort=artistName+asc", headers={"X-Request-ID": "req-upstream-500"}
    )
    assert response.status_code in (200, 503)
    lines = captured()
    warnings = [e for e in lines if e["level"] == "WARNING" and e["logger"].startswith("locker")]
    assert warnings, lines
    assert {e["request_id"] for e in warnings} == {"req-upstream-500"}
    access = [e for e in lines if e["logger"] == "locker.access"][-1]
    assert access["upstream_calls"] >= 1 and access["request_id"] == "req-upstream-500"


def test_a_download_logs_neither_the_signed_url_nor_the_token(
    customer_client, linked_customer, sandboxed, captured
):
    page = customer_client.get("/locker/").content.decode()
    release, track, fmt = _first_download(page)
    response = customer_client.post("/locker/download/", {"release": release, "track": track, "format": fmt})
    assert response.status_code == 302
    signed = response["Location"]
    assert "oauth_signature=" in signed
    token = linked_customer.sevendigital_link.get_token()
    blob = json.dumps(captured())
    assert "oauth_signature=" not in blob.replace(f"oauth_signature={REDACTED}", "")
    for secret in (signed, token.key, token.secret, signed.partition("oauth_signature=")[2]):
        assert secret not in blob


def _first_download(html: str) -> tuple[str, str, str]:
    buttons = download_buttons(html)
    assert buttons, "no enabled download button on the page"
    release, track, fmt = buttons[0]
    return str(release), str(track), str(fmt)
