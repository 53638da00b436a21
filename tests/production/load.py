"""A bounded browsing load for fault tests: N customers in threads, phases on one clock.

Each virtual customer loops until the plan ends: mostly views one of its "home" locker pages
(seen before, so a last good copy exists), sometimes a page it has not seen, and now and then
clicks a download button. Every answer is recorded with the phase it was sent in. Loopback only;
every loop is bounded by the plan's end time.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from statistics import quantiles

USERS = 50
READ_TIMEOUT = 3.0  # SEVENDIGITAL_READ_TIMEOUT for the stack: what "slow" means to us
CACHE_SECONDS = 3  # short, so fresh copies expire during the fault phases and 7digital is asked

SORTS = (
    "purchaseDate+desc",
    "purchaseDate+asc",
    "artistName+asc",
    "artistName+desc",
    "releaseTitle+asc",
    "releaseTitle+desc",
)


@dataclass
class Hit:
    phase: str
    kind: str  # "page", "cold-page", "download", "health"
    status: int  # 0: no HTTP answer (connection error or client timeout)
    seconds: float
    sent_at: float
    stale: bool = False
    redirected: bool = False
    error: str = ""
    key: str = ""  # which customer's which page
    upstream_ms: float = 0.0  # time the server spent waiting on 7digital (Server-Timing)


@dataclass
class Plan:
    """Phases as (name, seconds); `now()` names the current one."""

    phases: list[tuple[str, float]]
    started: float = field(default_factory=time.monotonic)

    @property
    def ends(self) -> float:
        return self.started + sum(s for _, s in self.phases)

    def now(self) -> str:
        elapsed = time.monotonic() - self.started
        for name, seconds in self.phases:
            if elapsed < seconds:
                return name
            elapsed -= seconds
        return "done"

    def wait_for(self, name: str) -> None:
        while self.now() != name and time.monotonic() < self.ends:
            time.sleep(0.02)


def classify(html: bytes) -> bool:
    """True when the page is a last good copy (the stale notice is shown)."""
    return b'class="notice notice-warning" role="alert"' in html


class Customer(threading.Thread):
    def __init__(
        self,
        app,
        user,
        plan: Plan,
        hits: list[Hit],
        *,
        seed: int,
        think: float,
        downloads: list,
        ramp_up: float = 3.0,
    ):
        super().__init__(daemon=True)
        self.ramp_up = ramp_up
        self.app, self.user, self.plan, self.hits = app, user, plan, hits
        self.rng = random.Random(seed)
        self.think = think
        self.home = self.rng.sample(SORTS[:3], 2)
        self.downloads = list(downloads)  # distinct (release, track, format): no double-click refusals
        self.lock = threading.Lock()

    def run(self) -> None:
        time.sleep(self.rng.random() * self.ramp_up)  # customers arrive over the first seconds
        for sort in self.home:  # on arrival, a look at both usual pages
            self.page(self.plan.now(), sort, "page")
            time.sleep(0.5)
        while time.monotonic() < self.plan.ends - 0.2:
            phase = self.plan.now()
            roll = self.rng.random()
            if roll < 0.06 and self.downloads and phase != "warm":
                self.download(phase)
            elif roll < 0.14 and phase != "warm":
                self.page(phase, self.rng.choice(SORTS[3:]), "cold-page")
            else:
                self.page(phase, self.rng.choice(self.home), "page")
            time.sleep(self.think * (0.5 + self.rng.random()))

    def page(self, phase: str, sort: str, kind: str) -> None:
        sent = time.monotonic()
        try:
            reply = self.app.get(f"/locker/?sort={sort}", user=self.user, timeout=20)
        except Exception as exc:  # recorded, and the test fails on it
            self.hits.append(
                Hit(
                    phase,
                    kind,
                    0,
                    time.monotonic() - sent,
                    sent,
                    error=type(exc).__name__,
                    key=f"{self.user.id}:{sort}",
                )
            )
            return
        self.hits.append(
            Hit(
                phase,
                kind,
                reply.status,
                reply.seconds,
                sent,
                stale=classify(reply.body),
                key=f"{self.user.id}:{sort}",
                upstream_ms=reply.server_timing().get("upstream", 0.0),
            )
        )

    def download(self, phase: str) -> None:
        release, track, fmt = self.downloads.pop(0)
        sent = time.monotonic()
        try:
            reply = self.app.post_form(
                "/locker/download/", {"release": release, "track": track, "format": fmt}, user=self.user
            )
        except Exception as exc:
            self.hits.append(
                Hit(phase, "download", 0, time.monotonic() - sent, sent, error=type(exc).__name__)
            )
            return
        self.hits.append(
            Hit(
                phase,
                "download",
                reply.status,
                reply.seconds,
                sent,
                redirected="hx-redirect" in reply.headers,
            )
        )


class Prober(threading.Thread):
    """What a load balancer sees: /healthz every 200 ms."""

    def __init__(self, app, plan: Plan, hits: list[Hit]):
        super().__init__(daemon=True)
        self.app, self.plan, self.hits = app, plan, hits

    def run(self) -> None:
        while time.monotonic() < self.plan.ends - 0.2:
            phase = self.plan.now()
            sent = time.monotonic()
            try:
                reply = self.app.get("/healthz", timeout=20)
                self.hits.append(Hit(phase, "health", reply.status, reply.seconds, sent))
            except Exception as exc:
                self.hits.append(
                    Hit(phase, "health", 0, time.monotonic() - sent, sent, error=type(exc).__name__)
                )
            time.sleep(0.2)


def p95(values: list[float]) -> float:
    if not values:
        return 0.0
    if len(values) < 2:
        return values[0]
    return quantiles(values, n=20)[-1]


def summary(hits: list[Hit]) -> str:
    rows = []
    for phase in dict.fromkeys(h.phase for h in hits):
        for kind in ("page", "cold-page", "download", "health"):
            group = [h for h in hits if h.phase == phase and h.kind == kind]
            if not group:
                continue
            statuses: dict[int, int] = {}
            for h in group:
                statuses[h.status] = statuses.get(h.status, 0) + 1
            stale = sum(h.stale for h in group)
            rows.append(
                f"{phase:>9} {kind:>9}: n={len(group):4d} p95={p95([h.seconds for h in group]):6.2f}s "
                f"max={max(h.seconds for h in group):6.2f}s stale={stale:3d} statuses={statuses}"
            )
    return "\n".join(rows)
