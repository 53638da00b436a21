"""State lives in the SQLite file: counts and faults survive restarts; reset restores them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests

from sandbox.__main__ import main
from sandbox.catalogue import download_url
from sandbox.testing import SandboxServer

from .helpers import DEMO, first_track_id, release_id, signed_url

ROOT = Path(__file__).resolve().parents[2]
KEY = "northern-lights"


def download(server: SandboxServer) -> int:
    url = download_url(server.url, release_id(KEY), first_track_id(KEY), 17)
    return requests.get(signed_url(server, url)).status_code


def test_counts_and_faults_survive_a_restart(tmp_path):
    db = tmp_path / "sandbox.sqlite3"
    with SandboxServer(db_path=db) as first:
        before = first.remaining(DEMO, release_id(KEY), first_track_id(KEY))
        assert download(first) == 200
        first.set_faults(latency_ms=1, paths=["/nowhere"])
    with SandboxServer(db_path=db) as second:
        assert second.remaining(DEMO, release_id(KEY), first_track_id(KEY)) == before - 1
        assert requests.get(f"{second.url}/_sandbox/faults").json()["paths"] == ["/nowhere"]
        second.reset()
        assert second.remaining(DEMO, release_id(KEY), first_track_id(KEY)) == before
        assert requests.get(f"{second.url}/_sandbox/faults").json()["paths"] == []
    assert db.exists()


def test_the_reset_and_tokens_commands(tmp_path, capsys):
    db = tmp_path / "cli.sqlite3"
    with SandboxServer(db_path=db) as server:
        before = server.remaining(DEMO, release_id(KEY), first_track_id(KEY))
        assert download(server) == 200
        assert main(["reset", "--db", str(db)]) == 0
        assert server.remaining(DEMO, release_id(KEY), first_track_id(KEY)) == before
    capsys.readouterr()
    assert main(["tokens", "demo@sandbox.test", "--db", str(db)]) == 0
    assert capsys.readouterr().out == "demo-token demo-secret+/=\n"
    assert main(["tokens", "nobody@sandbox.test", "--db", str(db)]) == 1


def test_the_tokens_command_honours_sandbox_db(tmp_path, monkeypatch):
    env_db = tmp_path / "env.sqlite3"
    monkeypatch.setenv("SANDBOX_DB", str(env_db))
    result = subprocess.run(
        [sys.executable, "-m", "sandbox", "tokens", "small@sandbox.test"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.stdout == "small-token small-secret=\n", result.stderr
    assert env_db.exists()
