"""Command line: `python -m sandbox serve|reset|faults|tokens` (see README.md)."""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import signal
import sys
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from .app import SandboxApp
from .faults import MODES, TOKEN_FORMATS
from .server import make_server
from .store import Store

DEFAULT_URL = "http://127.0.0.1:8001"


def default_db() -> Path:
    return Path(os.environ.get("SANDBOX_DB") or Path(__file__).parent / "var" / "sandbox.sqlite3")


def _is_any_address(host: str) -> bool:
    try:
        return ipaddress.ip_address(host or "0.0.0.0").is_unspecified  # noqa: S104
    except ValueError:
        return False


def serve(args: argparse.Namespace) -> int:
    store = Store(args.db)
    if args.auto_approve and store.account_by_email(args.auto_approve) is None:
        sys.exit(f"--auto-approve: no sandbox account {args.auto_approve!r}")
    try:
        server = make_server(args.host, args.port, args.verbose)
    except OSError as error:
        sys.exit(f"Cannot listen on {args.host}:{args.port}: {error.strerror}")
    public_host = "127.0.0.1" if _is_any_address(args.host) else args.host
    base_url = args.base_url or f"http://{public_host}:{server.server_address[1]}"
    app = SandboxApp(store, base_url, args.auto_approve)
    server.set_app(app)
    print(f"7digital sandbox on {base_url} (database {args.db}); Ctrl-C stops it", flush=True)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))  # stop as cleanly as on Ctrl-C
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        app.stopping.set()
        server.server_close()
        store.close()
    return 0


def reset(args: argparse.Namespace) -> int:
    Store(args.db).reset()
    print(f"Reset {args.db}: demo data, download counts and faults are back to the start.")
    return 0


def tokens(args: argparse.Namespace) -> int:
    pair = Store(args.db).demo_token(args.email)
    if pair is None:
        print(f"No sandbox account {args.email!r}", file=sys.stderr)
        return 1
    print(f"{pair[0]} {pair[1]}")
    return 0


def set_faults(args: argparse.Namespace) -> int:
    changes: dict = {}
    if args.latency_ms is not None:
        changes["latency_ms"] = args.latency_ms
    if args.mode is not None:
        changes["mode"] = args.mode
    if args.paths is not None:
        changes["paths"] = [p.strip() for p in args.paths.split(",") if p.strip()]
    if args.token_format is not None:
        changes["token_format"] = args.token_format
    for name in ("trickle_ms", "redirect_to", "huge_bytes"):
        if getattr(args, name) is not None:
            changes[name] = getattr(args, name)
    if args.auto_approve is not None:
        changes["auto_approve"] = None if args.auto_approve.lower() == "none" else args.auto_approve
    if not args.url.startswith(("http://", "https://")):
        print(f"--url must be an http(s) URL, not {args.url!r}", file=sys.stderr)
        return 2
    data = json.dumps(changes).encode() if changes else None  # nothing to change: just show
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        f"{args.url.rstrip('/')}/_sandbox/faults",
        data=data,
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            print(response.read().decode(), end="")
    except urllib.error.HTTPError as error:
        print(f"{error.code}: {error.read().decode()}", file=sys.stderr)
        return 1
    except urllib.error.URLError as error:
        print(f"Cannot reach the sandbox at {args.url}: {error.reason}", file=sys.stderr)
        return 1
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    db: dict[str, Any] = {
        "type": Path,
        "default": default_db(),
        "help": "SQLite file (env SANDBOX_DB)",
    }

    p = commands.add_parser("serve", help="run the sandbox server")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8001)
    p.add_argument("--db", **db)
    p.add_argument(
        "--base-url", help="public URL for media/artwork links (default http://HOST:PORT)"
    )
    p.add_argument("--auto-approve", metavar="EMAIL", help="authorise every request as EMAIL")
    p.add_argument("--verbose", action="store_true", help="log every request")
    p.set_defaults(run=serve)

    p = commands.add_parser("reset", help="re-seed the demo data (counts, tokens, faults)")
    p.add_argument("--db", **db)
    p.set_defaults(run=reset)

    p = commands.add_parser("faults", help="show or change a running sandbox's fault config")
    p.add_argument("--url", default=os.environ.get("SANDBOX_URL", DEFAULT_URL))
    p.add_argument("--latency-ms", type=int)
    p.add_argument("--mode", choices=MODES)
    p.add_argument("--paths", metavar="PREFIX,...", help="path prefixes ('' for all paths)")
    p.add_argument("--token-format", choices=TOKEN_FORMATS)
    p.add_argument("--auto-approve", metavar="EMAIL", help="an account email, or 'none'")
    p.add_argument("--trickle-ms", type=int, help="mode trickle: milliseconds per body byte")
    p.add_argument("--redirect-to", metavar="URL", help="mode redirect: the Location")
    p.add_argument("--huge-bytes", type=int, help="mode huge: the padded answer's size")
    p.set_defaults(run=set_faults)

    p = commands.add_parser("tokens", help="print an account's demo access token and secret")
    p.add_argument("email")
    p.add_argument("--db", **db)
    p.set_defaults(run=tokens)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
