"""A production stack on loopback for benchmarks and fault tests: sandbox + gunicorn, own database.

    with SandboxProcess(workdir) as sandbox, AppServer(sandbox, workdir, ...) as app:
        users = app.prepare(users=10)          # migrate, collectstatic, linked customers + sessions
        app.start()
        app.get("/locker/", user=users[0])

Everything listens on 127.0.0.1 only. The app runs with DEBUG off and production settings (HTTPS
redirect on: clients send `X-Forwarded-Proto: https` as the TLS proxy would). It never touches the
project's db.sqlite3 or the dev cache: the database is a file in `workdir`, or a PostgreSQL
database created for the purpose, and Redis keys get their own prefix.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from tests import helpers

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
DEMO_CONSUMER_KEY = "locker-demo-key"
DEMO_CONSUMER_SECRET = "locker-demo-secret=="
# The sandbox's demo accounts (sandbox/demo.py): email -> (token, secret).
SANDBOX_TOKENS = {
    "demo@sandbox.test": ("demo-token", "demo-secret+/="),
    "small@sandbox.test": ("small-token", "small-secret="),
    "big@sandbox.test": ("big-token", "big-secret="),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server for {url} exited with status {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()  # noqa: S310 (loopback)
            return
        except urllib.error.HTTPError:
            return  # it answered
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def _stop(proc: subprocess.Popen | None, seconds: float = 10.0) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(seconds)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


class SandboxProcess:
    """`python -m sandbox serve` on a free loopback port, over its own database file."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = Path(workdir)
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.host}"
        self.api_url = f"{self.url}/1.2"
        self.db = self.workdir / "sandbox.sqlite3"
        self.proc: subprocess.Popen | None = None

    def __enter__(self) -> SandboxProcess:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.log = open(self.workdir / "sandbox.log", "ab")  # noqa: SIM115 (closed in __exit__)
        subprocess.run(
            [PYTHON, "-m", "sandbox", "reset", "--db", str(self.db)],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "sandbox", "serve", "--port", str(self.port), "--db", str(self.db)],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(f"{self.url}/_sandbox/faults", 20, self.proc)
        return self

    def __exit__(self, *exc) -> None:
        _stop(self.proc)
        self.log.close()

    def set_faults(self, **changes) -> dict:
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{self.url}/_sandbox/faults",
            data=json.dumps(changes).encode(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.loads(response.read())

    def clear_faults(self) -> dict:
        return self.set_faults(latency_ms=0, mode="none", paths=[])


@dataclass
class User:
    id: int
    email: str
    sessionid: str
    csrftoken: str


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float

    def server_timing(self) -> dict[str, float]:
        """{'app': ms, 'upstream': ms, 'upstream_calls': n} from our Server-Timing header."""
        result: dict[str, float] = {}
        for part in self.headers.get("server-timing", "").split(","):
            name, *params = [p.strip() for p in part.split(";")]
            for param in params:
                key, _, value = param.partition("=")
                if key == "dur":
                    result[name] = float(value)
                elif key == "desc" and "x" in value:
                    result[f"{name}_calls"] = float(value.strip('"').rpartition("x")[2])
        return result


class AppServer:
    """gunicorn serving lockersite.wsgi with production settings (DEBUG off) on a free port."""

    def __init__(
        self,
        sandbox: SandboxProcess,
        workdir: Path,
        *,
        database_url: str | None = None,
        redis_url: str | None = None,
        workers: int = 4,
        threads: int = 16,
        settings_module: str = "lockersite.settings",
        static_root: Path | None = None,
        env: dict[str, str] | None = None,
    ) -> None:
        self.sandbox = sandbox
        self.workdir = Path(workdir)
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.url = f"http://{self.host}"
        self.database_url = database_url or f"sqlite:///{self.workdir / 'locker.sqlite3'}"
        self.redis_url = redis_url
        self.static_root = Path(static_root or self.workdir / "static")
        self.metrics_token = secrets.token_urlsafe(24)
        self.environ = self._environ(workers, threads, settings_module, env or {})
        self.proc: subprocess.Popen | None = None
        self._connections: dict[int, http.client.HTTPConnection] = {}

    def _environ(
        self, workers: int, threads: int, settings_module: str, extra: dict[str, str]
    ) -> dict[str, str]:
        from cryptography.fernet import Fernet

        env = {k: v for k, v in os.environ.items() if not k.startswith(("SEVENDIGITAL_", "DJANGO_"))}
        for name in ("DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "STATIC_ROOT", "GUNICORN_ACCESS_LOG"):
            env.pop(name, None)
        env.update(
            {
                "DJANGO_SETTINGS_MODULE": settings_module,
                "PYTHONPATH": str(ROOT),
                "DEBUG": "0",
                "SECRET_KEY": secrets.token_urlsafe(50),
                "TOKEN_ENCRYPTION_KEYS": Fernet.generate_key().decode(),
                "ALLOWED_HOSTS": "127.0.0.1,localhost",
                "METRICS_TOKEN": self.metrics_token,
                "DATABASE_URL": self.database_url,
                "STATIC_ROOT": str(self.static_root),
                "SEVENDIGITAL_CONSUMER_KEY": DEMO_CONSUMER_KEY,
                "SEVENDIGITAL_CONSUMER_SECRET": DEMO_CONSUMER_SECRET,
                "SEVENDIGITAL_API_URL": self.sandbox.api_url,
                "SEVENDIGITAL_ACCOUNT_URL": self.sandbox.url,
                "SEVENDIGITAL_STREAM_URL": self.sandbox.url,
                "SEVENDIGITAL_MEDIA_HOSTS": self.sandbox.host,
                "ARTWORK_HOSTS": self.sandbox.url,
                "GUNICORN_BIND": self.host,
                "WEB_CONCURRENCY": str(workers),
                "GUNICORN_THREADS": str(threads),
                "LOG_LEVEL": "WARNING",
            }
        )
        if self.redis_url:
            env["REDIS_URL"] = self.redis_url
            env["CACHE_KEY_PREFIX"] = f"locker-stack-{os.getpid()}-{self.port}"
        env.update(extra)
        return env

    # ---- lifecycle --------------------------------------------------------------------------

    def manage(self, *args: str, input_text: str | None = None) -> str:
        done = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.environ,
            input=input_text,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def prepare(
        self,
        *,
        users: int = 10,
        account: str = "demo@sandbox.test",
        collectstatic: bool = True,
        prefix: str = "bench",
    ) -> list[User]:
        """Migrate, collect static files, create linked customers and their sessions."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.manage("migrate", "--noinput")
        if collectstatic and not (self.static_root / "staticfiles.json").exists():
            self.manage("collectstatic", "--noinput")
        token, secret = SANDBOX_TOKENS[account]
        env = dict(self.environ, SEVENDIGITAL_TOKEN_SECRET=secret)
        done = subprocess.run(
            [PYTHON, "-m", "bench.prepare", "--users", str(users), "--token", token, "--prefix", prefix],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise RuntimeError(f"bench.prepare failed:\n{done.stdout}\n{done.stderr}")
        return [User(**u) for u in json.loads(done.stdout)["users"]]

    def start(self) -> AppServer:
        self.log = open(self.workdir / "gunicorn.log", "ab")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "lockersite.wsgi"],
            cwd=ROOT,
            env=self.environ,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        wait_for(f"{self.url}/healthz", 30, self.proc)
        # Every worker up (gunicorn forks them right after the master binds).
        deadline = time.monotonic() + 15
        while len(self.worker_pids()) < int(self.environ["WEB_CONCURRENCY"]) and time.monotonic() < deadline:
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        for conn in self._connections.values():
            conn.close()
        self._connections.clear()
        _stop(self.proc, 35)
        if getattr(self, "log", None):
            self.log.close()

    def __enter__(self) -> AppServer:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def worker_pids(self) -> list[int]:
        if self.proc is None:
            return []
        try:
            children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def worker_memory_kb(self) -> dict[int, dict[str, int]]:
        """VmRSS (now) and VmHWM (peak) of each worker, in kB, from /proc."""
        result: dict[int, dict[str, int]] = {}
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            result[pid] = {k: int(fields[k].split()[0]) for k in ("VmRSS", "VmHWM") if k in fields}
        return result

    # ---- HTTP ------------------------------------------------------------------------------

    def headers_for(self, user: User | None, **extra: str) -> dict[str, str]:
        headers = {"Host": self.host, "X-Forwarded-Proto": "https"}
        if user is not None:
            headers["Cookie"] = f"sessionid={user.sessionid}; csrftoken={user.csrftoken}"
        headers.update(extra)
        return headers

    def request(
        self,
        method: str,
        path: str,
        *,
        user: User | None = None,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        timeout: float = 30.0,
        keepalive: bool = True,
    ) -> Reply:
        """One request over a kept-alive connection (one per calling thread), or a fresh one."""
        import threading

        key = threading.get_ident()
        all_headers = self.headers_for(user, **(headers or {}))
        if not keepalive:
            all_headers["Connection"] = "close"
        for attempt in range(2):
            conn = self._connections.get(key)
            if conn is None:
                conn = self._connections[key] = http.client.HTTPConnection(
                    "127.0.0.1", self.port, timeout=timeout
                )
            started = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                response = conn.getresponse()
                data = response.read()
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                conn.close()
                self._connections.pop(key, None)
                if attempt:
                    raise
                continue
            elapsed = time.perf_counter() - started
            if not keepalive or response.getheader("Connection", "").lower() == "close":
                conn.close()
                self._connections.pop(key, None)
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data, elapsed)
        raise AssertionError("unreachable")

    def get(self, path: str, *, user: User | None = None, **kwargs) -> Reply:
        return self.request("GET", path, user=user, **kwargs)

    def post_form(self, path: str, fields: dict[str, object], *, user: User, htmx: bool = True) -> Reply:
        from urllib.parse import urlencode

        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-CSRFToken": user.csrftoken,
            "Origin": f"https://{self.host}",
            "Referer": f"https://{self.host}/locker/",
        }
        if htmx:
            headers["HX-Request"] = "true"
        return self.request("POST", path, user=user, body=urlencode(fields).encode(), headers=headers)

    def metrics(self) -> str:
        return self.get("/metrics", headers={"Authorization": f"Bearer {self.metrics_token}"}).body.decode()


def download_buttons(html: str) -> list[tuple[int, int, int]]:
    """(release, track, format) of every enabled download button of a locker page, in page order."""
    return [(b["release"], b["track"], b["format"]) for b in helpers.download_buttons(html) if b["enabled"]]


# ---- PostgreSQL and Redis helpers ----------------------------------------------------------


def postgres_database(admin_url: str, name: str) -> str:
    """(Re)create database `name` on the server of `admin_url`; return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    parts = urlsplit(admin_url)
    return parts._replace(path=f"/{name}").geturl()


def drop_postgres_database(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with (
        contextlib.suppress(Exception),
        psycopg.connect(admin_url, autocommit=True, connect_timeout=3) as conn,
    ):
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def postgres_up(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=2).close()
        return True
    except Exception:
        return False


def redis_db(url: str, db: int) -> str:
    """The same Redis server, another database number: a stack's keys stay apart from the test
    suites' (whose `cache.clear()` deletes only their own prefix's keys anyway)."""
    return urlsplit(url)._replace(path=f"/{db}").geturl()


def redis_up(url: str) -> bool:
    try:
        import redis

        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
        return True
    except Exception:
        return False


def drop_redis_prefix(url: str, prefix: str) -> None:
    import redis

    with contextlib.suppress(Exception):
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        keys = list(client.scan_iter(match=f"{prefix}*", count=1000))
        if keys:
            client.delete(*keys)


def cleanup(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
