"""Injected faults and the `/_sandbox/` control endpoints."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import requests
import urllib3

from .helpers import DEMO, JSON, first_track_id, get_locker, release_id, user_auth

ROOT = Path(__file__).resolve().parents[2]


def details(sandbox, **headers):
    return requests.get(f"{sandbox.api_url}/user/details", auth=user_auth(sandbox), headers=headers)


def test_latency_applies_to_matching_paths_only(sandbox):
    sandbox.set_faults(latency_ms=300, paths=["/1.2/user/locker"])
    started = time.monotonic()
    assert get_locker(sandbox).status_code == 200
    assert time.monotonic() - started >= 0.3
    started = time.monotonic()
    assert details(sandbox).status_code == 200
    assert time.monotonic() - started < 0.25


def test_error500(sandbox):
    sandbox.set_faults(mode="error500")
    response = get_locker(sandbox, fmt="xml")
    assert response.status_code == 500
    assert ET.fromstring(response.content).find("error").get("code") == "9001"
    assert get_locker(sandbox).json()["error"]["code"] == 9001


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_garbage(sandbox, fmt):
    sandbox.set_faults(mode="garbage")
    response = get_locker(sandbox, fmt=fmt)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith(f"application/{fmt}")
    with pytest.raises((ValueError, ET.ParseError)):
        json.loads(response.text) if fmt == "json" else ET.fromstring(response.content)


def test_ratelimit(sandbox):
    sandbox.set_faults(mode="ratelimit")
    response = get_locker(sandbox)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
    assert response.json()["status"] == "error"


def test_timeout_hangs(sandbox):
    sandbox.set_faults(mode="timeout", paths=["/1.2/user/details"])
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{sandbox.api_url}/user/details", auth=user_auth(sandbox), timeout=0.3)
    assert get_locker(sandbox).status_code == 200


def test_stall_sends_the_headers_then_nothing(sandbox):
    sandbox.set_faults(mode="stall", paths=["/1.2/user/locker"])
    with requests.get(
        f"{sandbox.api_url}/user/locker?country=GB", auth=user_auth(sandbox), stream=True, timeout=1
    ) as response:
        assert response.status_code == 200 and int(response.headers["Content-Length"]) > 0
        with pytest.raises(urllib3.exceptions.ReadTimeoutError):
            response.raw.read(1)


def test_trickle_sends_the_real_answer_a_byte_at_a_time(sandbox):
    sandbox.set_faults(mode="trickle", trickle_ms=20, paths=["/1.2/user/locker"])
    started = time.monotonic()
    with requests.get(
        f"{sandbox.api_url}/user/locker?country=GB&pageSize=1",
        auth=user_auth(sandbox),
        headers=JSON,
        stream=True,
        timeout=5,
    ) as response:
        first = response.raw.read(10)
        assert len(first) == 10 and time.monotonic() - started >= 0.2
        assert first.startswith(b"{")


def test_redirect_points_elsewhere(sandbox):
    sandbox.set_faults(mode="redirect", redirect_to="http://127.0.0.2:9/x", paths=["/1.2/user"])
    response = requests.get(
        f"{sandbox.api_url}/user/locker?country=GB", auth=user_auth(sandbox), allow_redirects=False
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "http://127.0.0.2:9/x"


def test_huge_pads_a_parseable_answer(sandbox):
    sandbox.set_faults(mode="huge", huge_bytes=3_000_000, paths=["/1.2/user/locker"])
    response = get_locker(sandbox)
    assert len(response.content) == int(response.headers["Content-Length"]) == 3_000_000
    assert response.json()["status"] == "ok"


def test_faults_do_not_touch_the_control_endpoints(sandbox):
    sandbox.set_faults(mode="error500")
    assert requests.get(f"{sandbox.url}/_sandbox/faults").status_code == 200
    sandbox.clear_faults()
    assert get_locker(sandbox).status_code == 200


def test_the_faults_endpoint_merges(sandbox):
    url = f"{sandbox.url}/_sandbox/faults"
    assert requests.get(url).json() == {
        "latency_ms": 0,
        "mode": "none",
        "paths": [],
        "token_format": "form",
        "auto_approve": None,
        "trickle_ms": 2000,
        "redirect_to": "http://169.254.169.254/latest/meta-data/",
        "huge_bytes": 40_000_000,
    }
    requests.post(url, json={"latency_ms": 5})
    config = requests.post(url, json={"mode": "garbage", "paths": ["/media"]}).json()
    assert (config["latency_ms"], config["mode"], config["paths"]) == (5, "garbage", ["/media"])
    for bad in (
        {"mode": "explode"},
        {"latency_ms": -1},
        {"paths": "/x"},
        {"auto_approve": "x@y"},
        {"trickle_ms": 0},
        {"huge_bytes": -1},
        {"redirect_to": "ftp://x"},
        {"nope": 1},
    ):
        assert requests.post(url, json=bad).status_code == 400
    assert requests.post(url, data="not json").status_code == 400


def test_the_faults_command(sandbox):
    command = [sys.executable, "-m", "sandbox", "faults", "--url", sandbox.url]
    subprocess.run(
        [*command, "--latency-ms", "0", "--mode", "error500", "--paths", "/1.2/user/locker"],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    assert get_locker(sandbox).status_code == 500
    assert details(sandbox).status_code == 200
    shown = subprocess.run(command, cwd=ROOT, check=True, capture_output=True, text=True)
    assert json.loads(shown.stdout)["mode"] == "error500"


def test_reset_endpoint_restores_counts(sandbox):
    key = ("northern-lights", 2)
    track = first_track_id(*key)
    before = sandbox.remaining(DEMO, release_id(key[0]), track)
    sandbox.store.use_download("108596530", release_id(key[0]), track)
    assert requests.post(f"{sandbox.url}/_sandbox/reset").json() == {"reset": True}
    assert sandbox.remaining(DEMO, release_id(key[0]), track) == before


def test_remaining_endpoint(sandbox):
    url = f"{sandbox.url}/_sandbox/remaining"
    params = {
        "email": DEMO,
        "releaseId": release_id("northern-lights"),
        "trackId": first_track_id("northern-lights"),
    }
    assert requests.get(url, params=params).json() == {"remaining": 10}
    assert requests.get(url, params=params | {"email": "other@sandbox.test"}).status_code == 404
    assert requests.get(url, params=params | {"trackId": "x"}).status_code == 400


def test_log_endpoint(sandbox):
    get_locker(sandbox)
    requests.get(f"{sandbox.url}/media/user/downloadtrack")
    entries = requests.get(f"{sandbox.url}/_sandbox/log", params={"path": "/media"}).json()
    assert [(e["method"], e["path"], e["status"]) for e in entries] == [
        ("GET", "/media/user/downloadtrack", 401)
    ]
    assert entries[0]["oauth"] == "Resource requires access token"
    assert {"time", "ms"} <= set(entries[0])
    assert len(requests.get(f"{sandbox.url}/_sandbox/log").json()) == 2
    requests.post(f"{sandbox.url}/_sandbox/log/clear")
    assert requests.get(f"{sandbox.url}/_sandbox/log").json() == []


def test_accounts_endpoint_lists_no_secrets(sandbox):
    accounts = requests.get(f"{sandbox.url}/_sandbox/accounts").json()
    assert {a["email"] for a in accounts} == {
        "demo@sandbox.test",
        "small@sandbox.test",
        "other@sandbox.test",
        "empty@sandbox.test",
        "big@sandbox.test",
    }
    assert next(a for a in accounts if a["email"] == DEMO) == {
        "email": DEMO,
        "id": "108596530",
        "token": "demo-token",
    }
    assert "secret" not in json.dumps(accounts)


def test_unknown_control_endpoint(sandbox):
    assert requests.get(f"{sandbox.url}/_sandbox/nope").status_code == 404
    assert requests.get(f"{sandbox.url}/_sandbox/reset").status_code == 404  # POST only


def test_json_errors_on_the_api_use_the_accept_header(sandbox):
    sandbox.set_faults(mode="error500")
    assert details(sandbox, **JSON).headers["Content-Type"].startswith("application/json")
