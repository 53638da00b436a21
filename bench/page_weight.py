"""The locker page's weight in a browser (`make bench` runs it; alone: `python -m bench.page_weight`).

Starts the sandbox and gunicorn (production settings, DEBUG off, plain http on loopback so that
Chromium keeps the session cookie) and one customer linked to the sandbox's demo account and
indexed (as customers are once their first sync is done: search, filters and Hide included), whose
first 50-release page has ~500 tracks in four formats. Prints, for that page and for the trivial
view: HTML bytes, DOM element count and load time in headless Chromium (Playwright, Debian's
/usr/bin/chromium), median of `--samples` loads on a warm server (navigation start to the load
event, from the Navigation Timing entry). Goal: at most 350 kB of HTML and 6,000 elements.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from bench.index_bench import sync_big
from bench.run import log
from bench.stack import AppServer, SandboxProcess, User
from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS

PAGE = "/locker/?pageSize=50"
TRIVIAL = "/bench/trivial/"
GOAL_BYTES = 350_000
GOAL_ELEMENTS = 6_000
ENV = {
    "LOG_LEVEL": "WARNING",
    "ACCESS_LOG": "0",
    "LOCKER_CACHE_SECONDS": "600",
    "SECURE_SSL_REDIRECT": "0",  # Chromium talks plain http to loopback
    "SECURE_COOKIES": "0",
}


def load_times(browser, app: AppServer, user: User, path: str, samples: int) -> dict:
    """Median and spread of `samples` loads of `path`, each in a fresh tab of one context."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_cookies([{"name": "sessionid", "value": user.sessionid, "url": app.url}])
    times, elements = [], 0
    try:
        for n in range(samples + 2):  # two warm-up loads: caches filled, static files cached
            tab = context.new_page()
            tab.goto(app.url + path, wait_until="load")
            entry = tab.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " return {load: n.loadEventStart, elements: document.getElementsByTagName('*').length}; }"
            )
            tab.close()
            if n >= 2:
                times.append(entry["load"])
                elements = entry["elements"]
    finally:
        context.close()
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "elements": elements}


def measure(app: AppServer, user: User, samples: int) -> dict:
    from playwright.sync_api import sync_playwright

    page = app.get(PAGE, user=user)
    trivial = app.get(TRIVIAL, user=user)
    if page.status != 200 or trivial.status != 200:
        raise RuntimeError(f"page {page.status}, trivial {trivial.status}")
    html = page.body.decode()
    result: dict = {
        "bytes": len(page.body),
        "trivial_bytes": len(trivial.body),
        "releases": html.count('<article class="release'),
        "tracks": len(re.findall(r'<li class="track ', html)),
        # The formats the page offers: its Download buttons' and the release menus' (form="dl-R-F").
        "formats": len(set(re.findall(r'form="dl-\d+-(\d+)"', html))),
    }
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            result["page"] = load_times(browser, app, user, PAGE, samples)
            result["trivial"] = load_times(browser, app, user, TRIVIAL, samples)
        finally:
            browser.close()
    return result


def report(r: dict, samples: int) -> str:
    page, trivial = r["page"], r["trivial"]
    met = lambda ok: "met" if ok else "NOT met"  # noqa: E731
    return "\n".join(
        [
            f"Page weight: {PAGE} ({r['releases']} releases, {r['tracks']} tracks, {r['formats']} formats) "
            f"vs the trivial view, headless Chromium, median of {samples} loads:",
            f"   HTML     {r['bytes'] / 1000:8.1f} kB   (trivial {r['trivial_bytes']} bytes; "
            f"goal at most {GOAL_BYTES / 1000:.0f} kB: {met(r['bytes'] <= GOAL_BYTES)})",
            f"   elements {page['elements']:8d}      (trivial {trivial['elements']}; "
            f"goal at most {GOAL_ELEMENTS}: {met(page['elements'] <= GOAL_ELEMENTS)})",
            f"   load     {page['median']:8.1f} ms   (min {page['min']:.1f}, max {page['max']:.1f}); "
            f"trivial {trivial['median']:.1f} ms; page / trivial = {page['median'] / trivial['median']:.1f}x",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--samples", type=int, default=10, help="browser loads of each page")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        sys.exit(f"Chromium not found at {CHROMIUM}: install Debian's chromium package (make browser)")
    workdir = Path(tempfile.mkdtemp(prefix="locker-page-weight-"))
    started = time.monotonic()
    try:
        with SandboxProcess(workdir / "sandbox") as sandbox:
            app = AppServer(sandbox, workdir, workers=2, settings_module="bench.settings", env=ENV)
            log("page weight: migrate, collectstatic, one customer linked to demo@sandbox.test")
            user = app.prepare(users=1, account="demo@sandbox.test", prefix="weight")[0]
            sync_big(app, user)  # bench.index_sync: the whole locker into the index, as the worker would
            app.start()
            try:
                log(f"page weight: {args.samples} browser loads of the page and of the trivial view")
                result = measure(app, user, args.samples)
            finally:
                app.stop()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    print(report(result, args.samples))
    print(f"\n(total {time.monotonic() - started:.0f} s; command: make bench)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
