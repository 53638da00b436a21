"""Issue 11, items 2 and 5, on a real gunicorn (production settings, several workers):

- a Redis that freezes (SIGSTOP) and then stops costs no 5xx and well under a second per request:
  sessions and shared state live in the database, Redis is a page cache that fails fast;
- without Redis, every worker shares one store: simultaneous double clicks use one download each,
  and allauth's failed-login limit counts every worker's attempts together.
"""

from __future__ import annotations

import threading

import pytest

from bench import faults

# Gunicorn stacks of several workers, ~50 s in all: CI runs them, `make test` leaves them out (their
# rules are also checked in one process: test_redis_cache.py, tests/locker/test_downloads.py,
# tests/security/test_sign_in_limits.py).
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def no_redis_stack(tmp_path_factory):
    # 4 threads per worker: each may hold a database connection, and the package's other stack
    # (4 x 16) is up too; PostgreSQL's default max_connections is 100.
    with faults.stack(tmp_path_factory.mktemp("no-redis"), workers=4, users=20, threads=4) as started:
        yield started


def test_a_frozen_then_stopped_redis_costs_no_5xx_and_under_a_second(redis_server, tmp_path):
    with faults.stack(tmp_path / "stack", workers=2, users=3, redis_url=redis_server.url, threads=4) as (
        app,
        _,
        users,
    ):
        report = faults.measure_redis_outage(app, redis_server, users, rounds=2)
    print(report)
    healthy = report["healthy"]
    assert healthy["5xx"] == 0 and healthy["readyz"]["checks"]["cache"] == "ok"
    for phase in ("frozen", "stopped"):
        figures = report[phase]
        assert figures["5xx"] == 0, report
        assert figures["pages_not_200"] == 0 and figures["sign_ins_not_302"] == 0, report
        # A page waits at most one short Redis timeout (0.25 s) per worker, not 4 s of retries; a
        # sign-in (password hashing: CPU-bound, slow on a busy machine) no more than when healthy.
        assert figures["slowest_page_s"] < max(1.0, healthy["slowest_page_s"] + 0.75), report
        assert figures["slowest_sign_in_s"] < healthy["slowest_sign_in_s"] + 0.75, report
        # /readyz names the cache as down, but keeps the server in rotation: it still serves.
        assert figures["readyz"]["http"] == 200 and figures["readyz"]["status"] == "degraded", report
        assert figures["readyz"]["checks"]["cache"].startswith("error"), report
        assert figures["readyz"]["checks"]["database"] == "ok", report


def test_simultaneous_double_clicks_use_one_download_each_without_redis(no_redis_stack):
    app, sandbox, users = no_redis_stack
    figures = faults.measure_double_clicks(app, sandbox, users)
    print(figures)
    assert figures["other_answers"] == [], figures
    assert figures["signed_urls"] == len(users), figures
    assert figures["downloads_used"] == len(users), figures


def login_failed_limit(app) -> int:
    """The strictest amount in allauth's configured failed-login rates (whatever the policy)."""
    code = (
        "from allauth.account import app_settings as a; "
        "from allauth.core.internal.ratelimit import parse_rates; "
        "print(min(r.amount for r in parse_rates(a.RATE_LIMITS['login_failed'])))"
    )
    return int(app.manage("shell", "-c", code).strip().splitlines()[-1])


def test_failed_login_limit_counts_every_workers_attempts(no_redis_stack):
    app, _, _ = no_redis_stack
    limit = login_failed_limit(app)
    answers: list[bytes] = []
    lock = threading.Lock()

    def attempt() -> None:
        reply = faults.sign_in(app, password="not-the-password")
        with lock:
            answers.append(reply.body)

    for _ in range(3):  # 3 x 8 at once: spread over the 4 workers
        threads = [threading.Thread(target=attempt) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert len(answers) == 24
    checked = [body for body in answers if b"Too many failed login attempts" not in body]
    assert len(checked) <= limit, f"{len(checked)} of 24 wrong passwords were checked (limit {limit})"
