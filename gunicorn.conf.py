"""Gunicorn settings for Locker: `gunicorn -c gunicorn.conf.py lockersite.wsgi`.

Every value can be changed from the environment (deploy/README.md lists them). Threaded workers
(gthread) keep the site responsive while some requests wait on a slow 7digital: a waiting request
holds a thread, not a whole worker.
"""

from __future__ import annotations

import gc
import glob
import os
import shutil
import tempfile


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


bind = (
    os.environ.get("GUNICORN_BIND")
    or f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '8000')}"
)
# WEB_CONCURRENCY is the usual name (Heroku, Render, Dokku); default 2 per core, at least 2.
workers = _int("WEB_CONCURRENCY", max(2, 2 * _cores()))
# Threads per worker: a request waiting on 7digital (up to its read timeout) holds one thread, so
# enough threads keep pages flowing while 7digital is slow. Each thread may keep a DB connection.
threads = _int("GUNICORN_THREADS", 16)
worker_class = "gthread" if threads > 1 else "sync"
# Above the 7digital connect + read timeouts (3 + 8 s) so the app, not gunicorn, answers slow upstreams.
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)  # SIGTERM: finish in-flight requests first
keepalive = _int("GUNICORN_KEEPALIVE", 5)  # behind a proxy that reuses connections
backlog = _int("GUNICORN_BACKLOG", 2048)
# Recycling is off by default (memory is flat, see README "Benchmarks"); set it as a safety net.
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", max_requests // 10)
preload_app = os.environ.get("GUNICORN_PRELOAD", "1") != "0"  # import Django once, fork copies
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 (heartbeat files)
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proxy_allow_ips = forwarded_allow_ips
limit_request_line = 8190
limit_request_fields = 100
proc_name = "locker"
# gunicorn's control socket (gunicornc) defaults to one path per user: several servers on one
# machine would fight over it. Give it a path per bind address, or switch it off.
control_socket_disable = os.environ.get("GUNICORN_CONTROL_SOCKET", "") == ""
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or "gunicorn.ctl"

# Logs: the app writes one JSON access line per request (with request id and upstream time), so
# gunicorn's own access log is off unless GUNICORN_ACCESS_LOG names a file or "-" (stdout); then
# it is JSON too. Query strings are left out of it: only the path is logged.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
access_log_format = (
    '{"remote":"%(h)s","method":"%(m)s","path":"%(U)s","status":"%(s)s","bytes":"%(B)s",'
    '"duration_us":"%(D)s","request_id":"%({x-request-id}o)s","user_agent":"%(a)s"}'
)
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
logconfig_dict = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "lockersite.logging.JsonFormatter"},
        "raw": {"format": "%(message)s"},  # access lines are JSON already (access_log_format)
    },
    "filters": {"redact": {"()": "lockersite.logging.RedactingFilter"}},
    "handlers": {
        "error": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["redact"],
            "stream": "ext://sys.stderr",
        },
        "access": {
            "class": "logging.StreamHandler",
            "formatter": "raw",
            "filters": ["redact"],  # the path may be an allauth reset/confirmation key
            "stream": "ext://sys.stdout",
        },
    },
    # gunicorn merges this over its defaults one key deep: the root logger must be named here.
    "root": {"level": "WARNING", "handlers": ["error"]},
    "loggers": {
        "gunicorn.error": {"level": loglevel.upper(), "handlers": ["error"], "propagate": False},
        # A logging config switches gunicorn's access log on: keep it silent unless asked for.
        "gunicorn.access": {
            "level": "INFO" if accesslog else "CRITICAL",
            "handlers": ["access"] if accesslog else [],
            "propagate": False,
        },
    },
}


# prometheus_client's multiprocess mode: each worker writes its samples to files here and /metrics
# adds them all up, so whichever worker answers a scrape reports the server's totals. Set before
# the app (and prometheus_client) is imported; emptied at start so no old run's counts linger.
_metrics_dir_made = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_metrics_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(prefix="locker-metrics-")
os.environ["PROMETHEUS_MULTIPROC_DIR"] = _metrics_dir
os.makedirs(_metrics_dir, exist_ok=True)
for _stale in glob.glob(os.path.join(_metrics_dir, "*.db")):
    os.remove(_stale)


def when_ready(server) -> None:
    """Django, imported once in the master (preload_app), stays out of every garbage collection
    in the workers: a full collection would otherwise walk its ~100,000 objects again each time."""
    if preload_app:
        gc.freeze()


def on_exit(server) -> None:
    if _metrics_dir_made:
        shutil.rmtree(_metrics_dir, ignore_errors=True)


def child_exit(server, worker) -> None:
    """A worker that exits keeps its counts in the totals; its live-only samples are dropped."""
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def post_fork(server, worker) -> None:
    """Nothing opened in the master before the fork may be shared by workers."""
    from django.db import connections

    connections.close_all()
