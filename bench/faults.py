"""`make faults`: the fault figures, on gunicorn (4 workers, production settings) + the sandbox.

    python -m bench.faults [--clicks 100] [--workers 4] [--rounds 6]

(a) 5xx answers of signed-in pages and sign-ins while Redis is healthy, frozen (SIGSTOP) and
    stopped, with the slowest answer of each phase: a redis-server of its own on a free port
    (goal 0, and well under a second each).
(b) bench/trickle.py's figure, when that script is present (a trickling 7digital).
(c) downloads used by N simultaneous double clicks (N customers, each clicking twice at once),
    with no Redis: read back from the sandbox's download counts (goal exactly N).

Each figure starts its own stack in a temporary directory, on SQLite, or on PostgreSQL (a database
of its own) when DATABASE_URL points at one. Nothing but loopback is used.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import os
import secrets
import shutil
import signal
import sqlite3
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from bench.stack import (
    AppServer,
    Reply,
    SandboxProcess,
    download_buttons,
    drop_postgres_database,
    free_port,
    postgres_database,
)

ROOT = Path(__file__).resolve().parent.parent
SIGN_IN_EMAIL = "faults@example.com"
SIGN_IN_PASSWORD = "faults-Pa55word-long"  # noqa: S105 (a throwaway account of the bench stack)


class RedisServer:
    """A redis-server of our own on a free loopback port, no persistence: freeze, thaw, stop."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        self.frozen = False

    @staticmethod
    def binary() -> str | None:
        return shutil.which("redis-server")

    def __enter__(self) -> RedisServer:
        binary = self.binary()
        if binary is None:
            raise RuntimeError("redis-server not found (Debian: apt-get install redis-server)")
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url, socket_connect_timeout=0.5).ping()
                return self
            except redis.RedisError:
                if time.monotonic() > deadline or self.proc.poll() is not None:
                    self.stop()
                    raise RuntimeError("redis-server did not start") from None
                time.sleep(0.05)

    def freeze(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)
        self.frozen = True

    def thaw(self) -> None:
        if self.proc is not None and self.frozen:
            self.proc.send_signal(signal.SIGCONT)
            self.frozen = False

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.thaw()
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)

    def __exit__(self, *exc) -> None:
        self.stop()


@contextlib.contextmanager
def stack(workdir: Path, *, workers: int, users: int, redis_url: str | None = None, threads: int = 16):
    """(app, sandbox, users): a started stack, its customers linked to small@sandbox.test."""
    admin_url = os.environ.get("DATABASE_URL", "")
    database = None
    if admin_url.startswith(("postgres://", "postgresql://")):
        database = f"locker_faults_{os.getpid()}_{free_port()}"
    with SandboxProcess(workdir) as sandbox:
        app = AppServer(
            sandbox,
            workdir,
            database_url=postgres_database(admin_url, database) if database else None,
            redis_url=redis_url,
            workers=workers,
            threads=threads,
        )
        try:
            customers = app.prepare(users=users, account="small@sandbox.test", prefix="faults")
            create_password_user(app)
            app.start()
            yield app, sandbox, customers
        finally:
            app.stop()
            if database:
                drop_postgres_database(admin_url, database)


def create_password_user(
    app: AppServer, email: str = SIGN_IN_EMAIL, password: str = SIGN_IN_PASSWORD
) -> None:
    code = (
        "from allauth.account.models import EmailAddress; from django.contrib.auth import get_user_model; "
        f"u, _ = get_user_model().objects.get_or_create(username={email!r}, defaults={{'email': {email!r}}}); "
        f"u.set_password({password!r}); u.save(); "
        f"EmailAddress.objects.update_or_create(user=u, email={email!r}, "
        "defaults={'verified': True, 'primary': True})"
    )
    app.manage("shell", "-c", code)


def sign_in(app: AppServer, email: str = SIGN_IN_EMAIL, password: str = SIGN_IN_PASSWORD) -> Reply:
    """A browser's sign-in: the form (for its CSRF cookie), then the POST. Returns the POST's reply
    (its `seconds` include the form's)."""
    form = app.get("/accounts/login/", keepalive=False)
    if form.status != 200:
        return form
    # Django accepts an unmasked secret in both cookie and field (what bench.prepare does too).
    token = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
    posted = app.request(
        "POST",
        "/accounts/login/",
        body=urlencode({"login": email, "password": password, "csrfmiddlewaretoken": token}).encode(),
        headers={
            "Cookie": f"csrftoken={token}",
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": f"https://{app.host}",
            "Referer": f"https://{app.host}/accounts/login/",
        },
        keepalive=False,
    )
    posted.seconds += form.seconds
    return posted


# ---- (a) Redis frozen, then stopped --------------------------------------------------------


def _signed_in_round(app: AppServer, users, results: list, phase: str, lock: threading.Lock) -> None:
    def one(kind: str, call) -> None:
        try:
            reply = call()
            status, seconds = reply.status, reply.seconds
        except Exception as exc:  # a dropped connection counts as a failure
            status, seconds = 0, float("nan")
            kind = f"{kind} ({type(exc).__name__})"
        with lock:
            results.append((phase, kind, status, seconds))

    threads = []
    for user in users:
        threads.append(
            threading.Thread(target=one, args=("locker", lambda u=user: app.get("/locker/", user=u)))
        )
        threads.append(
            threading.Thread(target=one, args=("history", lambda u=user: app.get("/locker/history/", user=u)))
        )
    threads.append(threading.Thread(target=one, args=("sign-in", lambda: sign_in(app))))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)


def _slowest(results) -> float:
    return round(max((r[3] for r in results if r[3] == r[3]), default=0.0), 3)  # NaN: no answer


def measure_redis_outage(app: AppServer, redis: RedisServer, users, *, rounds: int = 6) -> dict:
    """Per phase: requests, 5xx (or dropped), slowest answer, failed sign-ins, /readyz's answer."""
    results: list[tuple[str, str, int, float]] = []
    lock = threading.Lock()
    readyz: dict[str, object] = {}
    _signed_in_round(app, users, [], "warm-up", lock)  # first views fill the caches, start workers
    for phase, change in (("healthy", None), ("frozen", redis.freeze), ("stopped", redis.stop)):
        if change is not None:
            change()
        for _ in range(rounds):
            _signed_in_round(app, users, results, phase, lock)
        probe = app.get("/readyz", keepalive=False)
        readyz[phase] = {"http": probe.status, **json.loads(probe.body or b"{}")}
    report = {}
    for phase in ("healthy", "frozen", "stopped"):
        mine = [r for r in results if r[0] == phase]
        report[phase] = {
            "requests": len(mine),
            "5xx": sum(1 for r in mine if r[2] == 0 or r[2] >= 500),
            "slowest_s": _slowest(mine),
            "slowest_page_s": _slowest([r for r in mine if r[1] != "sign-in"]),
            "slowest_sign_in_s": _slowest([r for r in mine if r[1] == "sign-in"]),
            "sign_ins_not_302": sum(1 for r in mine if r[1] == "sign-in" and r[2] != 302),
            "pages_not_200": sum(1 for r in mine if r[1] != "sign-in" and r[2] != 200),
            "readyz": readyz[phase],
        }
    return report


# ---- (c) simultaneous double clicks ---------------------------------------------------------


def _remaining(sandbox: SandboxProcess, release: int, track: int, email: str) -> int:
    query = urlencode({"email": email, "releaseId": release, "trackId": track})
    with urllib.request.urlopen(f"{sandbox.url}/_sandbox/remaining?{query}", timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())["remaining"]


def _set_remaining(sandbox: SandboxProcess, release: int, track: int, count: int) -> None:
    """Give the track enough downloads for the run (the sandbox reads its SQLite file per query)."""
    with contextlib.closing(sqlite3.connect(sandbox.db, timeout=10)) as db, db:
        db.execute(
            "UPDATE locker SET remaining = ? WHERE release_id = ? AND track_id = ?", (count, release, track)
        )


def measure_double_clicks(
    app: AppServer, sandbox: SandboxProcess, users, *, email="small@sandbox.test"
) -> dict:
    """Every customer (all linked to one sandbox account) clicks the same download twice at once;
    each signed URL answered is fetched, as the browser would. Downloads used = the count's drop."""
    page = app.get("/locker/?sort=purchaseDate+desc", user=users[0])
    buttons = download_buttons(page.body.decode())
    if page.status != 200 or not buttons:
        raise RuntimeError(f"no download button on the locker page ({page.status})")
    release, track, fmt = buttons[0]
    _set_remaining(sandbox, release, track, len(users) * 2 + 50)
    before = _remaining(sandbox, release, track, email)
    barrier = threading.Barrier(len(users) * 2)
    statuses: list[int] = []
    fetched: list[int] = []
    lock = threading.Lock()

    def click(user) -> None:
        barrier.wait(30)
        try:
            reply = app.post_form(
                "/locker/download/",
                {"release": release, "track": track, "format": fmt},
                user=user,
                htmx=False,
            )
        except Exception:
            reply = None
        status = reply.status if reply else 0
        media = None
        if reply and status == 302:
            location = reply.headers.get("location", "")
            if urlsplit(location).netloc == sandbox.host:
                with urllib.request.urlopen(location, timeout=30) as answer:  # noqa: S310 (loopback)
                    answer.read()
                    media = answer.status
        with lock:
            statuses.append(status)
            if media is not None:
                fetched.append(media)

    threads = [threading.Thread(target=click, args=(user,)) for user in users for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    after = _remaining(sandbox, release, track, email)
    return {
        "double_clicks": len(users),
        "signed_urls": statuses.count(302),
        "refused_as_double": statuses.count(409),
        "other_answers": sorted(s for s in statuses if s not in (302, 409)),
        "downloads_used": before - after,
    }


# ---- the script -----------------------------------------------------------------------------


def _trickle_figure() -> dict | None:
    """bench/trickle.py's figure (another change adds it): run it when it is there."""
    if importlib.util.find_spec("bench.trickle") is None:
        return None
    done = subprocess.run([sys.executable, "-m", "bench.trickle"], cwd=ROOT, capture_output=True, text=True)
    return {"exit": done.returncode, "output": done.stdout.strip() or done.stderr.strip()[-2000:]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clicks", type=int, default=100, help="simultaneous double clicks (customers)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=6, help="rounds of requests per Redis phase")
    args = parser.parse_args(argv)
    figures: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="locker-faults-") as tmp:
        work = Path(tmp)
        with (
            RedisServer(work / "redis") as redis,
            stack(work / "redis-stack", workers=args.workers, users=4, redis_url=redis.url) as (
                app,
                _sandbox,
                users,
            ),
        ):
            figures["a_redis_outage"] = measure_redis_outage(app, redis, users, rounds=args.rounds)
        figures["b_trickle"] = _trickle_figure() or "bench/trickle.py not present"
        with stack(work / "clicks-stack", workers=args.workers, users=args.clicks) as (app, sandbox, users):
            figures["c_double_clicks"] = measure_double_clicks(app, sandbox, users)
    print(json.dumps(figures, indent=2))
    outage = figures["a_redis_outage"]
    clicks = figures["c_double_clicks"]
    print(
        f"(a) 5xx while Redis frozen / stopped: {outage['frozen']['5xx']} / {outage['stopped']['5xx']} of "
        f"{outage['frozen']['requests']} / {outage['stopped']['requests']} (goal 0); slowest page "
        + " / ".join(f"{outage[p]['slowest_page_s']}" for p in ("healthy", "frozen", "stopped"))
        + " s, slowest sign-in "
        + " / ".join(f"{outage[p]['slowest_sign_in_s']}" for p in ("healthy", "frozen", "stopped"))
        + " s (healthy / frozen / stopped)"
    )
    print(
        f"(c) downloads used by {clicks['double_clicks']} simultaneous double clicks, {args.workers} workers, "
        f"no Redis: {clicks['downloads_used']} (goal exactly {clicks['double_clicks']})"
    )
    ok = outage["frozen"]["5xx"] == outage["stopped"]["5xx"] == 0
    return 0 if ok and clicks["downloads_used"] == clicks["double_clicks"] else 1


if __name__ == "__main__":
    sys.exit(main())
