"""Added latency of the download view over its upstream re-check (issue 4).

Runs N download clicks (default 200, each on a different track of the sandbox's demo locker) through
the real view and middleware stack with Django's test client, against a sandbox started as its own
process, and prints the median and p95 of (view time - time spent in the 7digital call).

    .venv/bin/python bench/download_bench.py [N]
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lockersite.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

UPSTREAM: list[float] = []


def observe(endpoint: str, status: int | None, seconds: float) -> None:
    UPSTREAM.append(seconds)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main(clicks: int) -> None:
    port = free_port()
    tmp = tempfile.mkdtemp()
    sandbox = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "serve", "--port", str(port), "--db", f"{tmp}/sandbox.sqlite3"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        subprocess.run(
            [sys.executable, "scripts/wait_for_url.py", f"http://127.0.0.1:{port}/_sandbox/faults"],
            cwd=ROOT,
            check=True,
        )
        run(port, clicks)
    finally:
        sandbox.terminate()
        sandbox.wait()


def run(port: int, clicks: int) -> None:
    import django
    from django.conf import settings
    from django.test.utils import setup_test_environment

    django.setup()
    setup_test_environment()
    from django.db import connection

    connection.creation.create_test_db(verbosity=0)
    url = f"http://127.0.0.1:{port}"
    settings.SEVENDIGITAL_API_URL, settings.SEVENDIGITAL_STREAM_URL = f"{url}/1.2", url
    settings.SEVENDIGITAL_MEDIA_HOSTS = [f"127.0.0.1:{port}"]
    settings.SEVENDIGITAL_OBSERVER = (
        "bench.download_bench.observe" if __name__ != "__main__" else "__main__.observe"
    )

    from django.contrib.auth import get_user_model
    from django.test import Client

    from locker import track_views
    from locker.linking import link_with_token
    from locker.management.commands.seed_demo import SANDBOX_TOKEN
    from locker.sevendigital import client as sevendigital

    track_views.DOWNLOADS_PER_MINUTE = 10**6  # the bench clicks faster than any customer may
    user = get_user_model().objects.create_user("bench", "bench@example.com", "x")
    link_with_token(user, SANDBOX_TOKEN)
    targets = []
    for page in range(1, 20):
        locker = sevendigital.get_locker(SANDBOX_TOKEN, page=page, page_size=50)
        for item in locker.releases:
            for t in item.tracks:
                if item.available and t.download_urls and (t.remaining_downloads or 0) > 1:
                    targets.append((item.release.id, t.track.id, t.download_urls[0].format.id))
        if len(targets) >= clicks or not locker.releases:
            break
    targets = targets[:clicks]
    browser = Client()
    browser.force_login(user)
    added, totals = [], []
    for release_id, track_id, format_id in targets:
        UPSTREAM.clear()
        started = time.perf_counter()
        response = browser.post(
            "/locker/download/",
            {"release": release_id, "track": track_id, "format": format_id},
            headers={"HX-Request": "true"},
        )
        total = time.perf_counter() - started
        assert response.status_code == 200 and "HX-Redirect" in response, response.status_code
        totals.append(total)
        added.append(total - sum(UPSTREAM))
    ms = lambda xs: statistics.median(xs) * 1000  # noqa: E731
    p95 = lambda xs: statistics.quantiles(xs, n=20)[-1] * 1000  # noqa: E731
    print(f"download view, {len(added)} clicks on distinct tracks of the sandbox demo locker")
    print(f"  whole view:               median {ms(totals):6.2f} ms   p95 {p95(totals):6.2f} ms")
    print(
        f"  upstream re-check:        median {ms([t - a for t, a in zip(totals, added, strict=True)]):6.2f} ms"
    )
    print(f"  added by Locker (view - upstream): median {ms(added):6.2f} ms   p95 {p95(added):6.2f} ms")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
