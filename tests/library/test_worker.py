"""A real `manage.py db_worker` process picks up the sync queued on link and fills the index.

Run in its own processes against its own database (a SQLite file, or a fresh PostgreSQL database
when the suite runs on PostgreSQL) and the session's sandbox over HTTP.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

LINK = """
from django.contrib.auth import get_user_model
from locker import linking
from locker.sevendigital.types import AccessToken
user = get_user_model().objects.create_user("worker", "worker@example.com", "x")
linking.link_with_token(user, AccessToken("demo-token", "demo-secret+/="))
"""

REPORT = """
import json
from locker.library.models import IndexedRelease, IndexedTrack, RenderedCard, SyncState
from django_tasks_db.models import DBTaskResult
state = SyncState.objects.get(user__username="worker")
print(json.dumps({
    "status": state.status,
    "releases": IndexedRelease.objects.filter(user=state.user).count(),
    "tracks": IndexedTrack.objects.filter(user=state.user).count(),
    "tasks": sorted(DBTaskResult.objects.values_list("task_path", "status")),
    "cards": RenderedCard.objects.filter(user=state.user).count(),
}))
"""


@pytest.fixture
def database_url(tmp_path):
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        yield f"sqlite:///{tmp_path / 'worker.sqlite3'}"
        return
    from urllib.parse import urlsplit

    from bench.stack import drop_postgres_database, postgres_database

    admin = urlsplit(url)._replace(path="/postgres").geturl()
    name = f"locker_worker_test_{os.getpid()}"
    yield postgres_database(admin, name)
    drop_postgres_database(admin, name)


def manage(env: dict, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
def test_a_db_worker_process_runs_the_sync_queued_on_link(sandbox, sandbox_config, database_url):
    from locker.sevendigital.client import SevenDigitalClient
    from locker.sevendigital.types import AccessToken

    sandbox.reset()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_ALLOW"))}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "lockersite.settings",
            "DATABASE_URL": database_url,
            "SEVENDIGITAL_API_URL": sandbox.api_url,
            "SEVENDIGITAL_ACCOUNT_URL": sandbox.url,
            "SEVENDIGITAL_STREAM_URL": sandbox.url,
            "SEVENDIGITAL_MEDIA_HOSTS": sandbox.host,
        }
    )
    env.pop("REDIS_URL", None)  # the worker's breaker and caches stay in its own memory
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "shell", "-c", LINK)
    manage(env, "db_worker", "--batch", "--no-startup-delay", "--no-reload", "-v0")
    report = json.loads(manage(env, "shell", "-c", REPORT).strip().splitlines()[-1])

    client = SevenDigitalClient(sandbox_config)
    total = client.get_locker(AccessToken(*sandbox.token_for("demo@sandbox.test")), page_size=1).total_items
    assert report["status"] == "ready"
    assert report["releases"] == total and report["tracks"] > total
    # The sync, then the cards it queued: every release's card rendered where pages find it.
    assert report["tasks"] == [
        ["locker.library.tasks.render_cards", "SUCCESSFUL"],
        ["locker.library.tasks.sync_locker", "SUCCESSFUL"],
    ]
    assert report["cards"] == report["releases"]
