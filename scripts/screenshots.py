"""Screenshots of every page at 1280 and 390 px, light and dark, into docs/screenshots/.

    make run PORT=8400 SANDBOX_PORT=8401          # in one terminal (the demo customer is seeded)
    .venv/bin/python scripts/screenshots.py --base-url http://127.0.0.1:8400

Run it from the project directory with the same environment as the server (DATABASE_URL): it
makes sure two more accounts exist beside the demo customer, a support agent (staff, in the
Support group) and a customer with no 7digital account linked, then signs each in once and
captures docs/screenshots/<page>-<width>-<light|dark>.png in Debian's Chromium. "linking-cancelled"
is the real round trip: Link, then Deny on the sandbox's authorise page. Long pages are cut at
--max-height px. The PNGs are recompressed losslessly with optipng when it is installed.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
WIDTHS = (1280, 390)
SCHEMES = ("light", "dark")
DEMO = ("demo@example.com", "locker-demo")
SUPPORT = ("support@example.com", "locker-support")
NEWCOMER = ("new@example.com", "locker-new")
TIME_ZONE = "Europe/Berlin"


@dataclass(frozen=True)
class Shot:
    name: str
    account: tuple[str, str] | None  # who is signed in (None: nobody)
    path: str = ""  # a URL path, or "" when `steps` gets there
    steps: str = ""  # the name of a function below that drives the page there


def accounts() -> dict[str, int]:
    """The support agent and the not-linked customer (idempotent); the demo customer's id."""
    sys.path.insert(0, str(BASE_DIR))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lockersite.settings")
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.models import Group, User

    def ensure(email: str, password: str, **fields) -> User:
        user = User.objects.filter(email=email).first() or User(username=email.split("@")[0], email=email)
        for name, value in fields.items():
            setattr(user, name, value)
        user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    agent = ensure(*SUPPORT, is_staff=True)
    agent.groups.add(Group.objects.get(name="Support"))
    ensure(*NEWCOMER)
    demo = User.objects.get(email=DEMO[0])
    from locker.models import AccountSettings

    # Times in a zone other than the server's, as a customer in Berlin sees them.
    AccountSettings.objects.update_or_create(user=demo, defaults={"time_zone": TIME_ZONE})
    from locker.library.models import IndexedRelease

    artist = (
        IndexedRelease.objects.filter(user=demo)
        .exclude(artist_name="")
        .values_list("artist_name", flat=True)
        .first()
    )
    from locker.models import DownloadEvent

    return {
        "demo": demo.pk,
        "search": (artist or "love").split()[0],
        "downloads": DownloadEvent.objects.filter(user=demo).count(),
    }


def shots(ids: dict) -> list[Shot]:
    return [
        Shot("home", None, "/"),
        Shot("sign-in", None, "/accounts/login/"),
        Shot("sign-up", None, "/accounts/signup/"),
        Shot("locker", DEMO, "/locker/"),
        Shot("search", DEMO, f"/locker/?q={ids['search']}"),
        Shot("artists", DEMO, "/locker/artists/"),
        Shot("history", DEMO, "/locker/history/"),
        Shot("account", DEMO, "/locker/account/"),
        Shot("not-linked", NEWCOMER, "/locker/"),
        Shot("linking-cancelled", NEWCOMER, steps="deny_linking"),
        Shot("support-users", SUPPORT, "/admin/auth/user/"),
        Shot("support-locker", SUPPORT, f"/admin/auth/user/{ids['demo']}/locker/"),
        Shot("support-audit", SUPPORT, "/admin/support/auditentry/"),
        Shot("widget-embed", DEMO, "/widget/"),
        Shot("widget", DEMO, steps="widget_frame"),
    ]


def download_some(browser, base_url: str, state: dict, count: int = 3) -> None:
    """A few real downloads (the sandbox counts them), so the history page has rows to show."""
    context = browser.new_context(storage_state=state, accept_downloads=True)
    page = context.new_page()
    page.goto(f"{base_url}/locker/")
    buttons = page.get_by_role("button", name=re.compile(r"^Download (?!all)"))
    for index in range(count):
        with page.expect_response(lambda r: "/locker/download/" in r.url):
            buttons.nth(index * 4).click()
        page.wait_for_timeout(500)
    context.close()


def deny_linking(page, base_url: str) -> None:
    page.goto(f"{base_url}/locker/")
    page.get_by_role("button", name="Link your 7digital account").first.click()
    page.get_by_role("button", name="Deny").click()
    page.wait_for_url(f"{base_url}/**")


def widget_frame(page, base_url: str) -> None:
    """The widget alone at the page's width: the embed page's preview URL (its token is single-use,
    so the embed page is fetched, not shown), opened at the top level."""
    embed = page.request.get(f"{base_url}/widget/").text()
    src = html.unescape(re.search(r'<iframe[^>]*\ssrc="([^"]+)"', embed).group(1))
    page.goto(src if src.startswith("http") else f"{base_url}{src}")
    page.locator("article").first.wait_for()


def sign_in(browser, base_url: str, account: tuple[str, str]) -> dict:
    """The signed-in session (cookies), taken once per account: sign-in limits never trip."""
    context = browser.new_context(timezone_id=TIME_ZONE)
    page = context.new_page()
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").first.fill(account[0])
    page.get_by_label("Password").first.fill(account[1])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    state = context.storage_state()
    context.close()
    return state


def capture(
    browser,
    base_url: str,
    shot: Shot,
    state: dict | None,
    width: int,
    scheme: str,
    out: Path,
    max_height: int,
) -> Path:
    context = browser.new_context(
        viewport={"width": width, "height": 900 if width > 600 else 844},
        color_scheme=scheme,
        storage_state=state,
        timezone_id=TIME_ZONE,
        is_mobile=width < 600,
        has_touch=width < 600,
    )
    page = context.new_page()
    try:
        if shot.steps:
            globals()[shot.steps](page, base_url)
        else:
            page.goto(f"{base_url}{shot.path}")
        page.wait_for_load_state("networkidle")
        path = out / f"{shot.name}-{width}-{scheme}.png"
        height = min(page.evaluate("document.documentElement.scrollHeight"), max_height)
        page.screenshot(
            path=str(path), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height}
        )
        return path
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--out", type=Path, default=BASE_DIR / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", help="page names (default: all)")
    parser.add_argument("--max-height", type=int, default=2400)
    args = parser.parse_args()
    base_url = args.base_url.rstrip("/")
    from playwright.sync_api import sync_playwright

    ids = accounts()
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # the ORM above is done; Playwright's loop runs now
    wanted = [s for s in shots(ids) if not args.only or s.name in args.only]
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        sessions = {a: sign_in(browser, base_url, a) for a in {s.account for s in wanted} if a}
        if DEMO in sessions and not ids["downloads"]:
            download_some(browser, base_url, sessions[DEMO])
        for shot in wanted:
            for width in WIDTHS:
                for scheme in SCHEMES:
                    state = sessions.get(shot.account) if shot.account else None
                    written.append(
                        capture(browser, base_url, shot, state, width, scheme, args.out, args.max_height)
                    )
                    print(
                        written[-1].relative_to(BASE_DIR)
                        if written[-1].is_relative_to(BASE_DIR)
                        else written[-1]
                    )
        browser.close()
    if shutil.which("optipng"):
        subprocess.run(["optipng", "-quiet", "-o2", "-strip", "all", *map(str, written)], check=True)
    else:
        print("optipng not found: the PNGs are left as Chromium wrote them", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
