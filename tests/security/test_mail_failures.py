"""A mail server that refuses or hangs gets a clear answer and a log line, never a 500 nor an account
made without its confirmation mail (issue 11, item 11). The SMTP servers are sockets on loopback."""

from __future__ import annotations

import logging
import socket
import threading
import time
from http import HTTPStatus

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from tests.helpers import PASSWORD, settings_in_subprocess
from tests.test_settings import start

NOT_SENT = "We could not send the email just now"


def refusing_port() -> int:
    with socket.socket() as sock:  # bound, then closed: nothing listens there
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def hanging_port():
    """Accepts connections and never greets (a stuck mail server); lets go after 8 s at most."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    held, stop = [], threading.Event()

    def serve():
        deadline = time.monotonic() + 8
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                held.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    for conn in held:
        conn.close()
    server.close()


def mailers_from_env(monkeypatch, port: int) -> dict:
    from lockersite.mail import mailers_from_env

    monkeypatch.setenv("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
    monkeypatch.setenv("EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("EMAIL_PORT", str(port))
    monkeypatch.setenv("EMAIL_TIMEOUT", "0.3")
    return mailers_from_env(debug=False)


@pytest.fixture(params=["refused", "hangs"])
def broken_mail(request, settings, monkeypatch, hanging_port):
    port = refusing_port() if request.param == "refused" else hanging_port
    settings.MAILERS = mailers_from_env(monkeypatch, port)
    return request.param


def not_sent_logged(caplog) -> bool:
    return any(r.levelno >= logging.ERROR and "not sent" in r.getMessage() for r in caplog.records)


def timed(call):
    began = time.monotonic()
    response = call()
    return response, time.monotonic() - began


def test_sign_up_with_the_mail_server_down_says_so_and_creates_no_account(client, db, broken_mail, caplog):
    response, seconds = timed(
        lambda: client.post(
            "/accounts/signup/", {"email": "new@example.com", "password1": PASSWORD, "password2": PASSWORD}
        )
    )
    assert response.status_code == HTTPStatus.OK
    assert NOT_SENT in response.content.decode()
    assert seconds < 4  # EMAIL_TIMEOUT=0.3 bounds a mail server that never answers
    assert not get_user_model().objects.filter(email="new@example.com").exists()
    assert not EmailAddress.objects.filter(email="new@example.com").exists()
    assert not_sent_logged(caplog)
    assert client.get("/locker/").status_code == HTTPStatus.FOUND  # and nobody is signed in


def test_sign_up_with_a_taken_address_fails_the_same_way(client, customer, broken_mail):
    response = client.post(
        "/accounts/signup/", {"email": customer.email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == HTTPStatus.OK
    assert NOT_SENT in response.content.decode()


@pytest.mark.parametrize("email", ["ada@example.com", "nobody@example.com"])
def test_password_reset_with_the_mail_server_down_says_so(client, customer, broken_mail, caplog, email):
    response, seconds = timed(lambda: client.post("/accounts/password/reset/", {"email": email}))
    assert response.status_code == HTTPStatus.OK
    assert NOT_SENT in response.content.decode()
    assert seconds < 4
    assert not_sent_logged(caplog)


def test_any_other_mail_is_a_clear_page_not_a_500(client, customer_factory, broken_mail, caplog):
    """Signing in with an unconfirmed address sends the confirmation again."""
    user = customer_factory("grace@example.com")
    EmailAddress.objects.filter(user=user).update(verified=False)
    response = client.post("/accounts/login/", {"login": "grace@example.com", "password": PASSWORD})
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert NOT_SENT in response.content.decode()
    assert not_sent_logged(caplog)


def mail_settings(**env) -> dict:
    return settings_in_subprocess("s.MAILERS['default']", {"PATH": "/usr/bin:/bin", **env})


def test_smtp_settings_come_from_the_environment_with_a_timeout():
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert mail_settings(EMAIL_BACKEND=smtp)["OPTIONS"]["timeout"] == 10
    options = mail_settings(
        EMAIL_BACKEND=smtp,
        EMAIL_HOST="smtp.example.com",
        EMAIL_PORT="587",
        EMAIL_HOST_USER="locker",
        EMAIL_HOST_PASSWORD="s3cret",
        EMAIL_USE_TLS="1",
        EMAIL_TIMEOUT="4",
    )["OPTIONS"]
    assert options == {
        "host": "smtp.example.com",
        "port": 587,
        "username": "locker",
        "password": "s3cret",
        "use_tls": True,
        "use_ssl": False,
        "timeout": 4.0,
    }
    both = start(EMAIL_BACKEND=smtp, EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
    assert both.returncode != 0 and "EMAIL_USE_SSL" in both.stderr
