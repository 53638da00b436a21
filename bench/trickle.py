"""The longest request while 7digital trickles: `python -m bench.trickle` (loopback only, ~1 min).

Starts the sandbox and gunicorn with production settings (bench/stack.py), tells the sandbox to
send the locker answer one byte every 2 s (or to stall after the headers: `--mode stall`), and
sends the requests that call 7digital live, all at once, to warmed-up workers: a first locker page view per customer,
a download (its fresh re-check) and a track row. Prints the timeouts, the goal (connect + read
timeout + 1 s) and the longest request. The circuit breaker is off so that every request really
waits on 7digital; each request gives up client-side after `--give-up` seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from bench.stack import AppServer, Reply, SandboxProcess, User, cleanup

CONNECT_TIMEOUT = 3.05  # the defaults of lockersite/settings.py
READ_TIMEOUT = 8.0
KINDS = ("locker page", "download", "track row")
WARM_USERS = 8


def log(message: str) -> None:
    print(f"[trickle {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def timed(app: AppServer, kind: str, user: User, give_up: float) -> tuple[str, float, str]:
    started = time.monotonic()
    try:
        if kind == "locker page":
            reply: Reply = app.get("/locker/", user=user, timeout=give_up, keepalive=False)
        elif kind == "download":
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": user.csrftoken,
                "Origin": f"https://{app.host}",
                "HX-Request": "true",
            }
            body = b"release=1&track=1&format=17"
            reply = app.request(
                "POST",
                "/locker/download/",
                user=user,
                body=body,
                headers=headers,
                timeout=give_up,
                keepalive=False,
            )
        else:
            reply = app.get("/locker/track/1/1/", user=user, timeout=give_up, keepalive=False)
        outcome = str(reply.status)
    except OSError as error:  # the client's own timeout
        outcome = f"gave up ({type(error).__name__})"
    return kind, time.monotonic() - started, outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["trickle", "stall"], default="trickle")
    parser.add_argument("--trickle-ms", type=int, default=2000)
    parser.add_argument("--users", type=int, default=4, help="customers (3 requests each)")
    parser.add_argument("--give-up", type=float, default=180.0)
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="locker-trickle-"))
    env = {
        "SEVENDIGITAL_CONNECT_TIMEOUT": str(CONNECT_TIMEOUT),
        "SEVENDIGITAL_READ_TIMEOUT": str(READ_TIMEOUT),
        "SEVENDIGITAL_BREAKER_FAILURES": "0",
        "ACCESS_LOG": "0",
        "GUNICORN_TIMEOUT": "300",
    }
    try:
        with (
            SandboxProcess(workdir) as sandbox,
            AppServer(sandbox, workdir, workers=4, threads=16, env=env) as app,
        ):
            log("preparing the site (migrate, collectstatic, customers)")
            users = app.prepare(users=args.users + WARM_USERS)
            users, warm = users[: args.users], users[args.users :]
            app.start()
            log("warming the workers up (imports, templates) with a healthy 7digital")
            warm_jobs = [(kind, user) for user in warm for kind in KINDS] * 2
            with ThreadPoolExecutor(16) as pool:
                list(pool.map(lambda job: timed(app, job[0], job[1], 30), warm_jobs))
            sandbox.set_faults(mode=args.mode, trickle_ms=args.trickle_ms, paths=["/1.2/user/locker"])
            jobs = [(kind, user) for user in users for kind in KINDS]
            log(f"{len(jobs)} requests at once, 7digital in mode {args.mode!r}")
            with ThreadPoolExecutor(len(jobs)) as pool:
                results = list(pool.map(lambda job: timed(app, job[0], job[1], args.give_up), jobs))
            sandbox.clear_faults()
    finally:
        cleanup(workdir)

    goal = CONNECT_TIMEOUT + READ_TIMEOUT + 1
    print(
        f"7digital {args.mode}" + (f" (a byte every {args.trickle_ms} ms)" if args.mode == "trickle" else "")
    )
    print(f"timeouts: connect {CONNECT_TIMEOUT} s + read {READ_TIMEOUT} s; goal: longest <= {goal:.2f} s")
    for kind in KINDS:
        times = [seconds for k, seconds, _ in results if k == kind]
        outcomes = sorted({outcome for k, _, outcome in results if k == kind})
        print(
            f"  {kind:12} n={len(times)}  median {statistics.median(times):6.2f} s  max {max(times):6.2f} s  "
            f"answers {', '.join(outcomes)}"
        )
    longest = max(seconds for _, seconds, _ in results)
    print(f"longest request: {longest:.2f} s ({'meets' if longest <= goal else 'MISSES'} the goal)")
    return 0 if longest <= goal else 1


if __name__ == "__main__":
    sys.exit(main())
