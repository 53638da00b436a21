"""The locker index's benchmarks (`make bench` runs them after bench.run; alone:
`python -m bench.index_bench [--skip-postgres]`). Loopback only, one run, ratios from that run.

On SQLite + local memory, then PostgreSQL + Redis, for the sandbox's big account
(big@sandbox.test: 2,000 releases, 20,944 tracks):

A. full sync: upstream calls (goal: exactly 40 pages of 50), wall time, our time beside 7digital's,
   and the card rendering it queues (the worker's task, run once the sync committed)
B. a 50-release page nobody has rendered yet (goal: median at most 30x the trivial view) and
   the same pages again, warm (goal: at most 3x)
C. search (a word, a prefix, two words, a typo on PostgreSQL) and each filter: server time median
   and p99 against the trivial view (goal: median at most 5x). Each sample is a first page (one of
   6 sorts at 10, 20 or 50 releases a page) asked for the first time; "again" asks them again
D. upstream calls made by every page, sort, search and filter above once synced (goal: 0)

Server times come from our Server-Timing header, as in bench.run. Each ratio is against the
trivial views timed right after each of its pages (two per page), so that a machine shared with
other work compares like with like.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.run import PG_ADMIN, REDIS, log, on_both_backends, pct
from bench.stack import (
    PYTHON,
    ROOT,
    AppServer,
    SandboxProcess,
    postgres_up,
    redis_up,
)
from locker.query import SORT_LABELS

PG_DB = "locker_bench_index"
SEARCHES = {
    "word (rivers)": {"q": "rivers"},
    "prefix (satel)": {"q": "satel"},
    "two words (silver rivers)": {"q": "silver rivers"},
    "typo (satelites)": {"q": "satelites"},  # PostgreSQL only: pg_trgm
}
FILTERS = {
    "state: can download": {"state": "downloadable"},
    "state: last download": {"state": "last_download"},
    "state: no downloads left": {"state": "exhausted"},
    "state: withdrawn": {"state": "unavailable"},
    "state: pre-order": {"state": "preorder"},
    "format: FLAC": {"format": "55"},
    "type: EP": {"type": "EP"},
    "single tracks": {"full": "0"},
    "bought in 2012": {"year": "2012"},
    "hidden (10)": {"hidden": "1"},
    "word + state + type": {"q": "rivers", "state": "downloadable", "type": "Album"},
}
ENV = {"LOG_LEVEL": "WARNING", "ACCESS_LOG": "0", "SEVENDIGITAL_RETRIES": "0", "LOCKER_SYNC_SECONDS": "86400"}


class Calls:
    """Upstream calls counted from every reply's Server-Timing."""

    def __init__(self) -> None:
        self.total = 0
        self.requests = 0

    def get(self, app: AppServer, path: str, user) -> float:
        reply = app.get(path, user=user)
        if reply.status != 200:
            raise RuntimeError(f"{path}: {reply.status}")
        timing = reply.server_timing()
        self.total += int(timing.get("upstream_calls", 0))
        self.requests += 1
        return timing["app"]


def trivial(app: AppServer, user, samples: int) -> list[float]:
    for _ in range(5):
        app.get("/bench/trivial/", user=user)
    return [app.get("/bench/trivial/", user=user).server_timing()["app"] for _ in range(samples)]


def summary(values: list[float], base: float) -> dict:
    median = statistics.median(values)
    return {"n": len(values), "median": median, "p99": pct(values, 99), "ratio": median / base}


class Timed:
    """Pages timed with two trivial views after each, so every ratio compares times taken under
    the same load (this machine is shared): the ratio is against the trivial views beside it."""

    def __init__(self, app: AppServer, user, calls: Calls) -> None:
        self.app, self.user, self.calls = app, user, calls
        self.trivial: list[float] = []

    def pages(self, paths: list[str]) -> dict:
        times, beside = [], []
        for path in paths:
            times.append(self.calls.get(self.app, path, self.user))
            beside += [
                self.app.get("/bench/trivial/", user=self.user).server_timing()["app"] for _ in range(2)
            ]
        self.trivial += beside
        return summary(times, statistics.median(beside))


def sync_big(app: AppServer, user) -> dict:
    done = subprocess.run(
        [PYTHON, "-m", "bench.index_sync", "--user-id", str(user.id)],
        cwd=ROOT,
        env=app.environ,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode:
        raise RuntimeError(f"bench.index_sync failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def run_backend(label: str, sandbox, workdir: Path, static: Path, args, **urls) -> dict:
    app = AppServer(
        sandbox, workdir, workers=2, settings_module="bench.settings", static_root=static, env=ENV, **urls
    )
    log(f"{label}: migrate, link a customer to big@sandbox.test")
    user = app.prepare(users=1, account="big@sandbox.test", prefix="big")[0]
    log(f"{label}: A. full sync of the big account")
    result: dict = {"sync": sync_big(app, user)}
    app.start()
    calls = Calls()
    try:
        trivial(app, user, 10)  # warmed up
        timed = Timed(app, user, calls)
        log(f"{label}: B. 50-release pages nobody has rendered yet, then warm")
        pages = [
            f"/locker/?{urlencode({'sort': 'releaseTitle desc', 'pageSize': 50, 'page': n})}"
            for n in range(1, args.samples + 1)
        ]
        calls.get(app, "/locker/?pageSize=10", user)  # templates compiled, connections open
        result["cold50"] = timed.pages(pages)
        result["warm50"] = timed.pages(pages)
        hide_some(app, user)
        log(f"{label}: C. search and filters ({args.samples} fresh pages each)")
        kinds = dict(SEARCHES, **FILTERS)
        if label == "sqlite":
            kinds.pop("typo (satelites)")
        result["queries"] = {}
        for name, params in kinds.items():
            log(f"{label}:    {name}")
            urls_ = [  # distinct first pages: every sort at 10, 20 and 50 releases a page
                f"/locker/?{urlencode({**params, 'sort': sort, 'pageSize': size})}"
                for size in (10, 20, 50)
                for sort in SORT_LABELS
            ][: args.samples]
            first = timed.pages(urls_)
            again = timed.pages(urls_)
            found = app.get(urls_[0], user=user).body.decode()
            total = found.split(" of ", 1)[1].split(" release", 1)[0] if " of " in found else "0"
            result["queries"][name] = {"first": first, "again": again, "found": total}
        result["trivial"] = summary(timed.trivial, statistics.median(timed.trivial))
        calls.get(app, "/locker/artists/", user)
        result["calls"] = {"upstream": calls.total, "requests": calls.requests}
    finally:
        app.stop()
    return result


def hide_some(app: AppServer, user) -> None:
    """Ten releases hidden (the "hidden" filter has something to show)."""
    html = app.get("/locker/?sort=artistName+asc&pageSize=10", user=user).body.decode()
    import re

    for release_id in re.findall(r'action="/locker/releases/(\d+)/hide/"', html)[:10]:
        reply = app.post_form(f"/locker/releases/{release_id}/hide/", {}, user=user)
        if reply.status != 200:
            raise RuntimeError(f"hide {release_id}: {reply.status}")


def report(results: dict[str, dict], args) -> str:
    lines = [
        "Locker index benchmarks: the sandbox's big account (2,000 releases, 20,944 tracks), one run "
        f"on this machine ({os.cpu_count()} cores, gunicorn 2 workers, DEBUG off, loopback)",
    ]
    for label, r in results.items():
        s, t = r["sync"], r["trivial"]
        ours = s["wall_ms"] - s["upstream_ms"]
        lines += [
            "",
            f"{label}:",
            f"  A. full sync: {s['upstream_calls']} upstream calls (goal 40), {s['releases']} releases / "
            f"{s['tracks']} tracks indexed, wall {s['wall_ms'] / 1000:.1f} s = 7digital (sandbox) "
            f"{s['upstream_ms'] / 1000:.1f} s + ours {ours / 1000:.1f} s; then the worker renders "
            f"{s['cards']} release cards in {s['cards_ms'] / 1000:.1f} s",
            f"  trivial view: median {t['median']:.2f} ms, p99 {t['p99']:.2f} ms (n={t['n']})",
            f"  B. 50-release page, never rendered: median {r['cold50']['median']:.1f} ms "
            f"({r['cold50']['ratio']:.1f}x trivial, goal <= 30x), p99 {r['cold50']['p99']:.1f} ms",
            f"     same pages warm:                median {r['warm50']['median']:.1f} ms "
            f"({r['warm50']['ratio']:.1f}x trivial, goal <= 3x), p99 {r['warm50']['p99']:.1f} ms",
            f"  C. search and filters, first pages, n={min(args.samples, 18)} each (goal: median <= 5x trivial):",
            f"     {'':28s} {'found':>6s}  {'first: median':>13s} {'p99':>7s} {'ratio':>6s}   {'again: median':>13s} {'ratio':>6s}",
        ]
        for name, q in r["queries"].items():
            f, a = q["first"], q["again"]
            lines.append(
                f"     {name:28s} {q['found']:>6s}  {f['median']:10.1f} ms {f['p99']:7.1f} {f['ratio']:5.1f}x"
                f"   {a['median']:10.1f} ms {a['ratio']:5.1f}x"
            )
        c = r["calls"]
        lines.append(
            f"  D. upstream calls during {c['requests']} page/sort/search/filter requests: {c['upstream']} (goal 0)"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=18, help="at most 18 per search or filter")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    with_pg = not args.skip_postgres
    if with_pg and not (postgres_up(PG_ADMIN) and redis_up(REDIS)):
        sys.exit(f"PostgreSQL ({PG_ADMIN}) or Redis ({REDIS}) is not reachable; use --skip-postgres")
    workdir = Path(tempfile.mkdtemp(prefix="locker-bench-index-"))
    started = time.monotonic()
    results: dict[str, dict] = {}
    try:
        with SandboxProcess(workdir / "sandbox") as sandbox:
            static = workdir / "static"
            sqlite, pg = on_both_backends(run_backend, sandbox, workdir, static, args, PG_DB, with_pg=with_pg)
            results["SQLite + local memory"] = sqlite
            if pg is not None:
                results["PostgreSQL + Redis"] = pg
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(results, args))
    print(
        f"\n(total {time.monotonic() - started:.0f} s; command: python -m bench.index_bench, part of make bench)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
