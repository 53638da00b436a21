"""Locker index pages against the trivial view, in one process (quick figures while working on
the page path; `make bench` gives the full ones over HTTP).

    .venv/bin/python bench/page_bench.py            # SQLite file in a temp dir, local-memory cache
    DATABASE_URL=postgres://... REDIS_URL=redis://... .venv/bin/python bench/page_bench.py

Syncs the sandbox's big account (2,000 releases) into the index, then times, by the app's own
Server-Timing: the trivial login-required view; a 50-release page nobody has rendered yet (a
fresh sort/page combination: every card rendered); a page whose cards were rendered before under
another sort (only the page around them is new); and the same page warm.
PAGE_BENCH_PROFILE="/locker/?..." prints a cProfile of that one request instead.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='page-bench-')}/bench.sqlite3")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", "page-bench-" + "x" * 50)
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("TOKEN_ENCRYPTION_KEYS", "ZmDfcTF7_60GrrY167zsiPd67pEvs0aGOv2oasOM1Pg=")
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

from tests.helpers import point_settings_at  # noqa: E402


def app_ms(response) -> float:
    timing = response["Server-Timing"]
    return float(timing.split("app;dur=")[1].split(",")[0].split(";")[0])


def main() -> None:
    from django.contrib.auth import get_user_model
    from django.core.cache import cache

    from locker import release_cards
    from locker.library import sync
    from locker.linking import link_with_token
    from locker.sevendigital.types import AccessToken
    from sandbox.testing import SandboxServer

    call_command("migrate", verbosity=0)
    with SandboxServer() as sandbox:
        point_settings_at(settings, sandbox)
        settings.SECURE_SSL_REDIRECT = False
        storages = dict(settings.STORAGES)
        storages["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
        settings.STORAGES = storages  # no collectstatic manifest here
        user, _ = get_user_model().objects.get_or_create(username="bench", email="bench@example.com")
        link_with_token(user, AccessToken(*sandbox.token_for("big@sandbox.test")))
        sync.forget(user.pk)
        link_with_token(user, AccessToken(*sandbox.token_for("big@sandbox.test")))
        print("sync:", sync.run(user.pk, full=True), "releases:", user.indexed_releases.count())
        started = time.perf_counter()
        rendered = release_cards.prerender(user.pk)  # the task the sync queued, as the worker runs it
        print(f"cards rendered by the worker: {rendered} in {time.perf_counter() - started:.1f} s")
        cache.clear()
        client = Client(HTTP_HOST="testserver", secure=True)
        client.force_login(user)
        for _ in range(20):
            client.get("/bench/trivial/")
        trivial = [app_ms(client.get("/bench/trivial/")) for _ in range(200)]
        base = statistics.median(trivial)
        client.get("/locker/?pageSize=50&page=40")  # templates compiled
        if os.environ.get("PAGE_BENCH_PROFILE"):
            import cProfile
            import pstats

            client.get("/locker/?pageSize=50&page=3&sort=purchaseDate+asc")
            profile = cProfile.Profile()
            profile.enable()
            client.get(os.environ["PAGE_BENCH_PROFILE"])
            profile.disable()
            stats = pstats.Stats(profile)
            stats.sort_stats("tottime").print_stats(40)
            return
        cold, reused, warm = [], [], []
        for page in range(1, 11):
            fresh = client.get(f"/locker/?pageSize=50&page={page}&sort=purchaseDate+asc")
            assert fresh.status_code == 200 and fresh.content.count(b"<article") == 50
            cold.append(app_ms(fresh))
            for _ in range(5):
                warm.append(app_ms(client.get(f"/locker/?pageSize=50&page={page}&sort=purchaseDate+asc")))
        for page in range(1, 11):  # the same releases, newest first: cards rendered above
            reused.append(app_ms(client.get(f"/locker/?pageSize=50&page={41 - page}&sort=purchaseDate+desc")))
        print(
            f"database {str(settings.DATABASES['default']['ENGINE']).rsplit('.', 1)[-1]}, cache {str(settings.CACHES['default']['BACKEND']).rsplit('.', 1)[-1]}"
        )
        print(f"trivial view        median {base:6.2f} ms")
        for name, values in (
            ("page, nobody rendered", cold),
            ("page, cards reused", reused),
            ("page, warm", warm),
        ):
            median = statistics.median(values)
            print(f"{name:22} median {median:6.2f} ms  = {median / base:5.1f}x trivial (n={len(values)})")


if __name__ == "__main__":
    main()
