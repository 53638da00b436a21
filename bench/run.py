"""Locker's production benchmarks: `make bench` (or `python -m bench.run`). Loopback only, bounded.

Starts the 7digital sandbox and gunicorn with production settings (DEBUG off, 4 workers) on this
machine, first on SQLite + local-memory cache, then on PostgreSQL + Redis, and prints five figures,
each with its ratio, all measured in this one run:

1. warm locker page (50 releases) vs a trivial login-required Django view: server time median/p99
2. cold locker page with the sandbox adding 100 ms: median page time minus upstream time
3. throughput under wrk (2 threads, 8 connections), SQLite vs PostgreSQL + Redis, errors counted
4. upstream calls per 100 page views of repeating browsing (target: only first views call)
5. RSS per worker after 10,000 requests (growth after warm-up)

Server times come from our `Server-Timing` header (app time, and time spent waiting on 7digital),
so client and network overheads are left out. Each run uses a fresh temporary directory, its own
PostgreSQL database (`locker_bench`, dropped at the end) and its own Redis key prefix.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.stack import (
    AppServer,
    SandboxProcess,
    User,
    drop_postgres_database,
    drop_redis_prefix,
    postgres_database,
    postgres_up,
    redis_up,
)

ROOT = Path(__file__).resolve().parent.parent
PG_ADMIN = os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
PG_DB = "locker_bench"
# Database 14, apart from the test suites' databases (their keys live under prefixes of their own).
REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SORTS = ("purchaseDate+desc", "purchaseDate+asc", "artistName+asc", "artistName+desc", "releaseTitle+asc")
SERVER_ENV = {
    "LOG_LEVEL": "WARNING",
    "ACCESS_LOG": "0",
    "LOCKER_CACHE_SECONDS": "600",  # "warm" stays warm for the whole run
    "SEVENDIGITAL_RETRIES": "0",
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


# ---- figure 1 ------------------------------------------------------------------------------


def warm_vs_trivial(app: AppServer, user: User, samples: int) -> dict:
    page, trivial = "/locker/?pageSize=50", "/bench/trivial/"
    for _ in range(3):  # fill this worker's caches, compile templates
        app.get(page, user=user)
        app.get(trivial, user=user)
    page_ms, trivial_ms, releases = [], [], 0
    for _ in range(samples):  # interleaved, on one kept-alive connection (one worker)
        reply = app.get(page, user=user)
        assert reply.status == 200, reply.status
        timing = reply.server_timing()
        if "upstream" in timing:  # not warm after all: leave it out
            continue
        page_ms.append(timing["app"])
        releases = reply.body.count(b'<article class="release')
        for _ in range(3):
            trivial_ms.append(app.get(trivial, user=user).server_timing()["app"])
    med_p, med_t = statistics.median(page_ms), statistics.median(trivial_ms)
    return {
        "releases": releases,
        "n_page": len(page_ms),
        "n_trivial": len(trivial_ms),
        "page_median": med_p,
        "page_p99": pct(page_ms, 99),
        "trivial_median": med_t,
        "trivial_p99": pct(trivial_ms, 99),
        "ratio_median": med_p / med_t,
        "ratio_p99": pct(page_ms, 99) / pct(trivial_ms, 99),
    }


# ---- figure 2 ------------------------------------------------------------------------------


def cold_overhead(app: AppServer, sandbox: SandboxProcess, users: list[User], samples: int) -> dict:
    sandbox.set_faults(latency_ms=100, mode="none", paths=["/1.2/user/locker"])
    rows: list[tuple[float, float]] = []
    try:
        for user in users:
            for sort in SORTS:
                if len(rows) >= samples:
                    break
                reply = app.get(f"/locker/?pageSize=50&sort={sort}", user=user)
                timing = reply.server_timing()
                if reply.status != 200 or timing.get("upstream_calls") != 1:
                    raise RuntimeError(f"expected one upstream call, got {reply.status} {timing}")
                rows.append((timing["app"], timing["upstream"]))
    finally:
        sandbox.clear_faults()
    overhead = [a - u for a, u in rows]
    return {
        "n": len(rows),
        "page_median": statistics.median(a for a, _ in rows),
        "upstream_median": statistics.median(u for _, u in rows),
        "overhead_median": statistics.median(overhead),
        "overhead_p99": pct(overhead, 99),
    }


# ---- figures 3 and 5: wrk ------------------------------------------------------------------


def wrk(app: AppServer, paths: list[str], users: list[User], seconds: float, connections: int = 8) -> dict:
    workdir = Path(app.workdir)
    (workdir / "paths.txt").write_text("\n".join(paths) + "\n")
    (workdir / "cookies.txt").write_text("\n".join(f"sessionid={u.sessionid}" for u in users) + "\n")
    env = dict(os.environ, WRK_PATHS=str(workdir / "paths.txt"), WRK_COOKIES=str(workdir / "cookies.txt"))
    done = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "30s",
            "-s",
            str(ROOT / "bench" / "rotate.lua"),
            app.url,
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    out = done.stdout
    if done.returncode:
        raise RuntimeError(f"wrk failed: {done.stderr or out}")
    requests = int(_wrk_figure(r"(\d+) requests in", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    socket_errors = sum(int(g) for g in socket.groups()) if socket else 0
    non200 = int(_wrk_figure(r"NON200 (\d+)", out))
    rate = float(_wrk_figure(r"Requests/sec:\s+([\d.]+)", out))
    latency = _wrk_figure(r"Latency\s+([\d.]+\w+)", out)
    return {"requests": requests, "rps": rate, "errors": socket_errors + non200, "latency_avg": latency}


def _wrk_figure(pattern: str, out: str) -> str:
    found = re.search(pattern, out)
    if found is None:
        raise RuntimeError(f"wrk's report has no {pattern!r}: {out}")
    return found.group(1)


def throughput(app: AppServer, users: list[User], seconds: float) -> dict:
    log("  throughput: warming every worker's cache")
    wrk(app, ["/locker/"], users, max(4.0, seconds / 2))
    page = wrk(app, ["/locker/"], users, seconds)
    trivial = wrk(app, ["/bench/trivial/"], users, seconds)
    return {"page": page, "trivial": trivial}


def memory(app: AppServer, users: list[User], target: int, budget: float) -> dict:
    paths = [f"/locker/?sort={sort}" for sort in SORTS]
    started = time.monotonic()
    total, errors, samples, baseline = 0, 0, [], None
    warm_up = target // 5  # caches, pools and lazily built state settle in the first requests
    while total < target and time.monotonic() - started < budget:
        chunk = wrk(app, paths, users, 1.0)  # short chunks: RSS is sampled every ~1,000 requests
        total += chunk["requests"]
        errors += chunk["errors"]
        samples.append((total, app.worker_memory_kb()))
        if baseline is None and total >= warm_up:
            baseline = samples[-1][1]
    baseline = baseline or samples[0][1]
    final = samples[-1][1]
    growth = {pid: final[pid]["VmRSS"] / baseline[pid]["VmRSS"] for pid in final if pid in baseline}
    return {
        "requests": total,
        "errors": errors,
        "seconds": time.monotonic() - started,
        "baseline_rss_mb": {pid: v["VmRSS"] / 1024 for pid, v in baseline.items()},
        "final_rss_mb": {pid: v["VmRSS"] / 1024 for pid, v in final.items()},
        "peak_rss_mb": {pid: v["VmHWM"] / 1024 for pid, v in final.items()},
        "growth": growth,
        "warm_up": next(n for n, mem in samples if mem is baseline),
        "curve": [
            (n, round(statistics.mean(v["VmRSS"] for v in mem.values()) / 1024, 1)) for n, mem in samples
        ],
    }


# ---- figure 4 ------------------------------------------------------------------------------


def upstream_calls(app: AppServer, users: list[User], views: int = 100) -> dict:
    """Customers browsing a few pages again and again; new connection per view (any worker)."""
    rng = random.Random(7)
    pages = ["/locker/", "/locker/?page=2", "/locker/?sort=artistName+asc", "/locker/?sort=releaseTitle+asc"]
    seen, calls, first_views = set(), 0, 0
    for _ in range(views):
        user = rng.choice(users)
        path = pages[min(int(rng.expovariate(1.0)), len(pages) - 1)]  # the first pages most often
        reply = app.get(path, user=user, keepalive=False)
        if reply.status != 200:
            raise RuntimeError(f"{path}: {reply.status}")
        calls += int(reply.server_timing().get("upstream_calls", 0))
        if (user.id, path) not in seen:
            seen.add((user.id, path))
            first_views += 1
    return {"views": views, "calls": calls, "first_views": first_views}


# ---- the run -------------------------------------------------------------------------------


def on_both_backends(run, sandbox, workdir: Path, static: Path, args, pg_db: str, *, with_pg: bool):
    """`run` on SQLite + local memory, then (with_pg) on a fresh PostgreSQL database + Redis,
    dropped afterwards. Returns both results (the second None without PostgreSQL)."""
    sqlite = run("sqlite", sandbox, workdir / "sqlite", static, args)
    if not with_pg:
        return sqlite, None
    url = postgres_database(PG_ADMIN, pg_db)
    try:
        pg = run("postgres+redis", sandbox, workdir / "pg", static, args, database_url=url, redis_url=REDIS)
    finally:
        drop_postgres_database(PG_ADMIN, pg_db)
        drop_redis_prefix(REDIS, f"locker-stack-{os.getpid()}")
    return sqlite, pg


def run_backend(label, sandbox, workdir, static_root, args, *, database_url=None, redis_url=None) -> dict:
    results: dict = {}
    app = AppServer(
        sandbox,
        workdir,
        database_url=database_url,
        redis_url=redis_url,
        workers=4,
        settings_module="bench.settings",
        static_root=static_root,
        env=SERVER_ENV,
    )
    log(f"{label}: migrate, collectstatic, 30 customers linked to the sandbox")
    users = app.prepare(users=30, account="demo@sandbox.test", prefix="bench")
    small = app.prepare(users=20, account="small@sandbox.test", prefix="small", collectstatic=False)
    app.start()
    try:
        log(f"{label}: figure 1, warm page vs trivial view ({args.samples} samples)")
        results["fig1"] = warm_vs_trivial(app, users[0], args.samples)
        if label == "sqlite":
            log(f"{label}: figure 2, cold pages with 100 ms upstream latency")
            results["fig2"] = cold_overhead(app, sandbox, users[1:10], args.cold_samples)
        log(f"{label}: figure 3, throughput")
        results["fig3"] = throughput(app, users[10:20], args.seconds)
        log(f"{label}: figure 4, upstream calls per 100 views")
        results["fig4"] = upstream_calls(app, users[20:25])
        if label == "postgres+redis" or args.skip_postgres:
            log(
                f"{label}: figure 5, memory over {args.rss_requests} requests (at most {args.rss_budget:.0f} s)"
            )
            results["fig5"] = memory(app, small, args.rss_requests, args.rss_budget)
            results["fig5"]["workers"] = len(app.worker_pids())
    finally:
        app.stop()
    return results


def report(sqlite: dict, pg: dict | None, args) -> str:
    f1, f2 = sqlite["fig1"], sqlite["fig2"]
    lines = [
        "Locker benchmarks: one run on this machine "
        f"({os.cpu_count()} cores, gunicorn 4 workers x 16 threads, DEBUG off, loopback)",
        "",
        f"1. Warm locker page ({f1['releases']} releases, n={f1['n_page']}) vs trivial view (n={f1['n_trivial']}), server time:",
    ]
    for name, data in (("SQLite + local memory", sqlite), ("PostgreSQL + Redis", pg)):
        if not data:
            continue
        f = data["fig1"]
        lines += [
            f"   {name}:",
            f"   page    median {f['page_median']:8.1f} ms   p99 {f['page_p99']:8.1f} ms",
            f"   trivial median {f['trivial_median']:8.1f} ms   p99 {f['trivial_p99']:8.1f} ms",
            f"   ratio   median {f['ratio_median']:8.1f} x    p99 {f['ratio_p99']:8.1f} x   (target: within 3x)",
        ]
    lines += [
        "",
        f"2. Cold locker page (50 releases), sandbox +100 ms, n={f2['n']}:",
        f"   page median {f2['page_median']:.1f} ms, upstream median {f2['upstream_median']:.1f} ms,",
        f"   our overhead (page - upstream) median {f2['overhead_median']:.1f} ms, p99 {f2['overhead_p99']:.1f} ms;",
        f"   overhead / upstream = {f2['overhead_median'] / f2['upstream_median']:.2f}, "
        f"cold overhead / warm page = {f2['overhead_median'] / f1['page_median']:.2f}",
        "",
        f"3. Throughput, wrk -t2 -c8 {args.seconds:.0f} s, locker page (10 releases, 10 customers) vs trivial view:",
    ]
    rows = [("SQLite + local memory", sqlite["fig3"])]
    if pg:
        rows.append(("PostgreSQL + Redis", pg["fig3"]))
    for name, f3 in rows:
        lines.append(
            f"   {name:22s} page {f3['page']['rps']:7.1f} req/s ({f3['page']['requests']} requests, "
            f"{f3['page']['errors']} errors), trivial {f3['trivial']['rps']:7.1f} req/s "
            f"({f3['trivial']['errors']} errors); page/trivial = {f3['page']['rps'] / f3['trivial']['rps']:.3f}"
        )
    if pg:
        ratio = pg["fig3"]["page"]["rps"] / sqlite["fig3"]["page"]["rps"]
        lines.append(f"   PostgreSQL+Redis / SQLite page throughput = {ratio:.2f}")
    lines += ["", "4. Upstream calls per 100 page views (5 customers, 4 pages, repeated; any worker):"]
    for name, data in (("SQLite + local memory", sqlite), ("PostgreSQL + Redis", pg)):
        if not data:
            continue
        f4 = data["fig4"]
        lines.append(
            f"   {name:22s} {f4['calls']} calls per {f4['views']} views; first views {f4['first_views']}; "
            f"calls / first views = {f4['calls'] / f4['first_views']:.2f} (target 1.00)"
        )
    f5 = (pg or sqlite)["fig5"]
    growth = list(f5["growth"].values())
    lines += [
        "",
        f"5. Memory, {'PostgreSQL + Redis' if pg else 'SQLite'}: {f5['requests']} requests of the locker page "
        f"(4 releases, 20 customers x 5 sorts) in {f5['seconds']:.0f} s, {f5['errors']} errors:",
        "   peak RSS per worker (MB): " + ", ".join(f"{v:.1f}" for v in f5["peak_rss_mb"].values()),
        f"   RSS after warm-up ({f5['warm_up']} requests) -> end (MB): "
        + ", ".join(
            f"{f5['baseline_rss_mb'][p]:.1f}->{f5['final_rss_mb'][p]:.1f}" for p in f5["final_rss_mb"]
        ),
        f"   end / after-warm-up RSS ratio: max {max(growth):.3f}, mean {statistics.mean(growth):.3f}",
        "   mean RSS by requests served: " + ", ".join(f"{n}:{mb}" for n, mb in f5["curve"]),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=40, help="warm 50-release pages to time")
    parser.add_argument("--cold-samples", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0, help="each wrk measurement")
    parser.add_argument("--rss-requests", type=int, default=10_000)
    parser.add_argument("--rss-budget", type=float, default=480.0, help="seconds at most for figure 5")
    parser.add_argument("--skip-postgres", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: `make bench` installs it (Debian package wrk)")
    with_pg = not args.skip_postgres
    if with_pg and not (postgres_up(PG_ADMIN) and redis_up(REDIS)):
        sys.exit(f"PostgreSQL ({PG_ADMIN}) or Redis ({REDIS}) is not reachable; use --skip-postgres")
    workdir = Path(tempfile.mkdtemp(prefix="locker-bench-"))
    started = time.monotonic()
    log(f"work directory {workdir}")
    try:
        with SandboxProcess(workdir / "sandbox") as sandbox:
            static = workdir / "static"
            sqlite, pg = on_both_backends(run_backend, sandbox, workdir, static, args, PG_DB, with_pg=with_pg)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(sqlite, pg, args))
    print(f"\n(total {time.monotonic() - started:.0f} s; command: make bench)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
