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


def test_a_reset_restores_every_locker_row_whatever_changed_it(tmp_path):
    """Downloads, removed purchases and rows added behind the store's back (another connection)
    all go back to the demo data: a reset restores only what changed, so it must see every change."""
    import sqlite3

    from sandbox.store import Store

    db = tmp_path / "rows.sqlite3"
    store = Store(db)
    everything = "SELECT * FROM locker ORDER BY account_id, release_id, track_id"
    seed = store._query(everything)
    account, release, track = seed[0][:3]
    assert store.use_download(account, release, track)
    assert store.remove_purchase(seed[-1][0], seed[-1][1]) >= 1
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("INSERT INTO locker VALUES ('x', 1, 2, 3, '2020-01-01', 0, 5)")
    other.execute(
        "UPDATE locker SET remaining = 0 WHERE rowid IN (SELECT rowid FROM locker LIMIT 3 OFFSET 7)"
    )
    other.close()
    assert store._query(everything) != seed
    store.reset()
    assert store._query(everything) == seed
    store.reset()  # nothing changed since: still the demo data
    assert store._query(everything) == seed
    store.close()
