"""Credentials that travel in URLs never reach a log line, whichever logger writes it.

allauth's password-reset and email-confirmation links carry their key in the path (whoever reads
the path can set the customer's password), and the widget's one-time tokens ride in the query.
Django's own loggers print whole paths on errors (`django.request`) and whole request lines
(`django.server`, runserver), so redaction has to apply to every record, not only to our access
line nor only to our handler.
"""

from __future__ import annotations

import io
import logging
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core import mail
from django.utils.log import log_response

from lockersite.logging import JsonFormatter, redact

ROOT = Path(__file__).resolve().parents[2]
JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGFAZXhhbXBsZS5jb20ifQ.c2lnbmF0dXJlLXNlY3JldC14eXo"
PREVIEW = "eyJ1IjoxLCJqIjoiYWJjZGVmIn0:1vQx2s:Zm9vYmFyYmF6cXV4c2VjcmV0"


@pytest.fixture
def every_logger():
    """What any handler would write, without any filter of ours: a bare text handler and a JSON one
    on the root logger (like Django's default console handler or pytest's capture), and the raw
    records. `django.request` is opened down to warnings, so its 4xx lines are seen too."""
    text, as_json, records = io.StringIO(), io.StringIO(), []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    plain = logging.StreamHandler(text)
    plain.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    structured = logging.StreamHandler(as_json)
    structured.setFormatter(JsonFormatter())
    handlers = [plain, structured, Keep()]
    root, request_logger = logging.getLogger(), logging.getLogger("django.request")
    levels = root.level, request_logger.level
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(logging.INFO)
    request_logger.setLevel(logging.WARNING)

    def output() -> str:
        for handler in handlers:
            handler.flush()
        raw = [f"{r.getMessage()} {r.exc_text or ''} {r.stack_info or ''}" for r in records]
        return "\n".join([text.getvalue(), as_json.getvalue(), *raw])

    yield output
    for handler in handlers:
        root.removeHandler(handler)
    root.setLevel(levels[0])
    request_logger.setLevel(levels[1])


def _link(message_body: str, marker: str) -> str:
    found = re.search(rf"https?://\S+?(/accounts/{marker}/\S+?/)", message_body)
    assert found, message_body
    return found.group(1)


def _secret_of(path: str) -> str:
    """The credential part of a reset path (`<uidb36>-<key>`) or a confirmation path (`<key>`)."""
    return path.rstrip("/").rsplit("/", 1)[1]


@pytest.mark.django_db
def test_reset_and_confirmation_keys_never_reach_any_logger(client, customer, every_logger):
    client.post("/accounts/password/reset/", {"email": customer.email})
    reset_path = _link(mail.outbox[-1].body, "password/reset/key")
    client.post(
        "/accounts/signup/",
        {"email": "new@example.com", "password1": "a-long-new-pass-42", "password2": "a-long-new-pass-42"},
    )
    confirm_path = _link(mail.outbox[-1].body, "confirm-email")
    secrets = [_secret_of(reset_path), _secret_of(confirm_path)]
    # The key from the reset link is the part allauth checks: assert it really is a credential.
    assert client.get(reset_path).status_code == 302

    client.logout()
    used = [client.get(confirm_path), client.post(confirm_path)]
    assert used[1].status_code == 302
    # 4xx: Django's request logger prints "Not Found: <path>"; the access line logs the path.
    missing = client.get(confirm_path + "x/")
    assert missing.status_code == 404
    # 5xx: what Django's handler logs for an exception in a view (path, request, traceback).
    request = client.get(reset_path).wsgi_request
    try:
        raise RuntimeError(f"could not render {reset_path}")
    except RuntimeError as exc:
        response = type("Response", (), {"status_code": 500, "reason_phrase": "Internal Server Error"})()
        log_response(
            "%s: %s", "Internal Server Error", request.path, response=response, request=request, exception=exc
        )

    logged = every_logger()
    assert "Not Found" in logged and "Internal Server Error" in logged and "RuntimeError" in logged
    assert "/accounts/password/reset/key/[redacted]/" in logged
    for secret in secrets:
        assert secret not in logged


@pytest.mark.django_db
def test_widget_tokens_in_any_url_are_redacted(client, every_logger):
    client.get(f"/no-such-page/?token={JWT}&layout=full")
    client.get(f"/no-such-page/?preview={PREVIEW}")
    logging.getLogger("locker.test").warning("widget opened with %s", {"token": [JWT], "preview": [PREVIEW]})
    logged = every_logger()
    assert "layout=full" in logged and "/no-such-page/" in logged
    for secret in (JWT, PREVIEW, JWT.split(".")[2], PREVIEW.rsplit(":", 1)[1]):
        assert secret not in logged


@pytest.mark.parametrize(
    "text",
    [
        "GET /accounts/password/reset/key/1-cz3rl4-1b6f2d0e8a9c4d3e2f1a/ 200",
        "GET /accounts/confirm-email/MQ:1vQx2s:Zm9vYmFy-SECRET/ 302",
        "<WSGIRequest: GET '/accounts/confirm-email/MQ:1vQx2s:SECRET/'>",
        "/accounts/login/?next=%2Faccounts%2Fconfirm-email%2FMQ%3A1vQx2s%3ASECRET%2F",
        "/widget/locker/?layout=full&token=SECRET.abc.def",
        "/widget/?next=%2Fwidget%2Flocker%2F%3Fpreview%3DSECRET%26layout%3Dfull",
        "client_secret=SECRET&x=1",
        f"bad token {JWT}",
    ],
)
def test_redact_removes_keys_and_tokens(text):
    cleaned = redact(text)
    assert "SECRET" not in cleaned and JWT not in cleaned
    assert "[redacted]" in cleaned


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 (loopback)
            return answer.status
    except urllib.error.HTTPError as refused:
        return refused.code


def test_runserver_logs_no_keys_or_tokens(tmp_path):
    """runserver as `make run` starts it (DEBUG on, text logs). Its database has no tables, so the
    reset view fails with a 500 the way an outage would: Django logs the path and the traceback."""
    port = _free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "lockersite.settings",
        "DEBUG": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}",
        "PYTHONUNBUFFERED": "1",
    }
    key_path = "/accounts/password/reset/key/1-cz3rl4-SECRETKEY0123/"
    log = (tmp_path / "runserver.log").open("w+")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        assert _get(f"http://127.0.0.1:{port}{key_path}") == 500
        assert _get(f"http://127.0.0.1:{port}/accounts/confirm-email/MQ:1vQx2s:SECRETKEY4567/nope/") == 404
        assert _get(f"http://127.0.0.1:{port}/nope/?token={JWT}&preview={PREVIEW}") == 404
        # runserver writes its request line after the answer: wait for the last one.
        deadline = time.monotonic() + 20
        while '"GET /nope/' not in Path(log.name).read_text() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=10)
    log.seek(0)
    logged = log.read()
    assert "Internal Server Error" in logged and "OperationalError" in logged, logged
    assert '"GET /nope/?token=[redacted]&preview=[redacted] HTTP/1.1" 404' in logged, logged
    for secret in ("SECRETKEY", JWT, PREVIEW, JWT.split(".")[2]):
        assert secret not in logged, logged
