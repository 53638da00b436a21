"""`make run PORT=.. SANDBOX_PORT=..`: the site talks to the sandbox make started, on that port.

Before, settings hard-coded the sandbox at :8001, so other ports failed (or quietly used whatever
sandbox someone else had left on 8001).
"""

from __future__ import annotations

import http.cookiejar
import os
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.markup import attribute, elements

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(url: str, server: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"make run exited:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (loopback)
            return
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"{url} never answered:\n{log.read_text()}")


def _sign_in(base: str) -> urllib.request.OpenerDirector:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{base}/accounts/login/", timeout=10).read().decode()
    csrf = attribute(elements(form, "input", name="csrfmiddlewaretoken")[0], "value")
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf, "login": "demo@example.com", "password": "locker-demo"}
    ).encode()
    request = urllib.request.Request(f"{base}/accounts/login/", data=data, headers={"Referer": base})
    opener.open(request, timeout=20).close()
    return opener


@pytest.mark.slow
def test_make_run_uses_the_ports_it_is_given(tmp_path):
    port, sandbox_port = _free_port(), _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "SANDBOX_URL"}}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
        SANDBOX_DB=str(tmp_path / "sandbox.sqlite3"),
        PYTHONUNBUFFERED="1",
    )
    log = tmp_path / "make-run.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            ["make", "--no-print-directory", "run", f"PORT={port}", f"SANDBOX_PORT={sandbox_port}"],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(f"{base}/healthz", server, log)
        login_page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=10)  # noqa: S310
        csp = login_page.headers["Content-Security-Policy"]
        assert f"http://127.0.0.1:{sandbox_port}" in csp and ":8001" not in csp, csp
        locker = _sign_in(base).open(f"{base}/locker/", timeout=30).read().decode()
        assert "<article" in locker, locker[:2000]
        # Artwork URLs come from the sandbox that answered: ours, not one left on 8001.
        sources = [attribute(img, "src") or "" for img in elements(locker, "img")]
        images = [
            urllib.parse.urlsplit(src)._replace(path="", query="").geturl()
            for src in sources
            if src.startswith("http")
        ]
        assert images and set(images) == {f"http://127.0.0.1:{sandbox_port}"}, images
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert f"7digital sandbox at http://127.0.0.1:{sandbox_port}/" in log.read_text()


@pytest.mark.slow
def test_a_taken_sandbox_port_stops_make_run(tmp_path):
    """Whatever already listens on SANDBOX_PORT is never used quietly."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        busy = taken.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'site.sqlite3'}"
        done = subprocess.run(
            ["make", "--no-print-directory", "run", f"PORT={_free_port()}", f"SANDBOX_PORT={busy}"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
    assert done.returncode != 0
    assert f"Something already listens on 127.0.0.1:{busy}" in done.stdout + done.stderr
